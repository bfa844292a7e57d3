"""Place timeline entries in time: the day each one falls on (its own, the context's, the
next one when it crosses midnight), its zone (its own, the region's, the first entry's),
afternoon times written without PM, days back-filled before the first one stated, and the
frozen event with its moment in its own zone (see `read.timeline` for the rules)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from pmgen.model import TimelineEvent
from pmgen.read.blocks import Line
from pmgen.read.calendar import DayMatch, resolve
from pmgen.read.clock import Clock
from pmgen.read.stamps import Stamp, read_stamp
from pmgen.read.zones import zone_named

ROLL_OVER_GAP = dt.timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class TimelineContext:
    """What reading needs: the day entries fall on when the text says none, the day relative
    words count from, the postmortem's zone (and whether it was declared), the language."""

    day: dt.date | None
    reference: dt.date | None
    zone: str
    zone_declared: bool = False
    lang: str = "fr"
    # Each line's stamp, read once per reading (the memo is not part of the value).
    memo: dict[str, Stamp] = field(default_factory=dict, compare=False, repr=False)

    def stamp(self, text: str) -> Stamp:
        """The stamp of a line, read once (days without a year are resolved later, against
        the reference day, by `calendar.resolve`)."""
        found = self.memo.get(text)
        if found is None:
            found = self.memo[text] = read_stamp(text, None, self.lang)
        return found


@dataclass(slots=True)
class Entry:
    """An entry being read (mutable while its region is read, then frozen into an event)."""

    line: int
    text: str
    stamp: Stamp | None
    day: dt.date | None = None
    stated: bool = False  # its day is written in the text (not the postmortem's date)
    zone: str | None = None
    inferred: bool = False
    says_next: bool = False  # `le lendemain`, `next day`: an earlier time is the next day


@dataclass(slots=True)
class State:
    """The running context of one region."""

    day: dt.date | None
    stated: bool
    zone: str
    zone_declared: bool
    whole_day: bool = False
    twelve_hour: bool = False
    led_convention: bool = False
    timed: bool = False  # a timed entry has been read
    first_day: dt.date | None = None  # the day `Day 1`/`Jour 1` headings count from
    last: Entry | None = None  # the last timed entry with a day
    entries: list[Entry] = field(default_factory=list)


def add_entry(
    state: State,
    context: TimelineContext,
    line: Line,
    stamp: Stamp,
    text: str,
    inferred: bool = False,
) -> Entry:
    """Add a timed entry: its day (written, else the context), zone and midnight crossing."""
    clock = stamp.clock
    assert clock is not None
    own = own_day(stamp.day, state, context)
    if own is not None and not state.whole_day:
        state.day, state.stated = own, True
    if clock.twelve_hour:
        state.twelve_hour = True
    zone = zone_of(stamp, state, context)
    state.timed = True
    entry = Entry(
        line.line, text, stamp, own or state.day, own is not None or state.stated, zone, inferred
    )
    entry.says_next = stamp.next_day
    previous = state.last
    if entry.day is not None and previous is not None:
        if own is None and entry.zone != previous.zone and not state.whole_day:
            nearest_after(entry, previous)
            if entry.day is not None and state.day is not None and entry.day > state.day:
                state.day = entry.day  # past midnight now: the entries after it are too
        else:
            after(entry, previous, state, own is not None)
    state.entries.append(entry)
    if entry.day is not None:
        state.last = entry
    return entry


def own_day(found: DayMatch | None, state: State, context: TimelineContext) -> dt.date | None:
    """The day written on an entry, resolved against the day in context."""
    if found is None:
        return None
    return resolve(found, state.day, context.reference)


def zone_of(stamp: Stamp, state: State, context: TimelineContext) -> str:
    """The entry's zone; the first zoned entry names the region's when none is declared."""
    clock = stamp.clock
    assert clock is not None
    if clock.zone == "local":
        return context.zone
    if clock.zone is not None:
        if not state.zone_declared and not state.timed:
            state.zone, state.zone_declared = clock.zone, True  # the first entry's zone
        return clock.zone
    return state.zone


def nearest_after(entry: Entry, previous: Entry) -> None:
    """An entry in another zone than the one before it, its day not written: the day, from the
    eve to the morrow, that puts it soonest after the previous entry (`01:50 CEST`, then
    `20:10 EDT` is the evening before in New York); clock times of two zones do not compare."""
    before = instant(previous)
    clock = entry.stamp.clock if entry.stamp else None
    if before is None or clock is None or entry.day is None:
        return
    best: tuple[dt.timedelta, dt.date] | None = None
    for shift in (-1, 0, 1):
        try:
            day = entry.day + dt.timedelta(days=shift)
        except OverflowError:
            continue
        gap = local_moment(day, clock, entry.zone or "UTC") - before
        if dt.timedelta() <= gap and (best is None or gap < best[0]):
            best = (gap, day)
    if best is not None and best[0] < ROLL_OVER_GAP:
        entry.day = best[1]


def after(entry: Entry, previous: Entry, state: State, own: bool) -> None:
    """An entry written earlier than the one before it on the same day: in the afternoon
    when the timeline uses AM/PM and this time has none, else on the next day when the gap
    is 12 hours or more (and the entry names no day of its own)."""
    moment, before = instant(entry), instant(previous)
    if moment is None or before is None or moment >= before or entry.day != previous.day:
        return
    clock = entry.stamp.clock if entry.stamp else None
    morning = clock is not None and not clock.twelve_hour and 1 <= clock.hour < 12
    if state.twelve_hour and morning and moment + dt.timedelta(hours=12) >= before:
        entry.stamp = shifted(entry.stamp, 12)
        return
    back = before - moment >= ROLL_OVER_GAP or entry.says_next
    if not own and back and entry.day is not None and entry.day < dt.date.max:
        entry.day = entry.day + dt.timedelta(days=1)
        if not state.whole_day:
            state.day = entry.day


def shifted(stamp: Stamp | None, hours: int) -> Stamp | None:
    """The same stamp with its hour moved (the afternoon of a time written without PM)."""
    if stamp is None or stamp.clock is None:
        return stamp
    return replace(stamp, clock=replace(stamp.clock, hour=(stamp.clock.hour + hours) % 24))


def instant(entry: Entry) -> dt.datetime | None:
    """The entry's moment in UTC (None without a day)."""
    if entry.day is None or entry.stamp is None or entry.stamp.clock is None:
        return None
    return local_moment(entry.day, entry.stamp.clock, entry.zone or "UTC").astimezone(dt.UTC)


def local_moment(day: dt.date, clock: Clock, zone_name: str) -> dt.datetime:
    """The day and clock time in the zone; in the hour that repeats when clocks go back, the
    one whose offset the written abbreviation states (`1:10 AM EST` is the second 1:10)."""
    zone = zone_named(zone_name) or dt.UTC
    moment = dt.datetime(
        day.year, day.month, day.day, clock.hour, clock.minute, clock.second, tzinfo=zone
    )
    if clock.offset is not None:
        stated = dt.timedelta(minutes=clock.offset)
        other = moment.replace(fold=1 - moment.fold)
        if moment.utcoffset() != stated and other.utcoffset() == stated:
            return other
    return moment


def back_fill(entries: list[Entry]) -> None:
    """Give the entries before the first known day that day, a day earlier each time the
    times go back (reading backwards)."""
    timed = [e for e in entries if e.stamp and e.stamp.clock]
    first = next((i for i, e in enumerate(timed) if e.day is not None), None)
    if first is None or first == 0:
        return
    day = timed[first].day
    later = timed[first].stamp.clock  # type: ignore[union-attr]
    for entry in reversed(timed[:first]):
        clock = entry.stamp.clock  # type: ignore[union-attr]
        if (clock.hour, clock.minute) > (later.hour, later.minute) and day is not None:
            day = day - dt.timedelta(days=1) if day > dt.date.min else None
        entry.day, entry.stated = day, True
        later = clock


def to_event(entry: Entry, context: TimelineContext) -> TimelineEvent:
    """Freeze an entry into an event: its moment in its own zone."""
    if entry.stamp is None or entry.stamp.clock is None:
        return TimelineEvent(None, False, entry.text, entry.line)
    clock = entry.stamp.clock
    moment = None
    if entry.day is not None:
        moment = local_moment(entry.day, clock, entry.zone or context.zone)
    return TimelineEvent(
        moment,
        clock.approximate,
        entry.text,
        entry.line,
        zone=entry.zone or context.zone,
        inferred=entry.inferred,
    )
