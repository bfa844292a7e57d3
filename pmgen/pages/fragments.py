"""The expensive parts of a page, rendered once per postmortem and cached: the body (with its
charts), the summary for listings and the timeline chart. Pages are then cheap Jinja work."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pmgen.cache import digest
from pmgen.i18n import words
from pmgen.pages.body import body_html
from pmgen.pages.incident import timeline_chart
from pmgen.pages.library import Entry, root_of
from pmgen.pages.links import site_target
from pmgen.pages.sanitize import clean_html
from pmgen.read.linked import Targets
from pmgen.read.markdown import RenderOptions, render

# Stands for "the path from the listing page back to the site root" in a cached summary.
ROOT = "pmgen-root-placeholder/"

RewriterFactory = Callable[[Entry, str, bool], Callable[[str], str]]


@dataclass(frozen=True, slots=True)
class Fragments:
    """Rendered, sanitised HTML pieces of one postmortem."""

    body_html: str
    summary_html: str
    timeline_html: str


def render_fragments(entry: Entry, rewriter_for: RewriterFactory, escape_html: bool) -> Fragments:
    """Render the pieces from the postmortem's tokens (which must be loaded)."""
    lang = entry.postmortem.fields.lang
    own = RenderOptions(
        rewrite=rewriter_for(entry, root_of(entry.url), True),
        escape_html=escape_html,
        anchor_label=words(lang)["anchor"],
    )
    start, end = entry.postmortem.summary_span
    listed = RenderOptions(rewrite=rewriter_for(entry, ROOT, False), escape_html=escape_html)
    summary = clean_html(render(entry.postmortem.tokens[start:end], listed))
    return Fragments(body_html(entry, own, lang), summary, timeline_chart(entry, lang))


def fragment_key(entry: Entry, urls: Mapping[Path, str], escape_html: bool, context: str) -> str:
    """Everything the fragments depend on: the text, the page's URL, where its links land
    (other pages' URLs move when they are renamed) and the chart data files."""
    postmortem = entry.postmortem
    folder = Targets(postmortem.document.path.parent)
    targets = [site_target(href, entry, urls, folder) for href in postmortem.links]
    data = []
    for block in postmortem.charts:
        if block.data is not None:
            try:
                info = block.data.stat()
                data.append((str(block.data), info.st_size, info.st_mtime_ns))
            except OSError:
                data.append((str(block.data), -1, -1))
    return digest(
        context,
        str(postmortem.document.path),
        postmortem.document.text,
        entry.url,
        json.dumps([targets, data, escape_html]),
    )
