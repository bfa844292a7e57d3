"""Linked files: only inert kinds are published, and SVG only when parsing shows it is inert
(issue 10, items 2, 3 and 11).

A linked file is copied beside the page, on the site's own origin: opened directly, an SVG
with a script, an XHTML page or a server configuration file acts for the site. Each hostile
file below is linked from a postmortem; lint reports PM308 at the link, and the build never
copies it. The browser test shows that the SVGs the old byte-pattern check let through do run
when opened in Chromium, so refusing them matters.
"""

from __future__ import annotations

import codecs
import datetime as dt
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from browser import build, chromium, serve
from test_browser import isolate, settle

from pmgen.commands.lint import run_lint
from pmgen.config import build_config
from pmgen.read.publishable import publish_refusal, svg_refusal

SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
XHTML_NS = 'xmlns="http://www.w3.org/1999/xhtml"'
RUN = "window.__pwned='{name}'"
TODAY = dt.date(2024, 6, 1)


def _utf16(text: str) -> bytes:
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


def _utf32(text: str) -> bytes:
    return codecs.BOM_UTF32_BE + text.encode("utf-32-be")


def _svg(inner: str) -> bytes:
    return f"<svg {SVG_NS}>{inner}</svg>".encode()


def _script(name: str) -> str:
    return f"<svg {SVG_NS}><script>{RUN.format(name=name)}</script><circle r='4'/></svg>"


# name -> (bytes, words the refusal names, runs when the file is opened in Chromium)
HOSTILE_SVGS: dict[str, tuple[bytes, str, bool]] = {
    # The three shapes of the report.
    "prefixed.svg": (
        (
            '<svg:svg xmlns:svg="http://www.w3.org/2000/svg"><svg:script>'
            + RUN.format(name="prefixed")
            + "</svg:script></svg:svg>"
        ).encode(),
        "`script` element",
        True,
    ),
    "xhtml-script.svg": (
        _svg(f"<script {XHTML_NS}>{RUN.format(name='xhtml-script')}</script>"),
        "outside the SVG namespace",
        True,
    ),
    "utf16.svg": (_utf16(_script("utf16")), "`script` element", True),
    # Variants the report did not name.
    "utf32.svg": (_utf32(_script("utf32")), "`script` element", False),
    "utf16-no-bom.svg": (
        f'<?xml version="1.0"?>{_script("utf16-no-bom")}'.encode("utf-16-le"),
        "without a byte-order mark",
        False,
    ),
    "utf7-declared.svg": (
        b'<?xml version="1.0" encoding="UTF-7"?>' + _script("utf7").encode(),
        "declares the encoding UTF-7",
        False,
    ),
    "xhtml-in-metadata.svg": (
        (
            f'<svg {SVG_NS}><metadata><h:script xmlns:h="http://www.w3.org/1999/xhtml">'
            + RUN.format(name="xhtml-in-metadata")
            + "</h:script></metadata></svg>"
        ).encode(),
        "outside the SVG namespace",
        True,
    ),
    "onload.svg": (
        f'<svg {SVG_NS} onload="{RUN.format(name="onload")}"/>'.encode(),
        "event attribute `onload`",
        True,
    ),
    "animate-href.svg": (
        f'<svg {SVG_NS}><rect width="9" height="9"><animate attributeName="href" '
        'values="javascript:alert(1)"/></rect></svg>'.encode(),
        "animation of `href`",
        False,
    ),
    "set-xlink-href.svg": (
        f'<svg {SVG_NS} xmlns:xlink="http://www.w3.org/1999/xlink"><use href="#a">'
        '<set attributeName="xlink:href" to="other.svg#b"/></use></svg>'.encode(),
        "animation of `xlink:href`",
        False,
    ),
    "external-entity.svg": (
        f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"<svg {SVG_NS}><text>&x;</text></svg>".encode(),
        "DOCTYPE with declarations",
        False,
    ),
    "xslt.svg": (
        f'<?xml-stylesheet type="text/xsl" href="evil.xsl"?><svg {SVG_NS}/>'.encode(),
        "processing instruction",
        False,
    ),
    "foreign-object.svg": (
        (
            f'<svg {SVG_NS}><foreignObject width="9" height="9"><iframe {XHTML_NS} '
            f'srcdoc="&lt;script&gt;parent.__pwned=1&lt;/script&gt;"/></foreignObject></svg>'
        ).encode(),
        "`foreignObject` element",
        False,
    ),
    "css-import.svg": (
        f'<svg {SVG_NS}><style>@import "https://evil.example/x.css";</style></svg>'.encode(),
        "`@import`",
        False,
    ),
    "css-escaped-url.svg": (
        f"<svg {SVG_NS}><rect style='fill: \\75 rl(https://evil.example/)'/></svg>".encode(),
        "CSS with `\\`",
        False,
    ),
    "data-image.svg": (
        f'<svg {SVG_NS}><image href="data:image/svg+xml;base64,PHN2Zy8+"/></svg>'.encode(),
        "`image` element",
        False,
    ),
    "external-use.svg": (
        f'<svg {SVG_NS}><use href="https://evil.example/a.svg#x"/></svg>'.encode(),
        "reference to another document",
        False,
    ),
    "link.svg": (
        f'<svg {SVG_NS}><a href="javascript:alert(1)"><text>x</text></a></svg>'.encode(),
        "an `a` element",
        False,
    ),
    "not-svg.svg": (
        f"<html {XHTML_NS}><script>{RUN.format(name='not-svg')}</script></html>".encode(),
        "root element",
        True,
    ),
}
BENIGN_SVGS: dict[str, bytes] = {
    "plain.svg": (
        f'<svg {SVG_NS} viewBox="0 0 10 10"><title>Réseau</title><defs><linearGradient id="g">'
        '<stop offset="0" stop-color="red"/></linearGradient></defs>'
        '<circle cx="5" cy="5" r="4" fill="url(#g)" style="stroke: url(#g); stroke-width: 1"/>'
        "</svg>"
    ).encode(),
    "inkscape.svg": (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        f'<svg {SVG_NS} xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" inkscape:version="1.3" width="20">'
        "<metadata><rdf:RDF><rdf:Description><dc:title>Schéma</dc:title></rdf:Description>"
        '</rdf:RDF></metadata><g inkscape:label="Calque" data-name="calque">'
        '<path d="M0 0L10 10" stroke="#000"><animate attributeName="stroke-width" '
        'values="1;2;1" dur="2s" repeatCount="indefinite"/></path></g></svg>'
    ).encode(),
    "utf16-plain.svg": _utf16(f'<?xml version="1.0" encoding="UTF-16"?><svg {SVG_NS}/>'),
}
# Other linked files: refused (and why), or published.
OTHER_REFUSED = {
    "rapport.xhtm": (
        "<html xmlns='http://www.w3.org/1999/xhtml'><script>1</script></html>",
        ".xhtm",
    ),
    ".htaccess": ("AddType text/html .png\n", "hidden files"),
    "web.config": ("<configuration/>", ".config"),
    "outil.wasm": ("\0asm", ".wasm"),
    "LISEZMOI": ("texte", "without an extension"),
    "page.HTML": ("<script>1</script>", ".html"),
}
PUBLISHED = {
    "graphe.png": b"\x89PNG\r\n\x1a\n",
    "mesures.csv": b"t,v\n1,2\n",
    "mesures.tsv": b"t\tv\n1\t2\n",
    "mesures.json": b'{"v": 1}\n',
    "rapport.pdf": b"%PDF-1.4\n",
    "notes.txt": b"notes\n",
    "journal.log": b"12:00 erreur\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_SVGS))
def test_hostile_svgs_are_refused(name: str) -> None:
    data, words, _ = HOSTILE_SVGS[name]
    refusal = svg_refusal(data)
    assert refusal is not None and words in refusal, refusal


@pytest.mark.parametrize("name", sorted(BENIGN_SVGS))
def test_inert_svgs_are_published(name: str) -> None:
    assert svg_refusal(BENIGN_SVGS[name]) is None


def test_doubtful_svgs_are_refused() -> None:
    """Anything the checker cannot read with certainty is refused, never waved through."""
    assert "not well-formed" in str(svg_refusal(f"<svg {SVG_NS}><g></svg>".encode()))
    assert "not well-formed" in str(svg_refusal(f"<svg {SVG_NS}>&nbsp;</svg>".encode()))
    assert "not valid UTF-8" in str(svg_refusal(f"<svg {SVG_NS}>\xe9</svg>".encode("latin-1")))
    assert "declares" in str(
        svg_refusal(codecs.BOM_UTF8 + b'<?xml version="1.0" encoding="UTF-16"?><svg/>')
    )
    assert "root element" in str(svg_refusal(b'<svg onload="x"/>'))  # no SVG namespace
    assert "not well-formed" in str(svg_refusal(b""))


def content_with_links(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """A content folder linking every file above, one link per line; the line of each."""
    content = tmp_path / "postmortems"
    content.mkdir()
    files: dict[str, bytes] = {name: data for name, (data, _, _) in HOSTILE_SVGS.items()}
    files |= BENIGN_SVGS | PUBLISHED
    files |= {name: text.encode() for name, (text, _) in OTHER_REFUSED.items()}
    files["journal\n::error::injecté.log"] = b"ligne\n"  # item 11: a line break in the name
    lines = ["---", "title: Pièces jointes", "date: 2024-01-15", "---", "", "## Contexte", ""]
    where: dict[str, int] = {}
    for name, data in sorted(files.items()):
        (content / name).write_bytes(data)
        where[name] = len(lines) + 1
        lines.append(f"* [{name.splitlines()[0]}]({urllib.parse.quote(name)})")
    (content / "2024-01-15-pieces.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return content, where


def test_lint_reports_every_refused_file_at_its_link(tmp_path: Path) -> None:
    content, where = content_with_links(tmp_path)
    report = run_lint([content], build_config({}, tmp_path, None), content, TODAY)
    found = {d.line: d.message for d in report.diagnostics if d.code == "PM308"}
    refused = [*HOSTILE_SVGS, *OTHER_REFUSED, "journal\n::error::injecté.log"]
    assert sorted(found) == sorted(where[name] for name in refused)
    for name, (_, words, _) in HOSTILE_SVGS.items():
        assert words in found[where[name]], found[where[name]]
    for name, (_, words) in OTHER_REFUSED.items():
        assert words in found[where[name]], found[where[name]]
    line_break = found[where["journal\n::error::injecté.log"]]
    assert "line break" in line_break


def test_the_build_copies_only_publishable_files(tmp_path: Path) -> None:
    content, _ = content_with_links(tmp_path)
    site = tmp_path / "site"
    build(content, site, config=build_config({"search": False}, tmp_path, None))
    copied = sorted(p.name for p in (site / "2024/01/15/pieces").iterdir() if p.is_file())
    assert copied == sorted([*BENIGN_SVGS, *PUBLISHED, "index.html"])
    names = [p.name for p in site.rglob("*")]
    assert not [n for n in names if "\n" in n or n.startswith(".ht") or n == "web.config"]


def test_hidden_folders_are_never_published(tmp_path: Path) -> None:
    """A variant: an inert file inside a dot-folder (`.well-known/`) stays out too."""
    (tmp_path / ".well-known").mkdir()
    (tmp_path / ".well-known" / "security.txt").write_text("Contact: x\n", encoding="utf-8")
    refusal = publish_refusal(tmp_path / ".well-known" / "security.txt", tmp_path)
    assert refusal is not None and "hidden" in refusal
    assert publish_refusal(tmp_path / "notes.txt", tmp_path) is None


@pytest.fixture(scope="module")
def browser() -> Any:
    with chromium() as opened:
        yield opened


def test_the_refused_svgs_would_run_if_published(browser: Any, tmp_path: Path) -> None:
    """The detector: opened directly, the SVGs marked as running do run script in Chromium
    (the old byte-pattern check published the first three)."""
    for name, (data, _, runs) in HOSTILE_SVGS.items():
        if runs:
            (tmp_path / name).write_bytes(data)
    ran = []
    with serve(tmp_path) as url:
        context = isolate(browser.new_context())
        try:
            for name, (_, _, runs) in sorted(HOSTILE_SVGS.items()):
                if not runs:
                    continue
                page = context.new_page()
                page.goto(url + name, wait_until="load")
                settle(page)
                if page.evaluate("typeof window.__pwned") != "undefined":
                    ran.append(name)
                page.close()
        finally:
            context.close()
    assert ran == sorted(name for name, (_, _, runs) in HOSTILE_SVGS.items() if runs)
