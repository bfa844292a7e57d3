"""The one configured markdown-it parser, and helpers that read positions off its tokens."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

__all__ = ["Link", "Token", "heading_text", "iter_links", "parse", "plain_text"]


@cache
def parser() -> MarkdownIt:
    """CommonMark plus tables, strikethrough, footnotes and task lists.

    Raw HTML is parsed (so comments and disable markers are visible to lint); rendering
    sanitises it before it reaches a page.
    """
    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(tasklists_plugin)
    return md


def parse(body: str) -> list[Token]:
    """Parse a Markdown body into block tokens (inline children attached)."""
    return parser().parse(body)


def plain_text(inline: Token | None) -> str:
    """The visible text of an inline token: emphasis and link marks dropped."""
    if inline is None or inline.children is None:
        return inline.content if inline is not None else ""
    parts = []
    for child in inline.children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(plain_text(child))
    return "".join(parts)


def heading_text(tokens: list[Token] | tuple[Token, ...], index: int) -> str:
    """The plain text of the heading that opens at `tokens[index]`."""
    return plain_text(tokens[index + 1]).strip()


@dataclass(frozen=True, slots=True)
class Link:
    """A link or image target found in the body, with the body lines of its block."""

    kind: str
    target: str
    raw_target: str
    alt: str
    block_start: int
    block_end: int


def iter_links(tokens: list[Token] | tuple[Token, ...]) -> Iterator[Link]:
    """Every link and image in document order, with the line span of its enclosing block."""
    span = (0, 0)
    for token in tokens:
        if token.map is not None:
            span = (token.map[0], token.map[1])
        if token.type != "inline" or not token.children:
            continue
        for child in token.children:
            if child.type == "link_open":
                target = str(child.attrGet("href") or "")
                yield Link("link", target, _raw(child, target), "", *span)
            elif child.type == "image":
                target = str(child.attrGet("src") or "")
                yield Link("image", target, _raw(child, target), plain_text(child), *span)


def _raw(token: Token, normalised: str) -> str:
    """The target as written when markdown-it kept it, else the normalised one."""
    return str(token.meta.get("raw_target", normalised)) if token.meta else normalised
