"""All postmortems together: stable URLs, newest-first order and indexes by taxonomy."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pmgen.model import Postmortem
from pmgen.slugs import slugify, unique

_DATED_STEM = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
TAXONOMIES = ("services", "tags", "severity")
# Postmortems without a findable date: pages under `undated/<slug>/`, listed after every year.
UNDATED = "undated"


@dataclass(frozen=True, slots=True)
class Entry:
    """One postmortem on the site, with its folder URL relative to the site root."""

    postmortem: Postmortem
    url: str
    date: dt.date | None

    @property
    def title(self) -> str:
        """The title (a built postmortem always has one)."""
        return self.postmortem.fields.title or self.postmortem.document.stem


@dataclass(frozen=True, slots=True)
class Term:
    """A service, tag, severity or year, with the postmortems that carry it."""

    kind: str
    name: str
    url: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Library:
    """The site's postmortems newest first, and the terms of each taxonomy."""

    entries: tuple[Entry, ...]
    terms: Mapping[str, tuple[Term, ...]]

    def years(self) -> tuple[Term, ...]:
        """The year terms, newest first, then the undated postmortems' term (if any)."""
        return self.terms["years"]

    def dated(self) -> tuple[Entry, ...]:
        """The entries that have a date (newest first)."""
        return tuple(entry for entry in self.entries if entry.date is not None)


def root_of(url: str) -> str:
    """The relative prefix from a page folder back to the site root (`2021/09/22/x/` → 4 ups)."""
    return "../" * len([part for part in url.split("/") if part])


def page_url(stem: str, date: dt.date | None) -> str:
    """`2021-09-22-incident.md` → `2021/09/22/incident/`; other names use the date found in
    the postmortem, and without one go under `undated/` (`undated/incident/`)."""
    match = _DATED_STEM.match(stem)
    if match:
        year, month, day, rest = match.groups()
        return f"{year}/{month}/{day}/{slugify(rest)}/"
    if date is None:
        return f"{UNDATED}/{slugify(stem)}/"
    return f"{date:%Y/%m/%d}/{slugify(stem)}/"


def assign_urls(items: Iterable[tuple[Path, dt.date | None]]) -> dict[Path, str]:
    """Unique page URLs for (source path, date) pairs, given in path order so that the
    `-2`, `-3` suffixes of colliding slugs never depend on the order files were found in."""
    taken: set[str] = set()
    return {
        path: unique(page_url(path.stem, date).rstrip("/"), taken) + "/"
        for path, date in sorted(items)
    }


def build_library(postmortems: Sequence[Postmortem]) -> Library:
    """Give each postmortem a unique URL, order them (newest first, undated ones last) and
    index the taxonomies."""
    found = [(p.document.path, p.fields.date, p) for p in postmortems]
    urls = assign_urls((path, date) for path, date, _ in found)
    entries = [Entry(p, urls[path], date) for path, date, p in found]
    entries.sort(key=lambda e: (e.date is None, -(e.date.toordinal() if e.date else 0), e.url))
    terms: dict[str, tuple[Term, ...]] = {kind: _terms(kind, entries) for kind in TAXONOMIES}
    terms["years"] = _years(entries)
    return Library(tuple(entries), terms)


def _values(kind: str, entry: Entry) -> tuple[str, ...]:
    fields = entry.postmortem.fields
    if kind == "severity":
        return (fields.severity,) if fields.severity else ()
    return fields.services if kind == "services" else fields.tags


def _terms(kind: str, entries: Sequence[Entry]) -> tuple[Term, ...]:
    grouped: dict[str, list[Entry]] = {}
    names: dict[str, str] = {}
    for entry in entries:
        for value in _values(kind, entry):
            key = slugify(value)
            names.setdefault(key, value)
            grouped.setdefault(key, []).append(entry)
    return tuple(
        Term(kind, names[key], term_url(kind, names[key]), tuple(grouped[key]))
        for key in sorted(grouped)
    )


def term_url(kind: str, name: str) -> str:
    """The folder URL of a term page: `services/base-de-donnees/`."""
    return f"{kind}/{slugify(name)}/"


def _years(entries: Sequence[Entry]) -> tuple[Term, ...]:
    grouped: dict[int, list[Entry]] = {}
    undated = [entry for entry in entries if entry.date is None]
    for entry in entries:
        if entry.date is not None:
            grouped.setdefault(entry.date.year, []).append(entry)
    years = tuple(
        Term("years", str(year), f"{year}/", tuple(grouped[year]))
        for year in sorted(grouped, reverse=True)
    )
    return (*years, Term("years", UNDATED, f"{UNDATED}/", tuple(undated))) if undated else years
