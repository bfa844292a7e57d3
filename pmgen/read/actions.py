"""Read action items: done or open, owner, due date and tracker links, from lists and tables."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from pmgen.model import ActionItem, Section
from pmgen.read.markdown import Token, plain_text
from pmgen.read.timeline import parse_day

_OWNER_WORDS = r"(?:owner|responsable|porteur|pilote|assignee)"
# `(owner: …)`: the opening only; the name runs to the next `)` (see `_owner_in_parentheses`).
_OWNER_OPENING = re.compile(r"\(" + _OWNER_WORDS + r"\s*:", re.I)
_OWNER_PATTERNS = (
    re.compile(
        r"(?:^|[\s,;—–-])" + _OWNER_WORDS + r"\s*:\s*"
        r"(@?[\w.\-]+(?: [A-ZÉ][\w.\-]+)?)",
        re.I,
    ),
    re.compile(r"(?:^|(?<=[\s(\[,;]))@([\w][\w.\-]*[\w]|\w)"),
)
_DATE_WORDS = r"\b(?:due|échéance|echeance|deadline|d'ici le|avant le|before|by)\b"
# `\s*(?::\s*)?`, not `\s*:?\s*`: the latter tries every split of a run of spaces (quadratic).
_DUE = re.compile(
    _DATE_WORDS + r"\s*(?::\s*)?(?:le\s+)?(?P<date>\d{4}-\d{2}-\d{2}|"
    r"\d{1,2}(?:er)?\s+[a-zéû]+\.?\s+\d{4}|[a-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})",
    re.I,
)
_DONE_CELL = re.compile(r"^(?:x|✅|✓|✔|fait|done|terminée?|closed|fermée?|résolue?)$", re.I)
_OWNER_HEADERS = re.compile(r"^(?:owner|responsable|porteur|pilote|assignee|qui|who)$", re.I)
_DUE_HEADERS = re.compile(r"^(?:due|échéance|echeance|deadline|date limite|quand|when)$", re.I)
_STATUS_HEADERS = re.compile(r"^(?:status|statut|état|etat|done|fait)$", re.I)


def parse_due(text: str) -> dt.date | None:
    """`2021-10-01`, `1er octobre 2021`, `October 1, 2021` (a full date: no weekday alone)."""
    return parse_day(text, None)


def find_owner(text: str) -> str | None:
    """`@camille`, `(owner: Camille)`, `responsable : Julien`, else None."""
    named = _owner_in_parentheses(text)
    if named is not None:
        return named.lstrip("@")
    for pattern in _OWNER_PATTERNS:
        match = pattern.search(text)
        if match:
            return match.group(1).strip().lstrip("@")
    return None


def _owner_in_parentheses(text: str) -> str | None:
    """The name in the first `(owner: name)`, stripped, found in one pass over the text."""
    # A pattern running to the `)` would rescan the rest of the text from every `(owner:`
    # when none follows (quadratic); no `)` after one opening means none after the next.
    for opening in _OWNER_OPENING.finditer(text):
        close = text.find(")", opening.end())
        if close < 0:
            return None
        inside = text[opening.end() : close]
        if inside:  # `(owner:)` names no one; a later `(owner: …)` may
            return inside.strip()
    return None


def find_due(text: str) -> dt.date | None:
    """The due date announced by `due`, `échéance :`, `avant le`…, else None."""
    match = _DUE.search(text)
    return parse_due(match["date"]) if match else None


def _links(token: Token) -> tuple[str, ...]:
    return tuple(
        str(child.attrGet("href"))
        for child in token.children or ()
        if child.type == "link_open"
        and str(child.attrGet("href") or "").startswith(("http://", "https://"))
    )


def read_actions(
    tokens: Sequence[Token], section: Section | None, body_line: int
) -> tuple[ActionItem, ...]:
    """Every action item of the section: each list item with text, and each table row."""
    if section is None:
        return ()
    part = tokens[section.token_start + 3 : section.token_end]
    items: list[ActionItem] = []
    headers: list[str] = []
    for index, token in enumerate(part):
        if token.type == "inline" and index >= 2 and part[index - 2].type == "list_item_open":
            items.append(_list_item(part[index - 2], token, body_line))
        elif token.type == "tr_open" and token.map is not None:
            cells = _cells(part, index)
            if index > 0 and part[index - 1].type == "thead_open":
                headers = [plain_text(cell).strip() for cell in cells]
            elif cells:
                items.append(_row(cells, headers, body_line + token.map[0]))
    return tuple(items)


def _list_item(item: Token, inline: Token, body_line: int) -> ActionItem:
    checkbox = next(
        (
            c
            for c in inline.children or ()
            if c.type == "html_inline" and "task-list-item-checkbox" in c.content
        ),
        None,
    )
    done = checkbox is not None and 'checked="checked"' in checkbox.content
    text = plain_text(inline).strip()
    line = body_line + (inline.map[0] if inline.map else 0)
    return ActionItem(
        text, done, find_owner(inline.content), find_due(inline.content), _links(inline), line
    )


def _cells(part: Sequence[Token], index: int) -> list[Token]:
    cells = []
    position = index + 1  # not `part[index + 1 :]`: a copy of the rest for every row
    while position < len(part) and part[position].type != "tr_close":
        if part[position].type == "inline":
            cells.append(part[position])
        position += 1
    return cells


def _row(cells: list[Token], headers: list[str], line: int) -> ActionItem:
    by_header = dict(zip(headers, cells, strict=False))
    owner = due = None
    done = False
    for header, cell in by_header.items():
        value = plain_text(cell).strip()
        if _OWNER_HEADERS.match(header) and value:
            owner = value.lstrip("@")
        elif _DUE_HEADERS.match(header):
            due = parse_due(value)
        elif _STATUS_HEADERS.match(header):
            done = bool(_DONE_CELL.match(value))
    raw = " — ".join(cell.content for cell in cells)
    links = tuple(link for cell in cells for link in _links(cell))
    return ActionItem(
        plain_text(cells[0]).strip(),
        done,
        owner or find_owner(raw),
        due or find_due(raw),
        links,
        line,
    )
