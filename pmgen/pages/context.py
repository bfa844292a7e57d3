"""Template contexts: one builder per page kind, each returning plain data (no internal objects)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pmgen.i18n import format_date, format_duration, words
from pmgen.pages.actions import actions_view
from pmgen.pages.fragments import ROOT, Linked
from pmgen.pages.incident import incident_view
from pmgen.pages.library import TAXONOMIES, UNDATED, Entry, Library, Term, root_of, term_url
from pmgen.pages.stats import stats_view


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """Site-wide settings the pages need."""

    title: str
    lang: str
    site_url: str
    escape_html: bool
    today: dt.date
    search: bool = False


def site_context(site: SiteInfo, root: str, lang: str) -> dict[str, Any]:
    """What every page receives: site title, navigation and words, as plain data."""
    return {
        "title": site.title,
        "lang": lang,
        "root": root,
        "words": words(lang),
        "feed": f"{root}feed.xml" if site.site_url else None,
        "nav": [
            {"kind": kind, "url": f"{root}{kind}/index.html"}
            for kind in (*TAXONOMIES, "actions", "stats", *(("search",) if site.search else ()))
        ],
    }


def date_text(entry: Entry, lang: str) -> str:
    """The entry's date as words, or `Sans date` / `Undated`."""
    return format_date(entry.date, lang) if entry.date else words(lang)["undated"]


def listing(
    entries: tuple[Entry, ...], root: str, summaries: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Entries as listed on the index and term pages, summaries linked from that page."""
    items = []
    for entry in entries:
        fields = entry.postmortem.fields
        items.append(
            {
                "title": entry.title,
                "url": f"{root}{entry.url}index.html",
                "lang": fields.lang,
                "date": entry.date.isoformat() if entry.date else "",
                "date_text": date_text(entry, fields.lang),
                "severity": fields.severity,
                "services": list(fields.services),
                "status": fields.status,
                "summary_html": summaries[entry.url].replace(ROOT, root),
                "duration": _impact(entry, fields.lang),
                "actions_open": len(entry.postmortem.incident.open_actions),
                "actions_total": len(entry.postmortem.incident.actions),
            }
        )
    return items


def _impact(entry: Entry, lang: str) -> str | None:
    span = entry.postmortem.incident.durations.impact
    return format_duration(span, lang) if span is not None else None


def index_context(library: Library, site: SiteInfo, summaries: Mapping[str, str]) -> dict[str, Any]:
    """The home page: every postmortem, newest first, grouped by year."""
    return {
        "site": site_context(site, "", site.lang),
        "page_title": site.title,
        "years": [
            {
                "name": term_name(term, site.lang),
                "key": term.name,
                "url": f"{term.url}index.html",
                "entries": listing(term.entries, "", summaries),
            }
            for term in library.years()
        ],
        "count": len(library.entries),
    }


def postmortem_context(
    library: Library, position: int, site: SiteInfo, fragments: Linked
) -> dict[str, Any]:
    """One postmortem page: metadata panel, contents, body, neighbours."""
    entry = library.entries[position]
    postmortem, fields = entry.postmortem, entry.postmortem.fields
    root = root_of(entry.url)
    newer = library.entries[position - 1] if position > 0 else None
    older = library.entries[position + 1] if position + 1 < len(library.entries) else None

    def term(kind: str, name: str) -> dict[str, str]:
        return {"name": name, "url": f"{root}{term_url(kind, name)}index.html"}

    incident = incident_view(entry, fields.lang, site.today, fragments.timeline_html)
    toc = [
        {"id": h.anchor, "text": h.text, "level": h.level}
        for h in postmortem.headings
        if h.level in (2, 3)
    ]
    return {
        "site": site_context(site, root, fields.lang),
        "page_title": entry.title,
        "title": entry.title,
        "lang": fields.lang,
        "date": entry.date.isoformat() if entry.date else "",
        "date_text": date_text(entry, fields.lang),
        "year": {
            "name": str(entry.date.year) if entry.date else words(fields.lang)["undated"],
            "url": f"{root}{entry.date.year if entry.date else UNDATED}/index.html",
        },
        "severity": term("severity", fields.severity) if fields.severity else None,
        "status": fields.status,
        "services": [term("services", name) for name in fields.services],
        "tags": [term("tags", name) for name in fields.tags],
        "authors": list(fields.authors),
        "toc": toc,
        "body_html": fragments.body_html,
        "incident": incident,
        "pagefind_meta": pagefind_meta(entry),
        "newer": _neighbour(newer, root),
        "older": _neighbour(older, root),
    }


def _neighbour(entry: Entry | None, root: str) -> dict[str, str] | None:
    if entry is None:
        return None
    return {"title": entry.title, "url": f"{root}{entry.url}index.html"}


def term_name(term: Term, lang: str) -> str:
    """A term's name as shown: the undated postmortems' group reads `Sans date` / `Undated`."""
    return words(lang)["undated"] if term.kind == "years" and term.name == UNDATED else term.name


def taxonomy_context(kind: str, terms: tuple[Term, ...], site: SiteInfo) -> dict[str, Any]:
    """The list of every service, tag or severity, with counts."""
    root = root_of(f"{kind}/")
    return {
        "site": site_context(site, root, site.lang),
        "page_title": words(site.lang)[kind],
        "kind": kind,
        "terms": [
            {"name": t.name, "url": f"{root}{t.url}index.html", "count": len(t.entries)}
            for t in terms
        ],
    }


def term_context(term: Term, site: SiteInfo, summaries: Mapping[str, str]) -> dict[str, Any]:
    """The postmortems of one service, tag, severity or year."""
    root = root_of(term.url)
    return {
        "site": site_context(site, root, site.lang),
        "page_title": term_name(term, site.lang),
        "kind": term.kind,
        "name": term_name(term, site.lang),
        "entries": listing(term.entries, root, summaries),
    }


def actions_context(library: Library, site: SiteInfo) -> dict[str, Any]:
    """Every open action across postmortems, oldest first, overdue ones marked."""
    root = root_of("actions/")
    return {
        "site": site_context(site, root, site.lang),
        "page_title": words(site.lang)["open_actions"],
        "actions": actions_view(library, root, site.today, site.lang),
    }


def stats_context(library: Library, site: SiteInfo) -> dict[str, Any]:
    """Incidents per month, impact, time to resolve per quarter, by severity and service."""
    root = root_of("stats/")
    return {
        "site": site_context(site, root, site.lang),
        "page_title": words(site.lang)["stats"],
        "charts": stats_view(library, site.lang),
        "count": len(library.entries),
    }


def search_context(library: Library, site: SiteInfo) -> dict[str, Any]:
    """The search page: a query box and filters over the Pagefind index built with the site."""
    root = root_of("search/")
    said = words(site.lang)
    filters = [
        {
            "key": "services",
            "label": said["service"],
            "values": [t.name for t in library.terms["services"]],
        },
        {
            "key": "severity",
            "label": said["severity"],
            "values": [t.name for t in library.terms["severity"]],
        },
        {
            "key": "year",
            "label": said["year"],
            "values": [t.name for t in library.years() if t.name != UNDATED],
        },
    ]
    return {
        "site": site_context(site, root, site.lang),
        "page_title": said["search"],
        "filters": filters,
        "search_words": {"results": said["search_results"], "none": said["search_none"]},
    }


def pagefind_meta(entry: Entry) -> list[str]:
    """`key:value` strings for `data-pagefind-meta`: what search results show and filter on.

    Pagefind's filters are not written deterministically (their files change from one build to
    the next); its metadata is, so pmgen filters on metadata in its own small script. A
    postmortem's services are joined with `|`.
    """
    fields = entry.postmortem.fields
    pairs = {
        "title": entry.title,
        "date_text": date_text(entry, fields.lang),
        "year": str(entry.date.year) if entry.date else "",
        "severity": fields.severity or "",
        "services": "|".join(fields.services),
    }
    return [f"{key}:{value}" for key, value in pairs.items() if value]


def not_found_context(site: SiteInfo) -> dict[str, Any]:
    """The 404 page: absolute links when the site URL is known, else from the root."""
    root = f"{site.site_url}/" if site.site_url else ""
    return {
        "site": site_context(site, root, site.lang),
        "page_title": words(site.lang)["not_found"],
    }
