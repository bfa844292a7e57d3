"""The whole chart: a <figure> holding a wide and a narrow SVG, and its data table.

The wide drawing (640 units across) scales to the page; on a phone it would shrink its text
to 7 px, so a narrow drawing (360 across; a vertical timeline) replaces it there. The theme
shows one of the two with a media query (`.chart-wide`, `.chart-narrow`); the hidden one is
`display: none`, out of the accessibility tree too.
"""

from __future__ import annotations

import re

from pmgen.charts.data import ChartData, prepare
from pmgen.charts.description import description
from pmgen.charts.formatting import coord, one_line, xml_text
from pmgen.charts.layout import NARROW, WIDTH, Frame, fit
from pmgen.charts.model import Chart
from pmgen.charts.plot import draw_plot
from pmgen.charts.svg import style_el, text_el
from pmgen.charts.table import data_table
from pmgen.charts.timeline import draw_timeline
from pmgen.charts.vertical import draw_vertical

_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def draw_chart(chart: Chart, lang: str, chart_id: str, height: float = 320.0) -> str:
    """A <figure class="chart"> with two inline accessible SVGs and the data table."""
    if not _ID.fullmatch(chart_id):
        raise ValueError(f"chart_id must be a letter then letters, digits, - or _: {chart_id!r}")
    wide = prepare(chart, lang, Frame(WIDTH, height))
    narrow = prepare(chart, lang, Frame(NARROW, round(height * 0.8)))
    return "\n".join(
        [
            f'<figure class="chart chart-{chart.kind}" id="{chart_id}">',
            *_svg(wide, chart_id, "chart-wide", style_el(chart_id)),
            *_svg(narrow, f"{chart_id}-narrow", "chart-narrow", ""),
            f"<details><summary>{wide.words['data']}</summary>",
            *data_table(wide),
            "</details>",
            "</figure>",
        ]
    )


def _svg(data: ChartData, svg_id: str, css: str, style: str) -> list[str]:
    """One whole <svg> element, one element a line."""
    chart, words, width = data.chart, data.words, data.frame.width
    title = one_line(chart.title) or words[chart.kind]
    height = data.frame.height
    if data.empty:
        body = [text_el(words["no_data"], width / 2, height / 2 + 8, "middle", font_size=14)]
    elif chart.kind == "timeline":
        body, height = (draw_vertical if data.frame.narrow else draw_timeline)(data)
    else:
        body = draw_plot(data)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" viewBox="0 0 {coord(width)} '
        f'{coord(height)}" width="100%" style="height:auto" role="img" '
        f'aria-labelledby="{svg_id}-title {svg_id}-desc" '
        'font-family="system-ui, sans-serif" font-size="12" fill="currentColor">',
        f'<title id="{svg_id}-title">{xml_text(title)}</title>',
        f'<desc id="{svg_id}-desc">{xml_text(description(data))}</desc>',
        *([style] if style else []),
        text_el(fit(title, width - 16, 12), 8, 16, font_weight="bold"),
        *body,
        "</svg>",
    ]
