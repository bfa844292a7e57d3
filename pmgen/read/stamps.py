"""The stamp of one timeline line: its time, the day written with it, its zone, and whether
the line opens with it (`16:00 — …`, `**9 h 21**`, `[03-26 23:04]`, `== Update 16:18 ==`,
`15 December 2024, 03:53 (UTC) – …`, `À partir de 13:17 : …`).

Of several times on a line the first is the entry's (`16:12, 16:17, 16:19 : …`); the end of
a range is never one (`17:45-18:45`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from pmgen.read.calendar import DayMatch, find_days
from pmgen.read.clock import MAX_LINE, Clock, find_clocks
from pmgen.read.zones import fold

# Words that may stand before a line's stamp without making it prose.
_STAMP_WORDS = frozenset(
    [
        "a",
        "à",
        "at",
        "vers",
        "around",
        "about",
        "approx",
        "approx.",
        "approximately",
        "environ",
        "env.",
        "des",
        "dès",
        "from",
        "by",
        "since",
        "depuis",
        "partir",
        "de",
        "du",
        "le",
        "la",
        "l'",
        "on",
        "the",
        "update",
        "updated",
        "mise",
        "jour",
        "maj",
        "edit",
        "edited",
        "~",
        "≈",
        "@",
        "peu",
        "avant",
        "shortly",
        "before",
        "after",
        "jusqu'à",
        "until",
        "till",
        "circa",
        "ca.",
        "roughly",
        "just",
        "et",
        "and,",
        "to",
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "matin",
        "soir",
        "morning",
        "evening",
        "afternoon",
        "apres-midi",
        "t",
    ]
)
_DECORATION = " \t*_`~[](){}|:;,.>=#-–—•·\\"
_REST_LEAD = re.compile(r"^[\s*_`\])}|:;,.>=+\-–—•·\\]*")
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)")
_LIST_GAP = re.compile(r"[\s,&/+\-–]{0,6}(?:et|and)?[\s,&/+\-–]{0,6}")
# A stamp that looks like a date and time but names none: `20202-01-16 12:00`, `25:70`.
_MALFORMED = re.compile(r"^\W{0,4}(\d{3,6}[-/.]\d{1,3}[-/.]\d{1,4}|\d{1,2}[:h]\d{2,3})(?![.\d])")


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a line says about when: its time (None when untimed), the day written beside it,
    whether the line opens with its stamp, the text after it, and the other times on it."""

    clock: Clock | None
    day: DayMatch | None
    led: bool
    rest: str
    others: tuple[Clock, ...] = ()
    next_day: bool = False  # `le lendemain`, `next day`, `J+1` is written on the line
    malformed: str | None = None  # the line opens with a stamp that names no moment


def _is_led(prefix: str, days: list[DayMatch], limit: int) -> bool:
    """True when what stands before the stamp is only days, decoration and stamp words."""
    kept = []
    position = 0
    for day in days:
        if day.start >= limit:
            break
        kept.append(prefix[position : day.start])
        position = day.end
    kept.append(prefix[position:limit])
    words = fold(" ".join(kept)).replace("'", "' ").split()
    cleaned = [w.strip(_DECORATION) for w in words]
    return all(not w or w in _STAMP_WORDS or w.isdigit() for w in cleaned) and len(cleaned) <= 6


def read_stamp(text: str, reference: dt.date | None = None, lang: str = "fr") -> Stamp:
    """Read the stamp of one line (the first acceptable time on it)."""
    line = text[:MAX_LINE]
    clocks = find_clocks(line)
    days = find_days(line, reference, lang)
    chosen: Clock | None = None
    chosen_led = False
    next_day = any(d.kind == "next" for d in days)
    for clock in clocks:
        if clock.range_end:
            continue
        if any(_impossible(d) and 0 <= clock.start - d.end <= 4 for d in days):
            continue  # `2021-09-31 16:00`: the day does not exist, so neither does the moment
        led = _is_led(line, days, clock.start)
        dated = any(0 <= clock.start - d.end <= 4 for d in days if d.kind == "date")
        if dated and not clock.introduced:
            clock = replace(clock, introduced=True)  # `11/4/2019 11:17am`: a date's time
        if clock.bare and not (led or clock.introduced):
            continue
        chosen, chosen_led = clock, led
        break
    if chosen is None:
        day = days[0] if days and _is_led(line, days, days[0].start) else None
        rest = line[day.end :] if day else line
        rest = _REST_LEAD.sub("", rest).strip()
        bad = _malformed(line, days, clocks)
        return Stamp(None, day, day is not None, rest, tuple(clocks), next_day, bad)
    led = chosen_led
    day = _day_of(chosen, days, line)
    end = chosen.end
    if day is not None and day.start >= chosen.end:
        end = max(end, day.end)
    for clock in clocks:  # `16:08, 16:12, 16:16 : …`: the other times of a list go too
        if clock.start >= end and _LIST_GAP.fullmatch(line[end : clock.start]):
            end = clock.end
    for marker in days:  # `9:10 (next day) — …`: the day marker goes with the stamp
        if (
            marker.kind == "next"
            and marker.start >= end
            and not line[end : marker.start].strip(" ([,")
        ):
            end = marker.end + (line[marker.end : marker.end + 1] == ")")
            break
    rest = _REST_LEAD.sub("", line[end:]).strip() if led else line.strip(_DECORATION)
    others = tuple(c for c in clocks if c.start > chosen.start)
    return Stamp(chosen, day, led, rest, others, next_day, _malformed(line, days, clocks))


def _impossible(day: DayMatch) -> bool:
    """A written date that names no day (`2021-09-31`), not one waiting for its year."""
    return day.kind == "date" and day.day is None and not day.month and not day.options


def _day_of(clock: Clock, days: list[DayMatch], line: str) -> DayMatch | None:
    """The day written with a time: the nearest before it, or one right after it (`à 20h00
    le 7 octobre`, `at 12:16 ET on June 16, 2020`, `4:00 ET, June 16`)."""
    before = [d for d in days if d.end <= clock.start]
    after = [d for d in days if d.start >= clock.end and d.start - clock.end <= 8]
    joined = after and line[clock.end : after[0].start].strip(" ,") in ("", "le", "on", "the", "du")
    if joined and (not before or clock.start - before[-1].end > 24):
        return after[0]
    if before and clock.start - before[-1].end <= 40:
        return before[-1]
    if before and not _SENTENCE_END.search(line[before[-1].end : clock.start]):
        return before[-1]  # `On November 5th ’24 our nodes … from around 11:00`
    return None


def malformed_stamp(text: str) -> str | None:
    """The written stamp when a line opens with what looks like a date or time but is none."""
    return read_stamp(text).malformed


def _malformed(line: str, days: list[DayMatch], clocks: list[Clock]) -> str | None:
    """`20202-01-16` or `25:10` opening a line: it looks like a stamp and reads as none."""
    match = _MALFORMED.match(line[:80])
    if match is None:
        return None
    start, end = match.span(1)
    read = [(d.start, d.end) for d in days if not _impossible(d)]
    read += [(c.start, c.end) for c in clocks]
    if any((a <= start and end <= b) or (start <= a < end) for a, b in read):
        return None
    return match.group(1)


def stamp_reader(reference: dt.date | None, lang: str) -> Callable[[str], Stamp]:
    """`read_stamp` for one reading (one reference day, one language), each line read once
    however many passes look at it."""
    cache: dict[str, Stamp] = {}

    def read(text: str) -> Stamp:
        """The stamp of one line, from the cache when it was read before."""
        found = cache.get(text)
        if found is None:
            found = cache[text] = read_stamp(text, reference, lang)
        return found

    return read
