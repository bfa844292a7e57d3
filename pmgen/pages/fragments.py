"""The expensive parts of a page, rendered once per postmortem where it was parsed: the body
(with its charts), the summary for listings and the timeline chart.

Rendering happens before the library exists (it needs the tokens, which are dropped after
parsing), so the few hrefs that depend on where pages land are written as markers and filled
in by `link_fragments` once every URL is known: links to other postmortems (published or not),
and the page's own URL and root. Everything else is final HTML.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pmgen.i18n import words
from pmgen.model import LinkedFile, Postmortem
from pmgen.pages.body import body_html
from pmgen.pages.incident import timeline_chart
from pmgen.pages.library import root_of
from pmgen.pages.sanitize import clean_html
from pmgen.read.files import MARKDOWN_SUFFIXES
from pmgen.read.linked import split_tail
from pmgen.read.markdown import RenderOptions, render
from pmgen.read.postmortem import Parsed

# Stands for "the path from the listing page back to the site root" in a linked summary.
ROOT = "pmgen-root-placeholder/"
# A marker: this postmortem's prefix (from the hash of its text), then what it stands for.
_MARKER = re.compile(r"(pmgen-[0-9a-f]{16}-)(root|own|p(\d+))/")


@dataclass(frozen=True, slots=True)
class PageLink:
    """A link to another Markdown file: its page when that file is published, else the href."""

    source: Path
    tail: str  # `?query#fragment`
    href: str  # as written, kept when the file is not a published postmortem


@dataclass(frozen=True, slots=True)
class Fragments:
    """The large rendered pieces of one postmortem (body and timeline chart), markers still to
    fill in: kept apart from the results (in the cache) until its page is written."""

    body_html: str
    timeline_html: str


@dataclass(frozen=True, slots=True)
class Rendered:
    """What the listings and the page plan need of a rendered postmortem: its summary, how to
    fill its markers, and a digest of every piece (a page is written again when it changes)."""

    summary_html: str
    marker: str  # the prefix of this postmortem's markers (derived from its text)
    pages: tuple[PageLink, ...]  # marker `p<n>` stands for pages[n]
    digest: str


@dataclass(frozen=True, slots=True)
class Linked:
    """The fragments with every marker filled in (the summary keeps `ROOT` for listings)."""

    body_html: str
    summary_html: str
    timeline_html: str
    targets: tuple[str, ...]  # where each page link landed (for incremental keys)


def render_fragments(parsed: Parsed, escape_html: bool) -> tuple[Rendered, Fragments]:
    """Render the pieces from the tokens, with markers where page URLs will go."""
    postmortem = parsed.postmortem
    lang = postmortem.fields.lang
    marker = "pmgen-" + hashlib.sha256(parsed.document.text.encode()).hexdigest()[:16] + "-"
    pages: list[PageLink] = []
    own = RenderOptions(
        rewrite=_rewriter(postmortem, marker, f"{marker}root/", True, pages),
        escape_html=escape_html,
        anchor_label=words(lang)["anchor"],
    )
    listed = RenderOptions(
        rewrite=_rewriter(postmortem, marker, ROOT, False, pages), escape_html=escape_html
    )
    start, end = postmortem.summary_span
    summary = clean_html(render(parsed.tokens[start:end], listed))
    body = body_html(parsed, own, lang)
    timeline = timeline_chart(postmortem.incident, lang)
    digest = hashlib.sha256("\0".join((summary, body, timeline)).encode()).hexdigest()
    return Rendered(summary, marker, tuple(pages), digest), Fragments(body, timeline)


def _rewriter(
    postmortem: Postmortem, marker: str, root: str, own_page: bool, pages: list[PageLink]
) -> Callable[[str], str]:
    """The href rewriter of one page or listing: anchors, page links (as markers) and files
    copied beside the page; anything else is left as written."""
    linked: dict[str, LinkedFile] = {link.href: link for link in postmortem.links}
    folder = postmortem.document.path.parent.resolve()
    content = postmortem.document.root.resolve()
    own = f"{marker}own/"

    def rewrite(href: str) -> str:
        if href.startswith("#"):
            return href if own_page else f"{root}{own}index.html{href}"
        link = linked.get(href)
        if link is None or link.path is None:
            return href
        tail = split_tail(href)[1]
        if link.path.suffix.lower() in MARKDOWN_SUFFIXES:
            pages.append(PageLink(link.path, tail, href))
            return f"{marker}p{len(pages) - 1}/"
        if link.refusal is not None:
            return href  # never published (PM308): the link stays as written
        return root + own + urllib.parse.quote(asset_name(link.path, folder, content)) + tail

    return rewrite


def asset_name(source: Path, folder: Path, content: Path) -> str:
    """Where a linked file lands relative to its page: beside it, or under `_files/` when it
    was above the postmortem's folder (both resolved)."""
    if source.is_relative_to(folder):
        return source.relative_to(folder).as_posix()
    return "_files/" + source.relative_to(content).as_posix()


def _attribute(value: str) -> str:
    """An attribute value escaped as the sanitiser writes it (html5ever's serialiser)."""
    return value.replace("&", "&amp;").replace("\xa0", "&nbsp;").replace('"', "&quot;")


def link_targets(rendered: Rendered, pages: Mapping[Path, str]) -> tuple[str, ...]:
    """Where each page link of a postmortem lands: a page's URL, or the href as written."""
    return tuple(
        f"{pages[link.source]}index.html{link.tail}" if link.source in pages else link.href
        for link in rendered.pages
    )


def link_fragments(
    rendered: Rendered, fragments: Fragments, url: str, pages: Mapping[Path, str]
) -> Linked:
    """Fill in the markers for a postmortem published at `url`; `pages` maps each published
    postmortem's resolved source to its URL. A link to an unpublished file stays as written."""
    targets = link_targets(rendered, pages)
    return Linked(
        fill_markers(rendered, fragments.body_html, url, root_of(url), targets, pages),
        fill_markers(rendered, rendered.summary_html, url, ROOT, targets, pages),
        fragments.timeline_html,
        targets,
    )


def fill_markers(
    rendered: Rendered,
    html: str,
    url: str,
    page_root: str,
    targets: tuple[str, ...],
    pages: Mapping[Path, str],
) -> str:
    """The HTML with this postmortem's markers filled in, seen from a page at `page_root`."""
    if rendered.marker not in html:
        return html

    def fill(match: re.Match[str]) -> str:
        if match[1] != rendered.marker:
            return match[0]  # another file's marker, quoted in this one: text, not a link
        if match[2] == "root":
            return page_root
        if match[2] == "own":
            return url
        link, target = rendered.pages[int(match[3])], targets[int(match[3])]
        if link.source not in pages:
            return _attribute(target)
        path, tail = split_tail(target)
        return _attribute(page_root + urllib.parse.quote(path) + tail)

    return _MARKER.sub(fill, html)
