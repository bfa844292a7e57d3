"""The generated one-line summary of a chart, used as its SVG <desc>."""

from __future__ import annotations

import datetime as dt

from pmgen.charts.clock import clock_text, day_text, epoch_seconds
from pmgen.charts.data import (
    ChartData,
    local_time,
    markers_in_range,
    moment_text,
    prepare,
    windows_in_range,
)
from pmgen.charts.formatting import format_number, one_line
from pmgen.charts.model import Chart, Window
from pmgen.charts.words import join_words


def describe(chart: Chart, lang: str) -> str:
    """The one-line generated summary used as <desc> (range, peak, markers)."""
    return description(prepare(chart, lang))


def description(data: ChartData) -> str:
    """One line: what, over which x range, the peak (and a negative minimum), markers, windows."""
    chart, words = data.chart, data.words
    head = words[chart.kind]
    if chart.kind == "timeline":
        count = len(data.positions)
        head += words["colon"] + words["events" if count > 1 else "event1"].format(count)
    elif chart.series:
        head += words["colon"] + join_words([s.name for s in chart.series], data.lang)
        head += f" {words['in']} {chart.unit}" if chart.unit else ""
    if data.empty:
        return one_line(f"{head}{words['colon']}{words['no_data'].lower()}.")
    parts = [f"{head}, {_x_range(data)}", *_extremes(data)]
    markers = [f"{m.label} {_at(data, p)}" for m, p in markers_in_range(data)]
    windows = [_window_text(data, w) for w, _ in windows_in_range(data)]
    for key, items in (("marker", markers), ("window", windows)):
        if items:
            parts.append(words[key + "s" * (len(items) > 1)] + words["colon"] + ", ".join(items))
    return one_line(words["sep"].join(parts) + ".")


def _x_range(data: ChartData) -> str:
    """The x range in words: dates and times, or the categories."""
    words, lang = data.words, data.lang
    if not data.timed:
        x = data.chart.x
        return words["categories" if len(x) > 1 else "category1"].format(len(x), x[0], x[-1])
    start, end = local_time(data.positions[0], data), local_time(data.positions[-1], data)
    if start.date() == end.date():
        day = day_text(start, lang, year=True)
        return words["day_range"].format(
            day, clock_text(start, lang, True), clock_text(end, lang, True)
        )
    return words["range"].format(
        f"{day_text(start, lang, True)} {clock_text(start, lang, True)}",
        f"{day_text(end, lang, True)} {clock_text(end, lang, True)}",
    )


def _at(data: ChartData, position: float) -> str:
    """`at 16:05` for a time, `at March` for a category."""
    if data.timed:
        return data.words["at"].format(moment_text(position, data, data.positions[0]))
    return data.words["at_category"].format(data.chart.x[int(position)])


def _extremes(data: ChartData) -> list[str]:
    """The peak, and the minimum when it is negative, with its series (if several) and x."""
    points = [
        (v, i, s) for s, vs in enumerate(data.values) for i, v in enumerate(vs) if v is not None
    ]
    if not points:  # a timeline
        return []
    peak = min(points, key=lambda p: (-p[0], p[1], p[2]))
    lowest = min(points)
    found = []
    for word, (value, index, series) in (("peak", peak), ("minimum", lowest)):
        if word == "peak" or value < 0:
            text = f"{data.words[word]} {format_number(value, data.lang)}"
            text += f" {data.chart.unit}" if data.chart.unit else ""
            text += f" ({data.chart.series[series].name})" if len(data.values) > 1 else ""
            found.append(f"{text} {_at(data, data.positions[index])}")
    return found


def _window_text(data: ChartData, window: Window) -> str:
    """`Impact from 16:00 to 16:26` / `Impact from A to C`."""
    ends = [str(window.start), str(window.end)]
    if data.timed:
        ends = [
            moment_text(epoch_seconds(t, data.zone), data, data.positions[0])
            for t in (window.start, window.end)
            if isinstance(t, dt.datetime)
        ]
    return f"{window.label} {data.words['span'].format(*ends)}"
