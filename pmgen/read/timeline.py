"""Read the timeline: times as teams write them, day context, zones and roll-over.

Roll-over rule: within one day, a time earlier than the previous one moves to the next day
only when the entry says so (`lendemain`, `next day`, `J+1`…) or when it is at least 12 hours
earlier (23:50 then 00:10); a smaller step back is kept on the same day and reported as out
of order (PM304).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pmgen.model import Section, TimelineEvent
from pmgen.read.markdown import Token, plain_text

ROLL_OVER_GAP = dt.timedelta(hours=12)
_FIXED_ZONES = {
    "Z": 0,
    "UTC": 0,
    "GMT": 0,
    "CET": 1,
    "CEST": 2,
    "BST": 1,
    "EET": 2,
    "EEST": 3,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
}
# Spaces only after an opening parenthesis (the text is stripped before): an optional `(`
# then `\s*` would make every space of a long run a new start (quadratic under `search`).
_PARIS = re.compile(
    r"(?:\(\s*)?(?:heure (?:française|de paris|locale)|french time|paris time)\s*\)?",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"""^(?P<approx>~|≈|env\.|environ|vers|about|around|approx\.?|circa|ca\.)?\s*
    (?:(?P<date>\d{4}-\d{2}-\d{2})[ T]?)?
    (?P<hour>\d{1,2})\s*(?::\s*(?P<minute>\d{2})|[hH]\s*(?P<hminute>\d{2})?)
    (?::(?P<second>\d{2})(?:\.\d+)?)?
    (?:\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)(?![A-Za-z]))?
    (?:\s*(?P<zone>Z|UTC|GMT|CEST|CET|BST|EEST|EET|[ECMP][SD]T|[+-]\d{2}:?\d{2})(?![A-Za-z]))?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_DECORATION = "*_[`( \t"
_SEPARATORS = "*_]`)|:—–-,.> \t"
_NEXT_DAY = re.compile(r"lendemain|jour suivant|next day|following day|J\+1|\(\+1\)", re.I)
_MONTHS = {
    **{
        m: i
        for i, m in enumerate(
            (
                "janvier",
                "février",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "août",
                "septembre",
                "octobre",
                "novembre",
                "décembre",
            ),
            1,
        )
    },
    **{
        m: i
        for i, m in enumerate(
            (
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ),
            1,
        )
    },
    **{
        m: i
        for i, m in enumerate(
            ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
        )
    },
    "fevrier": 2,
    "aout": 8,
    "decembre": 12,
    "sept": 9,
}
_WEEKDAYS = {
    **{
        d: i
        for i, d in enumerate(
            ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
        )
    },
    **{
        d: i
        for i, d in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}
_WEEKDAY_WORDS = "|".join(_WEEKDAYS)
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY_DAY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_WORD_DAY = re.compile(
    rf"^(?:(?:{_WEEKDAY_WORDS}),?\s+)?(?:le\s+)?(\d{{1,2}})(?:er)?\s+([a-zéû.]+)\.?(?:\s+(\d{{4}}))?$",
    re.I,
)
_MONTH_FIRST = re.compile(
    r"^(?:(?:\w+),?\s+)?([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?(?:\s+(\d{4}))?$", re.I
)


@dataclass(frozen=True, slots=True)
class ParsedTime:
    """A time found at the start of an entry, with what it says about day and zone."""

    hour: int
    minute: int
    second: int
    day: dt.date | None
    zone: dt.tzinfo | None
    approximate: bool
    rest: str


def zone_named(name: str) -> dt.tzinfo | None:
    """An IANA zone (`Europe/Paris`) or None when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_time(text: str) -> ParsedTime | None:
    """`16:00`, `16 h 00`, `**9 h 21**`, `[13:26]`, `2:54 PM PST`, `~15h05`, `2021-09-22 16:00`."""
    stripped = text.lstrip(_DECORATION)
    match = _TIME.match(stripped)
    if match is None:
        return None
    hour = int(match["hour"])
    minute = int(match["minute"] or match["hminute"] or 0)
    second = int(match["second"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["ampm"].lower().startswith("p") else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    rest = stripped[match.end() :]
    try:
        zone = _zone(match["zone"]) if match["zone"] else None
        day = dt.date.fromisoformat(match["date"]) if match["date"] else None
    except ValueError:
        return None  # `2021-09-31 16:00` or `16:00 +25:00` name no real moment
    head = rest.lstrip(_SEPARATORS.replace("(", ""))
    paris = _PARIS.match(head)
    if zone is None and paris:
        # `heure locale` is the postmortem's own zone; the other phrases name Paris.
        zone = None if "local" in paris.group().lower() else ZoneInfo("Europe/Paris")
        rest = head[paris.end() :]
    if rest and rest[0].isalnum() and not match["zone"] and not match["ampm"]:
        return None  # `16hello` or `2021-09` are not times followed by text
    return ParsedTime(
        hour, minute, second, day, zone, bool(match["approx"]), rest.lstrip(_SEPARATORS).strip()
    )


def _zone(text: str) -> dt.tzinfo:
    upper = text.upper()
    if upper in _FIXED_ZONES:
        return dt.timezone(
            dt.timedelta(hours=_FIXED_ZONES[upper]), upper if upper != "Z" else "UTC"
        )
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_day(text: str, reference: dt.date | None) -> dt.date | None:
    """A bare date line or heading: `2020-02-20`, `29-09-2021`, `22 septembre 2021`, `Mercredi`."""
    cleaned = text.strip().strip("*_`:").strip().lower().rstrip(".")
    try:
        if match := _ISO_DAY.match(cleaned):
            return dt.date(*(int(g) for g in match.groups()))
        if match := _DMY_DAY.match(cleaned):
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if match := _WORD_DAY.match(cleaned):
            month = _MONTHS.get(match[2].rstrip("."))
            year = int(match[3]) if match[3] else (reference.year if reference else None)
            return dt.date(year, month, int(match[1])) if month and year else None
        if match := _MONTH_FIRST.match(cleaned):
            month = _MONTHS.get(match[1])
            year = int(match[3]) if match[3] else (reference.year if reference else None)
            return dt.date(year, month, int(match[2])) if month and year else None
        if cleaned in _WEEKDAYS and reference is not None:
            # A weekday alone names the first such day on or after the incident's date.
            return reference + dt.timedelta(days=(_WEEKDAYS[cleaned] - reference.weekday()) % 7)
    except (ValueError, OverflowError):
        return None  # no such day, or past 9999-12-31
    return None


def _entries(tokens: Sequence[Token]) -> Iterator[tuple[str, str, str, int]]:
    """(kind, raw Markdown, plain text, body line) for headings, paragraphs, items, table rows."""
    for index, token in enumerate(tokens):
        if token.type == "inline" and token.map is not None and index > 0:
            parent = tokens[index - 1]
            plain = plain_text(token).strip()
            if parent.type == "heading_open":
                yield "heading", token.content, plain, token.map[0]
            elif parent.type == "paragraph_open":
                in_item = index > 1 and tokens[index - 2].type == "list_item_open"
                yield ("item" if in_item else "paragraph"), token.content, plain, token.map[0]
        elif token.type == "tr_open" and token.map is not None:
            cells = []
            position = index + 1
            while position < len(tokens) and tokens[position].type != "tr_close":
                if tokens[position].type == "inline":
                    cells.append(tokens[position])
                position += 1
            if cells and not (index > 1 and tokens[index - 1].type == "thead_open"):
                # Empty cells (a row continuing the time above) are left out of the text.
                raw = " — ".join(c.content.strip() for c in cells if c.content.strip())
                plain = " — ".join(p for p in (plain_text(c).strip() for c in cells) if p)
                yield "row", raw, plain, token.map[0]


def read_timeline(
    tokens: Sequence[Token],
    section: Section | None,
    body_line: int,
    date: dt.date | None,
    zone: dt.tzinfo,
) -> tuple[TimelineEvent, ...]:
    """The events of the timeline section, in document order; untimed entries kept."""
    if section is None:
        return ()
    day = date
    previous: dt.datetime | None = None
    events: list[TimelineEvent] = []
    for kind, text, label, line in _entries(tokens[section.token_start + 3 : section.token_end]):
        parsed = parse_time(text)
        if parsed is None:
            heading_day = parse_day(label, date)
            if heading_day is not None and kind in ("heading", "paragraph", "item"):
                day, previous = heading_day, None
                continue
            if kind in ("item", "row") and label:
                events.append(TimelineEvent(None, False, label, body_line + line))
            continue
        if parsed.day is not None:
            day, previous = parsed.day, None
        moment = _moment(parsed, day, zone)
        if (
            moment is not None
            and previous is not None
            and moment < previous
            and parsed.day is None
            and (_NEXT_DAY.search(text) or previous - moment >= ROLL_OVER_GAP)
            and day is not None
            and day < dt.date.max
        ):
            day = day + dt.timedelta(days=1)
            moment = _moment(parsed, day, zone)
        if moment is not None:
            previous = moment
        events.append(
            TimelineEvent(moment, parsed.approximate, _label(label, parsed.rest), body_line + line)
        )
    return tuple(events)


def _label(plain: str, rest: str) -> str:
    """The entry's text without its leading time (plain text, emphasis marks dropped)."""
    parsed = parse_time(plain)
    return parsed.rest if parsed is not None else rest


def _moment(parsed: ParsedTime, day: dt.date | None, zone: dt.tzinfo) -> dt.datetime | None:
    if day is None:
        return None
    naive = dt.datetime(day.year, day.month, day.day, parsed.hour, parsed.minute, parsed.second)
    return naive.replace(tzinfo=parsed.zone or zone)
