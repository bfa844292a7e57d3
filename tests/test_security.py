"""Hostile input: nothing a postmortem smuggles in runs, leaks, escapes or exhausts pmgen.

The threat model is SECURITY.md; docs/bad-input.md lists every input tried here. A site is
built from one postmortem per payload of tests/xss_payloads.py, the payload placed in every
spot an author controls (body as raw HTML and Markdown, headings, tables, timeline, footnotes,
action items, front-matter values, chart spec, CSV headers and cells). Every output file is then
parsed and audited, and every page is loaded in Debian's Chromium (tests/browser.py) to prove
that no dialog opens and no injected script runs.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
import json
import os
import re
import subprocess
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from browser import REPOSITORY, build, chromium, serve
from click.testing import CliRunner
from test_browser import INSPECT, isolate, settle
from xss_payloads import INLINE, PAYLOADS, Payload

from pmgen.cli import main
from pmgen.commands.build import BuildOptions, build_site
from pmgen.commands.lint import run_lint
from pmgen.commands.new import AlreadyExists, NewPostmortem, create_postmortem
from pmgen.config import build_config
from pmgen.errors import PmgenError
from pmgen.pages.sanitize import TAGS
from pmgen.slugs import MAX_SLUG, slugify, unique

TODAY = dt.date(2024, 6, 1)
DAY = "2024-01-15"
SITE_URL = "https://postmortems.example.org/sous-dossier"
THEME = REPOSITORY / "templates"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
POLICIES = ("sanitize", "escape")

# --- the hostile site --------------------------------------------------------------------


def yaml_text(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def inline(payload: Payload) -> str:
    """The payload where a single line is needed (block payloads give their first line)."""
    return payload.markup if not payload.block else payload.markup.split("\n")[0]


def title_of(payload: Payload) -> str:
    return payload.markup


def taxonomy_of(payload: Payload) -> str:
    """Which taxonomy the payload is a term of: one each, so term pages stay few."""
    return ("services", "tags", "severity")[PAYLOADS.index(payload) % 3]


def hostile_csv(payload: Payload) -> tuple[str, str, str]:
    """The chart data: the payload as x header, series header and a category cell."""
    x_name, y_name = f"x {inline(payload)}", f"y {inline(payload)}"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([[x_name, y_name], [inline(payload), 1], ["b", 3], ["c", 2]])
    return out.getvalue(), x_name, y_name


def hostile_postmortem(payload: Payload) -> tuple[str, str]:
    """The Markdown of one hostile postmortem and the CSV its chart reads."""
    text, one = payload.markup, inline(payload)
    data, x_name, y_name = hostile_csv(payload)
    chart = "\n".join(
        [
            "```chart",
            "type: bar",
            f"title: {yaml_text(one)}",
            f"data: {payload.name}.csv",
            f"x: {yaml_text(x_name)}",
            f"y: [{yaml_text(y_name)}]",
            f"unit: {yaml_text(one)}",
            "markers:",
            "  - at: b",
            f"    label: {yaml_text(one)}",
            "windows:",
            "  - start: b",
            "    end: c",
            f"    label: {yaml_text(one)}",
            "```",
        ]
    )
    taxonomy = taxonomy_of(payload)
    markdown = f"""---
title: {yaml_text(title_of(payload))}
date: {DAY}
severity: {yaml_text(one if taxonomy == "severity" else "SEV2")}
services: [{yaml_text(one) + ", " if taxonomy == "services" else ""}"web"]
tags: [{yaml_text(one) if taxonomy == "tags" else ""}]
authors: [{yaml_text(one)}]
---

Résumé : {one}

<!-- more -->

## Contexte

{text}

Texte en ligne {one} dans un paragraphe.

| Colonne | {one} |
|---|---|
| cellule | {one} |

## Chronologie

* 16:00 — {one}
* 16:30 — Retour à la normale.

## Enseignements

> {one}

Une note[^1].

[^1]: {one}

## Analyse

### {one}

{chart}

## Travaux restants

* [ ] {one} @alice due 2030-01-01
"""
    return markdown, data


def write_hostile_content(folder: Path, payloads: tuple[Payload, ...] = PAYLOADS) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for payload in payloads:
        markdown, data = hostile_postmortem(payload)
        (folder / f"{DAY}-{payload.name}.md").write_text(markdown, encoding="utf-8")
        (folder / f"{payload.name}.csv").write_text(data, encoding="utf-8")


def page_of(payload: Payload) -> str:
    return f"{DAY.replace('-', '/')}/{payload.name}/index.html"


@pytest.fixture(scope="module")
def hostile_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = tmp_path_factory.mktemp("hostile") / "postmortems"
    write_hostile_content(content)
    return content


@pytest.fixture(scope="module")
def hostile_sites(
    hostile_content: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """The hostile postmortems built twice: raw HTML sanitised (default) and escaped."""
    sites = {}
    for policy in POLICIES:
        root = tmp_path_factory.mktemp(f"site-{policy}")
        config = build_config({"html": policy}, root, None)
        result = build(hostile_content, root / "site", SITE_URL, config=config)
        assert result.postmortems == len(PAYLOADS)
        charts = [d for d in result.diagnostics if d.code == "PM306"]
        assert not charts, f"every hostile chart spec must be valid to be drawn: {charts}"
        sites[policy] = root / "site"
    return sites


# --- auditing HTML ----------------------------------------------------------------------

VOID = frozenset(
    "area base br col embed hr img input link meta source track wbr".split()  # noqa: SIM905
)
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "xlink:href",
        "action",
        "formaction",
        "data",
        "poster",
        "background",
        "srcset",
        "ping",
        "cite",
        "longdesc",
        "codebase",
        "manifest",
        "srcdoc",
    }
)
DANGEROUS_URL = re.compile(r"^(?:javascript|vbscript|livescript|data):", re.IGNORECASE)
NEVER = frozenset(
    {
        "base",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "math",
        "template",
        "textarea",
        "button",
        "foreignobject",
        "marquee",
        "xmp",
        "video",
        "audio",
        "source",
        "body-in-body",
    }
)


def _tags_in(text: str) -> set[str]:
    return {tag.lower() for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)\b", text)}


def theme_tags() -> set[str]:
    """Every element the theme's templates write."""
    return set().union(*(_tags_in(p.read_text("utf-8")) for p in THEME.glob("*.html")))


def chart_tags() -> set[str]:
    """Every element pmgen's chart drawer writes (read off its source: a module or a package)."""
    module = REPOSITORY / "pmgen" / "charts.py"
    sources = [module] if module.is_file() else sorted((module.with_suffix("")).rglob("*.py"))
    assert sources, "pmgen's chart drawer was not found"
    return set().union(*(_tags_in(path.read_text("utf-8")) for path in sources))


def theme_script_sources() -> set[str]:
    """The scripts the theme loads (`assets/…`), the only ones a page may hold."""
    found = set()
    for template in THEME.glob("*.html"):
        found.update(
            re.findall(r'<script src="\{\{ site\.root \}\}(assets/[^"]+)"', template.read_text())
        )
    assert found <= {f"assets/{p.name}" for p in (THEME / "assets").iterdir()}
    return found


ALLOWED_TAGS = (set(TAGS) | theme_tags() | chart_tags()) - NEVER


def normalised_url(value: str) -> str:
    """The URL as a browser reads its scheme: C0 controls and spaces dropped."""
    return re.sub(r"[\x00-\x20]", "", value)


class Auditor(HTMLParser):
    """Walk one page and list what must not be there."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.problems: list[str] = []
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.script_sources = theme_script_sources()
        self.in_script = False
        self.in_style = False

    def problem(self, text: str) -> None:
        self.problems.append(f"{self.page}: {text}")

    def inside(self, tag: str, cls: str = "") -> bool:
        return any(
            name == tag and cls in (attrs.get("class") or "").split() if cls else name == tag
            for name, attrs in self.stack
        )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.check(tag, attrs)
        if tag not in VOID:
            self.stack.append((tag, {k: v or "" for k, v in attrs}))
        self.in_script = self.in_script or tag == "script"
        self.in_style = self.in_style or tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.check(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.in_script = self.in_script and tag != "script"
        self.in_style = self.in_style and tag != "style"
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self.problem(f"inline script: {data[:120]!r}")
        if self.in_style and re.search(r"url\(|expression|javascript|@import|<", data, re.I):
            self.problem(f"active style sheet: {data[:120]!r}")

    def handle_comment(self, data: str) -> None:
        self.problem(f"an HTML comment survived: <!--{data[:80]}-->")

    def check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        shown = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)[:160]}>"
        in_svg = self.inside("svg")
        if tag not in ALLOWED_TAGS and not in_svg:
            self.problem(f"unexpected element {shown}")
        if tag in NEVER:
            self.problem(f"forbidden element {shown}")
        if tag == "script":
            source = re.sub(r"^(\.\./)*", "", values.get("src", ""))
            if source not in self.script_sources or set(values) - {"src", "data-words"}:
                self.problem(f"a script that is not the theme's: {shown}")
        if tag == "form" and (values.get("id") != "search-form" or "action" in values):
            self.problem(f"a form that is not the theme's search form: {shown}")
        if tag == "meta" and set(values) - {"charset", "name", "content"}:
            self.problem(f"meta with {sorted(values)}: {shown}")
        if tag == "meta" and "content" in values and values.get("name") != "viewport":
            self.problem(f"meta content outside the viewport: {shown}")
        if tag == "link" and values.get("rel") not in ("stylesheet", "icon", "alternate"):
            self.problem(f"unexpected link: {shown}")
        if tag == "style" and not (in_svg and self.inside("figure", "chart")):
            self.problem(f"a style sheet outside a pmgen chart: {shown}")
        if tag == "svg" and not self.inside("figure", "chart"):
            self.problem(f"an SVG outside a pmgen chart: {shown}")
        if in_svg and tag in ("script", "foreignobject", "a", "use", "image", "animate", "set"):
            self.problem(f"active element inside an SVG chart: {shown}")
        for name, value in values.items():
            if name.startswith("on"):
                self.problem(f"event-handler attribute {name}: {shown}")
            if in_svg and name in ("href", "xlink:href"):
                self.problem(f"a link inside an SVG chart: {shown}")
            if name in URL_ATTRIBUTES and DANGEROUS_URL.match(normalised_url(value)):
                favicon = tag == "link" and values.get("rel") == "icon" and value == "data:,"
                if not favicon:
                    self.problem(f"dangerous URL in {name}: {shown}")
            if name == "style" and re.search(r"url\(|expression|javascript|@import", value, re.I):
                self.problem(f"active style: {shown}")


def audit_page(path: Path, site: Path) -> list[str]:
    auditor = Auditor(path.relative_to(site).as_posix())
    auditor.feed(path.read_text(encoding="utf-8"))
    auditor.close()
    return auditor.problems


def collapse(text: str) -> str:
    """Runs of white space as one space (charts fold them)."""
    return " ".join(text.split())


def svg_charts(text: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", text, re.DOTALL)


def test_the_audit_catches_what_it_looks_for(tmp_path: Path) -> None:
    """The auditor itself: each kind of problem in a page is reported."""
    page = tmp_path / "page.html"
    page.write_text(
        "<p onclick=x>a</p><script>alert(1)</script><a href=' jav&#x09;ascript:x'>b</a>"
        "<iframe src=x></iframe><base href=x><meta http-equiv=refresh content=0>"
        "<svg><script>x</script></svg><form action=x></form><math></math><!-- c -->"
        "<div style='background:url(x)'>d</div><object data='data:text/html,x'></object>"
        "<style>p{}</style><figure class=chart><svg><style>@import 'x';</style></svg></figure>",
        encoding="utf-8",
    )
    found = "\n".join(audit_page(page, tmp_path))
    for expected in (
        "event-handler attribute onclick",
        "inline script",
        "dangerous URL in href",
        "forbidden element <iframe",
        "forbidden element <base",
        "meta with",
        "an SVG outside a pmgen chart",
        "active element inside an SVG chart: <script",
        "a form that is not the theme's",
        "forbidden element <math",
        "an HTML comment survived",
        "active style",
        "dangerous URL in data",
        "a style sheet outside a pmgen chart",
        "active style sheet",
    ):
        assert expected in found, expected


@pytest.mark.parametrize("policy", POLICIES)
def test_every_page_holds_no_active_markup(hostile_sites: dict[str, Path], policy: str) -> None:
    site = hostile_sites[policy]
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > len(PAYLOADS)
    problems = [problem for page in pages for problem in audit_page(page, site)]
    assert not problems, "\n".join(problems[:60])


@pytest.mark.parametrize("policy", POLICIES)
def test_svg_charts_are_inert_and_well_formed(hostile_sites: dict[str, Path], policy: str) -> None:
    """Every chart is well-formed XML with no script, foreignObject, link or handler."""
    site = hostile_sites[policy]
    problems = []
    for payload in PAYLOADS:
        text = (site / page_of(payload)).read_text(encoding="utf-8")
        charts = svg_charts(text)
        # Escaped, every body keeps its chart. Sanitised, an unclosed element of a payload
        # (`<math>…<style>`) may swallow the rest of its own body, chart included.
        assert len(charts) >= (2 if policy == "escape" else 1), f"{payload.name}: no chart"
        roots = []
        for number, svg in enumerate(charts):
            try:
                roots.append(ET.fromstring(svg))
            except ET.ParseError as error:
                problems.append(f"{payload.name} chart {number}: not well-formed: {error}")
        for root in roots:
            for element in root.iter():
                local = element.tag.rsplit("}", 1)[-1].lower()
                if local in ("script", "foreignobject", "a", "use", "image", "set", "animate"):
                    problems.append(f"{payload.name}: <{local}> in a chart")
                for name in element.attrib:
                    short = name.rsplit("}", 1)[-1].lower()
                    if short.startswith("on") or short == "href":
                        problems.append(f"{payload.name}: attribute {name} in a chart")
        # The payload is shown as text in the charts (escaped), neither run nor dropped.
        shown = " ".join(" ".join(root.itertext()) for root in roots)
        assert policy == "sanitize" or collapse(inline(payload)) in collapse(shown), payload.name
    assert not problems, "\n".join(problems)


def test_front_matter_values_are_shown_as_text(hostile_sites: dict[str, Path]) -> None:
    """The title comes out as the exact text written, in the page's `<h1>` and `<title>`."""
    site = hostile_sites["sanitize"]
    for payload in PAYLOADS:
        text = (site / page_of(payload)).read_text(encoding="utf-8")
        heading = re.search(r"<h1>(.*?)</h1>", text, re.DOTALL)
        assert heading, payload.name
        assert html.unescape(heading.group(1)) == title_of(payload), payload.name
        title = re.search(r"<title>(.*?)</title>", text, re.DOTALL)
        assert title and html.unescape(title.group(1)).startswith(title_of(payload))


def test_index_json_holds_the_raw_text(hostile_sites: dict[str, Path]) -> None:
    """index.json is valid JSON whose values are the text written: data, not markup."""
    records = json.loads((hostile_sites["sanitize"] / "index.json").read_text(encoding="utf-8"))
    by_title = {record["title"]: record for record in records["postmortems"]}
    for payload in PAYLOADS:
        record = by_title[title_of(payload)]
        one, taxonomy = inline(payload), taxonomy_of(payload)
        assert record["severity"] == (one if taxonomy == "severity" else "SEV2")
        assert record["services"] == ([one, "web"] if taxonomy == "services" else ["web"])
        assert record["tags"] == ([one] if taxonomy == "tags" else [])
        assert record["authors"] == [one]
        assert record["summary"] == f"Résumé : {one}"
        assert record["front_matter"]["title"] == title_of(payload)


def parse_xml(path: Path) -> ET.Element:
    try:
        return ET.fromstring(path.read_bytes())
    except ET.ParseError as error:
        pytest.fail(f"{path.name} is not well-formed XML: {error}", pytrace=False)


def test_feed_and_sitemap_are_well_formed_with_payloads_as_text(
    hostile_content: Path, tmp_path: Path
) -> None:
    """The feed holds 50 entries, so the payloads are built in chunks to reach them all."""
    chunks = [PAYLOADS[start : start + 40] for start in range(0, len(PAYLOADS), 40)]
    seen: set[str] = set()
    for number, chunk in enumerate(chunks):
        content = tmp_path / f"content-{number}"
        write_hostile_content(content, chunk)
        config = build_config({"search": False}, tmp_path, None)
        site = tmp_path / f"site-{number}"
        build(content, site, SITE_URL, config=config)
        feed = parse_xml(site / "feed.xml")
        assert feed.tag == f"{ATOM}feed"
        for element in feed.iter():
            assert element.tag.startswith(ATOM), f"foreign element in the feed: {element.tag}"
        entries = feed.findall(f"{ATOM}entry")
        assert len(entries) == len(chunk)
        by_title = {payload.markup: payload for payload in chunk}
        for entry in entries:
            title = entry.findtext(f"{ATOM}title")
            assert title in by_title, f"feed title is not the text written: {title!r}"
            payload = by_title[title]
            one = inline(payload)
            assert entry.findtext(f"{ATOM}summary") == f"Résumé : {one}"
            assert entry.findtext(f"{ATOM}author/{ATOM}name") == one
            tags = [one] if taxonomy_of(payload) == "tags" else []
            assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == tags
            link = entry.find(f"{ATOM}link")
            assert link is not None
            assert link.get("href", "").startswith(f"{SITE_URL}/{DAY.replace('-', '/')}/")
            seen.add(payload.name)
        sitemap = parse_xml(site / "sitemap.xml")
        locations = [loc.text or "" for loc in sitemap.iter(f"{SITEMAP}loc")]
        assert locations
        for location in locations:
            assert re.fullmatch(re.escape(SITE_URL) + r"/[a-z0-9/-]*", location), location
    assert seen == {payload.name for payload in PAYLOADS}


def test_only_expected_kinds_of_files_are_written(hostile_sites: dict[str, Path]) -> None:
    """No source, CSV or other file of the content folder is published unless linked."""
    for site in hostile_sites.values():
        kinds = {
            path.suffix
            for path in site.rglob("*")
            if path.is_file() and "pagefind" not in path.relative_to(site).parts
        }
        assert kinds <= {".html", ".xml", ".json", ".css", ".js", ""}, kinds
        for asset in (site / "assets").iterdir():
            assert asset.read_bytes() == (THEME / "assets" / asset.name).read_bytes()


# --- in Chromium --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


TABS = 6  # pages loading at once: the page loads overlap, which halves the time


def load_pages(browser: Any, site: Path, paths: list[str]) -> tuple[list[str], list[str]]:
    """Load each page with JavaScript on, a few tabs at a time; (dialogs, other problems).

    After its load event and one frame more (autofocus, ontoggle, onerror have had their
    chance), each page must have no `window.__pwned`, and its DOM as Chromium parsed it no
    script but the theme's, no handler, no dangerous URL, no frame, form, base or meta refresh.
    """
    dialogs: list[str] = []
    problems: list[str] = []
    scripts = theme_script_sources()
    with serve(site) as url:
        context = isolate(browser.new_context())

        def on_dialog(dialog: Any) -> None:
            dialogs.append(f"{dialog.type} {dialog.message!r} on {dialog.page.url}")
            dialog.dismiss()

        context.on("page", lambda page: page.on("dialog", on_dialog))
        try:
            tabs = [context.new_page() for _ in range(TABS)]
            for start in range(0, len(paths), TABS):
                batch = list(zip(tabs, paths[start : start + TABS], strict=False))
                for tab, path in batch:
                    tab.goto(url + path, wait_until="commit")
                for tab, path in batch:
                    tab.wait_for_load_state("load")
                    settle(tab)
                    problems += inspect(tab, path, scripts)
        finally:
            context.close()
    return dialogs, problems


def inspect(page: Any, path: str, scripts: set[str]) -> list[str]:
    """What a loaded page shows of an injection (see `load_pages`)."""
    found = []
    pwned = page.evaluate("typeof window.__pwned === 'undefined' ? null : window.__pwned")
    if pwned is not None:
        found.append(f"{path}: window.__pwned = {pwned!r}")
    if not path.endswith(".html"):
        return found
    report = page.evaluate(INSPECT)
    prefix = "../" * path.count("/")
    report["scripts"] = [
        script
        for script in report["scripts"]
        if not any(f'src="{prefix}{source}"' in script for source in scripts)
    ]
    report["forbidden"] = [item for item in report["forbidden"] if 'id="search-form"' not in item]
    return found + [f"{path}: {kind}: {item}" for kind, items in report.items() for item in items]


def browser_paths(site: Path, policy: str) -> list[str]:
    """Every page of the default (sanitising) site; the escaping one's postmortems and lists."""
    paths = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    if policy == "escape":
        terms = re.compile(r"^(services|tags|severity)/[^/]+/index\.html$")
        paths = [path for path in paths if not terms.match(path)]
    return [*paths, "feed.xml", "sitemap.xml"]


@pytest.mark.parametrize("policy", POLICIES)
def test_no_payload_runs_in_chromium(
    browser: Any, hostile_sites: dict[str, Path], policy: str
) -> None:
    """Every page of the hostile site, JavaScript on: no dialog, `window.__pwned` unset."""
    paths = browser_paths(hostile_sites[policy], policy)
    assert {page_of(payload) for payload in PAYLOADS} <= set(paths)
    dialogs, problems = load_pages(browser, hostile_sites[policy], paths)
    assert not dialogs, "dialogs opened:\n" + "\n".join(dialogs)
    assert not problems, "\n".join(problems[:60])


def test_searching_the_hostile_site_runs_nothing(
    browser: Any, hostile_sites: dict[str, Path]
) -> None:
    """The search page shows Pagefind's results (titles, excerpts, metadata from the hostile
    pages) as text: queries matching every payload open no dialog."""
    site = hostile_sites["sanitize"]
    assert (site / "pagefind" / "shards.json").is_file(), "the hostile site has no search index"
    dialogs: list[str] = []
    with serve(site) as url:
        context = isolate(browser.new_context())
        context.on(
            "page",
            lambda page: page.on(
                "dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss())
            ),
        )
        try:
            page = context.new_page()
            for query in ("Résumé", "pwned", "alert", "script", "javascript", "onerror"):
                page.goto(f"{url}search/index.html?q={query}", wait_until="load")
                page.wait_for_selector("#search-results li", timeout=15_000)
                settle(page)
                assert page.evaluate("typeof window.__pwned") == "undefined", query
                shown = page.locator("#search-results li").count()
                assert shown > 0, query
                problems = inspect(page, "search/index.html", theme_script_sources())
                assert not problems, problems
        finally:
            context.close()
    assert not dialogs, dialogs


def test_the_catalogue_would_be_caught(browser: Any, tmp_path: Path) -> None:
    """The detector works: unsanitised, payloads of each family do run in this Chromium."""
    page_text = "".join(f"<div>{p.markup}</div>\n" for p in INLINE[:20])
    (tmp_path / "raw.html").write_text(f"<!doctype html><body>{page_text}", encoding="utf-8")
    with serve(tmp_path) as url:
        context = isolate(browser.new_context())
        dialogs: list[str] = []
        context.on(
            "page",
            lambda page: page.on(
                "dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss())
            ),
        )
        try:
            page = context.new_page()
            page.goto(url + "raw.html", wait_until="load")
            settle(page)
            assert page.evaluate("typeof window.__pwned") == "string"
        finally:
            context.close()
    assert dialogs, "no dialog opened on an unsanitised page: the detector is blind"


# --- templates: front matter is data -------------------------------------------------------

TEMPLATE_SYNTAX = (
    "{{ 7*7 }}",
    "{% for x in range(3) %}boucle{% endfor %}",
    "{# commentaire #}",
    "{{ config.__class__.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('touch pwned').read() }}",
    "{% raw %}{{ 7*7 }}{% endraw %}",
    "${7*7} #{7*7} <%= 7*7 %>",
)


def test_front_matter_is_never_evaluated_as_a_template(tmp_path: Path) -> None:
    """Jinja syntax in any value or in the body comes out literally, and runs nothing."""
    content = tmp_path / "postmortems"
    content.mkdir()
    for number, text in enumerate(TEMPLATE_SYNTAX):
        (content / f"2024-02-{number + 1:02d}-gabarit.md").write_text(
            f"---\ntitle: {yaml_text(text)}\ndate: 2024-02-{number + 1:02d}\n"
            f"severity: {yaml_text(text)}\nservices: [{yaml_text(text)}]\n"
            f"tags: [{yaml_text(text)}]\nauthors: [{yaml_text(text)}]\n---\n\n"
            f"Résumé : {text}\n\n## Contexte\n\n{text}\n",
            encoding="utf-8",
        )
    site = tmp_path / "site"
    build(content, site, SITE_URL, config=build_config({"search": False}, tmp_path, None))
    index = json.loads((site / "index.json").read_text(encoding="utf-8"))
    assert sorted(record["title"] for record in index["postmortems"]) == sorted(TEMPLATE_SYNTAX)
    for number, text in enumerate(TEMPLATE_SYNTAX):
        page = (site / f"2024/02/{number + 1:02d}/gabarit/index.html").read_text("utf-8")
        heading = re.search(r"<h1>(.*?)</h1>", page, re.DOTALL)
        assert heading and html.unescape(heading.group(1)) == text
        assert page.count(html.escape(text, quote=False).replace("'", "&#39;")) >= 4  # h1, body…
    feed_titles = [e.text for e in parse_xml(site / "feed.xml").iter(f"{ATOM}title")]
    assert set(TEMPLATE_SYNTAX) <= set(feed_titles)
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_pmgen_new_keeps_a_template_title_as_text(tmp_path: Path) -> None:
    config = build_config({}, tmp_path, None)
    new = NewPostmortem(
        title="{{ 7*7 }} {% if 1 %}x{% endif %}", date=dt.date(2024, 2, 1), lang="fr"
    )
    path = create_postmortem(config, new)
    assert path.name == "2024-02-01-7-7-if-1-x-endif.md"
    front = path.read_text(encoding="utf-8").split("---")[1]
    assert 'title: "{{ 7*7 }} {% if 1 %}x{% endif %}"' in front


# --- YAML: safe loading, bounded ----------------------------------------------------------

GOOD_BODY = "Résumé.\n\n## Contexte\n\nTexte.\n"


def front(*lines: str) -> str:
    return "---\n" + "".join(f"{line}\n" for line in lines) + "---\n\n" + GOOD_BODY


def tree(folder: Path) -> dict[str, str]:
    """Every file under a folder with the SHA-256 of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (the working folder) with a good postmortem and a built site."""
    (tmp_path / "pmgen.toml").write_text("search = false\n", encoding="utf-8")
    content = tmp_path / "postmortems"
    content.mkdir()
    (content / "2024-01-01-bon.md").write_text(
        front("title: Bon", "date: 2024-01-01"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    return tmp_path


PYTHON_TAGS = (
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:pmgen.config.Config {{}}",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
)


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_python_tags_are_refused_and_run_nothing(project: Path, tag: str) -> None:
    marker = project / "executed"
    before = tree(project / "site")
    (project / "postmortems" / "2024-01-02-tag.md").write_text(
        front(f"title: {tag.format(marker=marker)}", "date: 2024-01-02"), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1, result.output
    assert "postmortems/2024-01-02-tag.md:2:" in result.output
    assert "PM002" in result.output and "Traceback" not in result.output
    assert not marker.exists()
    assert tree(project / "site") == before


def laughs(levels: int = 9) -> list[str]:
    """A "billion laughs": each level nine aliases of the previous, 9**9 strings in all."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnopqrstuvwxyz"
    for index in range(1, levels):
        lines.append(
            f"{names[index]}: &{names[index]} [" + ",".join([f"*{names[index - 1]}"] * 9) + "]"
        )
    return lines


BOMBS = {
    "billion laughs": laughs(),
    "recursive alias": ["a: &a [*a, *a]", "b: *a"],
    "wide aliases": ["a: &a " + "x" * 100_000, "b: [" + ", ".join(["*a"] * 20_000) + "]"],
    "deep flow nesting": ["a: " + "[" * 100_000 + "]" * 100_000],
    "deep mapping nesting": ["a: " + "{b: " * 50_000 + "1" + "}" * 50_000],
}


MEASURE = """
import datetime, json, resource, sys, time
from pathlib import Path
from pmgen.commands.lint import run_lint
from pmgen.config import build_config
from pmgen.errors import PmgenError
folder = Path(sys.argv[1])
started = time.monotonic()
report = run_lint([folder], build_config({}, folder, None), folder, datetime.date(2024, 6, 1))
print(json.dumps({
    "seconds": time.monotonic() - started,
    "megabytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "findings": [[d.code, d.message] for d in report.diagnostics],
}))
"""


def measured_lint(folder: Path) -> dict[str, Any]:
    """Lint a folder in a fresh interpreter: time, peak memory (RSS) and findings."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def baseline_megabytes(tmp_path_factory: pytest.TempPathFactory) -> float:
    """What linting one small good file takes: the interpreter and pmgen's imports."""
    folder = tmp_path_factory.mktemp("baseline")
    (folder / "2024-01-01-bon.md").write_text(front("title: Bon", "date: 2024-01-01"))
    return float(measured_lint(folder)["megabytes"])


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_yaml_bombs_are_refused_quickly_in_bounded_memory(
    tmp_path: Path, name: str, baseline_megabytes: float
) -> None:
    """Each gives PM002 within seconds, using under 100 MB more than linting a small file."""
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / "2024-01-01-bombe.md").write_text(
        front("title: Bombe", "date: 2024-01-01", *BOMBS[name]), encoding="utf-8"
    )
    measured = measured_lint(folder)
    codes = [code for code, _ in measured["findings"] if code.startswith("PM0")]
    assert codes == ["PM002"], measured["findings"]
    limit = 5 if "nesting" in name else 2  # unwinding a RecursionError takes a little longer
    assert measured["seconds"] < limit, f"{name}: {measured['seconds']:.2f} s"
    extra = measured["megabytes"] - baseline_megabytes
    assert extra < 100, f"{name}: {extra:.0f} MB more than a small file"


def test_an_alias_bomb_in_a_chart_spec_is_pm306(tmp_path: Path) -> None:
    chart = "```chart\n" + "\n".join(laughs()) + "\ntype: line\n```\n"
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / "2024-01-01-bombe.md").write_text(
        front("title: Bombe", "date: 2024-01-01") + chart, encoding="utf-8"
    )
    started = time.monotonic()
    report = run_lint([folder], build_config({}, tmp_path, None), tmp_path, TODAY)
    assert time.monotonic() - started < 2
    found = [d.message for d in report.diagnostics if d.code == "PM306"]
    assert found == [
        "chart: the chart spec expands to more than 10,000 values through anchors and aliases"
    ]


@pytest.mark.parametrize(
    ("value", "char"),
    [
        ('"\\x01"', "U+0001"),
        ('"\\ud800"', "U+D800"),
        ('"\\x1b[31m"', "U+001B"),
        ('"\\uffff"', "U+FFFF"),
        ('"\\ud83d\\udd25"', "U+D83D"),  # JSON's surrogate pair: YAML reads two halves
    ],
)
def test_escaped_control_characters_and_surrogates_are_pm002(
    project: Path, value: str, char: str
) -> None:
    """YAML refuses them written out; written as escapes they would break the feed (not
    well-formed XML) or the UTF-8 encoding of the page (a lone surrogate crashed the build)."""
    before = tree(project / "site")
    (project / "postmortems" / "2024-01-02-c.md").write_text(
        front(f"title: {value}", "date: 2024-01-02"), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1, result.output
    expected = (
        "postmortems/2024-01-02-c.md:2:1: PM002 [front-matter-syntax] front matter value of "
        f"`title` holds the character {char}"
    )
    assert expected in result.output
    assert tree(project / "site") == before


def test_control_characters_in_the_body_keep_the_feed_well_formed(tmp_path: Path) -> None:
    content = tmp_path / "postmortems"
    content.mkdir()
    (content / "2024-01-01-ansi.md").write_text(
        "---\ntitle: Couleurs\ndate: 2024-01-01\n---\n\n"
        "Le terminal affichait \x1b[31mERREUR\x1b[0m.\n",
        encoding="utf-8",
    )
    build(
        content, tmp_path / "site", SITE_URL, config=build_config({"search": False}, tmp_path, None)
    )
    summary = parse_xml(tmp_path / "site" / "feed.xml").findtext(f"{ATOM}entry/{ATOM}summary")
    assert summary and "ERREUR" in summary


# --- paths: nothing outside the content root is read or copied ----------------------------

SECRET = b"SECRET-7f3a9c-never-published"


@pytest.fixture
def secret_project(tmp_path: Path) -> tuple[Path, Path]:
    """A content folder whose links try every way out to a secret folder beside it."""
    secret = tmp_path / "secret"
    secret.mkdir()
    for name in ("secret.txt", "secret.png", "secret.csv", "2020-01-01-secret.md"):
        (secret / name).write_bytes(
            b"# Secret\n\nt,v\n" + SECRET + b",1\n" if name.endswith((".csv", ".md")) else SECRET
        )
    content = tmp_path / "project" / "postmortems"
    (content / "sub").mkdir(parents=True)
    (content / "lien.txt").symlink_to(secret / "secret.txt")
    (content / "lien.png").symlink_to(secret / "secret.png")
    (content / "lien.csv").symlink_to(secret / "secret.csv")
    (content / "dossier").symlink_to(secret, target_is_directory=True)
    return tmp_path, content


ESCAPING_TARGETS = (
    "../../secret/secret.txt",
    "sub/../../../secret/secret.txt",
    "%2e%2e/%2e%2e/secret/secret.txt",
    "..%2F..%2Fsecret%2Fsecret.txt",
    "..\\..\\secret\\secret.txt",
    "{secret}/secret.txt",
    "file://{secret}/secret.txt",
    "file:{secret}/secret.txt",
    "//localhost{secret}/secret.txt",
    "lien.txt",
    "dossier/secret.txt",
    "dossier/../dossier/secret.txt",
)
ESCAPING_DATA = {
    "../../secret/secret.csv": "points outside the content folder",
    "%2e%2e/%2e%2e/secret/secret.csv": "points outside the content folder",
    "..\\..\\secret\\secret.csv": "points outside the content folder",
    "{secret}/secret.csv": "must be a relative path",
    "file://{secret}/secret.csv": "must be a relative path",
    "C:\\secret\\secret.csv": "must be a relative path",
    "lien.csv": "points outside the content folder",
    "dossier/secret.csv": "points outside the content folder",
}


CACHE = ".pmgen-cache"  # the cache pmgen keeps beside its configuration (pmgen/cache.py)


def snapshot(root: Path, skip: Path) -> dict[str, tuple[str, int]]:
    """Every file and link under `root` except inside `skip` and pmgen's own cache folders:
    content hash and mode."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path == skip or path.is_relative_to(skip) or CACHE in path.parts:
            continue
        kind = (
            os.readlink(path)
            if path.is_symlink()
            else (hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder")
        )
        found[path.relative_to(root).as_posix()] = (kind, path.lstat().st_mode)
    return found


def test_links_images_and_chart_data_never_reach_outside(
    secret_project: tuple[Path, Path],
) -> None:
    tmp_path, content = secret_project
    secret = tmp_path / "secret"
    links = "\n".join(
        f"* [lien {n}]({t.format(secret=secret)}) ![image {n}]({t.format(secret=secret)})"
        for n, t in enumerate(ESCAPING_TARGETS)
    )
    images = "\n".join(
        f"![image](<{t}>)" for t in ("../../secret/secret.png", f"{secret}/secret.png", "lien.png")
    )
    charts = "\n\n".join(
        f"```chart\ntype: line\ndata: {yaml_text(data.format(secret=secret))}\nx: t\ny: v\n```"
        for data in ESCAPING_DATA
    )
    raw = (
        f'<img src="../../secret/secret.png"> <a href="file://{secret}/secret.txt">f</a> '
        f'<img src="file://{secret}/secret.png">'
    )
    (content / "2024-01-01-fuite.md").write_text(
        "---\ntitle: Fuite\ndate: 2024-01-01\n---\n\nRésumé.\n\n## Contexte\n\n"
        f"{links}\n\n{images}\n\n{raw}\n\n[réf][r]\n\n[r]: ../../secret/secret.txt\n\n{charts}\n",
        encoding="utf-8",
    )
    before = snapshot(tmp_path, tmp_path / "project" / "site")
    config = build_config({"search": False}, tmp_path / "project", None)
    result = build(content, tmp_path / "project" / "site", SITE_URL, config=config)
    found = sorted(d.message for d in result.diagnostics if d.code == "PM306")
    expected = sorted(
        f"chart: `data: {data.format(secret=secret)}` {why}" for data, why in ESCAPING_DATA.items()
    )
    assert found == expected
    site = tmp_path / "project" / "site"
    for path in site.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_bytes(), f"the secret leaked into {path}"
            assert not path.is_symlink()
    copied = [p.name for p in site.rglob("*") if p.name.startswith(("secret", "lien"))]
    assert copied == [], copied
    assert snapshot(tmp_path, site) == before, "pmgen wrote outside the output folder"


def test_a_postmortem_linked_from_outside_is_not_read(
    secret_project: tuple[Path, Path],
) -> None:
    """A symbolic link in the content folder to a Markdown file outside it: PM001, no page.

    (Before, the file was read and published, then the build crashed on index.json.)
    """
    tmp_path, content = secret_project
    (content / "2024-01-02-lien.md").symlink_to(tmp_path / "secret" / "2020-01-01-secret.md")
    (content / "2024-01-01-bon.md").write_text(front("title: Bon", "date: 2024-01-01"))
    output = tmp_path / "project" / "site"
    config = build_config({"search": False}, tmp_path / "project", None)
    options = BuildOptions(source=content, output=output, site_url=SITE_URL)
    result = build_site(config, options, tmp_path / "project", TODAY)
    assert not result.ok
    assert [(d.code, d.message) for d in result.blocking] == [
        (
            "PM001",
            f"a symbolic link to a file outside the content folder {content}; not read",
        )
    ]
    assert not output.exists()


ACTIVE_FILES = {
    "rapport.html": "<script>window.__pwned='rapport.html';alert(1)</script>",
    "rapport.xhtml": '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
    "schema.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "outil.js": "window.__pwned='outil.js';alert(1)",
}


def test_linked_active_files_are_not_published_as_is(tmp_path: Path) -> None:
    content = tmp_path / "postmortems"
    content.mkdir()
    for name, text in ACTIVE_FILES.items():
        (content / name).write_text(text, encoding="utf-8")
    links = " ".join(f"[{name}]({name}) ![{name}]({name})" for name in ACTIVE_FILES)
    (content / "2024-01-01-pieces.md").write_text(
        front("title: Pièces jointes", "date: 2024-01-01") + links + "\n", encoding="utf-8"
    )
    site = tmp_path / "site"
    build(content, site, config=build_config({"search": False}, tmp_path, None))
    published = [
        path.relative_to(site).as_posix()
        for path in site.rglob("*")
        if path.is_file() and b"alert(1)" in path.read_bytes()
    ]
    assert published == [], f"active files published as is: {published}"


# --- names: hostile file names and titles give safe, unique slugs -------------------------

HOSTILE_NAMES = {
    "2024-03-01-con.md": "con",
    "2024-03-01-CON.md": "CON",
    "2024-03-01-nul.md": "nul",
    "2024-03-01-..md": "../../etc",
    "2024-03-01-..%2F..%2Fetc.md": "../../etc/passwd",
    "2024-03-01-..\\..\\etc.md": "..\\..\\windows",
    f"2024-03-01-{'a' * 240}.md": "a" * 300,
    "2024-03-01-!!!.md": "!!!",
    "2024-03-01-‽‽‽.md": "‽‽‽ … ¿¡",
    "2024-03-01-🔥🔥.md": "🔥🔥",
    "2024-03-01-Ünïcödé.md": "Ünïcödé",
    "2024-03-01-a b.md": "Panne de la base",
    "2024-03-01-a-b.md": "Panne de la base",
    "2024-03-01-A_B.md": "panne-de-la-base",
    "-.md": "-",
    "con.md": "con",
    "aux.markdown": "aux",
}
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


def test_hostile_file_names_give_safe_unique_urls(tmp_path: Path) -> None:
    content = tmp_path / "postmortems"
    content.mkdir()
    for name, title in HOSTILE_NAMES.items():
        (content / name).write_text(
            front(f"title: {yaml_text(title)}", "date: 2024-03-02"), encoding="utf-8"
        )
    site = tmp_path / "site"
    before = snapshot(tmp_path, site)
    build(content, site, SITE_URL, config=build_config({"search": False}, tmp_path, None))
    assert snapshot(tmp_path, site) == before, "pmgen wrote outside the output folder"
    urls = [r["url"] for r in json.loads((site / "index.json").read_text())["postmortems"]]
    assert len(urls) == len(HOSTILE_NAMES) == len(set(urls))
    for url in urls:
        match = re.fullmatch(r"2024/03/0[12]/([^/]+)/", url)
        assert match, url
        slug = match.group(1)
        assert SLUG.fullmatch(slug) and len(slug) <= MAX_SLUG + 4, url
        assert slug not in ("con", "prn", "aux", "nul"), url
        assert (site / url / "index.html").is_file()
    written = {p.resolve() for p in site.rglob("*")}
    assert all(p.is_relative_to(site.resolve()) for p in written)


HOSTILE_TITLES = (
    "../../etc",
    "..",
    "/etc/passwd",
    "C:\\Windows\\System32",
    "con",
    "COM1",
    "lpt9",
    "x" * 300,
    "!!! ??? ...",
    "",
    " ",
    "—",
    "🔥",
    "\u0000\u001f",
    "a/../b",
    "Panne de la base de données",
    "panne-de-la-base-de-donnees",
)


def test_hostile_titles_give_safe_slugs() -> None:
    taken: set[str] = set()
    slugs = [unique(slugify(title), taken) for title in HOSTILE_TITLES]
    assert len(set(slugs)) == len(slugs)
    for title, slug in zip(HOSTILE_TITLES, slugs, strict=True):
        assert slug.isascii() and slug, title
        assert "/" not in slug and ".." not in slug and "\\" not in slug, title
        assert SLUG.fullmatch(slug), (title, slug)
        assert slugify(title) not in ("con", "com1", "lpt9"), title
        assert len(slugify(title)) <= MAX_SLUG + 1, title


def test_pmgen_new_with_hostile_titles_writes_only_in_the_content_folder(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    config = build_config({}, project, None)
    before = snapshot(tmp_path, config.content)
    made = []
    for title in HOSTILE_TITLES:
        if not title.strip():
            continue
        new = NewPostmortem(title=title, date=dt.date(2024, 3, 1), lang="fr")
        try:
            made.append(create_postmortem(config, new))
        except AlreadyExists:
            assert slugify(title) in {p.stem.removeprefix("2024-03-01-") for p in made}
        except PmgenError as error:  # an escape sequence, a NUL: refused, nothing written
            assert "control character" in str(error)
            assert any(unicodedata.category(c) == "Cc" for c in " ".join(title.split()))
    assert made and all(p.parent == config.content for p in made)
    assert snapshot(tmp_path, config.content) == before
    first = made[0].read_bytes()
    with pytest.raises(AlreadyExists):
        create_postmortem(
            config, NewPostmortem(title=HOSTILE_TITLES[0], date=dt.date(2024, 3, 1), lang="fr")
        )
    assert made[0].read_bytes() == first


# --- resources: big inputs render in bounded time and memory, or are refused --------------

LIMIT_SECONDS = 20  # generous for a 2-core machine: each case takes 1 to 6 s here
LIMIT_MEGABYTES = 1024
RESOURCE_FRONT = "---\ntitle: Énorme\ndate: 2024-01-01\n---\n\nRésumé.\n\n## Contexte\n\n"


def five_megabytes(extra: int = 0, line: str = "") -> str:
    """A postmortem of exactly 5 MB (+ `extra` bytes) of log lines (long ones: within the line
    limit of 10,000, unless `line` says otherwise)."""
    line = line or "Une ligne du journal de l'incident, recopiée telle quelle. " * 20 + "\n\n"
    size = 5 * 1024 * 1024 + extra
    head, body = RESOURCE_FRONT.encode("utf-8"), line.encode("utf-8")
    text = RESOURCE_FRONT + line * ((size - len(head)) // len(body))
    text += "x" * (size - len(text.encode("utf-8")))
    assert len(text.encode("utf-8")) == size
    return text


def big_csv(rows: int) -> str:
    start = dt.datetime(2024, 1, 1, 10, 0)
    return "t,v\n" + "".join(
        f"{(start + dt.timedelta(seconds=i)).isoformat()},{i % 97}\n" for i in range(rows)
    )


CHART = "```chart\ntype: line\ntitle: Beaucoup\ndata: big.csv\nx: t\ny: v\n```\n"
RESOURCES: dict[str, tuple[str, str | None]] = {
    "5 MB postmortem": (five_megabytes(), None),
    "5 MB + 1 byte postmortem": (five_megabytes(1), None),
    "5 MB of short lines (past the 10,000-line limit)": (
        five_megabytes(line="Une ligne du journal de l'incident, recopiée telle quelle.\n\n"),
        None,
    ),
    "2,000 headings": (
        RESOURCE_FRONT + "".join(f"### Étape {i}\n\nTexte {i}.\n\n" for i in range(2_000)),
        None,
    ),
    "10,000 headings (past the line limit)": (
        RESOURCE_FRONT + "".join(f"### Étape {i}\n\nTexte {i}.\n\n" for i in range(10_000)),
        None,
    ),
    "lists nested 1,000 levels": (
        RESOURCE_FRONT + "".join("  " * i + f"- niveau {i}\n" for i in range(1_000)),
        None,
    ),
    "lists nested 1,000 levels on one line": (
        RESOURCE_FRONT + "- " * 1_000 + "fond\n",
        None,
    ),
    "block quotes nested 1,000 levels": (RESOURCE_FRONT + "> " * 1_000 + "fond\n", None),
    "block quotes deepening over 1,000 lines": (
        RESOURCE_FRONT + "".join(">" * i + f" niveau {i}\n" for i in range(1, 1_001)),
        None,
    ),
    "100,000-row CSV chart": (RESOURCE_FRONT + CHART, big_csv(100_000)),
    "100,001-row CSV chart": (RESOURCE_FRONT + CHART, big_csv(100_001)),
}


def run_cli(args: list[str], cwd: Path, timeout: float) -> dict[str, Any]:
    """Run `python -m pmgen ARGS`; exit code, output, seconds and the child's peak RSS (MB).

    A run past `timeout` is killed and reported as a hang.
    """
    out, err = cwd / ".stdout", cwd / ".stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "pmgen", *args], cwd=cwd, stdout=stdout, stderr=stderr
        )
        started = time.monotonic()
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                process.kill()
                process.wait()
                pytest.fail(f"pmgen {' '.join(args)} hangs: killed after {timeout} s")
            time.sleep(0.02)
    process.returncode = os.waitstatus_to_exitcode(status)
    result = {
        "code": process.returncode,
        "seconds": time.monotonic() - started,
        "megabytes": usage.ru_maxrss / 1024,
        "stdout": out.read_text(encoding="utf-8", errors="replace"),
        "stderr": err.read_text(encoding="utf-8", errors="replace"),
    }
    out.unlink()
    err.unlink()
    return result


@pytest.mark.parametrize("name", list(RESOURCES))
def test_big_inputs_render_or_are_refused_in_bounded_time_and_memory(
    tmp_path: Path, name: str
) -> None:
    markdown, data = RESOURCES[name]
    content = tmp_path / "postmortems"
    content.mkdir()
    (content / "2024-01-01-enorme.md").write_text(markdown, encoding="utf-8")
    if data is not None:
        (content / "big.csv").write_text(data, encoding="utf-8")
    (tmp_path / "pmgen.toml").write_text("", encoding="utf-8")
    built = run_cli(["build"], tmp_path, LIMIT_SECONDS)
    lint = run_cli(["lint", "--no-cache"], tmp_path, LIMIT_SECONDS)
    for run in (built, lint):
        assert "Traceback" not in run["stderr"] and "internal error" not in run["stderr"], run
        assert run["seconds"] < LIMIT_SECONDS, f"{name}: {run['seconds']:.1f} s"
        assert run["megabytes"] < LIMIT_MEGABYTES, f"{name}: {run['megabytes']:.0f} MB"
    page = tmp_path / "site" / "2024/01/01/enorme/index.html"
    if name == "5 MB + 1 byte postmortem":
        assert built["code"] == 1 and not page.exists()
        assert "PM001 [unreadable-file] file is 5.0 MB; the limit is 5 MB" in built["stderr"]
    elif "line limit" in name:
        assert built["code"] == 1 and not page.exists()
        assert "PM003 [too-complex] the body has" in built["stderr"], built["stderr"]
        assert "lines; the limit is 10,000" in built["stderr"]
    elif name == "100,001-row CSV chart":
        assert built["code"] == 0 and page.is_file()
        assert "PM306" in lint["stdout"] and "has more than 100,000 rows" in lint["stdout"]
    else:
        assert built["code"] == 0, built["stderr"]
        assert page.is_file()
    if name == "100,000-row CSV chart":
        assert '<title id="chart-1-title">Beaucoup</title>' in page.read_text(encoding="utf-8")


# --- the parse cache: a file in the repository, so as untrusted as a postmortem -----------


class _Planted:
    """What an attacker would pickle: creating a file stands for running any code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def tamper_cache(project: Path, value: Any) -> int:
    """Replace every value of the project's cache, as a pull request could commit it."""
    import pickle
    import sqlite3
    import zlib

    database = sqlite3.connect(project / ".pmgen-cache" / "cache.sqlite3")
    try:
        with database:
            data = zlib.compress(pickle.dumps(value))
            return database.execute("UPDATE entries SET value = ?", (data,)).rowcount
    finally:
        database.close()


def test_a_tampered_cache_runs_nothing(project: Path) -> None:
    marker = project / "executed"
    first = CliRunner().invoke(main, ["lint"])
    assert tamper_cache(project, _Planted(marker)) > 0
    second = CliRunner().invoke(main, ["lint"])
    assert not marker.exists(), "a value planted in the cache ran"
    assert (second.exit_code, second.output) == (first.exit_code, first.output)


def test_a_cache_with_foreign_values_is_ignored(project: Path) -> None:
    first = CliRunner().invoke(main, ["lint"])
    assert tamper_cache(project, 42) > 0
    second = CliRunner().invoke(main, ["lint"])
    assert (second.exit_code, second.output) == (first.exit_code, first.output)


# --- index.json is strict JSON (issue 10, item 9) -------------------------------------------


def strict_json(text: str) -> Any:
    """Parse JSON as the standard says: NaN and Infinity are not JSON."""

    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


NON_FINITE = {
    "yaml.md": "---\ntitle: Nan\ndate: 2024-01-01\nratio: .nan\nmax: .inf\nmin: -.inf\n---\n",
    "toml.md": '+++\ntitle = "Nan"\ndate = 2024-01-02\nratio = nan\nmax = inf\nmin = -inf\n+++\n',
    "nested.md": (
        "---\ntitle: Nan\ndate: 2024-01-03\nratio: [1.0, .NaN]\nmax: {a: {b: .Inf}}\n"
        "min: [[-.INF]]\n---\n"
    ),
}


def test_non_finite_numbers_are_null_in_index_json_with_a_finding(tmp_path: Path) -> None:
    """Before: `.nan`/`.inf` in front matter wrote `NaN`/`-Infinity`, and index.json was not
    JSON. Now they are null, and lint says so (PM106) for each key."""
    content = tmp_path / "postmortems"
    content.mkdir()
    for name, text in NON_FINITE.items():
        (content / f"2024-01-0{len(name)}-{name}").write_text(text + GOOD_BODY, encoding="utf-8")
    config = build_config({"search": False}, tmp_path, None)
    result = build(content, tmp_path / "site", config=config)
    index = strict_json((tmp_path / "site" / "index.json").read_text(encoding="utf-8"))
    matters = [record["front_matter"] for record in index["postmortems"]]
    assert len(matters) == 3
    for matter in matters:
        assert [matter["ratio"], matter["max"], matter["min"]] in (
            [None, None, None],
            [[1.0, None], {"a": {"b": None}}, [[None]]],
        )
    found = sorted(
        (d.path.rsplit("-", 1)[-1], d.line) for d in result.diagnostics if d.code == "PM106"
    )
    assert found == sorted((name, line) for name in NON_FINITE for line in (4, 5, 6))


def test_lint_json_formats_are_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A variant: the JSON and SARIF outputs of lint parse as strict JSON too."""
    content = tmp_path / "postmortems"
    content.mkdir()
    (content / "2024-01-01-nan.md").write_text(NON_FINITE["yaml.md"] + GOOD_BODY, "utf-8")
    monkeypatch.chdir(tmp_path)
    for output_format in ("json", "sarif"):
        result = CliRunner().invoke(main, ["lint", "--format", output_format])
        parsed = strict_json(result.output)
        assert "PM106" in json.dumps(parsed)


# --- committed symbolic links never lead a write out of the project (issue 10, item 6) ---------


@pytest.fixture
def linked_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A project (the working folder) with one postmortem, and a folder `elsewhere` beside it."""
    root = tmp_path / "projet"
    (root / "postmortems").mkdir(parents=True)
    (root / "pmgen.toml").write_text("search = false\n", encoding="utf-8")
    (root / "postmortems" / "2024-01-01-bon.md").write_text(
        front("title: Bon", "date: 2024-01-01"), encoding="utf-8"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(root)
    return root, elsewhere


def beside(tmp_path: Path) -> dict[str, list[str]]:
    """Everything outside the project, by folder (so a stray staging folder shows too)."""
    return {
        path.name: sorted(p.name for p in path.rglob("*"))
        for path in sorted(tmp_path.iterdir())
        if path.name != "projet"
    }


LINKS: dict[str, tuple[str, str, str]] = {
    # name: (link inside the project, its target, what the refusal names)
    "output folder": ("site", "../elsewhere", "as the output folder"),
    "output folder, dangling": ("site", "../elsewhere/nouveau", "as the output folder"),
    "cache folder": (".pmgen-cache", "../elsewhere", "as the cache"),
    "cache database, dangling": (".pmgen-cache/cache.sqlite3", "../../elsewhere/x", "as the cache"),
    # Variants: SQLite's side files, the cache's .gitignore, a folder above the output.
    "cache journal": (".pmgen-cache/cache.sqlite3-wal", "../../elsewhere/wal", "as the cache"),
    "cache .gitignore": (".pmgen-cache/.gitignore", "../../elsewhere/ignore", "as the cache"),
    "folder above the output": ("public", "../elsewhere", "as the output folder"),
}


@pytest.mark.parametrize("case", sorted(LINKS))
def test_committed_links_never_lead_writes_outside(
    linked_project: tuple[Path, Path], case: str
) -> None:
    root, elsewhere = linked_project
    link, target, refusal = LINKS[case]
    if case == "folder above the output":
        (root / "pmgen.toml").write_text('search = false\noutput = "public/site"\n', "utf-8")
    (root / link).parent.mkdir(parents=True, exist_ok=True)
    (root / link).symlink_to(target)
    before = beside(root.parent)
    for args in (["build"], ["lint"]):
        result = CliRunner().invoke(main, args)
        if args == ["lint"] and "output" in refusal:
            assert result.exit_code == 1 and "refusing" not in result.output  # no site
            continue
        assert result.exit_code == 2, result.output
        assert f"refusing to use {root}" in result.output and refusal in result.output
        assert "symbolic link" in result.output and "Traceback" not in result.output
    assert beside(root.parent) == before, "pmgen wrote outside the project"
    assert sorted(p.name for p in elsewhere.iterdir()) == []


def test_no_cache_needs_no_cache_folder(linked_project: tuple[Path, Path]) -> None:
    """With --no-cache a planted cache link is never touched, and the build works."""
    root, elsewhere = linked_project
    (root / ".pmgen-cache").symlink_to("../elsewhere")
    result = CliRunner().invoke(main, ["build", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert list(elsewhere.iterdir()) == []


def test_a_planted_leftover_staging_link_is_removed_not_followed(
    linked_project: tuple[Path, Path],
) -> None:
    """A variant: `.site.old-x` and `.site.tmp-x` look like a killed build's leftovers."""
    root, elsewhere = linked_project
    (elsewhere / ".pmgen-site").write_text("marker", encoding="utf-8")
    (root / ".site.old-planted").symlink_to("../elsewhere", target_is_directory=True)
    (root / ".site.tmp-planted").symlink_to("../elsewhere", target_is_directory=True)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert not (root / "site").is_symlink() and (root / "site" / "index.html").is_file()
    assert not (root / ".site.old-planted").exists() and not (root / ".site.tmp-planted").exists()
    assert sorted(p.name for p in elsewhere.iterdir()) == [".pmgen-site"]


def test_a_content_folder_linked_out_of_the_project_is_refused(
    linked_project: tuple[Path, Path],
) -> None:
    """A variant on the reading side: `postmortems -> ../elsewhere` would publish files from
    outside the project as if they were content."""
    root, elsewhere = linked_project
    (elsewhere / "2024-02-02-secret.md").write_text(front("title: Secret", "date: 2024-02-02"))
    (root / "postmortems" / "2024-01-01-bon.md").unlink()
    (root / "postmortems").rmdir()
    (root / "postmortems").symlink_to("../elsewhere", target_is_directory=True)
    for args in (["build"], ["lint"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert "refusing to read the content folder" in result.output
    assert not (root / "site").exists()


def test_an_output_chosen_outside_the_project_is_the_owner_s_choice(
    linked_project: tuple[Path, Path],
) -> None:
    """`--out` outside the project (trusted: the command line) still works."""
    _, elsewhere = linked_project
    result = CliRunner().invoke(main, ["build", "--out", str(elsewhere / "site")])
    assert result.exit_code == 0, result.output
    assert (elsewhere / "site" / "index.html").is_file()
