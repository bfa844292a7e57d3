"""Jinja2 rendering: the theme environment, one context builder per page kind, the pages."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from pmgen.fragments import ROOT, Fragments
from pmgen.i18n import format_date, format_duration, words
from pmgen.library import TAXONOMIES, Entry, Library, Term, root_of, term_url
from pmgen.model import OutputFile
from pmgen.views import actions_view, incident_view, stats_view

PACKAGE_THEME = Path(__file__).resolve().parent / "templates"
SOURCE_THEME = Path(__file__).resolve().parent.parent / "templates"
# Templates a site may override in its own `templates/` folder (see docs/theme.md).
PAGE_TEMPLATES = (
    "index.html",
    "postmortem.html",
    "taxonomy.html",
    "term.html",
    "actions.html",
    "stats.html",
    "404.html",
)


def theme_folder() -> Path:
    """The packaged theme: inside the installed package, or the checkout's `templates/`."""
    return PACKAGE_THEME if PACKAGE_THEME.is_dir() else SOURCE_THEME


def environment(site_templates: Path | None) -> jinja2.Environment:
    """Autoescaping, strict Jinja2 over the site's own templates (if any), then the theme."""
    folders = [site_templates] if site_templates and site_templates.is_dir() else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*map(str, folders), str(theme_folder())]),
        autoescape=jinja2.select_autoescape(("html", "xml"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["yaml"] = _yaml_string
    return env


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


def render_pages(
    library: Library,
    site: SiteInfo,
    env: jinja2.Environment,
    fragments: Mapping[str, Fragments],
    summaries: Mapping[str, str],
    progress: Callable[[int, int], None] | None = None,
) -> list[OutputFile]:
    """The site's HTML pages in a stable order: every listing page, and the page of each
    postmortem whose fragments are given (the others are known to be up to date)."""
    files = [_page(env, "index.html", "index.html", index_context(library, site, summaries))]
    total = len(library.entries)
    for number, entry in enumerate(library.entries, start=1):
        if entry.url in fragments:
            context = postmortem_context(library, number - 1, site, fragments[entry.url])
            files.append(_page(env, "postmortem.html", f"{entry.url}index.html", context))
        if progress is not None:
            progress(number, total)
    for kind, terms in library.terms.items():
        if kind != "years":
            files.append(
                _page(
                    env, "taxonomy.html", f"{kind}/index.html", taxonomy_context(kind, terms, site)
                )
            )
        for term in terms:
            files.append(
                _page(
                    env,
                    "term.html",
                    f"{term.url}index.html",
                    term_context(term, site, summaries),
                )
            )
    files.append(_page(env, "actions.html", "actions/index.html", actions_context(library, site)))
    files.append(_page(env, "stats.html", "stats/index.html", stats_context(library, site)))
    if site.search:
        files.append(_page(env, "search.html", "search/index.html", search_context(library, site)))
    files.append(_page(env, "404.html", "404.html", not_found_context(site)))
    return files


def _page(env: jinja2.Environment, template: str, path: str, context: dict[str, Any]) -> OutputFile:
    return OutputFile(path, env.get_template(template).render(context).encode("utf-8"))


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
                "date": entry.date.isoformat(),
                "date_text": format_date(entry.date, fields.lang),
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
                "name": term.name,
                "url": f"{term.url}index.html",
                "entries": listing(term.entries, "", summaries),
            }
            for term in library.years()
        ],
        "count": len(library.entries),
    }


def postmortem_context(
    library: Library, position: int, site: SiteInfo, fragments: Fragments
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
        "date": entry.date.isoformat(),
        "date_text": format_date(entry.date, fields.lang),
        "year": {"name": str(entry.date.year), "url": f"{root}{entry.date.year}/index.html"},
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
        "page_title": term.name,
        "kind": term.kind,
        "name": term.name,
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
        {"key": "year", "label": said["year"], "values": [t.name for t in library.years()]},
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
        "date_text": format_date(entry.date, fields.lang),
        "year": str(entry.date.year),
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


def _moment(entry: Entry) -> str:
    moment = entry.postmortem.fields.datetime
    if moment is not None and moment.tzinfo is not None:
        return moment.isoformat()
    return f"{entry.date.isoformat()}T00:00:00Z"


# Characters XML 1.0 forbids even escaped (control characters, unpaired surrogates, U+FFFE/F):
# one pasted from a terminal (ANSI colours) would make the whole feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """The text without the characters an XML document cannot hold."""
    return _NOT_XML.sub("", text)


def render_feed(
    library: Library, site: SiteInfo, env: jinja2.Environment, updated: str
) -> OutputFile:
    """The Atom feed, absolute URLs only (only built when `site_url` is set)."""
    base = f"{site.site_url}/"
    entries = [
        {
            "title": xml_text(entry.title),
            "url": f"{base}{entry.url}",
            "updated": _moment(entry),
            "summary": xml_text(entry.postmortem.summary),
            "authors": [xml_text(author) for author in entry.postmortem.fields.authors],
            "tags": [xml_text(tag) for tag in entry.postmortem.fields.tags],
            "lang": entry.postmortem.fields.lang,
        }
        for entry in library.entries[:50]
    ]
    context = {
        "site": site_context(site, base, site.lang),
        "base": base,
        "updated": updated,
        "entries": entries,
    }
    return _page(env, "feed.xml", "feed.xml", context)


def render_sitemap(library: Library, site: SiteInfo, env: jinja2.Environment) -> OutputFile:
    """sitemap.xml with every page's absolute URL."""
    base = f"{site.site_url}/"
    urls = [{"loc": base, "lastmod": None}]
    urls += [{"loc": f"{base}{e.url}", "lastmod": e.date.isoformat()} for e in library.entries]
    for kind in sorted(library.terms):
        if kind != "years":
            urls.append({"loc": f"{base}{kind}/", "lastmod": None})
        urls += [{"loc": f"{base}{t.url}", "lastmod": None} for t in library.terms[kind]]
    return _page(env, "sitemap.xml", "sitemap.xml", {"urls": urls})


def render_skeleton(env: jinja2.Environment, lang: str, context: dict[str, Any]) -> str:
    """The `pmgen new` skeleton (`new/postmortem.<lang>.md`, overridable), never autoescaped."""
    return env.get_template(f"new/postmortem.{lang}.md").render(context)


def _yaml_string(value: Any) -> str:
    """A YAML scalar: JSON's double-quoted string is valid YAML; None is an empty value."""
    return "" if value is None else json.dumps(str(value), ensure_ascii=False)
