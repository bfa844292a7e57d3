"""Template contexts: one builder per page kind, each returning plain data (no internal objects)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pmgen.charts import draw_chart
from pmgen.i18n import format_date, plural, plural_forms, words
from pmgen.model import SectionSpec
from pmgen.pages.actions import action_facets, actions_view
from pmgen.pages.article import (
    body_parts,
    facts,
    figures,
    missing_sections,
    open_summary,
    zone_note,
)
from pmgen.pages.dashboard import entry_facets, entry_row, tiles, with_filters
from pmgen.pages.fragments import Linked
from pmgen.pages.incident import impact_note, incident_view
from pmgen.pages.library import TAXONOMIES, UNDATED, Entry, Library, Term, root_of, term_url
from pmgen.pages.severity import colour_rank, scale_rank
from pmgen.pages.stats import months_between, per_month, stats_view
from pmgen.severities import SeverityScale


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """Site-wide settings the pages need."""

    title: str
    lang: str
    site_url: str
    escape_html: bool
    today: dt.date
    search: bool = False
    required: tuple[SectionSpec, ...] = ()  # the required sections, to show the missing ones
    severities: SeverityScale = field(default_factory=SeverityScale)  # for colours and order


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
    entries: tuple[Entry, ...], root: str, summaries: Mapping[str, str], site: SiteInfo
) -> list[dict[str, Any]]:
    """Entries as listed on the index and term pages (table rows), summaries linked from there."""
    rows = [entry_row(entry, root, summaries, site.required) for entry in entries]
    for row in rows:
        row["duration"] = row["impact"]  # the name templates written before 0.x used
        row["classes"] = ""
    return rows


def index_context(library: Library, site: SiteInfo, summaries: Mapping[str, str]) -> dict[str, Any]:
    """The home page: tiles, incidents per month, every postmortem as a filterable table row."""
    lang = site.lang
    rows = listing(library.entries, "", summaries, site)
    groups = entry_facets(rows, lang)
    dated_entries = list(library.dated())
    dated = sorted(e.date for e in dated_entries if e.date is not None)
    months = months_between(dated[0], dated[-1]) if dated else []
    chart = per_month(dated_entries, months, lang)
    return {
        "site": site_context(site, "", lang),
        "page_title": site.title,
        "tiles": tiles(library, site.today, lang),
        "chart": draw_chart(chart, lang, "index-per-month", 150.0) if months else "",
        "rows": rows,
        "facets": groups,
        "filter_css": with_filters(rows, groups, lang),
        "count": len(library.entries),
        "count_text": plural("count", len(library.entries), lang),
        "shown_forms": plural_forms("shown", lang),
        "years": [
            {
                "name": term_name(term, site.lang),
                "key": term.name,
                "url": f"{term.url}index.html",
                "entries": [r for r in rows if r["year"] == term.name],
            }
            for term in library.years()
        ],
    }


def postmortem_context(
    library: Library, position: int, site: SiteInfo, fragments: Linked
) -> dict[str, Any]:
    """One postmortem page: header band, body with its action tables, details, neighbours."""
    entry = library.entries[position]
    postmortem, fields = entry.postmortem, entry.postmortem.fields
    lang = fields.lang
    root = root_of(entry.url)
    newer = library.entries[position - 1] if position > 0 else None
    older = library.entries[position + 1] if position + 1 < len(library.entries) else None

    def term(kind: str, name: str) -> dict[str, str]:
        return {"name": name, "url": f"{root}{term_url(kind, name)}index.html"}

    incident = incident_view(entry, lang, site.today, fragments.timeline_html)
    incident["figures"] = figures(postmortem.incident, lang)
    for figure in incident["figures"]:  # where the impact's start and end come from
        figure["note"] = (
            impact_note(postmortem.incident, lang) if figure["key"] == "impact" else None
        )
    incident["zone_note"] = zone_note(postmortem.incident, lang)
    incident["open_summary"] = open_summary(postmortem.incident, site.today, lang)
    missing = missing_sections(postmortem, site.required, lang)
    toc = [
        {"id": h.anchor, "text": h.text, "level": h.level}
        for h in postmortem.headings
        if h.level in (2, 3)
    ]
    for item in missing:  # in the table of contents where it is in the page
        at = next((i for i, t in enumerate(toc) if t["id"] == item["before"]), len(toc))
        toc.insert(at, {"id": item["id"], "text": item["title"], "level": 2})
    lead, parts = body_parts(
        fragments.body_html, postmortem.incident.actions, missing, site.today, lang
    )
    severity = term("severity", fields.severity) if fields.severity else None
    if severity is not None:
        severity["rank"] = scale_rank(fields.severity, site.severities)
    return {
        "site": site_context(site, root, site.lang),
        "words": words(lang),
        "page_title": entry.title,
        "title": entry.title,
        "lang": lang,
        "date": entry.date.isoformat() if entry.date else "",
        "date_text": date_text(entry, lang),
        "year": {
            "name": str(entry.date.year) if entry.date else words(lang)["undated"],
            "url": f"{root}{entry.date.year if entry.date else UNDATED}/index.html",
        },
        "severity": severity,
        "status": fields.status,
        "services": [term("services", name) for name in fields.services],
        "tags": [term("tags", name) for name in fields.tags],
        "authors": list(fields.authors),
        "toc": toc,
        "body_html": fragments.body_html,
        "lead_html": lead,
        "body_parts": parts,
        "impact": postmortem.details.impact,
        "facts": facts(postmortem.details, lang),
        "incident": incident,
        "pagefind_meta": pagefind_meta(entry),
        "newer": _neighbour(newer, root),
        "older": _neighbour(older, root),
    }


def _neighbour(entry: Entry | None, root: str) -> dict[str, str] | None:
    if entry is None:
        return None
    return {
        "title": entry.title,
        "url": f"{root}{entry.url}index.html",
        "lang": entry.postmortem.fields.lang,
    }


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
            {
                "name": t.name,
                "url": f"{root}{t.url}index.html",
                "count": len(t.entries),
                "count_text": plural("count", len(t.entries), site.lang),
                "rank": scale_rank(t.name, site.severities) if kind == "severity" else 0,
            }
            for t in sorted(
                terms,
                key=lambda t: (
                    (scale_rank(t.name, site.severities) or 9) if kind == "severity" else 0
                ),
            )
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
        "entries": listing(term.entries, root, summaries, site),
        "count_text": plural("count", len(term.entries), site.lang),
    }


def actions_context(library: Library, site: SiteInfo) -> dict[str, Any]:
    """Every open action across postmortems, overdue first, filterable by owner and service."""
    root = root_of("actions/")
    lang = site.lang
    rows = actions_view(library, root, site.today, lang)
    groups, css = action_facets(rows, lang)
    late = sum(1 for row in rows if row["status"] == "overdue")
    count = plural("open_actions_count", len(rows), lang)
    return {
        "site": site_context(site, root, lang),
        "page_title": words(lang)["open_actions"],
        "actions": rows,
        "facets": groups,
        "filter_css": css,
        "count_text": count + (f" · {plural('overdue_count', late, lang)}" if late else ""),
        "shown_forms": plural_forms("shown", lang),
    }


def stats_context(library: Library, site: SiteInfo) -> dict[str, Any]:
    """Tiles, incidents and impact per month, the time-to-resolve trend, by severity, service."""
    root = root_of("stats/")
    lang = site.lang
    return {
        "site": site_context(site, root, lang),
        "page_title": words(lang)["stats"],
        "tiles": tiles(library, site.today, lang),
        "charts": stats_view(library, lang),
        "count": len(library.entries),
        "count_text": plural("count", len(library.entries), lang),
        "p90_note": words(lang)["p90_note"],
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
        "search_words": {
            "results": said["search_results"],
            "none": said["search_none"],
            "forms": plural_forms("results", site.lang),
        },
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
        "rank": str(colour_rank(fields.severity_rank)) if fields.severity else "",
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
