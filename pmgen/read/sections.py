"""Recognise sections: match headings to known sections and find where each one ends."""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Sequence

from pmgen.model import Heading, Section, SectionSpec
from pmgen.read.markdown import Token, heading_text

_LEADING_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)*[.)]?|[ivxlc]+[.)])\s+")
_TRAILING_MARKS = ":.?!"
_EMPHASIS = re.compile(r"[*_`~]")
_SPACES = re.compile(r"\s+")
_FOLLOWERS = (" ", "(", ":", "-")


@functools.lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Fold accents and case, drop emphasis, a leading number and trailing punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    folded = _SPACES.sub(" ", _EMPHASIS.sub("", folded)).strip()
    folded = _LEADING_NUMBER.sub("", folded)
    # Not a `[\s:.?!]+$` pattern: tried at every position of `::::…x`, it is quadratic.
    end = len(folded)
    while end and (folded[end - 1].isspace() or folded[end - 1] in _TRAILING_MARKS):
        end -= 1
    return folded[:end]


def match_section(text: str, specs: Sequence[SectionSpec]) -> str | None:
    """The id of the section whose longest alias the heading text starts with, if any."""
    heading = normalise(text)
    best: tuple[int, str] | None = None
    for spec in specs:
        for alias in spec.aliases:
            wanted = normalise(alias)
            starts = (
                heading.startswith(wanted) and heading[len(wanted) : len(wanted) + 1] in _FOLLOWERS
            )
            if (heading == wanted or starts) and (best is None or len(wanted) > best[0]):
                best = (len(wanted), spec.id)
    return best[1] if best else None


def find_headings(tokens: Sequence[Token], body_line: int) -> tuple[Heading, ...]:
    """Every heading with its file line (1-based, front matter counted)."""
    headings = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.map is not None:
            level = int(token.tag[1])
            anchor = str(token.attrGet("id") or "")
            headings.append(
                Heading(
                    level, heading_text(tokens, index), body_line + token.map[0], 1, index, anchor
                )
            )
    return tuple(headings)


def find_sections(
    tokens: Sequence[Token],
    headings: Sequence[Heading],
    specs: Sequence[SectionSpec],
    body_line: int,
    line_count: int,
) -> tuple[Section, ...]:
    """Sections opened by level-2/3 headings that match; nested matches stay in their parent."""
    sections = []
    open_until = -1
    for position, heading in enumerate(headings):
        if heading.level not in (2, 3) or heading.token_index < open_until:
            continue
        section_id = match_section(heading.text, specs)
        if section_id is None:
            continue
        closing = next(
            (h for h in itertools.islice(headings, position + 1, None) if h.level <= heading.level),
            None,
        )
        token_end = closing.token_index if closing else len(tokens)
        end_line = closing.line if closing else body_line + line_count
        sections.append(
            Section(
                section_id,
                heading,
                end_line,
                heading.token_index,
                token_end,
                _is_empty(tokens[heading.token_index + 3 : token_end]),
            )
        )
        open_until = token_end
    return tuple(sections)


def _is_empty(tokens: Sequence[Token]) -> bool:
    """True when only sub-headings and HTML comments stand in the section."""
    inside_heading = False
    for token in tokens:
        if token.type == "heading_open":
            inside_heading = True
        elif token.type == "heading_close":
            inside_heading = False
        elif inside_heading or (token.type == "html_block" and comments_only(token.content)):
            continue
        else:
            return False
    return True


def comments_only(text: str) -> bool:
    """True when the text holds one HTML comment or more (each ending at the first `-->`)."""
    # Scanned once: `^\s*(?:<!--.*?-->\s*)+$` backtracked exponentially on `<!---->` repeated.
    position, length, seen = 0, len(text), False
    while True:
        while position < length and text[position].isspace():
            position += 1
        if position == length:
            return seen
        if not text.startswith("<!--", position):
            return False
        end = text.find("-->", position + 4)
        if end < 0:
            return False
        position, seen = end + 3, True
