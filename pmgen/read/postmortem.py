"""The parse stage of one file: a document becomes a `Parsed` (its postmortem and its tokens),
from one token stream: fields, headings, sections, summary, incident, charts and links."""

from __future__ import annotations

from dataclasses import dataclass, replace

from pmgen.config import Config
from pmgen.i18n import words
from pmgen.model import Document, Fields, Postmortem
from pmgen.pauses import pause_point
from pmgen.read.blocks import Block, read_blocks
from pmgen.read.chartspecs import read_charts
from pmgen.read.dating import choose_date, gather, provisional, title_from_file_name
from pmgen.read.details import read_details
from pmgen.read.fields import declared_language, read_fields
from pmgen.read.findings import dating_findings
from pmgen.read.incident import read_incident
from pmgen.read.language import detect_language
from pmgen.read.lines import split_lines
from pmgen.read.linked import resolve_links
from pmgen.read.markdown import Token, iter_links, parse
from pmgen.read.sections import find_headings, find_sections
from pmgen.read.stamps import Stamp

MORE_MARKER = "<!-- more -->"


@dataclass(frozen=True, slots=True)
class Parsed:
    """A postmortem with the token stream it was read from: what lint and rendering need.

    It exists only between parsing and rendering; what is kept after (and cached) is the
    `Postmortem` alone."""

    postmortem: Postmortem
    tokens: tuple[Token, ...]
    document: Document  # its text, for the checks that point into it and for --fix


def parse_document(document: Document, config: Config) -> Parsed:
    """Parse the body, type the fields and find the sections, all from one token stream."""
    pause_point("parse")
    tokens = parse(document.body)
    headings = find_headings(tokens, document.body_line)
    first_h1 = next((h.text for h in headings if h.level == 1), None)
    fields, found = read_fields(document, first_h1, config.lang, config.severities)
    if not document.front_matter_valid:
        found = ()  # PM002 is already reported; missing-title/date would only repeat it.
    blocks = read_blocks(tokens, document.body_line)
    fields = _title_and_language(document, fields, blocks, config.lang)
    body_lines = len(split_lines(document.body))
    span = summary_span(tokens)
    sections = find_sections(
        tokens, headings, config.sections, document.body_line, body_lines, config.required
    )
    candidates = gather(fields.date, fields.title, document.path.name, blocks, fields.lang)
    first_guess = provisional(candidates)
    written = candidates.written
    memo: dict[str, Stamp] = {}  # each line's stamp, read once for both readings
    reading = read_incident(
        document, blocks, sections, config.timezone, first_guess, fields.lang, written, memo
    )
    date, source = choose_date(candidates, reading.timeline.first_day)
    if date is not None and date != first_guess and reading.timeline.inherited:
        reading = read_incident(
            document, blocks, sections, config.timezone, date, fields.lang, written, memo
        )
    fields = replace(fields, date=date, date_source=source)
    incident = reading.incident
    charts, chart_found = read_charts(document, tokens, incident, words(fields.lang))
    details, details_found = read_details(document)
    if document.front_matter_valid:
        found = (
            *found,
            *reading.diagnostics,
            *dating_findings(document, fields, reading),
            *details_found,
        )
    hrefs = (link.target for link in iter_links(tokens))
    postmortem = Postmortem(
        document=document.source(),
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
    return Parsed(postmortem, tuple(tokens), document)


def _title_and_language(
    document: Document, fields: Fields, blocks: list[Block], default_lang: str
) -> Fields:
    """The title (front matter, else the first H1, else the file name) and the language
    (front matter, else the content, else the configured one), with where each came from."""
    data = document.front_matter
    title, title_source = fields.title, "front-matter" if data.get("title") else "h1"
    if title is None:
        title, title_source = title_from_file_name(document.path.name), "file-name"
    lang, lang_source = fields.lang, "front-matter"
    if declared_language(data) is None:
        lang, lang_source = detect_language(blocks, title, default_lang)
    return replace(
        fields, title=title, title_source=title_source, lang=lang, lang_source=lang_source
    )


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
