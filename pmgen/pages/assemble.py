"""Every file of the site, in memory: pages, feed, sitemap, index.json, theme assets, and the
files postmortems reference. The fragments (rendered bodies) come from the cache when they can."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pmgen.cache import Cache, digest
from pmgen.model import AssetCopy, OutputFile, Postmortem
from pmgen.pages.context import SiteInfo
from pmgen.pages.export import index_json
from pmgen.pages.feeds import render_feed, render_sitemap
from pmgen.pages.fragments import Fragments, fragment_key, render_fragments
from pmgen.pages.library import Entry, Library
from pmgen.pages.links import asset_copies, make_rewriter, page_urls
from pmgen.pages.site import render_pages
from pmgen.pages.templates import environment, theme_folder

NO_SITE_URL = (
    "no `site_url` configured: feed.xml and sitemap.xml were skipped (they need "
    "absolute URLs); set it in pmgen.toml or pass --base-url."
)


@dataclass(frozen=True, slots=True)
class Assembled:
    """The site's files and the notices worth telling the user."""

    files: list[OutputFile]
    copies: list[AssetCopy]
    notices: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PagePlan:
    """Which postmortem pages to render, with what; every entry's summary for listings."""

    keys: dict[str, str]
    fragments: dict[str, Fragments]
    summaries: dict[str, str]
    fragment_keys: set[str]


def plan_pages(
    library: Library,
    site: SiteInfo,
    context: str,
    previous: Mapping[str, str],
    cache: Cache,
    reload: Callable[[Postmortem], Postmortem],
    fresh: Mapping[str, Fragments] | None = None,
) -> PagePlan:
    """Key each postmortem page by everything it shows; only pages whose key changed since
    `previous` (the last build's keys, empty for a cold build) are rendered again.
    `fresh` holds fragments rendered while parsing (by page URL)."""
    pages = page_urls(library)
    rewriter_for = make_rewriter(pages)
    plan = PagePlan({}, {}, {}, set())
    entries = library.entries
    for position, entry in enumerate(entries):
        fragment = fragment_key(entry, pages, site.escape_html, context)
        plan.fragment_keys.add(fragment)
        around = [
            (e.title, e.url)
            for e in (
                entries[position - 1] if position else None,
                entries[position + 1] if position + 1 < len(entries) else None,
            )
            if e is not None
        ]
        path = f"{entry.url}index.html"
        plan.keys[path] = digest(fragment, repr(site), json.dumps(around))
        stale = previous.get(path) != plan.keys[path]
        summary = None if stale else cache.get("summary", fragment)
        summary = summary if isinstance(summary, str) else None
        if summary is None:
            fragments = (fresh or {}).get(entry.url)
            from_cache = fragments is None and cache.get("fragments", fragment)
            if isinstance(from_cache, Fragments):
                fragments = from_cache
            else:
                if fragments is None:
                    full = (
                        entry
                        if entry.postmortem.tokens
                        else Entry(reload(entry.postmortem), entry.url, entry.date)
                    )
                    fragments = render_fragments(full, rewriter_for, site.escape_html)
                cache.put("fragments", fragment, fragments)
                cache.put("summary", fragment, fragments.summary_html)
            if stale:
                plan.fragments[entry.url] = fragments
            summary = fragments.summary_html
        plan.summaries[entry.url] = summary
    cache.flush()
    return plan


def assemble(
    library: Library,
    plan: PagePlan,
    site: SiteInfo,
    site_templates: Path,
    updated: dt.datetime | None,
    progress: Callable[[int, int], None] | None = None,
) -> Assembled:
    """Render every page and data file; list the files to copy."""
    env = environment(site_templates)
    files = render_pages(library, site, env, plan.fragments, plan.summaries, progress)
    notices: list[str] = []
    if site.site_url:
        newest = library.entries[0].date if library.entries else dt.date(1970, 1, 1)
        moment = updated or dt.datetime.combine(newest, dt.time(), dt.UTC)
        files.append(render_feed(library, site, env, moment.strftime("%Y-%m-%dT%H:%M:%SZ")))
        files.append(render_sitemap(library, site, env))
    else:
        notices.append(NO_SITE_URL)
    files.append(index_json(library))
    files.extend(theme_assets(site_templates))
    files.sort(key=lambda item: item.path)
    return Assembled(files, asset_copies(library), tuple(notices))


def theme_assets(site_templates: Path) -> list[OutputFile]:
    """The theme's static files (`assets/`), a site's own files overriding the theme's."""
    chosen: dict[str, Path] = {}
    for folder in (theme_folder() / "assets", site_templates / "assets"):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    chosen[f"assets/{path.relative_to(folder).as_posix()}"] = path
    return [OutputFile(name, path.read_bytes()) for name, path in sorted(chosen.items())]
