"""Days as authors write them, anywhere in a line: `2021-09-22`, `22/09/2021`, `1er octobre
2021`, `Mercredi 22 septembre`, `March 26th, 2019`, `Dec 27`, `[12-05 16:21]`, `jeudi 9`,
`le lendemain`, `today`. A day without a year takes the year that puts it nearest the
reference day (the postmortem's), so `12-05` in a March 2019 postmortem is December 2018.

Every pattern is linear; lines are read up to `MAX_LINE` characters.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from pmgen.read.zones import fold

MAX_LINE = 2000
_MONTH_NAMES = {
    "janvier": 1,
    "janv": 1,
    "january": 1,
    "jan": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "february": 2,
    "feb": 2,
    "mars": 3,
    "march": 3,
    "mar": 3,
    "avril": 4,
    "avr": 4,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "may": 5,
    "juin": 6,
    "june": 6,
    "jun": 6,
    "juillet": 7,
    "juil": 7,
    "july": 7,
    "jul": 7,
    "aout": 8,
    "august": 8,
    "aug": 8,
    "septembre": 9,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "octobre": 10,
    "october": 10,
    "oct": 10,
    "novembre": 11,
    "november": 11,
    "nov": 11,
    "decembre": 12,
    "december": 12,
    "dec": 12,
}
WEEKDAYS = {
    **{d: i for i, d in enumerate(("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"))},
    "dimanche": 6,
    **{
        d: i
        for i, d in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}
_MONTH = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_DIGIT = re.compile(r"\d")
_ANY_MONTH = re.compile(rf"(?<![a-z])(?:{_MONTH})(?![a-z])")
_WEEKDAY = "|".join(WEEKDAYS)
_ORDINAL = r"(?:er|st|nd|rd|th|e|eme)?"
_YEAR = r"(\d{4}|['’]\d{2})"
_ISO = re.compile(r"(?<![\d.])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d])")
_NUMERIC = re.compile(r"(?<![\d/.\-])(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?![\d/.\-])")
_DAY_MONTH = re.compile(
    rf"(?<![\w])(\d{{1,2}}){_ORDINAL}(?:\s+(?:et|and|au|to|-)\s+\d{{1,2}}{_ORDINAL})?"
    rf"[\s-]+(?:of\s+)?({_MONTH})\b\.?(?:,?[\s-]+{_YEAR}(?![\d:]))?"
)
_MONTH_DAY = re.compile(
    rf"(?<![\w])({_MONTH})\b\.?[\s-]+(\d{{1,2}}){_ORDINAL}(?![\d:h])(?:,?[\s-]+{_YEAR}(?![\d:]))?"
)
_MONTH_YEAR = re.compile(rf"(?<![\w])({_MONTH})\b\.?\s+(\d{{4}})(?!\d)")
# `MM-DD HH:MM` stamps and `du 20/09`: short forms read only where they cannot be a ratio.
_STAMP = re.compile(r"(?<![\d\-/])(\d{1,2})([-/])(\d{1,2})(?=\s+\d{1,2}[:h]\d{2})")
_SHORT = re.compile(r"\b(?:du|le|au|on|the)\s+(\d{1,2})/(\d{1,2})(?![\d/])")
_WEEKDAY_DAY = re.compile(
    rf"\b({_WEEKDAY})\b(?:,?\s*(?:(?:le|the)\s+)?(\d{{1,2}}){_ORDINAL}\b"
    rf"(?!\s*(?:of\s+)?(?:{_MONTH})\b))?"
)
_RELATIVE = re.compile(
    r"\b(?:(aujourd'hui|aujourdhui|today|ce matin|this morning|ce soir|tonight|"
    r"cet apres-midi|this afternoon)|(hier|yesterday|la veille|the day before|"
    r"the previous day)|(lendemain|next day|following day|jour suivant|J\+1))\b|\(\+1\)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DayMatch:
    """A day written in a line: where, and what it says.

    `kind` is `date` (a full day, the year written or inferred), `weekday` (a day of the week
    only), `today`, `yesterday`, `next` (relative words) or `month` (a month and year)."""

    start: int
    end: int
    kind: str
    day: dt.date | None = None
    weekday: int | None = None
    year_written: bool = True
    # What a day without a year (or an ambiguous `11/4/2019`) needs to be resolved later
    # against another reference day: its month and day of month, or its two readings.
    month: int = 0
    dom: int = 0
    options: tuple[dt.date, ...] = ()


def nearest_year(month: int, day: int, reference: dt.date | None) -> dt.date | None:
    """The day with the year that puts it nearest the reference (None without one)."""
    if reference is None:
        return None
    best: dt.date | None = None
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if best is None or abs(candidate - reference) < abs(best - reference):
            best = candidate
    return best


def _year(text: str | None, month: int, day: int, reference: dt.date | None) -> dt.date | None:
    if text is None:
        return nearest_year(month, day, reference)
    year = int(text.lstrip("'’"))
    if len(text) == 3:  # `’24`
        year += 2000 if year < 70 else 1900
    try:
        return dt.date(year, month, day)
    except (ValueError, OverflowError):
        return None


def numeric_date(
    first: int, second: int, year: int, reference: dt.date | None, lang: str
) -> dt.date | None:
    """`11/4/2019`: day first or month first, by which one can be a month, else the one
    nearest the reference, else the language's habit (French day first)."""
    options = []
    for day, month in ((first, second), (second, first)):
        try:
            options.append(dt.date(year, month, day))
        except ValueError:
            continue
    if len(options) == 2 and options[0] != options[1]:
        if reference is not None:
            return min(options, key=lambda d: abs(d - reference))
        return options[0] if lang == "fr" else options[1]
    return options[0] if options else None


def find_days(text: str, reference: dt.date | None = None, lang: str = "fr") -> list[DayMatch]:
    """Every day written in a line, in order, overlapping matches dropped (longest first)."""
    line = text[:MAX_LINE]
    folded = fold(line)
    found: list[DayMatch] = []
    if not _DIGIT.search(line):  # no number: only weekdays and relative words can be here
        return _words_only(folded, reference, found)
    separated = "-" in line or "/" in line or "." in line
    for match in _ISO.finditer(line) if separated else ():
        year, _, month, day = match.groups()
        found.append(_full(match, _safe_date(int(year), int(month), int(day))))
    for match in _NUMERIC.finditer(line) if separated else ():
        first, mark, second, year = match.groups()
        # Dashes and dots are day first (European); slashes follow the reference or language.
        habit = "fr" if mark != "/" else lang
        near = reference if mark == "/" else None
        day = numeric_date(int(first), int(second), int(year), near, habit)
        both = _both(int(first), int(second), int(year)) if mark == "/" else ()
        found.append(replace(_full(match, day), options=both))
    named = _ANY_MONTH.search(folded) is not None
    for match in _DAY_MONTH.finditer(folded) if named else ():
        month, dom = _MONTH_NAMES[match[2]], int(match[1])
        day = _year(match[3], month, dom, reference)
        found.append(_yearless(_full(match, day, match[3]), month, dom))
    for match in _MONTH_DAY.finditer(folded) if named else ():
        month, dom = _MONTH_NAMES[match[1]], int(match[2])
        day = _year(match[3], month, dom, reference)
        found.append(_yearless(_full(match, day, match[3]), month, dom))
    for match in _MONTH_YEAR.finditer(folded) if named else ():
        found.append(
            DayMatch(
                match.start(),
                match.end(),
                "month",
                _safe_date(int(match[2]), _MONTH_NAMES[match[1]], 1),
            )
        )
    for match in _STAMP.finditer(line) if separated else ():
        month, dom = _short(int(match[1]), int(match[3]), lang, match[2])
        found.append(_yearless(_full(match, _safe_near(month, dom, reference), None), month, dom))
    for match in _SHORT.finditer(folded) if "/" in folded else ():
        dom, month = int(match[1]), int(match[2])
        found.append(_yearless(_full(match, _safe_near(month, dom, reference), None), month, dom))
    return _words_only(folded, reference, found)


def _words_only(folded: str, reference: dt.date | None, found: list[DayMatch]) -> list[DayMatch]:
    """Add the weekdays and relative words of a (folded) line to `found`, overlaps dropped."""
    for match in _WEEKDAY_DAY.finditer(folded):
        weekday = WEEKDAYS[match[1]]
        dom = int(match[2]) if match[2] else 0
        day = _weekday_day(weekday, dom, reference) if dom else None
        found.append(DayMatch(match.start(), match.end(), "weekday", day, weekday, False, 0, dom))
    for match in _RELATIVE.finditer(folded):
        kind = "today" if match[1] else "yesterday" if match[2] else "next"
        found.append(DayMatch(match.start(), match.end(), kind))
    return _without_overlaps(found)


def _full(match: re.Match[str], day: dt.date | None, year: str | None = "") -> DayMatch:
    return DayMatch(match.start(), match.end(), "date", day, None, year is not None)


def _yearless(match: DayMatch, month: int, dom: int) -> DayMatch:
    """A day written without its year keeps its month and day, to be resolved later."""
    return match if match.year_written else replace(match, month=month, dom=dom)


def _both(first: int, second: int, year: int) -> tuple[dt.date, ...]:
    """The two readings of `11/4/2019` (when both exist and differ)."""
    readings = {d for d in (_safe_date(year, second, first), _safe_date(year, first, second)) if d}
    return tuple(sorted(readings)) if len(readings) == 2 else ()


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _safe_near(month: int, day: int, reference: dt.date | None) -> dt.date | None:
    return nearest_year(month, day, reference) if 1 <= month <= 12 else None


def _short(first: int, second: int, lang: str, mark: str) -> tuple[int, int]:
    """(month, day) of `12-05 16:21`: month first with a dash (as in ISO), day first with a
    slash in French; a part above 12 decides."""
    month_first = ((mark == "-" or lang != "fr") and first <= 12) or second > 12
    return (first, second) if month_first else (second, first)


def _weekday_day(weekday: int, day: int, reference: dt.date | None) -> dt.date | None:
    """`jeudi 9`: the 9th nearest the reference that is a Thursday, else the nearest 9th."""
    if reference is None or not 1 <= day <= 31:
        return None
    candidates = []
    for shift in (-1, 0, 1):
        month = (reference.month - 1 + shift) % 12 + 1
        year = reference.year + (reference.month - 1 + shift) // 12
        if 1 <= year <= 9999 and (found := _safe_date(year, month, day)) is not None:
            candidates.append(found)
    if not candidates:
        return None
    matching = [c for c in candidates if c.weekday() == weekday] or candidates
    return min(matching, key=lambda d: abs(d - reference))


def _without_overlaps(found: list[DayMatch]) -> list[DayMatch]:
    """Overlaps dropped (longest first); a weekday right before a date is part of it."""
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[DayMatch] = []
    for match in found:
        if kept and match.start < kept[-1].end:
            continue
        last = kept[-1] if kept else None
        if (
            last is not None
            and last.kind == "weekday"
            and last.day is None
            and match.kind == "date"
            and match.start - last.end <= 3
        ):
            kept[-1] = replace(match, start=last.start)
            continue
        kept.append(match)
    return kept


def weekday_near(weekday: int, reference: dt.date) -> dt.date | None:
    """The day of that weekday nearest the reference (after it when equally near)."""
    ahead = (weekday - reference.weekday()) % 7
    try:
        return reference + dt.timedelta(days=ahead if ahead <= 3 else ahead - 7)
    except OverflowError:
        return None


def resolve(match: DayMatch, context: dt.date | None, reference: dt.date | None) -> dt.date | None:
    """The day a match names: relative words count from the day in context (the reference
    for `today`), a weekday alone is the nearest such day to the day in context."""
    near = reference or context
    if match.kind == "date" and match.options and near is not None:
        return min(match.options, key=lambda day: abs(day - near))
    if match.kind == "date" and match.month and near is not None:
        return _safe_near(match.month, match.dom, near)
    if match.kind in ("date", "month"):
        return match.day
    if match.kind == "weekday":
        if match.dom:
            return _weekday_day(match.weekday or 0, match.dom, near)
        base = context or reference
        return weekday_near(match.weekday or 0, base) if base else None
    if match.kind == "today":
        return reference or context
    base = context or reference
    if base is None:
        return None
    step = 1 if match.kind == "next" else -1
    try:
        return base + dt.timedelta(days=step)
    except OverflowError:
        return None


_ARTICLE = re.compile(r"^(?:le|la|the|on|du)\s+", re.IGNORECASE)


_DECORATION = " \t*_`~:.,;!?()[]#=>|-–—"
_LEADERS = re.compile(
    r"^(?:(?:le|du|the|on|incident|rapport de panne|panne|mise a jour|update|journee|jour|day)"
    r"\b\s*(?:du|de|of|le)?\s*)+",
    re.IGNORECASE,
)


def leading_day(text: str, reference: dt.date | None, lang: str = "fr") -> DayMatch | None:
    """The day a day heading or day line opens with: `### 2025-01-21:`, `#### Mercredi 22
    septembre`, `**October 3rd**`, `03-10-2021 (All times CEST)`, `Incident le 19/10/2021`.

    The day must come first (after a few leading words such as `Incident du`) and no more than
    a few words may follow it."""
    line = text[:200].strip(_DECORATION)
    stripped = _LEADERS.sub("", fold(line))
    offset = len(line) - len(stripped)
    days = find_days(line, reference, lang)
    if not days:
        return None
    first = days[0]
    if first.start > offset + 1 or first.kind in ("yesterday", "next", "month"):
        return None
    rest = re.sub(r"\([^()]*\)", " ", line[first.end :])
    if len(rest.split()) > 6:
        return None
    return first


def parse_day(text: str, reference: dt.date | None, lang: str = "fr") -> dt.date | None:
    """A text that is only a day (`2020-02-20`, `29-09-2021`, `1er octobre 2021`, `Mercredi`),
    decorations aside; a weekday alone is the nearest such day to the reference."""
    line = _ARTICLE.sub("", text.strip(_DECORATION))
    days = find_days(line, reference, lang)
    if len(days) != 1 or days[0].start > 0 or line[days[0].end :].strip(_DECORATION):
        return None
    return resolve(days[0], reference, reference)
