"""The data table under a chart: one row per x value or event."""

from __future__ import annotations

from pmgen.charts.clock import clock_text, day_text
from pmgen.charts.data import ChartData, local_time
from pmgen.charts.formatting import format_number, xml_text

MAX_TABLE_ROWS = 500


def data_table(data: ChartData) -> list[str]:
    """The data table: a header row, then one row per x value (or event), at most 500."""
    chart, count = data.chart, len(data.positions)
    multi_day = bool(count) and _spans_days(data)
    heads = "".join(f'<th scope="col">{xml_text(h)}</th>' for h in _heads(data, multi_day))
    rows = ["<table>", f"<thead><tr>{heads}</tr></thead>", "<tbody>"]
    for row in range(min(count, MAX_TABLE_ROWS)):
        x = _x_text(data, row, multi_day)
        if chart.kind == "timeline":
            label = xml_text(chart.events[data.order[row]][1])
            rows.append(f'<tr><th scope="row">{row + 1}</th><td>{x}</td><td>{label}</td></tr>')
        else:
            cells = "".join(f"<td>{_cell(values[row], data.lang)}</td>" for values in data.values)
            rows.append(f'<tr><th scope="row">{x}</th>{cells}</tr>')
    rows += ["</tbody>", "</table>"]
    if count > MAX_TABLE_ROWS:
        rows.append(f"<p>{data.words['left_out'].format(count - MAX_TABLE_ROWS, count)}</p>")
    return rows


def _spans_days(data: ChartData) -> bool:
    """Whether the x values (or events) fall on more than one day in the display zone."""
    if not data.timed:
        return False
    return local_time(data.positions[0], data).date() != local_time(data.positions[-1], data).date()


def _heads(data: ChartData, multi_day: bool) -> list[str]:
    """The table's column headers: x (with the day when there is one), series or events."""
    chart, words = data.chart, data.words
    if not data.timed:
        head = chart.x_label or words["category"]
    elif multi_day or not data.positions:
        head = chart.x_label or words["when" if multi_day else "time"]
    else:
        day = day_text(local_time(data.positions[0], data), data.lang, year=True)
        head = f"{chart.x_label or words['time']} ({day})"
    if chart.kind == "timeline":
        return [words["number"], head, words["event"]]
    return [head, *(s.name + (f" ({chart.unit})" if chart.unit else "") for s in chart.series)]


def _x_text(data: ChartData, row: int, multi_day: bool) -> str:
    """The escaped x value of a table row: a category, a time, or a day and time."""
    if not data.timed:
        return xml_text(str(data.chart.x[row]))
    moment = local_time(data.positions[row], data)
    clock = clock_text(moment, data.lang, seconds=True)
    return f"{day_text(moment, data.lang)} {clock}" if multi_day else clock


def _cell(value: float | None, lang: str) -> str:
    """A table cell's number, empty for a gap."""
    return "" if value is None else format_number(value, lang)
