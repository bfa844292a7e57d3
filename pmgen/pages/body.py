"""A postmortem's body as HTML: rendered, sanitised, each valid ```chart block drawn in place."""

from __future__ import annotations

import hashlib
from typing import Any

from pmgen.charts import draw_chart
from pmgen.pages.marks import finish, mark_tokens, placeholder
from pmgen.pages.sanitize import clean_html
from pmgen.read.markdown import RenderOptions, render
from pmgen.read.postmortem import Parsed


def body_html(parsed: Parsed, options: RenderOptions, lang: str) -> str:
    """The rendered, sanitised body, with each valid ```chart block drawn in place, timeline
    entries numbered, empty sections marked and action lists left to the actions table.

    Charts are drawn by pmgen after sanitising (nh3 would strip SVG); the placeholder is a
    plain element with an id derived from the file, which the sanitiser keeps.
    """
    postmortem = parsed.postmortem
    blocks = {block.line: block.chart for block in postmortem.charts}
    body_line = postmortem.document.body_line
    seed = hashlib.sha256(parsed.document.text.encode()).hexdigest()[:12]
    drawn: dict[str, str] = {}

    def fence(info: str, content: str, line: int) -> str | None:
        marked = placeholder(info, content, seed)
        if marked is not None:
            return marked
        chart = blocks.get(body_line + line)
        if info != "chart" or chart is None:
            return None
        key = f"pmgen-chart-{seed}-{len(drawn) + 1}"
        drawn[key] = draw_chart(chart, lang, f"chart-{len(drawn) + 1}")
        return f'<div id="{key}"></div>\n'

    tokens = mark_tokens(postmortem, parsed.tokens, seed)
    html = finish(clean_html(render(tokens, _with_fences(options, fence))), postmortem, seed)
    for key, chart_html in drawn.items():
        # Chart labels and data tables are not prose: keep them out of search excerpts.
        wrapped = f"<div data-pagefind-ignore>{chart_html}</div>"
        html = html.replace(f'<div id="{key}"></div>', wrapped, 1)
    return html


def _with_fences(options: RenderOptions, fence: Any) -> RenderOptions:
    return RenderOptions(
        rewrite=options.rewrite,
        escape_html=options.escape_html,
        anchor_label=options.anchor_label,
        fences=fence,
    )
