"""The timeline kind: numbered event dots on a time axis."""

from __future__ import annotations

from pmgen.charts.axes import marker_lines, top_labels, window_rects, x_axis
from pmgen.charts.data import ChartData
from pmgen.charts.formatting import coord
from pmgen.charts.layout import WIDTH, Rows, Scale, fit, free_row
from pmgen.charts.svg import element, path_el, series_class, text_el
from pmgen.charts.table import MAX_TABLE_ROWS


def draw_timeline(data: ChartData) -> list[str]:
    """Events as numbered dots on a time axis, with markers and windows drawn as elsewhere."""
    top, axis = 26.0, 112.0
    xs = Scale(data.low, data.high, 16.0, WIDTH - 16.0)
    out = [*window_rects(data, xs, top, axis), path_el(f"M16 {coord(axis)}H{WIDTH - 16}", "axis")]
    out += x_axis(data, xs, axis)
    if data.chart.x_label:
        out.append(text_el(fit(data.chart.x_label, WIDTH - 32), WIDTH / 2, 156, "middle"))
    out += marker_lines(data, xs, top, axis) + top_labels(data, xs, top, axis, rows=2)
    dots, numbers = [f'<g class="{series_class(0)}">'], []
    taken: Rows = [[], [], []]
    for number, position in enumerate(data.positions, start=1):
        x, half = xs(position), len(str(number)) * 3.5
        if number > MAX_TABLE_ROWS:
            # Numbers name rows of the table, which stops there; placing thousands of them
            # was quadratic (each looks at every number placed before it).
            dots.append(element("circle", cx=x, cy=axis, r=4))
            continue
        centre, row = x, free_row(taken, x - half, x + half, 2, -1)
        if row < 0:  # every row is taken here: the number moves right of the row ending first
            ends = [max(b for _, b in spans) for spans in taken]
            row = ends.index(min(ends))
            centre = min(ends[row] + 2 + half, xs.end - half)
            taken[row].append((centre - half, centre + half))
        y = axis - 10 - 14 * row
        if row or centre != x:  # a stem from the dot to its number
            stem = f"M{coord(x)} {coord(axis - 4)}L{coord(centre)} {coord(y + 3)}"
            numbers.append(path_el(stem, stroke_opacity="0.5"))
        dots.append(element("circle", cx=x, cy=axis, r=4))
        numbers.append(text_el(str(number), centre, y, "middle", "halo"))
    return [*out, *dots, "</g>", *numbers]
