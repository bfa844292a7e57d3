"""Every file of the site, in memory: pages, feed, sitemap, index.json, theme assets, and the
files postmortems reference. The fragments (rendered bodies) come from the cache when they can."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pmgen.cache import digest
from pmgen.model import AssetCopy, OutputFile
from pmgen.pages.context import SiteInfo
from pmgen.pages.export import index_json
from pmgen.pages.feeds import render_feed, render_sitemap
from pmgen.pages.fragments import Fragments, Linked, link_fragments
from pmgen.pages.library import Library
from pmgen.pages.links import asset_copies, page_urls
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
    """Each postmortem page's key (everything it shows), the linked fragments of the pages to
    render (those whose key changed), and every entry's summary for the listings."""

    keys: dict[str, str]
    fragments: dict[str, Linked]
    summaries: dict[str, str]


def plan_pages(
    library: Library,
    rendered: Mapping[Path, tuple[str, Fragments]],
    site: SiteInfo,
    context: str,
    previous: Mapping[str, str],
) -> PagePlan:
    """Link each postmortem's fragments now that every URL is known, and key its page by
    everything it shows; only pages whose key changed since `previous` (the last build's keys,
    empty for a cold build) are rendered again. `rendered` maps each source to the key of its
    inputs and its fragments."""
    pages = page_urls(library)
    plan = PagePlan({}, {}, {})
    entries = library.entries
    for position, entry in enumerate(entries):
        input_key, fragments = rendered[entry.postmortem.document.path]
        linked = link_fragments(fragments, entry.url, pages)
        around = [
            (e.title, e.url)
            for e in (
                entries[position - 1] if position else None,
                entries[position + 1] if position + 1 < len(entries) else None,
            )
            if e is not None
        ]
        path = f"{entry.url}index.html"
        plan.keys[path] = digest(
            context,
            input_key,
            entry.url,
            repr(site),
            json.dumps([around, linked.targets]),
            linked.body_html,
            linked.summary_html,
            linked.timeline_html,
        )
        if previous.get(path) != plan.keys[path]:
            plan.fragments[entry.url] = linked
        plan.summaries[entry.url] = linked.summary_html
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
        dated = library.dated()
        newest = dated[0].date if dated and dated[0].date else dt.date(1970, 1, 1)
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
