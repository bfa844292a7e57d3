"""Line, area and bar charts: legend, y grid, series and overlays."""

from __future__ import annotations

from collections.abc import Sequence

from pmgen.charts.axes import marker_lines, top_labels, window_rects, x_axis
from pmgen.charts.data import ChartData
from pmgen.charts.formatting import coord, tick_texts
from pmgen.charts.layout import Scale, fit, text_width
from pmgen.charts.svg import attributes, dash, element, path_el, series_class, text_el
from pmgen.charts.ticks import nice_ticks


def draw_plot(data: ChartData) -> list[str]:
    """A line, area or bar chart: legend, unit, y grid, windows, series, x axis, markers."""
    chart, width, height = data.chart, data.frame.width, data.frame.height
    out, y = _legend(data)
    if chart.unit:
        y += 18
        out.append(text_el(fit(chart.unit, width - 16), 8, y))
    ticks = _y_ticks(data)
    labels = tick_texts(ticks, data.lang)
    left = max(40.0, max(text_width(t) for t in labels) + 14)
    bottom = height - (56.0 if data.timed or chart.x_label else 40.0)
    top, right = y + 12.0, width - 16.0
    xs, ys = Scale(data.low, data.high, left, right), Scale(ticks[0], ticks[-1], bottom, top)
    grid = "".join(f"M{coord(left)} {coord(ys(t))}H{coord(right)}" for t in ticks)
    out.append(path_el(grid, "grid", stroke_opacity="0.15"))
    out += [
        text_el(text, left - 6, ys(t) + 4, "end") for t, text in zip(ticks, labels, strict=True)
    ]
    out += window_rects(data, xs, top, bottom)
    if ticks[0] < 0 < ticks[-1]:
        out.append(
            path_el(f"M{coord(left)} {coord(ys(0))}H{coord(right)}", "zero", stroke_opacity="0.7")
        )
    for index in range(len(data.values)):
        out += _bars(data, index, xs, ys) if chart.kind == "bar" else _line(data, index, xs, ys)
    out.append(path_el(f"M{coord(left)} {coord(bottom)}H{coord(right)}", "axis"))
    out += x_axis(data, xs, bottom)
    if chart.x_label:
        label = fit(chart.x_label, right - left)
        out.append(text_el(label, (left + right) / 2, height - 8, "middle"))
    return out + marker_lines(data, xs, top, bottom) + top_labels(data, xs, top, bottom)


def _y_ticks(data: ChartData) -> tuple[float, ...]:
    """Round y ticks over the values (whole ones for counts); bars, areas, near lines from 0."""
    values = [v for vs in data.values for v in vs if v is not None]
    low, high = min(values), max(values)
    if data.chart.kind != "line" or low == high or 0 < low <= high / 2 or low / 2 <= high < 0:
        low, high = min(low, 0.0), max(high, 0.0)
    whole = all(v.is_integer() for v in values)
    for count in (5, 4, 3, 2):
        ticks = nice_ticks(low, high, count)
        if not whole or all(t.is_integer() for t in ticks):
            break
    return ticks


def _legend(data: ChartData) -> tuple[list[str], float]:
    """A swatch and name per series when there are 2 or more; returns the last row's y."""
    out: list[str] = []
    x, y = 8.0, 16.0
    if len(data.values) < 2:
        return out, y
    y += 18
    for index, series in enumerate(data.chart.series):
        name = fit(series.name, 200)
        width = 26 + text_width(name) + 18
        if x + width > data.frame.width - 8 and x > 8:
            x, y = 8.0, y + 18
        out += [_swatch(data, index, x, y), text_el(name, x + 26, y)]
        x += width
    return out, y


def _swatch(data: ChartData, index: int, x: float, y: float) -> str:
    """A legend sample: a short line (a small bar for bar charts) styled like the series."""
    css = series_class(index)
    if data.chart.kind != "bar":
        return path_el(f"M{coord(x)} {coord(y - 4)}h20", css, stroke_width=2, **dash(index))
    rect = element("rect", x=x, y=y - 10, width=20, height=10)
    return f'<g class="{css}"{attributes(_bar_look(index))}>{rect}</g>'


def _bar_look(index: int) -> dict[str, str | float]:
    """How a series' bars are painted: translucent fill, outline with the series' dashes."""
    return {"fill_opacity": "0.45", "stroke": "currentColor", "stroke_width": 1.5, **dash(index)}


def _line(data: ChartData, index: int, xs: Scale, ys: Scale) -> list[str]:
    """One series as a path broken at gaps, a dot for each lone point, an area fill if asked."""
    runs: list[list[tuple[float, float]]] = [[]]
    for position, value in zip(data.positions, data.values[index], strict=True):
        if value is not None:
            runs[-1].append((xs(position), ys(value)))
        elif runs[-1]:
            runs.append([])
    lines = [run for run in runs if len(run) > 1]
    out = [f'<g class="{series_class(index)}">']
    if data.chart.kind == "area" and lines:
        base = coord(ys(min(max(0.0, ys.low), ys.high)))
        fill = "".join(
            f"M{coord(r[0][0])} {base}L{_points(r)}L{coord(r[-1][0])} {base}Z" for r in lines
        )
        out.append(element("path", d=fill, fill_opacity="0.15"))
    if lines:
        path = "".join(f"M{_points(r[:1])}L{_points(r[1:])}" for r in lines)
        out.append(path_el(path, stroke_width=2, stroke_linejoin="round", **dash(index)))
    out += [element("circle", cx=r[0][0], cy=r[0][1], r=3.5) for r in runs if len(r) == 1]
    return [*out, "</g>"]


def _points(points: Sequence[tuple[float, float]]) -> str:
    """`x y x y …` for a path."""
    return " ".join(f"{coord(x)} {coord(y)}" for x, y in points)


def _bars(data: ChartData, index: int, xs: Scale, ys: Scale) -> list[str]:
    """One series as bars from zero, side by side with the other series at each x."""
    group = min(abs(xs(data.slot) - xs(0.0)) * 0.8, 120.0)
    width = group / len(data.values)
    zero = ys(min(max(0.0, ys.low), ys.high))
    out = [f'<g class="{series_class(index)}"{attributes(_bar_look(index))}>']
    for position, value in zip(data.positions, data.values[index], strict=True):
        if value is not None:
            x, y = xs(position) - group / 2 + index * width, ys(value)
            out.append(element("rect", x=x, y=min(y, zero), width=width, height=abs(zero - y)))
    return [*out, "</g>"]
