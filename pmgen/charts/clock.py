"""Times in the display zone: the zone, epoch seconds, clock and day texts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pmgen.charts.words import WORDS


def display_zone(name: str) -> dt.tzinfo:
    """The IANA zone, or UTC when the name is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def epoch_seconds(moment: dt.datetime, zone: dt.tzinfo) -> float:
    """Epoch seconds of a datetime; a naive one is read in the display zone."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).timestamp()


def clock_text(moment: dt.datetime, lang: str, seconds: bool = False) -> str:
    """`16 h 00` / `16:00`, with the seconds when asked for and not zero."""
    second = seconds and moment.second
    if lang == "fr":  # no-break spaces: a time is never broken across lines
        text = f"{moment.hour}\u00a0h\u00a0{moment.minute:02d}"
        return text + (f"\u00a0min\u00a0{second:02d}\u00a0s" if second else "")
    return f"{moment.hour:02d}:{moment.minute:02d}" + (f":{second:02d}" if second else "")


def day_text(moment: dt.datetime, lang: str, year: bool = False) -> str:
    """`22/09` / `22 Sep`, with the year when asked for."""
    if lang == "fr":
        return f"{moment.day:02d}/{moment.month:02d}" + (f"/{moment.year}" if year else "")
    month = WORDS["en"]["months"].split()[moment.month - 1]
    return f"{moment.day}\u00a0{month}" + (f"\u00a0{moment.year}" if year else "")


def zone_text(name: str, moment: dt.datetime) -> str:
    """`Europe/Paris (UTC+2)`, `UTC`: the zone a chart's times are in, with its offset then."""
    offset = moment.utcoffset() or dt.timedelta()
    minutes = round(offset.total_seconds() / 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    shift = f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "") if minutes else "UTC"
    return shift if name.upper() in ("UTC", "Z", "GMT", "ETC/UTC") else f"{name} ({shift})"
