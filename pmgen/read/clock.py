"""Times of day as teams write them, found anywhere in a line: `16:00`, `16h`, `9 h 21`,
`4:30 PM`, `11:17am`, `4 PM`, `~15h05`, `12:00+`, with the zone written after them.

Every pattern is linear: one pass over the line, bounded look-behind and look-ahead windows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import pairwise

from pmgen.read.zones import (
    ABBREVIATION_OFFSETS,
    ABBREVIATIONS,
    ZONE_PHRASE,
    fold,
    read_zone_token,
)

MAX_LINE = 2000  # longer lines are read up to here: a time of an entry is near its start
INVALID = "invalid"  # an offset written after a time that names no zone
_CLOCK = re.compile(
    r"""(?:(?<=\dT)|(?<![\w.:/@#+−,])(?<![A-Za-z]-))
    (?P<hour>\d{1,2})
    (?:
        \s?:\s?(?P<minute>\d{2})(?!\d)(?::(?P<second>\d{2})(?![\d])(?:[.,]\d{1,6})?)?
        (?:\s?(?P<ampm>[aApP]\.?\s?[mM]\.?)(?![A-Za-z]))?
      | \s?[hH](?:\s?(?P<hminute>\d{2})(?!\d))?(?![A-Za-zÀ-ÿ])(?!\s+(?:de|d'|of)\b)
      | \s?(?P<bare_ampm>[aApP]\.?\s?[mM]\.?)(?![A-Za-z])
    )""",
    re.VERBOSE,
)
# Blanks, then marks, then blanks: written `\s*(?:[*_`]+\s*)?`, not `\s*[*_`]*\s*`, whose two
# `\s*` would share a run of blanks in every possible way before `$` fails (quadratic).
_APPROX_BEFORE = re.compile(
    r"(?:~|≈|\\~|\benv\.|\benviron|\bvers|\baround|\babout|\bapprox(?:imately|\.)?|\bcirca|"
    r"\bca\.|\broughly|\bpeu avant|\bshortly (?:before|after)|\baux alentours de|"
    r"\bautour de|\bà peu près|\bjust (?:before|after))\s*(?:[*_`(\[]+\s*)?$",
    re.IGNORECASE,
)
_APPROX_AFTER = re.compile(r"^[*_`\]]*(?:\+(?!\d)|-?ish\b)")
# Words that make a following `2h` or `1h30` a duration, not a time of day.
_DURATION_BEFORE = re.compile(
    r"\b(?:pendant|durant|en|pris|prend|plus de|moins de|au bout de|dans|sous|il y a|"
    r"for|took|takes|lasted|within|over|under|up to|every|toutes les|chaque|per|par)"
    r"\s*(?:environ\s*|about\s*|~\s*)?$",
    re.IGNORECASE,
)
# Words that introduce a time of day: a bare `16h` or `4 PM` counts after them.
_TIME_BEFORE = re.compile(
    r"(?:\b(?:à|a|vers|dès|des|depuis|jusqu'à|jusqu'a|avant|après|apres|de|entre|et|"
    r"at|around|by|from|until|till|about|before|after|since|to|and|partir de|environ|"
    r"approximately|le|on)|[~≈@\[(|])\s*(?:[*_`]+\s*)?$",
    re.IGNORECASE,
)
_OFFSET_AFTER = re.compile(
    r"\s?(?:(?:UTC|GMT)\s?[+\-−]\d{1,2}(?::?\d{2})?|\+\d{2}:?\d{2}|(?P<minus>[-−])(?P<h>\d{2}):?(?P<m>\d{2}))"
    r"(?![\d:])"
)
_ABBREVIATION_AFTER = re.compile(r"\s?\(?\s?([A-Z]{1,5}|[Uu][Tt][Cc])(?![\w/])\)?")
_RANGE_JOIN = re.compile(
    r"^\s*(?:[*_`]+\s*)?(?:-|–|—|to|à|a|et|and|until|till|jusqu'à)\s*(?:[*_`(\[]+\s*)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Clock:
    """A time of day found in a text, with where it is and what is written around it."""

    hour: int
    minute: int
    second: int
    start: int
    end: int  # after the time and the zone written with it
    approximate: bool
    zone: str | None  # a zone name, `local` for the postmortem's own zone, or None
    twelve_hour: bool  # written with AM/PM
    bare: bool  # an hour without minutes (`16h`, `4 PM`)
    introduced: bool  # a time word comes just before it (`à`, `vers`, `at`, `@`, `[`…)
    range_start: bool = False  # the start of a range (`17:45-18:45`, `entre 17h et 18h`)
    range_end: bool = False
    offset: int | None = None  # minutes east of UTC a season's abbreviation (`EST`) states


def find_clocks(text: str) -> list[Clock]:
    """Every time of day in a line, in order; a range's two ends are marked as such."""
    line = text[:MAX_LINE]
    clocks = list(_clocks(line))
    joined = [
        _RANGE_JOIN.match(line[first.end : second.start]) is not None
        for first, second in pairwise(clocks)
    ]
    marked = []
    for index, clock in enumerate(clocks):
        start = index < len(joined) and joined[index]
        end = index > 0 and joined[index - 1]
        marked.append(replace(clock, range_start=start, range_end=end) if start or end else clock)
    return marked


def _clocks(line: str) -> Iterator[Clock]:
    taken = 0  # the end of the last time and its zone: an offset is not another time
    for match in _CLOCK.finditer(line):
        if match.start() < taken:
            continue
        hour = int(match["hour"])
        minute_text = match["minute"] or match["hminute"]
        minute = int(minute_text) if minute_text else 0
        second = int(match["second"] or 0)
        ampm = match["ampm"] or match["bare_ampm"]
        if ampm:
            if not 1 <= hour <= 12:
                continue
            hour = hour % 12 + (12 if ampm.lower().startswith("p") else 0)
        if hour > 23 or minute > 59 or second > 59:
            continue
        before = line[max(0, match.start() - 40) : match.start()]
        bare = minute_text is None
        colon = match["minute"] is not None
        if not colon and _DURATION_BEFORE.search(before):
            continue  # `pendant 2h`, `en 1h30`, `took 4 pm`…
        zone, end, offset = _zone_after(line, match.end())
        taken = end
        if zone == INVALID:
            continue  # `16:00 +25:00`: no such moment
        after = line[end : end + 6]
        approx_after = _APPROX_AFTER.match(after)
        if approx_after is not None and approx_after.group().endswith("ish"):
            end += approx_after.end()  # `2pm-ish`: the suffix belongs to the time, not the text
        yield Clock(
            hour,
            minute,
            second,
            match.start(),
            end,
            bool(_APPROX_BEFORE.search(before) or approx_after),
            zone,
            bool(ampm),
            bare,
            bool(_TIME_BEFORE.search(before)),
            offset=offset,
        )


def _range_like(match: re.Match[str], line: str, end: int) -> bool:
    """`10:00-10:05` is a range; `16:00 -03:00` an offset (a whole or half hour, earlier)."""
    if not match["minus"]:
        return False
    hours, minutes = int(match["h"]), int(match["m"])
    clock = _CLOCK.search(line[max(0, end - 8) : end])
    if clock is None:
        return True
    written = int(clock["hour"]) * 60 + int(clock["minute"] or 0)
    return hours > 12 or minutes not in (0, 30, 45) or hours * 60 + minutes >= written


def _zone_after(line: str, end: int) -> tuple[str | None, int, int | None]:
    """The zone written right after a time (`UTC`, `(CEST)`, `+02:00`, `heure française`),
    where it ends, and the offset a season's abbreviation states."""
    window = line[end : end + 48]
    if (match := _OFFSET_AFTER.match(window)) and not _range_like(match, line, end):
        zone = read_zone_token(match.group().strip())
        return (zone or INVALID), end + match.end(), None
    if match := _ABBREVIATION_AFTER.match(window):
        token = match.group(1).upper()
        if token in ABBREVIATIONS:
            return ABBREVIATIONS[token], end + match.end(), ABBREVIATION_OFFSETS.get(token)
    stripped = window.lstrip(" ,(")
    skipped = len(window) - len(stripped)
    phrase = ZONE_PHRASE.match(fold(stripped))
    if phrase is not None and phrase.group().strip():
        zone = read_zone_token(phrase.group())
        if zone is not None:
            return zone, end + skipped + phrase.end(), None
    return None, end, None
