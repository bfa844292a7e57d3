"""The body as a flat list of blocks in document order: headings, paragraphs, list items and
table rows, each with its visible lines and their file lines. Code is left out.

A paragraph's lines are split where the author broke them (a line break, a trailing backslash
or two spaces, `<br>`): several events written one per line are several lines here.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pmgen.read.markdown import Token

_BREAK = re.compile(r"^<br\s*/?>$", re.IGNORECASE)
# A line that ends on one of these continues on the next one (a wrapped sentence).
_DANGLING = frozenset(
    [
        "à",
        "a",
        "at",
        "de",
        "du",
        "le",
        "la",
        "les",
        "des",
        "the",
        "to",
        "from",
        "since",
        "until",
        "depuis",
        "vers",
        "around",
        "about",
        "by",
        "of",
        "et",
        "and",
        "ou",
        "or",
        "en",
        "in",
        "on",
        "pour",
        "for",
        "with",
        "avec",
    ]
)


@dataclass(frozen=True, slots=True)
class Line:
    """One visible line of a block: its plain text and its 1-based file line."""

    text: str
    line: int
    soft: bool = False  # it follows a plain line break (not `\`, two spaces or `<br>`)
    bold: bool = False  # all its text is bold


@dataclass(frozen=True, slots=True)
class Block:
    """A heading, paragraph, list item (its first paragraph), item paragraph or table row.

    `depth` is the heading level, or the list nesting (1 for a top-level item); `parent` the
    index of the enclosing list item's block; `cells` a row's cells; `bold` a block whose
    text is all bold (a label such as `**Short-term improvements:**`)."""

    kind: str  # heading, paragraph, item, more (a later paragraph of an item), row, header
    depth: int
    lines: tuple[Line, ...]
    token: int
    quoted: bool = False
    parent: int | None = None
    cells: tuple[str, ...] = ()
    bold: bool = False
    checkbox: bool | None = None  # a task-list item: checked or not
    links: tuple[str, ...] = ()

    @property
    def line(self) -> int:
        """The block's first file line."""
        return self.lines[0].line if self.lines else 0

    @property
    def text(self) -> str:
        """The block's lines joined by spaces (joined once)."""
        return _joined(self.lines)


@functools.lru_cache(maxsize=1024)
def _joined(lines: tuple[Line, ...]) -> str:
    return " ".join(line.text for line in lines).strip()


def split_inline(
    inline: Token, first_line: int
) -> tuple[tuple[Line, ...], bool, bool | None, tuple[str, ...]]:
    """An inline token's visible lines, whether it is all bold, its task checkbox and links."""
    lines: list[Line] = []
    parts: list[str] = []
    number = first_line
    strong_depth = 0
    bold_chars = other_chars = 0
    checkbox: bool | None = None
    links: list[str] = []

    soft = False
    counts = [0, 0]  # bold and other characters of the current line

    def close() -> None:
        """End the current line."""
        text = "".join(parts).strip()
        lines.append(Line(text, line_number, soft, counts[0] > 0 and counts[1] <= 2))
        counts[0] = counts[1] = 0

    line_number = number
    for child in inline.children or ():
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            close()
            parts = []
            number += 1
            line_number = number
            soft = kind == "softbreak"
        elif kind == "html_inline" and _BREAK.match(child.content.strip()):
            close()
            parts = []
            soft = False
        elif kind == "html_inline" and "task-list-item-checkbox" in child.content:
            checkbox = 'checked="checked"' in child.content
        elif kind in ("text", "code_inline"):
            parts.append(child.content)
            if child.content.strip():
                size = len(child.content.strip())
                counts[0 if strong_depth else 1] += size
                if strong_depth:
                    bold_chars += size
                else:
                    other_chars += size
        elif kind == "image":
            parts.append(_plain(child))
        elif kind == "strong_open":
            strong_depth += 1
        elif kind == "strong_close":
            strong_depth = max(0, strong_depth - 1)
        elif kind == "link_open":
            href = str(child.attrGet("href") or "")
            if href.startswith(("http://", "https://")):
                links.append(href)
    close()
    kept = tuple(line for line in lines if line.text) or tuple(lines[:1])
    return kept, bold_chars > 0 and other_chars <= 2, checkbox, tuple(links)


def _plain(token: Token) -> str:
    return "".join(c.content for c in token.children or () if c.type in ("text", "code_inline"))


def read_blocks(
    tokens: Sequence[Token], body_line: int, start: int = 0, end: int | None = None
) -> list[Block]:
    """The blocks of `tokens[start:end]` in order; `body_line` is the file line of the body."""
    stop = len(tokens) if end is None else end
    blocks: list[Block] = []
    items: list[int | None] = []  # for each open list item, the index of its first block
    quoted = 0
    index = start
    while index < stop:
        token = tokens[index]
        kind = token.type
        if kind == "blockquote_open":
            quoted += 1
        elif kind == "blockquote_close":
            quoted = max(0, quoted - 1)
        elif kind == "list_item_open":
            items.append(None)
        elif kind == "list_item_close":
            if items:
                items.pop()
        elif kind == "tr_open" and token.map is not None:
            index = _row(tokens, index, stop, body_line, blocks, bool(quoted))
            continue
        elif kind == "inline" and token.map is not None and index > start:
            opener = tokens[index - 1].type
            lines, bold, checkbox, links = split_inline(token, body_line + token.map[0])
            parent = _parent(items)
            if opener == "heading_open":
                level = int(tokens[index - 1].tag[1])
                blocks.append(
                    Block("heading", level, lines, index, bool(quoted), bold=bold, links=links)
                )
            elif opener == "paragraph_open" and items and items[-1] is None:
                items[-1] = len(blocks)
                blocks.append(
                    Block(
                        "item",
                        len(items),
                        lines,
                        index,
                        bool(quoted),
                        parent,
                        (),
                        bold,
                        checkbox,
                        links,
                    )
                )
            elif opener == "paragraph_open":
                kind_name = "more" if items else "paragraph"
                blocks.append(
                    Block(
                        kind_name,
                        len(items),
                        lines,
                        index,
                        bool(quoted),
                        items[-1] if items else None,
                        bold=bold,
                        links=links,
                    )
                )
        index += 1
    return blocks


def _parent(items: list[int | None]) -> int | None:
    """The block of the list item enclosing the current one (None at the top level)."""
    for block in reversed(items[:-1]):
        if block is not None:
            return block
    return None


def _row(
    tokens: Sequence[Token],
    index: int,
    stop: int,
    body_line: int,
    blocks: list[Block],
    quoted: bool,
) -> int:
    """Read one table row into `blocks`; returns the index after it."""
    header = index > 0 and tokens[index - 1].type == "thead_open"
    line = body_line + (tokens[index].map[0] if tokens[index].map else 0)
    cells: list[str] = []
    links: list[str] = []
    position = index + 1
    while position < stop and tokens[position].type != "tr_close":
        if tokens[position].type == "inline":
            cell_lines, _, _, cell_links = split_inline(tokens[position], line)
            cells.append(" ".join(part.text for part in cell_lines).strip())
            links.extend(cell_links)
        position += 1
    text = " — ".join(cell for cell in cells if cell)
    blocks.append(
        Block(
            "header" if header else "row",
            0,
            (Line(text, line),),
            index,
            quoted,
            cells=tuple(cells),
            links=tuple(links),
        )
    )
    return position + 1


def wrapped(block: Block, position: int) -> bool:
    """True when the line at `position` continues the sentence of the line before it (a plain
    line break after `à`, `the`, a comma…): the two are one sentence, not two entries."""
    line = block.lines[position]
    if position == 0 or not line.soft:
        return False
    previous = block.lines[position - 1].text.rstrip()
    words = previous.split()
    last = words[-1].lower().strip("*_`") if words else ""
    return last in _DANGLING or previous.endswith((",", "(", "-"))


def section_blocks(blocks: Sequence[Block], token_start: int, token_end: int) -> tuple[int, int]:
    """The block indices inside a section's token range, its heading left out (a bisection:
    blocks are in token order)."""
    start = bisect.bisect_right(blocks, token_start + 2, key=lambda b: b.token)
    end = bisect.bisect_left(blocks, token_end, key=lambda b: b.token)
    return (start, end) if start < end else (0, 0)


def ancestors(blocks: Sequence[Block], starts: Sequence[int]) -> dict[int, tuple[int, ...]]:
    """For each start index (ascending), the indices of the headings enclosing that point,
    nearest first (one pass, a stack of open headings)."""
    found: dict[int, tuple[int, ...]] = {}
    stack: list[int] = []
    wanted = sorted(set(starts))
    position = 0
    for index, block in enumerate(blocks):
        while position < len(wanted) and wanted[position] == index:
            found[index] = tuple(reversed(stack))
            position += 1
        if block.kind == "heading":
            while stack and blocks[stack[-1]].depth >= block.depth:
                stack.pop()
            stack.append(index)
    for start in wanted[position:]:
        found[start] = tuple(reversed(stack))
    return found
