"""`lint --fix`: rename misspelt required section headings and insert the missing ones,
leaving every other byte alone."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from pmgen.model import Postmortem, SectionSpec
from pmgen.prompts import prompt_comment
from pmgen.read.lines import split_lines
from pmgen.read.sections import distance, misspelt_sections, normalise

# Lines with their own endings, split only at CR, LF and CRLF as markdown-it counts them.
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def insertion_line(
    postmortem: Postmortem,
    required: tuple[str, ...],
    section_id: str,
    text: str,
    renamed: Mapping[str, tuple[int, int]] | None = None,
) -> int:
    """The 1-based file line before which a missing required section belongs; `renamed`
    gives the (heading line, end line) of sections whose misspelt heading is being renamed,
    which count as present (`## Timelne` → `## Timeline`: Lessons learned goes after it)."""
    present = {s.id: (s.heading.line, s.end_line) for s in reversed(postmortem.sections)}
    present.update(renamed or {})  # first occurrence wins above; a renamed heading is unique
    order = list(required)
    position = order.index(section_id)
    for earlier in reversed(order[:position]):
        if earlier in present:
            return present[earlier][1]
    for later in order[position + 1 :]:
        if later in present:
            return present[later][0]
    return len(split_lines(text)) + 1


# The opening `#` marks only: a pattern for the optional closing `###` as well, after a lazy
# text, retries the closing at every character of a long line of blanks (quadratic).
_ATX_OPENING = re.compile(r" {0,3}#{1,6}[ \t]+")


def fix_text(
    postmortem: Postmortem,
    text: str,
    required: tuple[str, ...],
    titles: dict[str, str],
    specs: Sequence[SectionSpec] = (),
) -> str:
    """The document's full `text` with each misspelt required heading renamed (`## Chronolgie`
    → `## Chronologie`) and each missing required section inserted in order.

    `titles` maps section ids to the heading text to write; `specs` are the known sections
    (misspellings are looked for only when given). Returns the text unchanged (same object
    content) when nothing is missing.
    """
    present = {s.id for s in postmortem.sections}
    renames = misspelt_sections(postmortem.headings, postmortem.sections, specs, required)
    missing = [s for s in required if s not in present and s not in renames]
    if not missing and not renames:
        return text
    newline = _newline(text)
    level = min((s.heading.level for s in postmortem.sections), default=2)
    lines = _LINES.findall(text)
    for section_id, heading in renames.items():
        title = _nearest_title(heading.text, specs, section_id) or titles[section_id]
        lines[heading.line - 1] = _renamed(lines[heading.line - 1], title)
    spans = {
        section_id: (heading.line, _span_end(postmortem, heading.line, heading.level, len(lines)))
        for section_id, heading in renames.items()
    }
    inserts: dict[int, list[str]] = {}
    for section_id in missing:
        line = insertion_line(postmortem, required, section_id, text, spans)
        block = (
            f"{'#' * level} {titles[section_id]}{newline}{newline}"
            f"{prompt_comment(section_id, postmortem.fields.lang)}{newline}{newline}"
        )
        inserts.setdefault(line, []).append(block)
    output: list[str] = []
    for number, text in enumerate(lines, start=1):
        output.extend(inserts.pop(number, []))
        output.append(text)
    tail = [block for _, blocks in sorted(inserts.items()) for block in blocks]
    if tail:
        last = output[-1] if output else ""
        if last and not last.endswith(("\n", "\r")):
            output.append(newline)
        closing = _still_open(lines)
        if closing:  # appended headings must not land inside a code block left open
            output.append(closing + newline)
            last = closing
        if last.strip():
            output.append(newline)
        tail[-1] = tail[-1].removesuffix(newline)  # one line ending at the end of the file
        output.extend(tail)
    return "".join(output)


def _span_end(postmortem: Postmortem, line: int, level: int, last: int) -> int:
    """The line of the next heading of the same level or above after `line` (where its
    section ends), else the line after the last."""
    return next(
        (h.line for h in postmortem.headings if h.line > line and h.level <= level), last + 1
    )


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _still_open(lines: list[str]) -> str | None:
    """The fence that closes a code block still open at the end of the file, if any.

    CommonMark closes such a block at the end of the document, so closing it explicitly
    changes nothing in how the existing text renders."""
    opened: str | None = None
    for line in lines:
        match = _FENCE.match(line)
        if match is None:
            continue
        marker = match.group(1)
        if opened is None:
            if not (marker[0] == "`" and "`" in line[match.end() :]):
                opened = marker
        elif (
            marker[0] == opened[0]
            and len(marker) >= len(opened)
            and not line[match.end() :].strip()
        ):
            opened = None
    return opened


def _nearest_title(text: str, specs: Sequence[SectionSpec], section_id: str) -> str | None:
    """The section's title (French or English) that the misspelt heading is closest to."""
    spec = next((spec for spec in specs if spec.id == section_id), None)
    if spec is None:
        return None
    titles = sorted(set(spec.titles.values()))
    return min(titles, key=lambda title: distance(normalise(text), normalise(title), 40))


def _renamed(line: str, title: str) -> str:
    """A heading line with its text replaced, its `#` marks and line ending kept."""
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    opening = _ATX_OPENING.match(body)
    if opening is None:
        return title + ending  # the text line of an underlined (setext) heading
    rest = body[opening.end() :]
    marks = rest.rstrip(" \t")
    text = marks.rstrip("#")
    # A closing sequence is `#`s after a blank (`## Analyse ##`); `## C#` ends in its text.
    closing = rest[len(text.rstrip(" \t")) :] if text != marks and text[-1:] in (" ", "\t") else ""
    return f"{opening.group()}{title}{closing}{ending}"


def _newline(text: str) -> str:
    """The file's own line ending, LF when it has none."""
    for ending in ("\r\n", "\n", "\r"):
        if ending in text:
            return ending
    return "\n"
