"""Recognise sections: match headings to known sections and find where each one ends."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

from pmgen.config import FACET_ALIASES, FALLBACK_ALIASES
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


@functools.lru_cache(maxsize=64)
def _aliases(
    key: tuple[tuple[str, tuple[str, ...]], ...],
) -> dict[str, tuple[tuple[str, str], ...]]:
    """(normalised alias, section id) by the alias's first character, longest alias first
    (ties keep the catalogue order)."""
    pairs = [(normalise(alias), section_id) for section_id, aliases in key for alias in aliases]
    ordered = sorted((pair for pair in pairs if pair[0]), key=lambda pair: -len(pair[0]))
    by_first: dict[str, list[tuple[str, str]]] = {}
    for pair in ordered:
        by_first.setdefault(pair[0][0], []).append(pair)
    return {first: tuple(found) for first, found in by_first.items()}


def match_section(text: str, specs: Sequence[SectionSpec], exact: bool = False) -> str | None:
    """The id of the section whose longest alias the heading text starts with, if any; with
    `exact`, only a heading that is the alias (a parenthesis or a colon may follow)."""
    heading = normalise(text[:200])
    table = _aliases(tuple((spec.id, spec.aliases) for spec in specs))
    for wanted, section_id in table.get(heading[:1], ()):
        if not heading.startswith(wanted):
            continue
        follower = heading[len(wanted) : len(wanted) + 1]
        if heading == wanted:
            return section_id
        if exact and (follower in ("(", ":") or not heading[len(wanted) :].strip()):
            return section_id
        if not exact and follower in _FOLLOWERS:
            return section_id
    return None


def _facet(text: str) -> bool:
    """True for a heading that names one facet of its section (`What went wrong`)."""
    heading = normalise(text)
    return any(heading.startswith(normalise(alias)) for alias in FACET_ALIASES)


def _fallback(text: str, section_id: str) -> bool:
    """True when a heading names the section only when nothing else does (`What happened?`)."""
    heading = normalise(text)
    return any(
        heading == normalise(alias) or heading.startswith(normalise(alias) + " ")
        for alias in FALLBACK_ALIASES.get(section_id, ())
    )


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
    required: Sequence[str] = (),
) -> tuple[Section, ...]:
    """Sections opened by level-2/3 headings that match (a level-1 heading when it is exactly
    a section's name, as in `# Timeline` mid-document). A match nested in a section stays in
    it, unless it is another required section; adjacent headings of one section (`What went
    well`, `What went wrong`) make one section."""
    opened = _opened(headings, specs, required)
    sections: list[Section] = []
    for number, (position, section_id) in enumerate(opened):
        heading = headings[position]
        following = opened[number + 1][0] if number + 1 < len(opened) else len(headings)
        closing = next(
            (
                headings[index]
                for index in range(position + 1, len(headings))
                if headings[index].level <= heading.level or index == following
            ),
            None,
        )
        token_end = closing.token_index if closing else len(tokens)
        end_line = closing.line if closing else body_line + line_count
        previous = sections[-1] if sections else None
        adjacent = previous is not None and previous.token_end == heading.token_index
        if adjacent and previous.id == section_id and _facet(heading.text):
            sections[-1] = Section(
                section_id,
                previous.heading,
                end_line,
                previous.token_start,
                token_end,
                previous.empty and _is_empty(tokens[heading.token_index + 3 : token_end]),
            )
            continue
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
    return tuple(sections)


def _opened(
    headings: Sequence[Heading], specs: Sequence[SectionSpec], required: Sequence[str]
) -> list[tuple[int, str]]:
    """(heading position, section id) of the headings that open a section."""
    opened: list[tuple[int, str]] = []
    current: tuple[int, str] | None = None  # level and id of the section open now
    # A document whose sections are level-1 headings (two or more) names them as loosely as
    # level-2 ones; otherwise a level-1 heading is a section only when it is exactly a name.
    h1_sections = sum(1 for h in headings if h.level == 1) >= 2
    for position, heading in enumerate(headings):
        if current is not None and heading.level <= current[0]:
            current = None
        if heading.level > 3:
            continue
        exact = heading.level == 1 and not h1_sections
        section_id = match_section(heading.text, specs, exact=exact)
        if section_id is None:
            continue
        if current is not None and (section_id == current[1] or section_id not in required):
            continue
        opened.append((position, section_id))
        current = (heading.level, section_id)
    if not any(section_id == "timeline" for _, section_id in opened):
        fallback = next(
            (
                p
                for p, h in enumerate(headings)
                if 1 < h.level <= 3 and _fallback(h.text, "timeline")
            ),
            None,
        )
        if fallback is not None:
            opened = sorted([*opened, (fallback, "timeline")])
    return opened


def near_miss(text: str, specs: Sequence[SectionSpec], section_id: str) -> bool:
    """True when a heading is a misspelling of one of the section's names (`Chronolgie`,
    `Lesons learned`)."""
    heading = normalise(text)[:80]
    if len(heading) < 5:
        return False
    for spec in specs:
        if spec.id != section_id:
            continue
        for alias in spec.aliases:
            wanted = normalise(alias)
            if len(wanted) >= 6 and distance(heading, wanted, 2) <= (1 if len(wanted) < 9 else 2):
                return True
    return False


MAX_CANDIDATES = 300


def misspelt_sections(
    headings: Sequence[Heading],
    sections: Sequence[Section],
    specs: Sequence[SectionSpec],
    wanted: Sequence[str],
) -> dict[str, Heading]:
    """For each wanted section that is absent, the first heading that misspells one of its
    names (`## Chronolgie` for the timeline), if any."""
    present = {section.id for section in sections}
    openers = {section.heading.line for section in sections}
    found: dict[str, Heading] = {}
    # Section headings are short and near the top: a bounded number is compared.
    candidates = [h for h in headings if h.level <= 4 and len(h.text) <= 60][:MAX_CANDIDATES]
    for section_id in wanted:
        if section_id in present:
            continue
        for heading in candidates:
            if heading.line in openers or heading in found.values():
                continue
            if match_section(heading.text, specs) is None and near_miss(
                heading.text, specs, section_id
            ):
                found[section_id] = heading
                break
    return found


def distance(first: str, second: str, limit: int) -> int:
    """The edit distance of two short texts, stopping above `limit` (banded, linear)."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, 1):
        current = [i] + [limit + 1] * len(second)
        low, high = max(1, i - limit), min(len(second), i + limit)
        for j in range(low, high + 1):
            cost = 0 if a == second[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


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
