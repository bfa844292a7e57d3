"""The one configured markdown-it parser, and helpers that read positions off its tokens."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from pmgen.read.lines import split_lines
from pmgen.slugs import slugify

__all__ = [
    "Link",
    "RenderOptions",
    "Token",
    "heading_text",
    "iter_links",
    "parse",
    "plain_text",
    "render",
    "split_lines",
]


@cache
def parser() -> MarkdownIt:
    """CommonMark plus tables, strikethrough, footnotes and task lists.

    Raw HTML is parsed (so comments and disable markers are visible to lint); rendering
    sanitises it before it reaches a page.
    """
    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(tasklists_plugin, label=True)
    md.use(anchors_plugin, min_level=2, max_level=6, slug_func=slugify)
    for name, rule in _RENDER_RULES.items():
        md.add_render_rule(name, rule)
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


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How to render a body: link rewriting, raw-HTML policy, heading anchors, fenced blocks."""

    rewrite: Callable[[str], str] = str
    escape_html: bool = False
    anchor_label: str = "#"
    fences: Callable[[str, str, int], str | None] | None = None


def render(tokens: Sequence[Token], options: RenderOptions) -> str:
    """Render tokens to HTML without changing them (rules read `options` from the env)."""
    md = parser()
    return md.renderer.render(list(tokens), md.options, {"pmgen": options})


def _options(env: dict[str, Any]) -> RenderOptions:
    return env.get("pmgen") or RenderOptions()


def _link_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    changed = token.copy(attrs={**token.attrs, "href": _options(env).rewrite(href)})
    return self.renderToken([changed], 0, options, env)


def _image(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    token = tokens[idx]
    src = _options(env).rewrite(str(token.attrGet("src") or ""))
    alt = html.escape(plain_text(token), quote=True)
    title = token.attrGet("title")
    extra = f' title="{html.escape(str(title), quote=True)}"' if title else ""
    return f'<img src="{html.escape(src, quote=True)}" alt="{alt}"{extra} loading="lazy">'


def _heading_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    opening = tokens[idx - 2]
    anchor = opening.attrGet("id")
    if not anchor:
        return f"</{tokens[idx].tag}>\n"
    label = html.escape(_options(env).anchor_label, quote=True)
    return (
        f' <a class="anchor" href="#{html.escape(str(anchor), quote=True)}" '
        f'aria-label="{label}">#</a></{tokens[idx].tag}>\n'
    )


def _raw_html(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    content = tokens[idx].content
    if _options(env).escape_html and not _from_tasklist(tokens, idx):
        escaped = html.escape(content)
        return f"<p>{escaped}</p>\n" if tokens[idx].block else escaped
    return content


def _fence(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    token = tokens[idx]
    hook = _options(env).fences
    info = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
    if hook is not None and info:
        line = token.map[0] if token.map else 0
        replaced = hook(info, token.content, line)
        if replaced is not None:
            return replaced
    return RendererHTML.fence(self, tokens, idx, options, env)


# The checkbox the task-list plugin inserts as raw HTML: ours, not the author's.
_TASK_CHECKBOX = '<input class="task-list-item-checkbox"'


def _from_tasklist(tokens: Sequence[Token], idx: int) -> bool:
    """True for the `<label>`, checkbox and `</label>` the task-list plugin wrote."""
    content = tokens[idx].content
    if content.startswith(_TASK_CHECKBOX):
        return True
    if content == "<label>":
        return idx + 1 < len(tokens) and tokens[idx + 1].content.startswith(_TASK_CHECKBOX)
    if content == "</label>":
        return idx == len(tokens) - 1 and any(
            t.content.startswith(_TASK_CHECKBOX) for t in tokens[:idx]
        )
    return False


_RENDER_RULES = {
    "link_open": _link_open,
    "image": _image,
    "heading_close": _heading_close,
    "html_block": _raw_html,
    "html_inline": _raw_html,
    "fence": _fence,
}
