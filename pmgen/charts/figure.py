"""The whole chart: a <figure> holding the SVG and its data table."""

from __future__ import annotations

import re

from pmgen.charts.data import ChartData, prepare
from pmgen.charts.description import description
from pmgen.charts.formatting import one_line, xml_text
from pmgen.charts.layout import WIDTH, fit
from pmgen.charts.model import Chart
from pmgen.charts.plot import draw_plot
from pmgen.charts.svg import style_el, text_el
from pmgen.charts.table import data_table
from pmgen.charts.timeline import draw_timeline

_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def draw_chart(chart: Chart, lang: str, chart_id: str) -> str:
    """A <figure class="chart"> with an inline accessible SVG and its data table."""
    if not _ID.fullmatch(chart_id):
        raise ValueError(f"chart_id must be a letter then letters, digits, - or _: {chart_id!r}")
    data = prepare(chart, lang)
    return "\n".join(
        [
            f'<figure class="chart chart-{chart.kind}" id="{chart_id}">',
            *_svg(data, chart_id),
            f"<details><summary>{data.words['data']}</summary>",
            *data_table(data),
            "</details>",
            "</figure>",
        ]
    )


def _svg(data: ChartData, chart_id: str) -> list[str]:
    """The whole <svg> element, one element a line."""
    chart, words = data.chart, data.words
    height = 160 if chart.kind == "timeline" else 320
    title = one_line(chart.title) or words[chart.kind]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'style="height:auto" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        'font-family="system-ui, sans-serif" font-size="12" fill="currentColor">',
        f'<title id="{chart_id}-title">{xml_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{xml_text(description(data))}</desc>',
        style_el(chart_id),
        text_el(fit(title, WIDTH - 16), 8, 16, font_weight="bold"),
    ]
    if data.empty:
        out.append(text_el(words["no_data"], WIDTH / 2, height / 2 + 8, "middle", font_size=14))
    else:
        out += draw_timeline(data) if chart.kind == "timeline" else draw_plot(data)
    return [*out, "</svg>"]
