"""Clean rendered HTML with nh3: keep harmless formatting, drop anything that can run."""

from __future__ import annotations

import re

import nh3

from pmgen.read.markdown import MAX_RAW_HTML_DEPTH, html_depth

TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "input",
        "ins",
        "kbd",
        "label",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "section",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
        "var",
    }
)
_COMMON = {"id", "class", "title", "lang", "dir"}
ATTRIBUTES: dict[str, set[str]] = {
    "*": _COMMON,
    "a": {"href", "aria-label"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"type", "checked", "disabled"},
    "td": {"align", "colspan", "rowspan", "style"},
    "th": {"align", "colspan", "rowspan", "scope", "style"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "details": {"open"},
    "time": {"datetime"},
    "abbr": {"title"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_CHECKBOX = re.compile(r'\btype="checkbox"')
_ANY_TAG = re.compile(r"<[^<>]*>")
# Lint refuses raw HTML nested deeper than MAX_RAW_HTML_DEPTH; Markdown's own nesting (lists,
# quotes) adds at most a few dozen levels to that.
MAX_DEPTH = 2 * MAX_RAW_HTML_DEPTH


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    """Only checkboxes may be inputs; only text alignment may be styled (tables)."""
    if element == "input" and attribute == "type":
        return value if value == "checkbox" else None
    if attribute == "style":
        cleaned = value.strip().rstrip(";").replace(" ", "")
        allowed = {"text-align:left", "text-align:right", "text-align:center"}
        return value if cleaned in allowed else None
    return value


def clean_html(fragment: str) -> str:
    """The fragment with scripts, styles, frames, event handlers and unsafe URLs removed."""
    if html_depth(fragment) > MAX_DEPTH:
        # nh3's parser takes quadratic time on deep nesting (30,000 nested lists: 5 s); past
        # the limit lint reports (PM003), only the text is kept.
        fragment = _ANY_TAG.sub("", fragment)
    cleaned = nh3.clean(
        fragment,
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        attribute_filter=_keep_attribute,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return _without_text_inputs(cleaned)


def _without_text_inputs(html: str) -> str:
    """Remove every `<input …>` that is not a checkbox (it would be a text field)."""
    # nh3 cannot drop an element by attribute value, so this runs on its normalised output, in
    # one pass: `<input(?![^>]*type="checkbox")[^>]*>` rescanned the text up to the next `>`
    # from every `<input` written inside an attribute value (quadratic).
    kept: list[str] = []
    position = 0
    while (start := html.find("<input", position)) >= 0:
        close = html.find(">", start)
        if close < 0:
            break
        kept.append(html[position:start])
        if _CHECKBOX.search(html, start, close):
            kept.append(html[start : close + 1])
        position = close + 1
    kept.append(html[position:])
    return "".join(kept)
