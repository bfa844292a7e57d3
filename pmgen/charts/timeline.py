"""The timeline kind, across: numbered event dots on a time axis whose quiet gaps are cut.

From the top: milestone and window labels, then the event numbers in as many rows as they
need, each joined to its dot by a leader line, then the axis (broken where hours without
events were left out) with its ticks; the first tick of each day carries the date. Every dot
has a `<title>` (its number, time and text), shown as a tooltip.
"""

from __future__ import annotations

from pmgen.charts.breaks import TimeAxis, time_axis
from pmgen.charts.data import ChartData, markers_in_range, windows_in_range
from pmgen.charts.formatting import coord
from pmgen.charts.layout import FONT, fit, text_width
from pmgen.charts.placement import place_rows
from pmgen.charts.svg import element, path_el, series_class, text_el
from pmgen.charts.timemarks import (
    axis_instants,
    axis_line,
    dot_title,
    event_numbers,
    tick_marks,
    zone_label,
)

ROW = 16.0  # the height of a label row
EDGE = 16.0  # room on each side of the axis


def draw_timeline(data: ChartData) -> tuple[list[str], float]:
    """The timeline's elements under the title, and the height they need."""
    width = data.frame.width
    axis = time_axis(axis_instants(data), EDGE, width - EDGE)
    flags = _flags(data, axis)
    top = 26.0 + ROW * (1 + max((row for row, _, _, _ in flags), default=-1))
    numbers = event_numbers(data)
    sizes = [text_width(text) + 4 for text in numbers]
    anchors = [axis(p) for p in data.positions]
    placed = place_rows(anchors, sizes, 4.0, width - 4.0, 3.0)
    rows = 1 + max((p.row for p in placed), default=0)
    y_axis = top + 10 + ROW * rows + 8
    out = [*_windows(data, axis, top - 12, y_axis), *axis_line(data, axis, y_axis)]
    out += tick_marks(data, axis, y_axis, width)
    out += _flag_marks(flags, y_axis)
    out.append(f'<g class="{series_class(0)}">')
    for index, x in enumerate(anchors):
        out.append(
            f'<circle cx="{coord(x)}" cy="{coord(y_axis)}" r="4"><title>'
            f"{dot_title(data, index, numbers[index])}</title></circle>"
        )
    out.append("</g>")
    for index, spot in enumerate(placed):
        x, y = anchors[index], y_axis - 12 - ROW * spot.row
        if spot.row or abs(spot.centre - x) > 1:
            leader = f"M{coord(x)} {coord(y_axis - 5)}L{coord(spot.centre)} {coord(y + 3)}"
            out.append(path_el(leader, stroke_opacity="0.45"))
        out.append(text_el(numbers[index], spot.centre, y, "middle", "halo"))
    out.append(text_el(fit(zone_label(data), width - 16), width - 8, y_axis + 52, "end"))
    return out, y_axis + 60


def _flags(data: ChartData, axis: TimeAxis) -> list[tuple[int, float, float, tuple[str, str]]]:
    """Window and marker labels at the top: (row, label centre, anchor x, (text, css))."""
    items = [(axis(a), w.label, "window-label") for w, (a, _) in windows_in_range(data)]
    items += [(axis(p), m.label, "marker") for m, p in markers_in_range(data)]
    items = [item for item in items if item[1].strip()]
    width = data.frame.width
    texts = [fit(label, width / 2) for _, label, _ in items]
    sizes = [text_width(text) + 6 for text in texts]
    ideal = [  # a window's label starts where the window does; a marker's is centred on it
        x + size / 2 + 2 if css == "window-label" else x
        for (x, _, css), size in zip(items, sizes, strict=True)
    ]
    placed = place_rows(ideal, sizes, 4.0, width - 4.0, 6.0)
    return [
        (spot.row, spot.centre, x, (text, css))
        for spot, (x, _, css), text in zip(placed, items, texts, strict=True)
    ]


def _flag_marks(flags: list[tuple[int, float, float, tuple[str, str]]], y_axis: float) -> list[str]:
    """Each label, a leader to its anchor when it moved, and a marker's line to the axis."""
    out = []
    for row, centre, x, (text, css) in flags:
        y = 26.0 + FONT + ROW * row
        if css == "marker":
            line = f"M{coord(x)} {coord(y + 4)}V{coord(y_axis)}"
            out.append(path_el(line, "marker", stroke_width=1.5))
            if abs(centre - x) > 1:
                hook = f"M{coord(centre)} {coord(y + 3)}L{coord(x)} {coord(y + 4)}"
                out.append(path_el(hook, "marker", stroke_opacity="0.6"))
        out.append(text_el(text, centre, y, "middle", f"{css} halo"))
    return out


def _windows(data: ChartData, axis: TimeAxis, top: float, bottom: float) -> list[str]:
    """A low-opacity shaded rect per window, across any break inside it."""
    look = {"y": top, "height": bottom - top, "fill_opacity": "0.14"}
    spans = [(axis(a), axis(b)) for _, (a, b) in windows_in_range(data)]
    return [element("rect", class_="window", x=a, width=max(b - a, 2.0), **look) for a, b in spans]
