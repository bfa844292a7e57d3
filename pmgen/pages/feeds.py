"""The Atom feed and the sitemap: absolute URLs, only built when `site_url` is set."""

from __future__ import annotations

import re

from pmgen.model import OutputFile
from pmgen.pages.context import SiteInfo, site_context
from pmgen.pages.library import Entry, Library
from pmgen.pages.templates import Environment, render_page


def _moment(entry: Entry) -> str:
    moment = entry.postmortem.fields.datetime
    if moment is not None and moment.tzinfo is not None:
        return moment.isoformat()
    return f"{entry.date.isoformat() if entry.date else '1970-01-01'}T00:00:00Z"


# Characters XML 1.0 forbids even escaped (control characters, unpaired surrogates, U+FFFE/F):
# one pasted from a terminal (ANSI colours) would make the whole feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """The text without the characters an XML document cannot hold."""
    return _NOT_XML.sub("", text)


def render_feed(library: Library, site: SiteInfo, env: Environment, updated: str) -> OutputFile:
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
        for entry in library.dated()[:50]  # an undated page has no place in a dated feed
    ]
    context = {
        "site": site_context(site, base, site.lang),
        "base": base,
        "updated": updated,
        "entries": entries,
    }
    return render_page(env, "feed.xml", "feed.xml", context)


def render_sitemap(library: Library, site: SiteInfo, env: Environment) -> OutputFile:
    """sitemap.xml with every page's absolute URL."""
    base = f"{site.site_url}/"
    urls = [{"loc": base, "lastmod": None}]
    urls += [
        {"loc": f"{base}{e.url}", "lastmod": e.date.isoformat() if e.date else None}
        for e in library.entries
    ]
    for kind in sorted(library.terms):
        if kind != "years":
            urls.append({"loc": f"{base}{kind}/", "lastmod": None})
        urls += [{"loc": f"{base}{t.url}", "lastmod": None} for t in library.terms[kind]]
    return render_page(env, "sitemap.xml", "sitemap.xml", {"urls": urls})
