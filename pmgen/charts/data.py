"""A chart made ready to draw: checked, ordered, with its x domain and overlays."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from pmgen.charts.clock import clock_text, day_text, display_zone, epoch_seconds
from pmgen.charts.layout import Frame
from pmgen.charts.model import KINDS, Chart, Marker, Window
from pmgen.charts.words import WORDS


@dataclass(frozen=True, slots=True)
class ChartData:
    """A chart made ready to draw: order, x positions, cleaned values, x domain, zone, words."""

    chart: Chart
    lang: str
    zone: dt.tzinfo
    timed: bool
    order: tuple[int, ...]  # indices of x (or events) in drawing order
    positions: tuple[float, ...]  # epoch seconds (time) or category index, per order
    values: tuple[tuple[float | None, ...], ...]  # per series, per order
    low: float  # x domain
    high: float
    slot: float  # the x distance one bar group may fill
    frame: Frame = field(default_factory=Frame)  # the viewBox drawn in

    @property
    def words(self) -> dict[str, str]:
        """The chart's words in its language."""
        return WORDS[self.lang]

    @property
    def empty(self) -> bool:
        """Nothing to draw: no x, no events or only gaps."""
        if self.chart.kind == "timeline":
            return not self.positions
        return all(v is None for values in self.values for v in values)


def prepare(chart: Chart, lang: str, frame: Frame | None = None) -> ChartData:
    """Check the chart and put its x values in drawing order with their positions."""
    if chart.kind not in KINDS:
        raise ValueError(f"chart kind must be one of {', '.join(KINDS)}, not {chart.kind!r}")
    frame = frame or Frame()
    zone = display_zone(chart.timezone)
    language = "fr" if lang.lower().startswith("fr") else "en"
    if chart.kind == "timeline":
        stamps = [epoch_seconds(t, zone) for t, _ in chart.events]
        order = tuple(sorted(range(len(stamps)), key=stamps.__getitem__))
        positions = tuple(stamps[i] for i in order)
        low, high = _timeline_domain(chart, positions, zone)
        return ChartData(chart, language, zone, True, order, positions, (), low, high, 0.0, frame)
    timed = all(isinstance(x, dt.datetime) for x in chart.x) and bool(chart.x)
    if not timed and not all(isinstance(x, str) for x in chart.x):
        raise ValueError("x values must be all datetimes or all strings")
    for series in chart.series:
        if len(series.values) != len(chart.x):
            raise ValueError(
                f"series {series.name!r} has {len(series.values)} values for {len(chart.x)} x"
            )
    if timed:
        stamps = [epoch_seconds(t, zone) for t in chart.x if isinstance(t, dt.datetime)]
        order = tuple(sorted(range(len(stamps)), key=stamps.__getitem__))
        positions = tuple(stamps[i] for i in order)
    else:
        order = tuple(range(len(chart.x)))
        positions = tuple(float(i) for i in order)
    values = tuple(tuple(_finite(s.values[i]) for i in order) for s in chart.series)
    low, high, slot = _x_domain(chart.kind, positions, timed)
    return ChartData(chart, language, zone, timed, order, positions, values, low, high, slot, frame)


def _finite(value: float | None) -> float | None:
    """The value as a float, or None for a gap (None, NaN, infinity)."""
    return float(value) if value is not None and math.isfinite(value) else None


def _x_domain(kind: str, positions: Sequence[float], timed: bool) -> tuple[float, float, float]:
    """The x domain and bar slot: categories fill bands, bars get half a slot at each end."""
    if not positions:
        return 0.0, 1.0, 1.0
    if not timed:
        return -0.5, len(positions) - 0.5, 1.0
    gaps = [b - a for a, b in pairwise(positions) if b > a]
    slot = min(gaps) if gaps else 3600.0
    low, high = positions[0], positions[-1]
    if kind == "bar":
        return low - slot / 2, high + slot / 2, slot
    if low == high:  # a single time: half an hour on each side
        return low - 1800, high + 1800, slot
    return low, high, slot


def _timeline_domain(
    chart: Chart, positions: Sequence[float], zone: dt.tzinfo
) -> tuple[float, float]:
    """Events, x values, markers and windows, with 3 % room at each end."""
    moments = [*chart.x, *(m.at for m in chart.markers)]
    moments += [t for w in chart.windows for t in (w.start, w.end)]
    stamps = [*positions, *(epoch_seconds(t, zone) for t in moments if isinstance(t, dt.datetime))]
    if not positions:
        return 0.0, 1.0
    low, high = min(stamps), max(stamps)
    pad = (high - low) * 0.03 or 1800.0
    return low - pad, high + pad


def local_time(stamp: float, data: ChartData) -> dt.datetime:
    """Epoch seconds as a datetime in the display zone."""
    return dt.datetime.fromtimestamp(stamp, data.zone)


def moment_text(stamp: float, data: ChartData, reference: float) -> str:
    """A time as its clock, with the day when it is not the reference's day."""
    moment, base = local_time(stamp, data), local_time(reference, data)
    clock = clock_text(moment, data.lang, seconds=True)
    return clock if moment.date() == base.date() else f"{day_text(moment, data.lang)} {clock}"


def position_of(data: ChartData, at: dt.datetime | str) -> float | None:
    """An x value's position: epoch seconds on time axes, index on category axes."""
    if data.timed:
        return epoch_seconds(at, data.zone) if isinstance(at, dt.datetime) else None
    if isinstance(at, str) and at in data.chart.x:
        return float(data.chart.x.index(at))
    return None


def markers_in_range(data: ChartData) -> list[tuple[Marker, float]]:
    """The markers inside the x range, with their position."""
    found = [(m, position_of(data, m.at)) for m in data.chart.markers]
    return [(m, p) for m, p in found if p is not None and data.low <= p <= data.high]


def windows_in_range(data: ChartData) -> list[tuple[Window, tuple[float, float]]]:
    """The windows overlapping the x range, with their span clipped to it."""
    found = []
    for window in data.chart.windows:
        start, end = position_of(data, window.start), position_of(data, window.end)
        if start is None or end is None:
            continue
        start, end = min(start, end), max(start, end)
        if not data.timed:  # whole bands
            start, end = start - 0.5, end + 0.5
        if end >= data.low and start <= data.high:
            found.append((window, (max(start, data.low), min(end, data.high))))
    return found
