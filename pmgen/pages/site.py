"""Every HTML page of the site, in a stable order, from the library and the fragments."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pmgen.model import OutputFile
from pmgen.pages.context import (
    SiteInfo,
    actions_context,
    index_context,
    not_found_context,
    postmortem_context,
    search_context,
    stats_context,
    taxonomy_context,
    term_context,
)
from pmgen.pages.fragments import Linked
from pmgen.pages.library import Library
from pmgen.pages.templates import Environment, render_page


def render_pages(
    library: Library,
    site: SiteInfo,
    env: Environment,
    fragments: Mapping[str, Linked],
    summaries: Mapping[str, str],
    progress: Callable[[int, int], None] | None = None,
    listings: bool = True,
) -> Iterator[OutputFile]:
    """The site's HTML pages in a stable order: the page of each postmortem whose fragments are
    given (the others are known to be up to date), then, with `listings`, every other page."""
    total = len(library.entries)
    for number, entry in enumerate(library.entries, start=1):
        if entry.url in fragments:
            context = postmortem_context(library, number - 1, site, fragments[entry.url])
            yield render_page(env, "postmortem.html", f"{entry.url}index.html", context)
        if progress is not None:
            progress(number, total)
    if listings:
        yield from listing_pages(library, site, env, summaries)


def listing_pages(
    library: Library, site: SiteInfo, env: Environment, summaries: Mapping[str, str]
) -> Iterator[OutputFile]:
    """Every page that lists postmortems or shows them together: index, taxonomies, terms,
    actions, statistics, search and 404 (and the filter sheets beside them)."""
    index = index_context(library, site, summaries)
    yield render_page(env, "index.html", "index.html", index)
    yield _filters("", index)
    for kind, terms in library.terms.items():
        if kind != "years":
            context = taxonomy_context(kind, terms, site)
            yield render_page(env, "taxonomy.html", f"{kind}/index.html", context)
        for term in terms:
            context = term_context(term, site, summaries)
            yield render_page(env, "term.html", f"{term.url}index.html", context)
    actions = actions_context(library, site)
    yield render_page(env, "actions.html", "actions/index.html", actions)
    yield _filters("actions/", actions)
    yield render_page(env, "stats.html", "stats/index.html", stats_context(library, site))
    if site.search:
        yield render_page(env, "search.html", "search/index.html", search_context(library, site))
    yield render_page(env, "404.html", "404.html", not_found_context(site))


def _filters(folder: str, context: dict[str, Any]) -> OutputFile:
    """The page's filter rules as a style sheet beside it (`filters.css`): no inline style."""
    return OutputFile(f"{folder}filters.css", (context["filter_css"] + "\n").encode("utf-8"))
