"""The chart model: what a chart holds, as frozen values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

XValue = dt.datetime | str  # aware datetimes for time axes; strings for category axes


@dataclass(frozen=True, slots=True)
class Series:
    """One named line (or set of bars): one value per x value, None for a gap."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class Marker:
    """A labelled vertical line at one x value (a time or a category)."""

    at: dt.datetime | str
    label: str


@dataclass(frozen=True, slots=True)
class Window:
    """A labelled shaded span between two x values."""

    start: dt.datetime | str
    end: dt.datetime | str
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    """Everything drawn in one chart; `events` only for the "timeline" kind."""

    kind: str  # "line" | "area" | "bar" | "timeline"
    title: str
    x: tuple[XValue, ...]
    series: tuple[Series, ...]  # empty for "timeline"
    unit: str = ""
    markers: tuple[Marker, ...] = ()
    windows: tuple[Window, ...] = ()
    events: tuple[tuple[dt.datetime, str], ...] = ()  # only for "timeline": (time, label)
    x_label: str = ""
    timezone: str = "Europe/Paris"  # IANA zone in which time labels are shown (zoneinfo)


KINDS = ("line", "area", "bar", "timeline")
