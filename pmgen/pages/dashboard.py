"""The index as a dashboard: tiles (recent incidents, median times, actions), incidents per
month, and every postmortem as a row of a table filterable by severity, service and year."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from pmgen.i18n import format_date, format_day, format_duration, plural, words
from pmgen.model import SectionSpec
from pmgen.pages.article import figures, incomplete
from pmgen.pages.filters import classes, facet, rules
from pmgen.pages.fragments import ROOT
from pmgen.pages.library import UNDATED, Entry, Library
from pmgen.pages.severity import colour_rank

WINDOW = 90  # days counted by the first tile


def _median(values: list[dt.timedelta], lang: str) -> str | None:
    """The median duration, formatted; None without values."""
    if not values:
        return None
    middle = statistics.median(v.total_seconds() for v in values)
    return format_duration(dt.timedelta(seconds=middle), lang)


def tiles(library: Library, today: dt.date, lang: str) -> list[dict[str, Any]]:
    """Incidents in the last 90 days, median time to resolve and to detect, open actions with
    how many are overdue: each `{key, label, value, note, alert}`."""
    said = words(lang)
    entries = library.entries
    since = today - dt.timedelta(days=WINDOW)
    recent = sum(1 for e in entries if e.date is not None and since < e.date <= today)
    newest = max((e.date for e in entries if e.date is not None), default=None)
    note = said["last_incident"].format(date=format_date(newest, lang)) if newest else ""
    durations = [e.postmortem.incident.durations for e in entries]
    resolve = [d.resolve for d in durations if d.resolve is not None and d.resolve.days >= 0]
    detect = [d.detect for d in durations if d.detect is not None and d.detect.days >= 0]
    open_actions = [a for e in entries for a in e.postmortem.incident.open_actions]
    overdue = sum(1 for a in open_actions if a.due is not None and a.due < today)
    rows = [
        ("recent", said["incidents_90"], str(recent), note, False),
        (
            "resolve",
            said["median_resolve"],
            _median(resolve, lang) or said["no_value"],
            plural("median_of", len(resolve), lang),
            False,
        ),
        (
            "detect",
            said["median_detect"],
            _median(detect, lang) or said["no_value"],
            plural("median_of", len(detect), lang),
            False,
        ),
        (
            "actions",
            said["open_actions"],
            str(len(open_actions)),
            plural("overdue_count", overdue, lang) if overdue else "",
            overdue > 0,
        ),
    ]
    keys = ("key", "label", "value", "note", "alert")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def entry_row(
    entry: Entry,
    root: str,
    summaries: Mapping[str, str],
    required: Sequence[SectionSpec],
) -> dict[str, Any]:
    """One postmortem as a table row, in its own language."""
    postmortem, fields = entry.postmortem, entry.postmortem.fields
    lang = fields.lang
    impact = next((f for f in figures(postmortem.incident, lang) if f["key"] == "impact"), None)
    return {
        "title": entry.title,
        "url": f"{root}{entry.url}index.html",
        "lang": lang,
        "date": entry.date.isoformat() if entry.date else "",
        "date_text": format_day(entry.date, lang) if entry.date else words(lang)["undated"],
        "year": str(entry.date.year) if entry.date else UNDATED,
        "severity": fields.severity,
        "severity_rank": colour_rank(fields.severity_rank),
        "services": list(fields.services),
        "status": fields.status,
        "status_text": words(lang)[fields.status],
        "summary_html": summaries.get(entry.url, "").replace(ROOT, root),
        "impact": impact["value"] if impact else None,
        "actions_open": len(postmortem.incident.open_actions),
        "actions_total": len(postmortem.incident.actions),
        "incomplete": incomplete(postmortem, required),
        "incomplete_text": words(lang)["incomplete"],
        "incomplete_help": words(lang)["incomplete_help"],
    }


def entry_facets(rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Severity (most severe first), service and year (newest first) filters over the rows."""
    said = words(lang)
    severities = Counter(row["severity"] or said["no_value"] for row in rows)
    ranks = {row["severity"] or said["no_value"]: row["severity_rank"] or 9 for row in rows}
    years = Counter(row["year"] for row in rows)
    return [
        facet("sev", said["severity"], severities, sorted(severities, key=lambda s: (ranks[s], s))),
        facet("svc", said["service"], Counter(s for row in rows for s in row["services"])),
        _undated_last(facet("year", said["year"], years, sorted(years, reverse=True)), lang),
    ]


def _undated_last(group: dict[str, Any], lang: str) -> dict[str, Any]:
    """The undated postmortems' value last, shown as `Sans date` / `Undated`."""
    values = [v for v in group["values"] if v["name"] != UNDATED]
    values += [
        {**v, "label": words(lang)["undated"]} for v in group["values"] if v["name"] == UNDATED
    ]
    return {**group, "values": values}


def with_filters(rows: list[dict[str, Any]], groups: list[dict[str, Any]], lang: str) -> str:
    """Give each row its filter classes; return the CSS rules."""
    said = words(lang)
    sev, svc, year = groups
    for row in rows:
        row["classes"] = " ".join(
            [
                *classes(sev, [row["severity"] or said["no_value"]]),
                *classes(svc, row["services"]),
                *classes(year, [row["year"]]),
            ]
        )
    return rules(groups)
