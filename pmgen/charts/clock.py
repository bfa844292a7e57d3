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
    if lang == "fr":
        return f"{moment.hour} h {moment.minute:02d}" + (f" min {second:02d} s" if second else "")
    return f"{moment.hour:02d}:{moment.minute:02d}" + (f":{second:02d}" if second else "")


def day_text(moment: dt.datetime, lang: str, year: bool = False) -> str:
    """`22/09` / `22 Sep`, with the year when asked for."""
    if lang == "fr":
        return f"{moment.day:02d}/{moment.month:02d}" + (f"/{moment.year}" if year else "")
    month = WORDS["en"]["months"].split()[moment.month - 1]
    return f"{moment.day} {month}" + (f" {moment.year}" if year else "")
