"""The parse stage of one file: a document becomes a `Parsed` (its postmortem and its tokens),
from one token stream: fields, headings, sections, summary, incident, charts and links."""

from __future__ import annotations

from dataclasses import dataclass

from pmgen.config import Config
from pmgen.i18n import words
from pmgen.model import Document, Postmortem
from pmgen.pauses import pause_point
from pmgen.read.chartspecs import read_charts
from pmgen.read.details import read_details
from pmgen.read.fields import read_fields
from pmgen.read.incident import read_incident
from pmgen.read.linked import resolve_links
from pmgen.read.markdown import Token, iter_links, parse, split_lines
from pmgen.read.sections import find_headings, find_sections

MORE_MARKER = "<!-- more -->"


@dataclass(frozen=True, slots=True)
class Parsed:
    """A postmortem with the token stream it was read from: what lint and rendering need.

    It exists only between parsing and rendering; what is kept after (and cached) is the
    `Postmortem` alone."""

    postmortem: Postmortem
    tokens: tuple[Token, ...]


def parse_document(document: Document, config: Config) -> Parsed:
    """Parse the body, type the fields and find the sections, all from one token stream."""
    pause_point("parse")
    tokens = parse(document.body)
    headings = find_headings(tokens, document.body_line)
    first_h1 = next((h.text for h in headings if h.level == 1), None)
    fields, found = read_fields(document, first_h1, config.lang, config.severities)
    if not document.front_matter_valid:
        found = ()  # PM002 is already reported; missing-title/date would only repeat it.
    body_lines = len(split_lines(document.body))
    span = summary_span(tokens)
    sections = find_sections(tokens, headings, config.sections, document.body_line, body_lines)
    incident, incident_found = read_incident(document, fields, tokens, sections, config.timezone)
    charts, chart_found = read_charts(document, tokens, incident, words(fields.lang))
    details, details_found = read_details(document)
    if document.front_matter_valid:
        found = (*found, *incident_found, *details_found)
    hrefs = (link.target for link in iter_links(tokens))
    postmortem = Postmortem(
        document=document,
        fields=fields,
        headings=headings,
        sections=sections,
        summary=summary_text(tokens, span, document.body),
        summary_span=span,
        links=resolve_links(hrefs, document.path.parent, document.root),
        incident=incident,
        charts=charts,
        diagnostics=(*found, *chart_found),
        details=details,
    )
    return Parsed(postmortem, tuple(tokens))


def summary_span(tokens: list[Token]) -> tuple[int, int]:
    """Token range of the summary: top-level blocks before `<!-- more -->`, else the first
    paragraph (empty range when there is none). Headings never belong to it."""
    marker = next(
        (
            i
            for i, t in enumerate(tokens)
            if t.type == "html_block" and t.content.strip() == MORE_MARKER
        ),
        None,
    )
    if marker is not None:
        start = next(
            (
                i
                for i, t in enumerate(tokens[:marker])
                if t.level == 0 and t.type not in ("heading_open", "inline", "heading_close")
            ),
            marker,
        )
        headings = [i for i, t in enumerate(tokens[:marker]) if t.type == "heading_close"]
        return (max(start, headings[-1] + 1) if headings else start), marker
    first = next(
        (i for i, t in enumerate(tokens) if t.type == "paragraph_open" and t.level == 0), None
    )
    if first is None:
        return 0, 0
    return first, first + 3


def summary_text(tokens: list[Token], span: tuple[int, int], body: str) -> str:
    """The Markdown source of the summary span."""
    lines = split_lines(body)
    maps = [t.map for t in tokens[span[0] : span[1]] if t.map is not None and t.level == 0]
    if not maps:
        return ""
    return "\n".join(lines[maps[0][0] : maps[-1][1]]).strip()
