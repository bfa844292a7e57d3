"""Read action items where authors put them: the action sections (`Action items`, `Travaux
restants`, `What we're doing about it`, `Next steps`…, and a heading about the weeks after the
incident), a list announced by a label (`**Short-term improvements:**`, `Des actions sont
prévues :`), and `Action point:` paragraphs anywhere.

In a section, each top-level list item and each table row is an item; explanatory
sub-bullets and paragraphs belong to their item. Sub-headings with prose under them
(`#### Alerts configured`) and bold titles (`**Action 1: …**`) are items, the lists under a
title being its details. Done or open: a task-list box, a status column or a `Statut :` line,
a `TODO`/`DONE`/`IN PROGRESS` marker, or the wording (`has been disabled`, `we are writing`);
None when the text does not say.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from pmgen.model import ActionItem, Section
from pmgen.read.blocks import Block, section_blocks
from pmgen.read.calendar import parse_day
from pmgen.read.zones import fold

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
    # A trailing `(Paul)`, `(Claire + Marc)`: names only, each capitalised.
    re.compile(
        r"\(((?:[A-ZÉ][\w\-]{1,20})(?:\s*[+&,/]\s*(?:et\s+)?[A-ZÉ][\w\-]{1,20}){0,4})\)\s*\.?$"
    ),
)
_DATE_WORDS = r"\b(?:due|échéance|echeance|deadline|d'ici le|avant le|before|by)\b"
# `\s*(?::\s*)?`, not `\s*:?\s*`: the latter tries every split of a run of spaces (quadratic).
_DUE = re.compile(
    _DATE_WORDS + r"\s*(?::\s*)?(?:le\s+)?(?P<date>\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{4}|"
    r"\d{1,2}(?:er)?\s+[a-zéû]+\.?\s+\d{4}|[a-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})",
    re.I,
)
# Where an owner's name stops: another field of the item (`, due …`, `; ETA …`, `. Due:`).
_OWNER_END = re.compile(
    r"[,;]|(?<=\w\w)\.(?:\s|$)|\s(?:due|échéance|echeance|eta|deadline|by|avant|pour le)\b",
    re.I,
)
# `JIRA-456`, `OPS-12`: a ticket, not a person.
_TICKET = re.compile(r"[A-Z][A-Z0-9]{1,15}-\d{1,7}")
_DONE_CELL = re.compile(
    r"^(?:x|✅|✓|✔|fait|done|terminée?|closed|fermée?|résolue?|completed?|fixed)$", re.I
)
_OPEN_CELL = re.compile(
    r"^(?:to ?do|open|ouverte?|en cours|in progress|wip|à faire|a faire|planned|prévue?|"
    r"pending|not started|à débattre|to debat(?:r)?e|ongoing|blocked|bloquée?)$",
    re.I,
)
_OWNER_HEADERS = re.compile(r"^(?:owner|owners|responsable|porteur|pilote|assignee|qui|who)$", re.I)
_DUE_HEADERS = re.compile(
    r"^(?:due|due date|échéance|echeance|deadline|date limite|quand|when|expected date)$", re.I
)
_STATUS_HEADERS = re.compile(r"^(?:status|statut|état|etat|done|fait)$", re.I)
_MARKER = re.compile(
    r"^\W{0,3}(TODO|TO DO|DONE|IN PROGRESS|WIP|EN COURS|FAIT|À FAIRE)\b\W{0,3}\s*", re.I
)
_ACTION_POINT = re.compile(
    r"^(?:action points?|action items?|follow-?up|ai|à faire|todo)\s*:\s*(?=\S)", re.I
)
_STATUS_LINE = re.compile(r"^(?:statut|status|état)\s*:\s*(.+)$", re.I)
_LABEL_WORDS = re.compile(
    r"\b(?:actions?|mesures?|improvements?|améliorations?|follow-?ups?|next steps|"
    r"prochaines étapes|to ?do|à faire|remediations?|action items?|chantiers?)\b",
    re.I,
)
_PAST = re.compile(r"\b(?:ont été|a été|avons|were|was|have been|has been|had|took)\b", re.I)
# Headings about the time after the incident (`The following 2 weeks`, `Les jours suivants`).
_AFTERWARDS = re.compile(
    r"\b(?:following (?:\d+ |few |two |three )?(?:days|weeks|months)|in the weeks after|"
    r"(?:jours|semaines|mois) suivants|depuis l'incident|since then)\b",
    re.I,
)
_DONE_WORDS = re.compile(
    r"^(?:done|fait|déjà|already|completed)\b|\b(?:has been|have been|a été|ont été|now|"
    r"désormais|dorénavant)\b",
    re.I,
)
_OPEN_WORDS = re.compile(
    r"\b(?:we are|we're|will|to do|todo|planned|prévu|à faire|nous allons|en cours)\b", re.I
)
# Sections where a list is never one of follow-up work.
_NOT_ACTIONS = frozenset({"timeline", "impact", "detection"})


def parse_due(text: str, lang: str = "fr") -> dt.date | None:
    """`2021-10-01`, `1er octobre 2021`, `October 1, 2021`, `10/03/2023` (day first in French,
    month first in English unless the numbers decide): a full date, no weekday alone."""
    return parse_day(text, None, lang)


def find_owner(text: str) -> str | None:
    """`@camille`, `(owner: Camille)`, `responsable : Julien`, `(Paul)`, else None; the name
    stops at the item's next field (`(Owner: Jean, due …)` → `Jean`), and a ticket key in
    parentheses (`(JIRA-456)`) is no one."""
    candidates = [_owner_in_parentheses(text)]
    candidates += [match.group(1) for p in _OWNER_PATTERNS if (match := p.search(text))]
    for candidate in candidates:
        if candidate is None:
            continue
        name = _OWNER_END.split(candidate, maxsplit=1)[0].strip().lstrip("@").strip()
        if name and not _TICKET.fullmatch(name):
            return name
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


def find_due(text: str, lang: str = "fr") -> dt.date | None:
    """The due date announced by `due`, `échéance :`, `avant le`…, else None."""
    match = _DUE.search(text)
    return parse_due(match["date"], lang) if match else None


def without_metadata(text: str) -> str:
    """The item's text without what the table shows apart: owner mentions and the due date
    (`@camille échéance : 2021-10-15`, `(owner: Marta)`), nor the separators left dangling."""
    text = _without_owner_parentheses(text)
    for pattern in (_DUE, *_OWNER_PATTERNS):
        text = pattern.sub(" ", text)
    text = re.sub(r"\(\s*\)", " ", text)
    text = re.sub(r"\s+([.,])", r"\1", re.sub(r"\s+", " ", text))
    return text.strip(" \t,;—–-:").strip() or text.strip()


def _without_owner_parentheses(text: str) -> str:
    """The text with each `(owner: …)` replaced by a blank, in one pass (as `find_owner`)."""
    parts, position = [], 0
    for opening in _OWNER_OPENING.finditer(text):
        if opening.start() < position:
            continue  # inside the parenthesis just removed
        close = text.find(")", opening.end())
        if close < 0:
            break
        parts += [text[position : opening.start()], " "]
        position = close + 1
    return "".join(parts) + text[position:]


def read_actions(
    blocks: Sequence[Block], sections: Sequence[Section], main: Section | None, lang: str = "fr"
) -> tuple[ActionItem, ...]:
    """Every action item of the document, in document order, each once."""
    ranges = [_span(blocks, s) for s in sections if s.id == "actions"]
    ranges += _afterwards(blocks)
    excluded = [_span(blocks, s) for s in sections if s.id in _NOT_ACTIONS]
    items: dict[int, ActionItem] = {}
    for start, end in ranges:
        for item in _section_items(blocks, start, end, lang):
            items.setdefault(item.line, item)
    skipped = bytearray(len(blocks))  # blocks already read, or where lists are no actions
    for start, end in (*ranges, *excluded):
        skipped[start:end] = b"\x01" * (end - start)
    for item in _loose_items(blocks, skipped, lang):
        items.setdefault(item.line, item)
    return tuple(items[line] for line in sorted(items))


def _span(blocks: Sequence[Block], section: Section) -> tuple[int, int]:
    return section_blocks(blocks, section.token_start, section.token_end)


def _afterwards(blocks: Sequence[Block]) -> list[tuple[int, int]]:
    """Blocks under a heading about the weeks after the incident (one pass, a stack of the
    headings still open)."""
    spans: list[tuple[int, int]] = []
    open_headings: list[tuple[int, int]] = []  # (depth, index) of matching headings
    for index, block in enumerate(blocks):
        if block.kind != "heading":
            continue
        while open_headings and open_headings[-1][0] >= block.depth:
            spans.append((open_headings.pop()[1] + 1, index))
        if block.depth <= 3 and _AFTERWARDS.search(block.text[:200]):
            open_headings.append((block.depth, index))
    spans += [(start + 1, len(blocks)) for _, start in open_headings]
    return sorted(spans)


def _section_items(blocks: Sequence[Block], start: int, end: int, lang: str) -> list[ActionItem]:
    """The items of an action section (see the module's docstring)."""
    items: list[ActionItem] = []
    headers: list[str] = []
    details = False  # the lists that follow belong to the item above
    top = min((b.depth for b in blocks[start:end] if b.kind == "item"), default=1)
    for index in range(start, end):
        block = blocks[index]
        if block.quoted:
            continue
        if block.kind == "heading":
            details = False
            if not _has_list(blocks, index + 1, end, block.depth) and block.text:
                following = _following_text(blocks, index + 1, end)
                items.append(_item(block, block.text, lang, following))
            continue
        if block.kind == "header":
            headers = [fold(cell).strip() for cell in block.cells]
            continue
        if block.kind == "row":
            if any(cell.strip() for cell in block.cells):
                items.append(_row(block, headers, lang))
            continue
        if block.kind in ("paragraph", "more") and block.parent is None:
            status = _STATUS_LINE.match(block.text)
            if status and items:
                items[-1] = _with_done(items[-1], _done_word(status.group(1)))
                continue
            if _ACTION_POINT.match(block.text) or (
                block.lines[0].bold and not block.lines[0].text.rstrip().endswith(":")
            ):
                items.append(_item(block, block.lines[0].text, lang))
                details = True
            elif block.text.rstrip().endswith(":"):
                details = False
            continue
        task = block.checkbox is not None  # a nested task is an action; a plain sub-bullet is not
        if block.kind == "item" and (block.depth == top or task) and not details and block.text:
            items.append(_item(block, block.text, lang))
        elif block.kind == "item" and details and items and _DONE_WORDS.match(block.text):
            items[-1] = _with_done(items[-1], True)
        elif block.kind == "item" and items and block.depth > top and _FIELD_LINE.match(block.text):
            items[-1] = _with_field(items[-1], block, lang)
    return items


def _has_list(blocks: Sequence[Block], start: int, end: int, depth: int) -> bool:
    for block in blocks[start:end]:
        if block.kind == "heading" and block.depth <= depth:
            return False
        if block.kind in ("item", "row"):
            return True
    return False


def _following_text(blocks: Sequence[Block], start: int, end: int) -> str:
    following = blocks[start] if start < end else None
    return following.text if following is not None and following.kind == "paragraph" else ""


def _loose_items(blocks: Sequence[Block], skipped: bytearray, lang: str) -> list[ActionItem]:
    """`Action point:` paragraphs, and lists announced by an action label, outside sections."""
    items: list[ActionItem] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        index += 1
        if skipped[index - 1] or block.quoted or block.kind not in ("paragraph", "item"):
            continue
        if _ACTION_POINT.match(block.text):
            item = _item(block, block.text, lang)
            while index < len(blocks) and blocks[index].kind == "item" and not skipped[index]:
                if _DONE_WORDS.match(blocks[index].text):
                    item = _with_done(item, True)
                index += 1
            items.append(item)
            continue
        if block.kind == "paragraph" and _label(block):
            depth = None
            while index < len(blocks) and blocks[index].kind in ("item", "more"):
                child = blocks[index]
                depth = child.depth if depth is None else depth
                if child.kind == "item" and child.depth == depth and child.text:
                    items.append(_item(child, child.text, lang))
                index += 1
    return items


def _label(block: Block) -> bool:
    """A short line announcing a list of follow-up work (`**Short-term improvements:**`)."""
    text = block.text.strip().strip("*_").strip()
    return (
        text.endswith(":")
        and len(text) <= 160
        and bool(_LABEL_WORDS.search(text))
        and not _PAST.search(text)
    )


def _clean(text: str) -> tuple[str, bool | None]:
    """The item's text without a leading status marker, and what the marker says."""
    match = _MARKER.match(text)
    if match is None:
        return text.strip(), None
    word = fold(match.group(1))
    done = word in ("done", "fait")
    return text[match.end() :].strip() or text.strip(), done


def _done_word(text: str) -> bool | None:
    value = text.strip().strip("*_`").strip()
    if _DONE_CELL.match(value):
        return True
    if _OPEN_CELL.match(value):
        return False
    return None


def _wording(text: str) -> bool | None:
    if _DONE_WORDS.search(text[:200]):
        return True
    if _OPEN_WORDS.search(text[:200]):
        return False
    return None


def _item(block: Block, text: str, lang: str, more: str = "") -> ActionItem:
    cleaned, marked = _clean(_ACTION_POINT.sub("", text))
    done = block.checkbox if block.checkbox is not None else marked
    if done is None:
        done = _wording(f"{cleaned} {more}")
    return ActionItem(
        cleaned, done, find_owner(cleaned), find_due(cleaned, lang), block.links, block.line
    )


# A sub-bullet that is one of its item's fields: `* Owner: Jordan`, `* Due: 03/31/2023`.
_FIELD_LINE = re.compile(
    r"^\W{0,3}(?:" + _OWNER_WORDS + r"|due|due date|échéance|echeance|deadline)\W{0,3}\s*:", re.I
)


def _with_field(item: ActionItem, block: Block, lang: str) -> ActionItem:
    """The item with the owner or due date a sub-bullet gives (what the item says wins)."""
    text = block.text
    owner = item.owner or find_owner(text)
    due = item.due or find_due(text, lang) or parse_due(text.partition(":")[2], lang)
    return ActionItem(item.text, item.done, owner, due, (*item.links, *block.links), item.line)


def _with_done(item: ActionItem, done: bool | None) -> ActionItem:
    return ActionItem(item.text, done, item.owner, item.due, item.links, item.line)


def _row(block: Block, headers: list[str], lang: str) -> ActionItem:
    owner = due = None
    done: bool | None = None
    for header, value in zip(headers, block.cells, strict=False):
        value = value.strip()
        if _OWNER_HEADERS.match(header) and value:
            owner = value.lstrip("@")
        elif _DUE_HEADERS.match(header):
            due = parse_due(value, lang)
        elif _STATUS_HEADERS.match(header):
            done = _done_word(value)
    raw = " — ".join(block.cells)
    first = next((cell for cell in block.cells if cell.strip()), "")
    text, marked = _clean(first)
    return ActionItem(
        text,
        done if done is not None else marked,
        owner or find_owner(raw),
        due or find_due(raw, lang),
        block.links,
        block.line,
    )
