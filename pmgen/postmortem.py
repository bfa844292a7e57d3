"""Parse a document once into a `Postmortem`: tokens, fields, headings, sections, summary."""

from __future__ import annotations

from pmgen.config import Config
from pmgen.markdown import Token, parse
from pmgen.model import Document, Postmortem
from pmgen.schema import read_fields
from pmgen.sections import find_headings, find_sections
from pmgen.source import split_lines

MORE_MARKER = "<!-- more -->"


def load_postmortem(document: Document, config: Config) -> Postmortem:
    """Parse the body, type the fields and find the sections, all from one token stream."""
    tokens = parse(document.body)
    headings = find_headings(tokens, document.body_line)
    first_h1 = next((h.text for h in headings if h.level == 1), None)
    fields, found = read_fields(document, first_h1, config.lang)
    if not document.front_matter_valid:
        found = ()  # PM002 is already reported; missing-title/date would only repeat it.
    body_lines = len(split_lines(document.body))
    sections = find_sections(tokens, headings, config.sections, document.body_line, body_lines)
    return Postmortem(
        document=document,
        tokens=tuple(tokens),
        fields=fields,
        headings=headings,
        sections=sections,
        summary=summary_source(tokens, document.body),
        diagnostics=found,
    )


def summary_source(tokens: list[Token], body: str) -> str:
    """The Markdown before `<!-- more -->`, else the first paragraph (headings left out)."""
    lines = split_lines(body)
    marker = next(
        (t for t in tokens if t.type == "html_block" and t.content.strip() == MORE_MARKER), None
    )
    if marker is not None and marker.map is not None:
        blocks = [
            t
            for t in tokens
            if t.level == 0
            and t.map is not None
            and t.map[1] <= marker.map[0]
            and t.type
            in ("paragraph_open", "bullet_list_open", "ordered_list_open", "blockquote_open")
        ]
        return "\n\n".join(
            "\n".join(lines[b.map[0] : b.map[1]]).strip() for b in blocks if b.map is not None
        ).strip()
    first = next((t for t in tokens if t.type == "paragraph_open" and t.level == 0), None)
    if first is None or first.map is None:
        return ""
    return "\n".join(lines[first.map[0] : first.map[1]]).strip()
