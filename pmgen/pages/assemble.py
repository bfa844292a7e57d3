"""Every file of the site, as a stream rendered while it is written: pages, feed, sitemap,
index.json, theme assets; and the files postmortems link to, to copy."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from pmgen.cache import digest
from pmgen.model import AssetCopy, OutputFile
from pmgen.pages.context import SiteInfo
from pmgen.pages.export import index_json
from pmgen.pages.feeds import render_feed, render_sitemap
from pmgen.pages.fragments import (
    ROOT,
    Fragments,
    Linked,
    Rendered,
    fill_markers,
    link_fragments,
    link_targets,
)
from pmgen.pages.library import Library
from pmgen.pages.links import asset_copies, page_urls
from pmgen.pages.site import listing_pages, render_pages
from pmgen.pages.templates import Environment, environment
from pmgen.pages.theme import theme_folder

NO_SITE_URL = (
    "no `site_url` configured: feed.xml and sitemap.xml were skipped (they need "
    "absolute URLs); set it in pmgen.toml or pass --base-url."
)


@dataclass(frozen=True, slots=True)
class Assembled:
    """The site's files (rendered as they are read), the linked files to copy, and the notices
    worth telling the user."""

    files: Iterator[OutputFile]
    copies: list[AssetCopy]
    notices: tuple[str, ...]


class LinkedPages(Mapping[str, Linked]):
    """The linked fragments of the pages to render, by page URL, fetched and linked one at a
    time as the pages are written (never all in memory)."""

    def __init__(
        self,
        stale: Mapping[str, tuple[Path, Rendered]],
        fragments: Mapping[Path, Fragments],
        pages: Mapping[Path, str],
    ) -> None:
        self._stale, self._fragments, self._pages = stale, fragments, pages

    def __getitem__(self, url: str) -> Linked:
        source, rendered = self._stale[url]
        return link_fragments(rendered, self._fragments[source], url, self._pages)

    def __contains__(self, url: object) -> bool:
        return url in self._stale  # without fetching anything

    def __iter__(self) -> Iterator[str]:
        return iter(self._stale)

    def __len__(self) -> int:
        return len(self._stale)


@dataclass(frozen=True, slots=True)
class PagePlan:
    """Each postmortem page's key (everything it shows), the pages to render (those whose key
    changed, linked as they are written), and every entry's summary for the listings."""

    keys: dict[str, str]
    fragments: LinkedPages
    summaries: dict[str, str]


def plan_pages(
    library: Library,
    rendered: Mapping[Path, tuple[str, Rendered]],
    fragments: Mapping[Path, Fragments],
    site: SiteInfo,
    context: str,
    previous: Mapping[str, str],
) -> PagePlan:
    """Key each postmortem page by everything it shows, now that every URL is known; only
    pages whose key changed since `previous` (the last build's keys, empty for a cold build)
    are rendered again. `rendered` maps each source to the key of its inputs and what
    rendering it gave; `fragments` gives its body and timeline when its page is written."""
    pages = page_urls(library)
    keys: dict[str, str] = {}
    stale: dict[str, tuple[Path, Rendered]] = {}
    summaries: dict[str, str] = {}
    entries = library.entries
    for position, entry in enumerate(entries):
        source = entry.postmortem.document.path
        input_key, done = rendered[source]
        targets = link_targets(done, pages)
        around = [
            (e.title, e.url)
            for e in (
                entries[position - 1] if position else None,
                entries[position + 1] if position + 1 < len(entries) else None,
            )
            if e is not None
        ]
        path = f"{entry.url}index.html"
        keys[path] = digest(
            context, input_key, entry.url, repr(site), json.dumps([around, targets]), done.digest
        )
        if previous.get(path) != keys[path]:
            stale[entry.url] = (source, done)
        summaries[entry.url] = fill_markers(
            done, done.summary_html, entry.url, ROOT, targets, pages
        )
    return PagePlan(keys, LinkedPages(stale, fragments, pages), summaries)


def assemble(
    library: Library,
    plan: PagePlan,
    site: SiteInfo,
    site_templates: Path,
    updated: dt.datetime | None,
    progress: Callable[[int, int], None] | None = None,
    listings: bool = True,
) -> Assembled:
    """Every page and data file, rendered one at a time as the writer asks for them; without
    `listings`, only the postmortem pages to render (the rest is known to be up to date)."""
    notices = () if site.site_url else (NO_SITE_URL,)
    files = _files(library, plan, site, site_templates, updated, progress, listings)
    return Assembled(files, asset_copies(library), notices)


def _files(
    library: Library,
    plan: PagePlan,
    site: SiteInfo,
    site_templates: Path,
    updated: dt.datetime | None,
    progress: Callable[[int, int], None] | None,
    listings: bool,
) -> Iterator[OutputFile]:
    env = environment(site_templates)
    yield from render_pages(library, site, env, plan.fragments, plan.summaries, progress, False)
    if listings:
        yield from listing_files(library, plan, site, site_templates, updated, env)


def listing_files(
    library: Library,
    plan: PagePlan,
    site: SiteInfo,
    site_templates: Path,
    updated: dt.datetime | None,
    env: Environment | None = None,
) -> Iterator[OutputFile]:
    """Every file of the site but the postmortem pages: listings, feed, sitemap, index.json,
    theme assets."""
    env = env or environment(site_templates)
    yield from listing_pages(library, site, env, plan.summaries)
    if site.site_url:
        newest = next((e.date for e in library.entries if e.date), dt.date(1970, 1, 1))
        moment = updated or dt.datetime.combine(newest, dt.time(), dt.UTC)
        yield render_feed(library, site, env, moment.strftime("%Y-%m-%dT%H:%M:%SZ"))
        yield render_sitemap(library, site, env)
    yield index_json(library)
    yield from theme_assets(site_templates)


def listings_key(library: Library, summaries: Mapping[str, str], context: str) -> str:
    """Everything the pages other than the postmortems' show: each entry's URL, fields,
    incident data, sections, front matter, details and summary (not its body). When it has not
    changed, neither have they."""
    parts: list[str] = [context]
    for entry in library.entries:
        postmortem = entry.postmortem
        parts += [
            entry.url,
            repr(postmortem.fields),
            repr(postmortem.incident),
            repr(postmortem.details),
            repr([(s.id, s.empty) for s in postmortem.sections]),
            repr(sorted(postmortem.document.front_matter.items(), key=lambda item: item[0])),
            postmortem.summary,
            summaries[entry.url],
        ]
    return digest(*parts)


def theme_assets(site_templates: Path) -> list[OutputFile]:
    """The theme's static files (`assets/`), a site's own files overriding the theme's."""
    chosen: dict[str, Path] = {}
    for folder in (theme_folder() / "assets", site_templates / "assets"):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    chosen[f"assets/{path.relative_to(folder).as_posix()}"] = path
    return [OutputFile(name, path.read_bytes()) for name, path in sorted(chosen.items())]
