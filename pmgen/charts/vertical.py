"""The timeline kind, down: for phones, time runs down a spine and each event gets a row.

A row holds the time, the event's number and the start of its text; milestones and the
window's start are rows too, and each day opens with a row naming it. Rows keep their order
and sit as near their instant on the spine as the others allow (leader lines join them); the
spine is cut where hours passed without events, as across.
"""

from __future__ import annotations

from dataclasses import dataclass

from pmgen.charts.breaks import TimeAxis, time_axis
from pmgen.charts.clock import clock_text, day_text
from pmgen.charts.data import ChartData, local_time, markers_in_range, windows_in_range
from pmgen.charts.formatting import coord, one_line
from pmgen.charts.layout import fit, text_width
from pmgen.charts.placement import spread
from pmgen.charts.svg import element, path_el, series_class, text_el
from pmgen.charts.timemarks import axis_instants, dot_title, event_numbers, zone_label

ROW = 18.0  # the height of a row
TOP = 30.0  # below the title
SPINE = 62.0  # the x of the time spine


@dataclass(frozen=True, slots=True)
class Row:
    """One row: its instant, kind (`day`, `event`, `marker`, `window-label`) and texts."""

    stamp: float
    kind: str
    text: str
    index: int = -1  # the event's index in drawing order


def draw_vertical(data: ChartData) -> tuple[list[str], float]:
    """The timeline's elements under the title, and the height they need."""
    rows = _rows(data)
    length = max(160.0, ROW * len(rows) * 1.3)
    axis = time_axis(axis_instants(data), TOP + ROW, TOP + length)
    anchors = [axis(row.stamp) for row in rows]
    places = spread(anchors, [ROW] * len(rows), TOP, TOP + length + ROW, 0.0)
    out = [*_windows(data, axis), *_spine(axis)]
    numbers = event_numbers(data)
    dots = [f'<g class="{series_class(0)}">']
    width = data.frame.width
    for row, anchor, y in zip(rows, anchors, places, strict=True):
        if row.kind == "day":
            out.append(text_el(row.text, SPINE + 16, y + 4, font_weight="bold"))
            continue
        if abs(y - anchor) > 1:
            leader = f"M{coord(SPINE + 4)} {coord(anchor)}L{coord(SPINE + 12)} {coord(y)}"
            out.append(path_el(leader, stroke_opacity="0.45"))
        clock = clock_text(local_time(row.stamp, data), data.lang)
        out.append(text_el(clock, SPINE - 8, y + 4, "end"))
        if row.kind == "event":
            number = numbers[row.index]
            title = dot_title(data, row.index, number)
            dots.append(
                f'<circle cx="{coord(SPINE)}" cy="{coord(anchor)}" r="4"><title>{title}'
                "</title></circle>"
            )
            x = SPINE + 16
            out.append(text_el(number, x, y + 4, css="halo", font_weight="bold"))
            x += text_width(number) + 6
            out.append(text_el(fit(row.text, width - x - 8), x, y + 4))
        else:
            tick = f"M{coord(SPINE - 6)} {coord(anchor)}H{coord(SPINE + 6)}"
            out.append(path_el(tick, row.kind, stroke_width=2))
            out.append(text_el(fit(row.text, width - SPINE - 24), SPINE + 16, y + 4, css=row.kind))
    bottom = max([TOP + length, *places]) + ROW
    out += [*dots, "</g>"]
    out.append(text_el(fit(zone_label(data), width - 16), 8, bottom + 8))
    return out, bottom + 16


def _rows(data: ChartData) -> list[Row]:
    """Events, milestones and window starts in time order, a day row before each new day."""
    rows = [
        Row(p, "event", one_line(data.chart.events[data.order[i]][1]), i)
        for i, p in enumerate(data.positions)
    ]
    rows += [Row(p, "marker", m.label) for m, p in markers_in_range(data) if m.label.strip()]
    rows += [Row(a, "window-label", w.label) for w, (a, _) in windows_in_range(data)]
    rows.sort(key=lambda row: (row.stamp, row.kind != "window-label", row.index))
    out: list[Row] = []
    for row in rows:
        day = local_time(row.stamp, data).date()
        if not out or local_time(out[-1].stamp, data).date() != day:
            text = day_text(local_time(row.stamp, data), data.lang, year=not out)
            out.append(Row(row.stamp, "day", text))
        out.append(row)
    return out


def _windows(data: ChartData, axis: TimeAxis) -> list[str]:
    """A shaded band along the spine per window."""
    out = []
    for _, (a, b) in windows_in_range(data):
        top, bottom = axis(a), axis(b)
        out.append(
            element(
                "rect",
                class_="window",
                x=SPINE - 7,
                y=top,
                width=14,
                height=max(bottom - top, 2.0),
                fill_opacity="0.25",
            )
        )
    return out


def _spine(axis: TimeAxis) -> list[str]:
    """The spine, one stroke per segment, with a `//` where quiet hours were cut out."""
    d = "".join(f"M{coord(SPINE)} {coord(s.start)}V{coord(s.end)}" for s in axis.segments)
    out = [path_el(d, "axis")]
    for left, right, _ in axis.breaks:
        marks = "".join(
            f"M{coord(SPINE - 6)} {coord(y + 3)}L{coord(SPINE + 6)} {coord(y - 3)}"
            for y in (left + 3, right - 3)
        )
        out.append(path_el(marks, "break", stroke_width=1.5))
    return out
