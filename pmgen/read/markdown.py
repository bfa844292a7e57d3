"""The one configured markdown-it parser, and helpers that read positions off its tokens."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.footnote import footnote_plugin

from pmgen.read.lines import split_lines
from pmgen.slugs import slugify

__all__ = [
    "MAX_RAW_HTML_DEPTH",
    "Link",
    "RenderOptions",
    "Token",
    "heading_text",
    "html_depth",
    "html_nesting",
    "iter_links",
    "parse",
    "plain_text",
    "render",
    "split_lines",
]


@cache
def parser() -> MarkdownIt:
    """CommonMark plus tables, strikethrough, footnotes, task lists and bare links.

    Raw HTML is parsed (so comments and disable markers are visible to lint); rendering
    sanitises it before it reaches a page.
    """
    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    # Task lists and heading ids as mdit-py-plugins' `tasklists` (label=True) and `anchors`
    # (levels 2-6, our slugs) write them, in linear time: both plugins are quadratic (each
    # task item looks back for its list; each repeated heading retries every suffix).
    md.core.ruler.after("inline", "github-tasklists", _task_lists)
    md.core.ruler.push("anchor", _heading_ids)
    md.core.ruler.after("inline", "bare-links", _bare_links)
    for name, rule in _RENDER_RULES.items():
        md.add_render_rule(name, rule)
    return md


_TASK_MARK = re.compile(r"\[[ xX]][ \t\n\v\f\r]+")
_CHECKBOX = '<input class="task-list-item-checkbox" {}disabled="disabled" type="checkbox">'


def _task_lists(state: StateCore) -> None:
    """`* [ ] item`: a disabled checkbox in a label; classes on the item and on its list."""
    tokens = state.tokens
    latest: dict[int, int] = {}  # level -> index of the latest token at that level
    for index, token in enumerate(tokens):
        if (
            1 < index < len(tokens) - 1
            and token.type == "inline"
            and tokens[index - 1].type == "paragraph_open"
            and tokens[index - 2].type == "list_item_open"
            and _TASK_MARK.match(token.content)
        ):
            item = tokens[index - 2]
            _check_box(token)
            item.attrSet("class", "task-list-item")
            tokens[latest.get(item.level - 1, -1)].attrSet("class", "contains-task-list")
        latest[token.level] = index


def _check_box(inline: Token) -> None:
    assert inline.children is not None
    box = Token("html_inline", "", 0)
    if inline.content.startswith("[ ] "):
        box.content = _CHECKBOX.format("")
    elif inline.content.startswith(("[x] ", "[X] ")):
        box.content = _CHECKBOX.format('checked="checked" ')
    inline.children.insert(0, box)
    inline.children[1].content = inline.children[1].content[3:]
    inline.content = inline.content[3:]
    inline.children.insert(0, Token("html_inline", "", 0, content="<label>"))
    inline.children.append(Token("html_inline", "", 0, content="</label>"))


# `https://…`, `http://…`, `mailto:…` written out in prose, as GitHub links them. Our own rule
# rather than linkify-it-py: its link pattern is quadratic on a URL full of `(` (6 s for
# 100 kB), and only addresses with their scheme are wanted (`README.md` is not a domain).
_BARE_LINK = re.compile(r"(?<![\w/.@:-])(?:https?://|mailto:)[^\s<>\"'`]+", re.I)
_TRAILING = ".,;:!?*_~'\""


def _bare_links(state: StateCore) -> None:
    """Turn bare addresses in text (outside links and code) into links."""
    for block in state.tokens:
        if block.type != "inline" or not block.children or not _may_link(block.content):
            continue
        children: list[Token] = []
        inside = 0  # link depth: the text of a link is never linked again
        for child in block.children:
            inside += child.type == "link_open"
            inside -= child.type == "link_close"
            if child.type != "text" or inside or not _BARE_LINK.search(child.content):
                children.append(child)
                continue
            children += _linked(state, child)
        block.children = children


def _may_link(content: str) -> bool:
    return "://" in content or "mailto:" in content.lower()


def _linked(state: StateCore, text: Token) -> list[Token]:
    """A text token split into text and link tokens around its bare addresses."""
    out: list[Token] = []
    content, position = text.content, 0
    for match in _BARE_LINK.finditer(content):
        url = _trimmed(match.group())
        href = state.md.normalizeLink(url)
        if url.endswith(("://", ":")) or not state.md.validateLink(href):
            continue
        if match.start() > position:
            out.append(_text(text, content[position : match.start()]))
        opening = Token("link_open", "a", 1, attrs={"href": href}, markup="linkify")
        opening.info = "auto"
        out += [opening, _text(text, state.md.normalizeLinkText(url))]
        out.append(Token("link_close", "a", -1, markup="linkify", info="auto"))
        position = match.start() + len(url)
    if position < len(content):
        out.append(_text(text, content[position:]))
    return out


def _trimmed(url: str) -> str:
    """Without the sentence's punctuation after it, nor a `)` that closes the prose's
    parenthesis (`(see https://x.org/a)`); counted once, so linear."""
    balance = url.count("(") - url.count(")")
    end = len(url)
    while end:
        last = url[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last == ")" and balance < 0:
            end -= 1
            balance += 1
        else:
            break
    return url[:end]


def _text(like: Token, content: str) -> Token:
    token = Token("text", "", 0, content=content)
    token.level = like.level
    return token


def _heading_ids(state: StateCore) -> None:
    """An id on each heading of levels 2 to 6: its slug, then `-1`, `-2`… when taken."""
    tokens = state.tokens
    taken = {str(i) for t in tokens if t.type == "heading_open" and (i := t.attrGet("id"))}
    next_number: dict[str, int] = {}  # the suffixes below it are known to be taken
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or int(token.tag[1]) < 2 or token.attrGet("id"):
            continue
        children = tokens[index + 1].children or ()
        base = slugify("".join(c.content for c in children if c.type in ("text", "code_inline")))
        slug = base
        if slug in taken:
            number = next_number.get(base, 1)
            while f"{base}-{number}" in taken:
                number += 1
            slug, next_number[base] = f"{base}-{number}", number + 1
        taken.add(slug)
        token.attrSet("id", slug)


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


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
MAX_RAW_HTML_DEPTH = 100  # raw HTML nested deeper is PM003, and rendered as text
# Elements that never hold others (void), or that the next one of their kind closes: counting
# them would make `<p>a<p>b` look deep when an HTML parser keeps it flat.
_FLAT = frozenset(
    {
        *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"),
        *("source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option"),
        *("optgroup", "rt", "rp", "thead", "tbody", "tfoot", "colgroup", "caption"),
    }
)


def html_depth(text: str) -> int:
    """The deepest nesting of HTML elements in `text`, as a tag count estimates it: the depth
    a browser-grade parser (nh3's) spends quadratic time on."""
    return html_nesting(text, 0)[0]


def html_nesting(text: str, depth: int) -> tuple[int, int]:
    """The deepest level reached in `text` starting at `depth`, and the level at its end (raw
    HTML is read block after block: an element opened in one may close in a later one)."""
    deepest = depth
    for match in _TAG.finditer(text):
        if match.group(2).lower() in _FLAT:
            continue
        depth = max(depth - 1, 0) if match.group(1) else depth + 1
        deepest = max(deepest, depth)
    return deepest, depth


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
