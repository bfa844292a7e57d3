"""Read the timeline: entries, their day and zone, and crossing midnight.

Day context: a day heading or day line sets the day of the entries below it; a day written on
an entry is that entry's and becomes the context, unless a sentence states the day of the whole
timeline (`all events happened on 2019-10-21`). Entries before the first day the text states
take it, counting back a day each time the times go back (a status page dates only its last
update). A region that states no day at all uses the postmortem's date.

Crossing midnight: within one day, a time earlier than the previous one moves to the next day
when the entry says so (`le lendemain`, `next day`, `J+1`) or when it is at least 12 hours
earlier (23:50 then 00:10); a smaller step back stays on the same day (PM304 reports it).
A time written without AM/PM in a timeline that uses them is read in the afternoon when the
morning would go back in time (`1:00 PM`, then `4:00`).

Zones: an entry's own zone; else a statement of the region (`All times in UTC`, a day
heading's `(CEST)`, a table's `Time (UTC)` column); else, when nothing declares the zone, the
zone written on the region's first timed entry; else the postmortem's zone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pmgen.model import TimelineEvent
from pmgen.read.blocks import Block, ancestors, wrapped
from pmgen.read.calendar import find_days, leading_day, parse_day, resolve
from pmgen.read.clock import find_clocks
from pmgen.read.placing import (
    ROLL_OVER_GAP,
    Entry,
    State,
    TimelineContext,
    add_entry,
    back_fill,
    to_event,
)
from pmgen.read.regions import Region
from pmgen.read.stamps import read_stamp
from pmgen.read.zones import zone_named, zone_statement

__all__ = [
    "ROLL_OVER_GAP",
    "ParsedTime",
    "TimelineContext",
    "parse_day",
    "parse_time",
    "read_timeline",
]

_WHOLE_DAY = re.compile(
    r"(?:all|every|toutes?|tous)\b[^.]{0,40}?\b(?:events?|entries|times?|happened|"
    r"événements|evenements|heures?)\b[^.]{0,30}?\b(?:on|le|du)\s",
    re.IGNORECASE,
)
# In running text, a time that dates the writing, not the incident.
_PUBLISHED = re.compile(
    r"\b(?:publi[ée]e?|posted|published|written|r[ée]dig[ée]e?|en date du|last modified|"
    r"derni[èe]re mise à jour|updated on|mis à jour le)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ParsedTime:
    """The stamp a line opens with, as data: time, day and zone written with it, the rest."""

    hour: int
    minute: int
    second: int
    day: dt.date | None
    zone: dt.tzinfo | None
    approximate: bool
    rest: str


def parse_time(text: str, reference: dt.date | None = None, lang: str = "fr") -> ParsedTime | None:
    """The time a line opens with (`16:00`, `**9 h 21**`, `2:54 PM PST`, `~15h05`,
    `2021-09-22 16:00`, `À partir de 13:17`), else None."""
    stamp = read_stamp(text, reference, lang)
    clock = stamp.clock
    if clock is None or not stamp.led:
        return None
    zone = None if clock.zone in (None, "local") else zone_named(clock.zone)
    day = resolve(stamp.day, reference, reference) if stamp.day else None
    return ParsedTime(
        clock.hour, clock.minute, clock.second, day, zone, clock.approximate, stamp.rest
    )


@dataclass(frozen=True, slots=True)
class TimelineReading:
    """The events, the stamps that name no moment, and what the text says about days."""

    events: tuple[TimelineEvent, ...]
    malformed: tuple[tuple[int, str], ...] = ()
    stated_days: tuple[dt.date, ...] = ()  # every day the timeline writes (sorted)
    first_day: dt.date | None = None  # the first day of the first timed entry, when stated
    inherited: bool = False  # some timed entry's day is the postmortem's date, not written


def read_timeline(
    blocks: Sequence[Block], regions: Sequence[Region], context: TimelineContext
) -> TimelineReading:
    """The events of every timeline region, in document order."""
    entries: list[Entry] = []
    malformed: list[tuple[int, str]] = []
    whole: list[dt.date] = []  # days stated for a whole region
    enclosing = ancestors(blocks, [region.start for region in regions])
    for region in regions:
        heads = [blocks[i] for i in enclosing[region.start]]
        entries.extend(_read_region(blocks, region, context, malformed, whole, heads))
    events = tuple(to_event(entry, context) for entry in entries)
    stated = sorted({e.day for e in entries if e.stated and e.day is not None})
    timed = [e for e in entries if e.stamp and e.stamp.clock]
    first = timed[0].day if timed and timed[0].stated else None
    first = whole[0] if whole else first
    inherited = any(not e.stated for e in timed)
    return TimelineReading(events, tuple(malformed), tuple(stated), first, inherited)


def _read_region(
    blocks: Sequence[Block],
    region: Region,
    context: TimelineContext,
    malformed: list[tuple[int, str]],
    whole: list[dt.date],
    heads: Sequence[Block],
) -> list[Entry]:
    part = blocks[region.start : region.end]
    state = _start_state(blocks, region, context, heads)
    if state.whole_day and state.day is not None:
        whole.append(state.day)
    state.led_convention = region.origin != "text" and _led_lines(part, context) >= 2
    skip_below: int | None = None  # a non-event sub-heading's level: its content is skipped
    timed_parents: set[int] = set()
    for offset, block in enumerate(part):
        index = region.start + offset
        if block.quoted and region.origin != "section":
            continue
        if block.kind == "heading":
            skip_below = _heading(block, part, offset, state, context, skip_below, region)
            continue
        if block.kind == "header":
            zone = zone_statement(block.text)
            if zone and zone != "local":
                state.zone, state.zone_declared = zone, True
            continue
        if block.kind == "more" or (block.parent is not None and block.parent in timed_parents):
            continue
        made = [
            (block.lines[position], entry)
            for position in range(_candidate_count(block))
            if (
                entry := _line(
                    position, block, state, context, skip_below is not None, region, malformed
                )
            )
        ]
        if (
            len(made) == 1
            and made[0][1].stamp
            and _only_stamps(made[0][1].stamp.rest)
            and len(block.lines) == 1
        ):
            following = part[offset + 1] if offset + 1 < len(part) else None
            if following is not None and following.kind == "paragraph":
                made[0][1].text = following.text  # `== Update 16:18 ==`: the text is below
        if block.kind == "item" and len(made) == 1 and made[0][0] is block.lines[0]:
            entry = made[0][1]
            if entry.stamp is not None:  # the item's other lines continue its text
                entry.text = " ".join([entry.text, *(line.text for line in block.lines[1:])])
        if block.kind == "item" and any(e.stamp and e.stamp.clock for _, e in made):
            timed_parents.add(index)
    back_fill(state.entries)
    return state.entries


def _start_state(
    blocks: Sequence[Block], region: Region, context: TimelineContext, heads: Sequence[Block]
) -> State:
    """The day and zone a region starts with: its heading's (or an enclosing one's, `heads`
    nearest first), and the statements written in it (`All times in UTC.`, `all events
    happened on 2019-10-21`)."""
    day, stated, zone, declared = context.day, False, context.zone, context.zone_declared
    zone_found = False
    for block in heads:
        found = leading_day(block.text, context.reference, context.lang)
        resolved = resolve(found, None, context.reference) if found else None
        if resolved is not None and not stated:
            day, stated = resolved, True
        statement = zone_statement(block.text)
        if statement and statement != "local" and not zone_found:
            zone, declared, zone_found = statement, True, True
    state = State(day, stated, zone, declared)
    for block in blocks[region.start : region.end]:
        if block.kind == "paragraph" and not _timed(block, context):
            statement = zone_statement(block.text)
            if statement and statement != "local":
                state.zone, state.zone_declared = statement, True
            whole = _whole_day(block.text, context)
            if whole is not None:
                state.day, state.stated, state.whole_day = whole, True, True
    return state


def _timed(block: Block, context: TimelineContext) -> bool:
    return any(context.stamp(line.text).clock for line in block.lines)


def _whole_day(text: str, context: TimelineContext) -> dt.date | None:
    """The day of a sentence stating the day of every entry (`all events happened on …`)."""
    match = _WHOLE_DAY.search(text[:400])
    if match is None:
        return None
    days = find_days(text[match.end() : match.end() + 80], context.reference, context.lang)
    return resolve(days[0], None, context.reference) if days and days[0].start < 4 else None


def _led_lines(part: Sequence[Block], context: TimelineContext) -> int:
    count = 0
    for block in part:
        for line in block.lines[:1] if block.kind != "paragraph" else block.lines:
            stamp = context.stamp(line.text)
            count += bool(stamp.clock and stamp.led)
    return count


def _heading(
    block: Block,
    part: Sequence[Block],
    offset: int,
    state: State,
    context: TimelineContext,
    skip_below: int | None,
    region: Region,
) -> int | None:
    """A heading inside a region: a day, a timed entry, or a sub-section that is no event."""
    if skip_below is not None and block.depth <= skip_below:
        skip_below = None
    statement = zone_statement(block.text)
    if statement and statement != "local":
        state.zone, state.zone_declared = statement, True
    stamp = context.stamp(block.text)
    if stamp.clock is not None and stamp.led:
        text = stamp.rest or _next_text(part, offset)
        add_entry(state, context, block.lines[0], stamp, text)
        return None
    ordinal = _DAY_ORDINAL.match(block.text)
    # `### Jour 1 — 2023-03-01`: the date after the ordinal is the day.
    written = block.text[ordinal.end() :] if ordinal else block.text
    found = leading_day(written, context.reference, context.lang)
    day = resolve(found, state.day, context.reference) if found is not None else None
    if ordinal is not None:
        number = int(ordinal["number"])
        try:
            if day is not None:
                state.first_day = day - dt.timedelta(days=number - 1)
            elif state.day is not None and 1 <= number <= 31:
                # `### Day 2`: counted from `Day 1`, or from the day in force at the first one.
                state.first_day = state.first_day or state.day
                day = state.first_day + dt.timedelta(days=number - 1)
        except OverflowError:  # `Day 2` after 9999-12-31: no such day
            day = None
    if day is not None:
        if not state.whole_day:
            state.day, state.stated = day, True
        return None
    if found is not None or ordinal is not None:
        return None
    if region.origin == "section" and not statement:
        return block.depth if skip_below is None else min(skip_below, block.depth)
    return skip_below


# `Day 2`, `Jour 2`, `J2`, `Day 2:` at the start of a heading (then, perhaps, its date).
_DAY_ORDINAL = re.compile(r"\W{0,3}(?:day|jour|j)\s?(?P<number>\d{1,2})\b\W*", re.I)


def _next_text(part: Sequence[Block], offset: int) -> str:
    """The text of the block after a stamp that stands alone (`== Update 16:18 ==`)."""
    following = part[offset + 1] if offset + 1 < len(part) else None
    return following.text if following is not None and following.kind != "heading" else ""


def _only_stamps(text: str) -> bool:
    """True when a stamp's rest holds nothing but other stamps (`| 15 avril 2025 22h29
    (heure du Pacifique)`): the entry's words are in the paragraph below."""
    if not text:
        return True
    if len(text) > 120 or not text[0].isdigit():  # a stamp opens with a number
        return False
    kept = list(text)
    for start, end in [(d.start, d.end) for d in find_days(text)] + [
        (c.start, c.end) for c in find_clocks(text)
    ]:
        kept[start:end] = [" "] * (end - start)
    return not "".join(kept).strip(" \t*_`~:.,;()[]|=>-–—")


def _candidate_count(block: Block) -> int:
    """How many of a block's lines may each be an entry: every line of a paragraph or item
    (an item's later lines only when they open with their own time), a row's one line."""
    return len(block.lines) if block.kind in ("paragraph", "item") else min(1, len(block.lines))


def _line(
    position: int,
    block: Block,
    state: State,
    context: TimelineContext,
    skipping: bool,
    region: Region,
    malformed: list[tuple[int, str]],
) -> Entry | None:
    """Read one line: a timed entry, a day line, an untimed entry, or nothing."""
    line = block.lines[position]
    stamp = context.stamp(line.text)
    first = position == 0
    bad = stamp.malformed if region.origin == "section" and not skipping else None
    if bad is not None:
        malformed.append((line.line, bad))
        stamp = replace(stamp, clock=None)  # a broken stamp: its time has no day to stand on
    clock = stamp.clock
    if clock is not None and not (block.kind == "paragraph" and wrapped(block, position)):
        if region.origin == "text":
            accepted = (stamp.led or clock.introduced) and not clock.range_start
            accepted = accepted and not _PUBLISHED.search(line.text[: clock.start])
        elif state.led_convention or skipping or (block.kind == "item" and not first):
            accepted = stamp.led
        else:
            accepted = True
        if accepted:
            return add_entry(
                state, context, line, stamp, stamp.rest or line.text, region.origin == "text"
            )
    if not first or skipping or region.origin == "text":
        return None
    if stamp.day is not None and stamp.led and clock is None:
        day = resolve(stamp.day, state.day, context.reference)
        if day is not None and not state.whole_day:
            state.day, state.stated = day, True
        if len(stamp.rest.split()) <= 2:
            return None  # a day line, not an event
    if block.kind in ("item", "row") and block.text and region.origin == "section":
        entry = Entry(line.line, block.text, None)
        state.entries.append(entry)
        return entry
    return None
