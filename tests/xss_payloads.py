"""A catalogue of known XSS payloads, each of which marks the page if it ever runs.

Every payload sets `window.__pwned` to its own name (`parent`/`top` from inside a frame) and
calls `alert`, so a test that loads a page can tell both that something ran and what did.
`markup` is the text as an author would paste it into a postmortem: raw HTML, Markdown, or
both. Sources: the OWASP XSS filter evasion cheat sheet, PortSwigger's XSS cheat sheet,
published mutation-XSS (mXSS) bypasses of HTML sanitisers, and CommonMark's own notes on
dangerous link destinations.

`block` payloads span lines (a link reference definition): they only make sense as a block of
their own, never inside a heading, a table cell or a front-matter value.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Payload:
    """One payload: a unique name, a family, the text to paste, and whether it spans lines."""

    name: str
    family: str
    markup: str
    block: bool = False


def _run(name: str, scope: str = "window") -> str:
    """The JavaScript a payload runs: mark the page with its name, then open a dialog."""
    return f"{scope}.__pwned='{name}';{scope}.alert('{name}')"


def _entities(text: str) -> str:
    """Every character as a decimal HTML entity (`j` → `&#106;`)."""
    return "".join(f"&#{ord(char)};" for char in text)


def _payloads() -> tuple[Payload, ...]:
    found: list[tuple[str, str, str] | tuple[str, str, str, bool]] = [
        # --- script elements and variants ---------------------------------------------------
        ("script-tag", "script", f"<script>{_run('script-tag')}</script>"),
        ("script-upper-case", "script", f"<SCRIPT>{_run('script-upper-case')}</SCRIPT>"),
        (
            "script-src-data",
            "script",
            f'<script src="data:text/javascript,{_run("script-src-data")}"></script>',
        ),
        (
            "script-split-tag",
            "script",
            f"<scr<script>ipt>{_run('script-split-tag')}</scr</script>ipt>",
        ),
        (
            "script-attribute-breakout",
            "script",
            f'"><script>{_run("script-attribute-breakout")}</script>',
        ),
        (
            "script-slash-separator",
            "script",
            f"<script/x>{_run('script-slash-separator')}</script>",
        ),
        # --- event handlers --------------------------------------------------------------------
        ("img-onerror", "event", f'<img src=x onerror="{_run("img-onerror")}">'),
        (
            "img-onerror-no-spaces",
            "event",
            f'<IMG/SRC="x"/ONERROR="{_run("img-onerror-no-spaces")}">',
        ),
        (
            "img-onerror-eval-src",
            "event",
            "<img src=\"x:window.__pwned='img-onerror-eval-src'\" onerror=eval(src)>",
        ),
        ("svg-onload", "event", f'<svg onload="{_run("svg-onload")}"></svg>'),
        ("body-onload", "event", f'<body onload="{_run("body-onload")}">'),
        (
            "details-ontoggle",
            "event",
            f'<details open ontoggle="{_run("details-ontoggle")}"><summary>s</summary>d</details>',
        ),
        (
            "video-source-onerror",
            "event",
            f'<video><source src=x onerror="{_run("video-source-onerror")}"></video>',
        ),
        ("video-onerror", "event", f'<video src=x onerror="{_run("video-onerror")}"></video>'),
        ("audio-onerror", "event", f'<audio src=x onerror="{_run("audio-onerror")}"></audio>'),
        (
            "input-autofocus-onfocus",
            "event",
            f'<input autofocus onfocus="{_run("input-autofocus-onfocus")}">',
        ),
        (
            "textarea-autofocus-onfocus",
            "event",
            f'<textarea autofocus onfocus="{_run("textarea-autofocus-onfocus")}"></textarea>',
        ),
        (
            "div-onpointerover",
            "event",
            f'<div style="position:fixed;inset:0" onpointerover="{_run("div-onpointerover")}">'
            "</div>",
        ),
        ("a-onclick", "event", f'<a href="#" onclick="{_run("a-onclick")}">click</a>'),
        (
            "marquee-onstart",
            "event",
            f'<marquee onstart="{_run("marquee-onstart")}">m</marquee>',
        ),
        # --- dangerous URLs in raw HTML ------------------------------------------------------
        ("a-href-javascript", "url", f'<a href="javascript:{_run("a-href-javascript")}">x</a>'),
        (
            "a-href-leading-spaces",
            "url",
            f'<a href="  javascript:{_run("a-href-leading-spaces")}">x</a>',
        ),
        (
            "a-href-mixed-case",
            "url",
            f'<a href="JaVaScRiPt:{_run("a-href-mixed-case")}">x</a>',
        ),
        (
            "a-href-tab-entity",
            "url",
            f'<a href="jav&#x09;ascript:{_run("a-href-tab-entity")}">x</a>',
        ),
        (
            "a-href-newline-entity",
            "url",
            f'<a href="java&NewLine;script&colon;{_run("a-href-newline-entity")}">x</a>',
        ),
        (
            "a-href-decimal-entities",
            "url",
            f'<a href="{_entities("javascript:")}{_run("a-href-decimal-entities")}">x</a>',
        ),
        (
            "a-href-zero-padded-entities",
            "url",
            f'<a href="&#0000106&#0000097vascript:{_run("a-href-zero-padded-entities")}">x</a>',
        ),
        ("a-href-vbscript", "url", '<a href="vbscript:msgbox(&quot;a-href-vbscript&quot;)">x</a>'),
        (
            "a-href-data-html",
            "url",
            '<a href="data:text/html;base64,PHNjcmlwdD50b3AuX19wd25lZD0xPC9zY3JpcHQ+">x</a>',
        ),
        ("img-src-javascript", "url", f'<img src="javascript:{_run("img-src-javascript")}">'),
        (
            "img-srcset-javascript",
            "url",
            f'<img srcset="javascript:{_run("img-srcset-javascript")}">',
        ),
        (
            "button-formaction",
            "url",
            f'<button formaction="javascript:{_run("button-formaction")}">go</button>',
        ),
        # --- frames, objects, forms, base, meta ----------------------------------------------
        (
            "iframe-src",
            "frame",
            f'<iframe src="javascript:{_run("iframe-src", "parent")}"></iframe>',
        ),
        (
            "iframe-srcdoc",
            "frame",
            '<iframe srcdoc="&lt;script&gt;'
            f'{_run("iframe-srcdoc", "parent")}&lt;/script&gt;"></iframe>',
        ),
        ("object-data", "frame", f'<object data="javascript:{_run("object-data", "parent")}">'),
        (
            "embed-src",
            "frame",
            f'<embed src="data:text/html,<script>{_run("embed-src", "top")}</script>">',
        ),
        (
            "form-action",
            "frame",
            f'<form action="javascript:{_run("form-action")}"><button>go</button></form>',
        ),
        ("base-href", "frame", f'<base href="javascript:{_run("base-href")}//">'),
        (
            "meta-refresh",
            "frame",
            f'<meta http-equiv="refresh" content="0;url=javascript:{_run("meta-refresh")}">',
        ),
        (
            "link-stylesheet",
            "frame",
            f'<link rel="stylesheet" href="javascript:{_run("link-stylesheet")}">',
        ),
        # --- styles ----------------------------------------------------------------------------
        (
            "style-expression",
            "style",
            f'<div style="width:expression({_run("style-expression")})">e</div>',
        ),
        (
            "style-url-javascript",
            "style",
            f"<div style=\"background:url('javascript:{_run('style-url-javascript')}')\">u</div>",
        ),
        (
            "style-element-import",
            "style",
            f"<style>@import 'javascript:{_run('style-element-import')}';</style>",
        ),
        (
            "style-breakout",
            "style",
            f'<style></style><img src=x onerror="{_run("style-breakout")}">',
        ),
        # --- SVG and MathML ---------------------------------------------------------------------
        ("svg-script", "svg", f"<svg><script>{_run('svg-script')}</script></svg>"),
        (
            "svg-xlink-href",
            "svg",
            f'<svg><a xlink:href="javascript:{_run("svg-xlink-href")}"><text x="9" y="9">'
            "svg</text></a></svg>",
        ),
        (
            "svg-animate-href",
            "svg",
            '<svg><a><animate attributeName="href" '
            f'values="javascript:{_run("svg-animate-href")}"/><text x="9" y="9">a</text></a></svg>',
        ),
        (
            "svg-set-onbegin",
            "svg",
            f'<svg><set attributeName="x" to="1" onbegin="{_run("svg-set-onbegin")}"/></svg>',
        ),
        (
            "svg-foreignobject",
            "svg",
            '<svg><foreignObject><iframe srcdoc="&lt;script&gt;'
            f'{_run("svg-foreignobject", "parent")}&lt;/script&gt;"></iframe>'
            "</foreignObject></svg>",
        ),
        (
            "svg-style-mxss",
            "svg",
            f'<svg></p><style><a id="</style><img src=x onerror={_run("svg-style-mxss")}>">',
        ),
        (
            "mathml-href",
            "mathml",
            f'<math href="javascript:{_run("mathml-href")}"><mi>m</mi></math>',
        ),
        (
            "mathml-xlink-maction",
            "mathml",
            '<math><maction actiontype="statusline" '
            f'xlink:href="javascript:{_run("mathml-xlink-maction")}">m</maction></math>',
        ),
        (
            "mathml-mglyph-mxss",
            "mathml",
            "<math><mtext><table><mglyph><style><img src=x "
            f'onerror="{_run("mathml-mglyph-mxss")}">',
        ),
        # --- parsing tricks -----------------------------------------------------------------
        (
            "template-content",
            "parsing",
            f'<template><img src=x onerror="{_run("template-content")}"></template>',
        ),
        (
            "noscript-mxss",
            "parsing",
            f'<noscript><p title="</noscript><img src=x onerror={_run("noscript-mxss")}>">',
        ),
        (
            "comment-bang-close",
            "parsing",
            f'<!-- --!><img src=x onerror="{_run("comment-bang-close")}"> -->',
        ),
        (
            "comment-short-close",
            "parsing",
            f'<!--><img src=x onerror="{_run("comment-short-close")}">-->',
        ),
        (
            "cdata-section",
            "parsing",
            f'<![CDATA[><img src=x onerror="{_run("cdata-section")}">]]>',
        ),
        (
            "title-breakout",
            "parsing",
            f'<title><img src=x onerror="{_run("title-breakout")}"></title>',
        ),
        (
            "textarea-breakout",
            "parsing",
            f'<textarea></textarea><img src=x onerror="{_run("textarea-breakout")}">',
        ),
        (
            "xmp-breakout",
            "parsing",
            f'<xmp></xmp><img src=x onerror="{_run("xmp-breakout")}">',
        ),
        # --- Markdown syntax ----------------------------------------------------------------
        ("md-link-javascript", "markdown", f"[md]( javascript:{_run('md-link-javascript')})"),
        ("md-link-mixed-case", "markdown", f"[md](JaVaScRiPt:{_run('md-link-mixed-case')})"),
        (
            "md-link-tab-entity",
            "markdown",
            f"[md](jav&#x09;ascript:{_run('md-link-tab-entity')})",
        ),
        (
            "md-link-angle-brackets",
            "markdown",
            f"[md](<javascript:{_run('md-link-angle-brackets')}>)",
        ),
        ("md-link-vbscript", "markdown", "[md](vbscript:msgbox('md-link-vbscript'))"),
        (
            "md-link-data-html",
            "markdown",
            "[md](data:text/html;base64,PHNjcmlwdD50b3AuX19wd25lZD0xPC9zY3JpcHQ+)",
        ),
        ("md-image-javascript", "markdown", f"![md](javascript:{_run('md-image-javascript')})"),
        (
            "md-image-alt-breakout",
            "markdown",
            f'![" onerror="{_run("md-image-alt-breakout")}](x.png)',
        ),
        (
            "md-link-title-breakout",
            "markdown",
            f'[md](https://example.org "a\\" onmouseover=\\"{_run("md-link-title-breakout")}")',
        ),
        ("md-autolink-javascript", "markdown", f"<javascript:{_run('md-autolink-javascript')}>"),
        (
            "md-reference-link",
            "markdown",
            f"[md][evil]\n\n[evil]: javascript:{_run('md-reference-link')}",
            True,
        ),
        (
            "md-reference-image",
            "markdown",
            f"![md][evil-image]\n\n[evil-image]: JAVASCRIPT:{_run('md-reference-image')}",
            True,
        ),
        (
            "md-code-span-breakout",
            "markdown",
            f"`</code><script>{_run('md-code-span-breakout')}</script>`",
        ),
    ]
    return tuple(Payload(*item) for item in found)


PAYLOADS: tuple[Payload, ...] = _payloads()
# Payloads that fit on one line: usable in headings, table cells and front-matter values.
INLINE: tuple[Payload, ...] = tuple(p for p in PAYLOADS if not p.block)
BY_NAME = {payload.name: payload for payload in PAYLOADS}
assert len(BY_NAME) == len(PAYLOADS), "payload names must be unique"
assert all(payload.name in payload.markup or "PHNjcmlw" in payload.markup for payload in PAYLOADS)
