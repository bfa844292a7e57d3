"""What both timeline layouts write: event numbers, dot titles, the zone, ticks on a cut axis."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pmgen.charts.breaks import Segment, TimeAxis
from pmgen.charts.clock import clock_text, day_text, zone_text
from pmgen.charts.data import ChartData, local_time, markers_in_range, moment_text
from pmgen.charts.formatting import coord, one_line, xml_text
from pmgen.charts.layout import text_width
from pmgen.charts.svg import path_el, text_el
from pmgen.charts.ticks import time_step, time_tick_label, zone_ticks

TICK_ROOM = 64.0  # pixels per tick label, at most one label that often
GAP = 8.0  # between two tick labels


def axis_instants(data: ChartData) -> list[float]:
    """Every instant the axis must show: events, markers and window ends."""
    found = [*data.positions, *(p for _, p in markers_in_range(data))]
    for window in data.chart.windows:
        for end in (window.start, window.end):
            if not isinstance(end, str):
                found.append(
                    end.timestamp() if end.tzinfo else end.replace(tzinfo=data.zone).timestamp()
                )
    return found


def event_numbers(data: ChartData) -> list[str]:
    """The number of each event in drawing (time) order: 1, 2, 3…"""
    return [str(index) for index in range(1, len(data.positions) + 1)]


def dot_title(data: ChartData, index: int, number: str) -> str:
    """A dot's tooltip, escaped: `7 · 16 h 00 — Le site ne répond plus`."""
    when = moment_text(data.positions[index], data, data.positions[0])
    text = one_line(data.chart.events[data.order[index]][1])
    return xml_text(f"{number} · {when} — {text}" if text else f"{number} · {when}")


def zone_label(data: ChartData) -> str:
    """`heures Europe/Paris (UTC+2)`: the zone every time of the chart is shown in."""
    name = data.chart.timezone if isinstance(data.zone, ZoneInfo) else "UTC"
    first = local_time(data.positions[0] if data.positions else data.low, data)
    return data.words["zone"].format(zone_text(name, first))


def segment_ticks(data: ChartData, segment: Segment) -> tuple[list[float], tuple[str, int, int]]:
    """Round instants inside a segment (its first instant when none), and the step used."""
    step = ("minute", 1, 60)
    if segment.high > segment.low:
        per_pixel = (segment.high - segment.low) / max(
            1.0, segment(segment.high) - segment(segment.low)
        )
        low = segment.low - (segment(segment.low) - segment.start) * per_pixel
        high = segment.high + (segment.end - segment(segment.high)) * per_pixel
        step = time_step(high - low, max(1, int((segment.end - segment.start) // TICK_ROOM)))
        stamps = [m.timestamp() for m in zone_ticks(low, high, data.zone, step)]
        day = local_time(segment.low, data).date()
        if stamps and local_time(stamps[0], data).date() == day:
            return stamps, step
        if stamps:  # the segment's first day has no round tick: its first instant stands in
            return [segment.low, *stamps], step
    return [segment.low], step


def tick_marks(data: ChartData, axis: TimeAxis, y: float, width: float) -> list[str]:
    """Tick marks on the axis and the labels that fit, each kept inside its segment: first the
    first tick of each day (with the date under its clock), then each segment's first tick,
    then the others, each where it does not touch a label already kept."""
    candidates = []  # (x, stamp, step, segment, first of its segment)
    for segment in axis.segments:
        stamps, step = segment_ticks(data, segment)
        candidates += [(segment(t), t, step, segment, n == 0) for n, t in enumerate(stamps)]
    candidates.sort(key=lambda c: (c[0], c[1]))
    days = [local_time(c[1], data).date() for c in candidates]
    labels = [_label(data, c[1], c[2]) for c in candidates]
    sizes = [max(text_width(line) for line in lines) for lines in labels]
    centres = [_centre(c[0], size, c[3], width) for c, size in zip(candidates, sizes, strict=True)]
    tiers = [
        0 if i == 0 or days[i] != days[i - 1] else 1 if c[4] else 2
        for i, c in enumerate(candidates)
    ]
    kept: list[int] = []
    for tier in (0, 1, 2):
        for i in (i for i in range(len(candidates)) if tiers[i] == tier):
            room = [abs(centres[i] - centres[k]) - (sizes[i] + sizes[k]) / 2 for k in kept]
            if all(gap >= GAP for gap in room):
                kept.append(i)
    marks = "".join(f"M{coord(c[0])} {coord(y)}v4" for c in candidates)
    out = [path_el(marks)] if marks else []
    shown_day = None
    for i in sorted(kept):
        lines = labels[i][:1] if len(labels[i]) == 2 and days[i] == shown_day else labels[i]
        shown_day = days[i]
        out += [
            text_el(line, centres[i], y + 16 + 14 * n, "middle") for n, line in enumerate(lines)
        ]
    return out


def _centre(x: float, size: float, segment: Segment, width: float) -> float:
    """A label's centre under its tick, moved to stay inside its segment and the chart."""
    if segment.end - segment.start + 8 >= size:
        x = min(max(x, segment.start - 4 + size / 2), segment.end + 4 - size / 2)
    return min(max(x, size / 2 + 2), width - size / 2 - 2)


def _label(data: ChartData, stamp: float, step: tuple[str, int, int]) -> tuple[str, ...]:
    """A tick's lines: the clock and the date, or the date alone for day steps and longer."""
    moment = local_time(stamp, data)
    if step[0] in ("day", "month", "year"):
        return time_tick_label(moment, step, False, data.lang)
    return clock_text(moment, data.lang), day_text(moment, data.lang)


def axis_line(data: ChartData, axis: TimeAxis, y: float) -> list[str]:
    """The axis, one stroke per segment, and a `//` with a tooltip where quiet hours were cut."""
    d = "".join(f"M{coord(s.start)} {coord(y)}H{coord(s.end)}" for s in axis.segments)
    out = [path_el(d, "axis")]
    for left, right, seconds in axis.breaks:
        marks = "".join(
            f"M{coord(x - 3)} {coord(y + 6)}L{coord(x + 3)} {coord(y - 6)}"
            for x in (left + 3, right - 3)
        )
        title = xml_text(data.words["quiet"].format(duration_text(seconds, data.lang)))
        out.append(f'<g class="break"><title>{title}</title>{path_el(marks, stroke_width=1.5)}</g>')
    return out


def duration_text(seconds: float, lang: str) -> str:
    """`14 h`, `3 j 2 h` / `3 d 2 h`: the length of a cut, to the hour."""
    hours = round(seconds / 3600)
    days, hours = divmod(hours, 24)
    unit = "j" if lang == "fr" else "d"
    text = (f"{days}\u00a0{unit}" if days else "") + (f" {hours}\u00a0h" if hours else "")
    return text.strip() or "1\u00a0h"
