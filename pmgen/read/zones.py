"""Time zones as authors write them: abbreviations, offsets, place names and zone statements.

An abbreviation names the region's zone (`PST` and `PDT` are both `America/Los_Angeles`):
authors use them loosely across daylight saving, and a span crossing a change stays exact.
A numeric offset (`+02:00`, `UTC-7`) is kept as written.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Abbreviations and short names → IANA zone. CET/CEST name Paris: any Central European
# zone gives the same offsets.
ABBREVIATIONS: dict[str, str] = {
    "UTC": "UTC",
    "GMT": "UTC",
    "UT": "UTC",
    "Z": "UTC",
    "CET": "Europe/Paris",
    "CEST": "Europe/Paris",
    "MEZ": "Europe/Paris",
    "MESZ": "Europe/Paris",
    "WET": "Europe/Lisbon",
    "WEST": "Europe/Lisbon",
    "BST": "Europe/London",
    "EET": "Europe/Helsinki",
    "EEST": "Europe/Helsinki",
    "ET": "America/New_York",
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "CT": "America/Chicago",
    "CDT": "America/Chicago",
    "MT": "America/Denver",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "PT": "America/Los_Angeles",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "AKST": "America/Anchorage",
    "AKDT": "America/Anchorage",
    "HST": "Pacific/Honolulu",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "SGT": "Asia/Singapore",
    "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland",
}
# Zones named in words (accents and case folded before matching).
_PHRASES: tuple[tuple[str, str | None], ...] = (
    (r"heures? (?:francaises?|de paris|de france|d'europe centrale)", "Europe/Paris"),
    (r"(?:french|paris|france|central european(?: summer)?) time", "Europe/Paris"),
    (r"heures? (?:du pacifique|de la cote ouest)", "America/Los_Angeles"),
    (r"pacific(?: standard| daylight)?(?: time)?", "America/Los_Angeles"),
    (r"heures? de l'est|eastern(?: standard| daylight)? time", "America/New_York"),
    (r"central(?: standard| daylight)? time", "America/Chicago"),
    (r"mountain(?: standard| daylight)? time", "America/Denver"),
    (r"heures? de londres|london time|uk time|british(?: summer)? time", "Europe/London"),
    (r"heures? locales?|local time", None),  # the postmortem's own zone
)
_PHRASE = re.compile("|".join(f"(?:{p})" for p, _ in _PHRASES))
# A zone named in words at the start of a (folded) text, up to a word boundary.
ZONE_PHRASE = re.compile("(?:" + "|".join(f"(?:{p})" for p, _ in _PHRASES) + r")(?![\w'])")
_PHRASE_ZONES = [(re.compile(p), zone) for p, zone in _PHRASES]
_IANA = re.compile(r"\b(?:[A-Z][A-Za-z]+/[A-Za-z_]+(?:/[A-Za-z_]+)?|UTC|Etc/UTC)\b")
_OFFSET = re.compile(r"(?:\b(?:UTC|GMT)\s?)?([+\-−])(\d{1,2})(?::?(\d{2}))?(?!\d)")
# In running text a lone `Z` or `UT` is too often something else.
_ABBREVIATION = re.compile(
    r"(?<![\w/])("
    + "|".join(sorted((a for a in ABBREVIATIONS if a not in ("Z", "UT")), key=len, reverse=True))
    + r")(?![\w/])"
)
# A statement about the zone of every time: a time word near a zone.
_TIME_WORDS = re.compile(
    r"\b(?:all\s+)?(?:times?|timestamps?|hours|events|heures?|horaires?|horodatages?|"
    r"date/time|date\s*/\s*heure)\b",
    re.IGNORECASE,
)
_NAMED_OFFSET = re.compile(r"\b(?:UTC|GMT)\s?[+\-−]\d{1,2}(?::?\d{2})?(?!\d)")
# Blanks are stripped afterwards: `\(\s*(…?)\s*\)` retries a long run of blanks from each end.
_PARENTHESISED = re.compile(r"\(([^()]{1,60})\)")


@functools.lru_cache(maxsize=256)
def zone_named(name: str) -> dt.tzinfo | None:
    """An IANA zone (`Europe/Paris`), `UTC`, or a fixed offset written `+02:00`; else None."""
    if name == "UTC":
        return dt.UTC
    if re.fullmatch(r"UTC[+-]\d{2}:\d{2}", name):
        return _fixed(name[3], name[4:6], name[7:9])
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # `Europe` is a folder of zones
        return None


def canonical(name: str) -> str:
    """A zone's name as pmgen writes it (`US/Pacific` → `America/Los_Angeles`)."""
    return _LINKS.get(name, name)


_LINKS = {
    "US/Pacific": "America/Los_Angeles",
    "US/Eastern": "America/New_York",
    "US/Central": "America/Chicago",
    "US/Mountain": "America/Denver",
    "Etc/UTC": "UTC",
    "GMT": "UTC",
}


def _fixed(sign: str, hours: str, minutes: str | None) -> dt.timezone | None:
    value = int(hours) * 60 + int(minutes or 0)
    if value > 18 * 60:
        return None
    delta = dt.timedelta(minutes=-value if sign in "-−" else value)
    return dt.UTC if not value else dt.timezone(delta, offset_name(delta))


def offset_name(delta: dt.timedelta) -> str:
    """`UTC+02:00` for a fixed offset."""
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# What each season's abbreviation says about the offset (minutes east of UTC): in the hour
# that repeats when clocks go back, `1:10 AM EST` and `1:10 AM EDT` are an hour apart.
ABBREVIATION_OFFSETS = {
    "CET": 60, "CEST": 120, "MEZ": 60, "MESZ": 120, "WET": 0, "WEST": 60, "BST": 60,
    "EET": 120, "EEST": 180, "EST": -300, "EDT": -240, "CDT": -300, "MST": -420,
    "MDT": -360, "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "AEST": 600,
    "AEDT": 660, "NZST": 720, "NZDT": 780,
}  # fmt: skip


def read_zone_token(text: str) -> str | None:
    """The zone a short token names: `PST`, `(UTC)`, `+02:00`, `heure française`, `Europe/Paris`.

    Returns a name `zone_named` accepts, `local` for the postmortem's own zone, or None."""
    token = text.strip().strip("()[]").strip()
    if not token:
        return None
    upper = token.upper()
    if upper in ABBREVIATIONS:
        return ABBREVIATIONS[upper]
    folded = fold(token)
    for pattern, zone in _PHRASE_ZONES:
        if pattern.fullmatch(folded):
            return zone or "local"
    offset = _OFFSET.fullmatch(token)
    if offset:
        fixed = _fixed(*offset.groups())
        return None if fixed is None else (fixed.tzname(None) or "UTC")
    if "/" in token and zone_named(token) is not None:
        return canonical(token)
    return None


def fold(text: str) -> str:
    """Lower case without accents (the French and English words compare equal)."""
    return text.lower().translate(_ACCENTS).replace("’", "'")


_ACCENTS = str.maketrans("àâäéèêëîïôöùûüçœ", "aaaeeeeiioouuucœ")


def find_zone(text: str) -> tuple[str, int, int] | None:
    """The first zone named anywhere in a text: (name, start, end), `local` for local time."""
    head = text[:400]
    folded = fold(head)
    found: list[tuple[int, int, str]] = []
    offsets = [m for m in _NAMED_OFFSET.finditer(head)]
    if (match := _PHRASE.search(folded)) is not None:
        zone = read_zone_token(match.group())
        if zone:
            found.append((match.start(), match.end(), zone))
    for pattern in (_ABBREVIATION, _IANA):
        for match in pattern.finditer(head):
            if any(o.start() <= match.start() < o.end() for o in offsets):
                continue  # `UTC+1` is an offset, not UTC
            zone = read_zone_token(match.group())
            if zone:
                found.append((match.start(), match.end(), zone))
                break
    if not found:  # a place or an abbreviation names the zone better than an offset
        for match in offsets:
            zone = read_zone_token(match.group())
            if zone:
                found.append((match.start(), match.end(), zone))
                break
    if not found:
        return None
    start, end, zone = min(found)
    return zone, start, end


def zone_statement(text: str) -> str | None:
    """The zone a short statement gives every time: `All times in UTC.`, `(heure française)`,
    `Times are PST`, `*(All times US/Pacific, 24-hour clock.)*`, a heading's `(CEST)`."""
    if len(text) > 240:
        return None
    found = find_zone(text)
    if found is None:
        return None
    zone, start, _ = found
    if _TIME_WORDS.search(text[:240]) or _alone(text, start):
        return zone
    return None


def _alone(text: str, start: int) -> bool:
    """True when the zone stands in a parenthesis of its own, or is the whole text."""
    stripped = text.strip().strip("*_:.").strip()
    if read_zone_token(stripped) is not None:
        return True
    for match in _PARENTHESISED.finditer(text):
        if match.start() <= start < match.end():
            return read_zone_token(match.group(1).strip().split(",")[0].strip()) is not None
    return False
