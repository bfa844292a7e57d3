"""The x axis and the overlays on it: windows, markers and their labels."""

from __future__ import annotations

import math

from pmgen.charts.data import ChartData, local_time, markers_in_range, windows_in_range
from pmgen.charts.formatting import coord
from pmgen.charts.layout import Rows, Scale, fit, free_row, text_width
from pmgen.charts.svg import element, path_el, text_el
from pmgen.charts.ticks import time_step, time_tick_label, zone_ticks


def x_axis(data: ChartData, xs: Scale, bottom: float) -> list[str]:
    """Tick marks and labels under the axis: round times, or (some of) the categories."""
    ticks: list[tuple[float, tuple[str, ...]]] = []
    if data.timed:
        step = time_step(data.high - data.low, 8)
        crosses = local_time(data.low, data).date() != local_time(data.high, data).date()
        for moment in zone_ticks(data.low, data.high, data.zone, step):
            midnight = moment.hour == moment.minute == 0
            days = data.high - data.low > 86400 or (crosses and midnight)
            ticks.append((moment.timestamp(), time_tick_label(moment, step, days, data.lang)))
    else:
        names = [fit(str(x), 120) for x in data.chart.x]
        every = math.ceil((max(text_width(n) for n in names) + 8) / (xs(1.0) - xs(0.0)))
        ticks = [(float(i), (names[i],)) for i in range(0, len(names), max(1, every))]
    out, edge = [], -math.inf
    for position, lines in ticks:
        x, width = xs(position), max(text_width(line) for line in lines)
        centre = min(max(x, width / 2 + 2), data.frame.width - width / 2 - 2)
        if centre - width / 2 < edge + 6:
            continue  # it would overlap the previous label
        edge = centre + width / 2
        out.append(path_el(f"M{coord(x)} {coord(bottom)}v4"))
        out += [
            # 19 below the axis: clear of the lowest y label, which sits on the axis line.
            text_el(line, centre, bottom + 19 + 14 * i, "middle")
            for i, line in enumerate(lines)
        ]
    return out


def window_rects(data: ChartData, xs: Scale, top: float, bottom: float) -> list[str]:
    """A low-opacity shaded rect per window."""
    look = {"y": top, "height": bottom - top, "fill_opacity": "0.14"}
    spans = [(xs(a), xs(b)) for _, (a, b) in windows_in_range(data)]
    return [element("rect", class_="window", x=a, width=b - a, **look) for a, b in spans]


def marker_lines(data: ChartData, xs: Scale, top: float, bottom: float) -> list[str]:
    """A vertical line per marker inside the x range."""
    return [
        path_el(f"M{coord(xs(p))} {coord(top)}V{coord(bottom)}", "marker", stroke_width=1.5)
        for _, p in markers_in_range(data)
    ]


def top_labels(data: ChartData, xs: Scale, top: float, bottom: float, rows: int = 0) -> list[str]:
    """Window then marker labels at the plot's top, kept inside it, stacked to avoid overlap."""
    items = [(xs(a), w.label, "window-label", False) for w, (a, _) in windows_in_range(data)]
    items += [(xs(p), m.label, "marker", True) for m, p in markers_in_range(data)]
    left, right = xs.start, xs.end
    rows = rows or max(1, int((bottom - top - 16) // 14))
    taken: Rows = [[] for _ in range(rows)]
    out = []
    for anchor, label, css, beside in (item for item in items if item[1].strip()):
        text = fit(label, right - left - 8)
        width = text_width(text)
        x = anchor + 4
        if beside and x + width > right - 2:  # a marker label goes left of its line
            x = anchor - 4 - width
        x = min(max(x, left + 2), right - 2 - width)
        row = free_row(taken, x, x + width, 6, -1)
        if row < 0:  # every row is taken there: slide right of a row's last label, if it fits
            ends = [max(b for _, b in spans) + 6 for spans in taken]
            row = next((r for r, end in enumerate(ends) if end + width <= right - 2), -1)
            x, row = (ends[row], row) if row >= 0 else (x, len(out) % rows)
            taken[row].append((x, x + width))
        out.append(text_el(text, x, top + 12 + 14 * row, css=f"{css} halo"))
    return out
