"""Data views for the pages: incident panel, body with charts, open actions, statistics."""

from __future__ import annotations

import datetime as dt
import hashlib
import statistics
from collections import Counter
from typing import Any

from pmgen.charts import Chart, Marker, Series, Window, draw_chart
from pmgen.i18n import format_date, format_duration, format_time, words
from pmgen.library import Entry, Library
from pmgen.markdown import RenderOptions, render
from pmgen.sanitize import clean_html
from pmgen.timeline import zone_named

DURATIONS = ("impact", "detect", "mitigate", "resolve")
MILESTONES = ("started", "detected", "mitigated", "resolved")


def _local(moment: dt.datetime, zone_name: str) -> dt.datetime:
    return moment.astimezone(zone_named(zone_name) or dt.UTC)


def moment_text(moment: dt.datetime, zone_name: str, lang: str) -> str:
    """`22 septembre 2021, 16 h 00` in the incident's zone."""
    local = _local(moment, zone_name)
    return f"{format_date(local.date(), lang)}, {format_time(local, lang)}"


def body_html(entry: Entry, options: RenderOptions, lang: str) -> str:
    """The rendered, sanitised body, with each valid ```chart block drawn in place.

    Charts are drawn by pmgen after sanitising (nh3 would strip SVG); the placeholder is a
    plain element with an id derived from the file, which the sanitiser keeps.
    """
    blocks = {block.line: block.chart for block in entry.postmortem.charts}
    body_line = entry.postmortem.document.body_line
    seed = hashlib.sha256(entry.url.encode()).hexdigest()[:12]
    drawn: dict[str, str] = {}

    def fence(info: str, content: str, line: int) -> str | None:
        chart = blocks.get(body_line + line)
        if info != "chart" or chart is None:
            return None
        key = f"pmgen-chart-{seed}-{len(drawn) + 1}"
        drawn[key] = draw_chart(chart, lang, f"chart-{len(drawn) + 1}")
        return f'<div id="{key}"></div>\n'

    html = clean_html(render(entry.postmortem.tokens, _with_fences(options, fence)))
    for key, chart_html in drawn.items():
        # Chart labels and data tables are not prose: keep them out of search excerpts.
        wrapped = f"<div data-pagefind-ignore>{chart_html}</div>"
        html = html.replace(f'<div id="{key}"></div>', wrapped, 1)
    return html


def _with_fences(options: RenderOptions, fence: Any) -> RenderOptions:
    return RenderOptions(
        rewrite=options.rewrite,
        escape_html=options.escape_html,
        anchor_label=options.anchor_label,
        fences=fence,
    )


def incident_view(entry: Entry, lang: str, today: dt.date, chart: str) -> dict[str, Any]:
    """Durations, milestones, the timeline chart and the action count of one postmortem."""
    incident = entry.postmortem.incident
    said = words(lang)
    durations = [
        {
            "label": said[f"duration_{name}"],
            "value": format_duration(getattr(incident.durations, name), lang),
        }
        for name in DURATIONS
        if getattr(incident.durations, name) is not None
    ]
    milestones = [
        {
            "label": said[f"milestone_{name}"],
            "iso": getattr(incident.effective, name).isoformat(),
            "text": moment_text(getattr(incident.effective, name), incident.timezone, lang),
        }
        for name in MILESTONES
        if getattr(incident.effective, name) is not None
    ]
    return {
        "durations": durations,
        "milestones": milestones,
        "timeline_chart": chart,
        "actions_open": len(incident.open_actions),
        "actions_total": len(incident.actions),
        "overdue": sum(1 for a in incident.open_actions if a.due is not None and a.due < today),
    }


def timeline_chart(entry: Entry, lang: str) -> str:
    """The timeline drawn on a time axis, milestones labelled, impact shaded ('' if untimed)."""
    incident = entry.postmortem.incident
    events = tuple((e.time, e.text) for e in incident.events if e.time is not None)
    if not events:
        return ""
    said = words(lang)
    declared = incident.declared
    markers = tuple(
        Marker(getattr(declared, name), said[f"milestone_{name}"])
        for name in ("detected", "mitigated", "resolved")
        if getattr(declared, name) is not None
    )
    effective = incident.effective
    windows = (
        (Window(effective.started, effective.resolved, said["impact"]),)
        if effective.started and effective.resolved
        else ()
    )
    chart = Chart(
        kind="timeline",
        title=said["timeline"],
        x=(),
        series=(),
        markers=markers,
        windows=windows,
        events=events,
        timezone=incident.timezone,
    )
    return draw_chart(chart, lang, "chart-timeline")


def actions_view(library: Library, root: str, today: dt.date, lang: str) -> list[dict[str, Any]]:
    """Every open action across postmortems, oldest postmortem first, overdue ones marked."""
    items = []
    for entry in sorted(library.entries, key=lambda e: (e.date, e.url)):
        section = entry.postmortem.section("actions")
        anchor = section.heading.anchor if section else None
        for action in entry.postmortem.incident.open_actions:
            items.append(
                {
                    "text": action.text,
                    "owner": action.owner,
                    "due": action.due.isoformat() if action.due else None,
                    "due_text": format_date(action.due, lang) if action.due else None,
                    "overdue": action.due is not None and action.due < today,
                    "links": list(action.links),
                    "postmortem": entry.title,
                    "url": f"{root}{entry.url}index.html" + (f"#{anchor}" if anchor else ""),
                    "date_text": format_date(entry.date, entry.postmortem.fields.lang),
                    "lang": entry.postmortem.fields.lang,
                }
            )
    return items


def _months(first: dt.date, last: dt.date) -> list[str]:
    """Every month from the first incident's to the last one's, so quiet months show as 0."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _quarter(day: dt.date) -> str:
    return f"{day.year}-T{(day.month - 1) // 3 + 1}"


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def stats_view(library: Library, lang: str) -> list[str]:
    """The statistics charts (each with its data table): per month, quarter, severity, service."""
    said = words(lang)
    french = lang == "fr"
    entries = sorted(library.entries, key=lambda e: e.date)
    months = _months(entries[0].date, entries[-1].date) if entries else []
    per_month = Counter(f"{e.date:%Y-%m}" for e in entries)
    impact: Counter[str] = Counter()
    for entry in entries:
        span = entry.postmortem.incident.durations.impact
        if span is not None:
            impact[f"{entry.date:%Y-%m}"] += round(span.total_seconds() / 60)
    quarters: dict[str, list[float]] = {}
    for entry in entries:
        span = entry.postmortem.incident.durations.resolve
        if span is not None:
            quarters.setdefault(_quarter(entry.date), []).append(span.total_seconds() / 60)
    severity = Counter(e.postmortem.fields.severity or "—" for e in entries)
    services = Counter(s for e in entries for s in e.postmortem.fields.services)
    count = "Postmortems"
    charts = [
        Chart(
            "bar",
            "Incidents par mois" if french else "Incidents per month",
            tuple(months),
            (Series(count, tuple(float(per_month[m]) for m in months)),),
            x_label="mois" if french else "month",
        ),
        Chart(
            "bar",
            "Minutes d'impact par mois" if french else "Impact minutes per month",
            tuple(months),
            (Series(said["impact"], tuple(float(impact[m]) for m in months)),),
            unit="min",
            x_label="mois" if french else "month",
        ),
        Chart(
            "bar",
            "Délai de résolution par trimestre (médiane et p90)"
            if french
            else "Time to resolve per quarter (median and p90)",
            tuple(sorted(quarters)),
            (
                Series(
                    "médiane" if french else "median",
                    tuple(float(statistics.median(quarters[q])) for q in sorted(quarters)),
                ),
                Series("p90", tuple(float(_p90(quarters[q])) for q in sorted(quarters))),
            ),
            unit="min",
            x_label="trimestre" if french else "quarter",
        ),
        Chart(
            "bar",
            "Incidents par sévérité" if french else "Incidents by severity",
            tuple(sorted(severity)),
            (Series(count, tuple(float(severity[s]) for s in sorted(severity))),),
            x_label=said["severity"].lower(),
        ),
        Chart(
            "bar",
            "Incidents par service" if french else "Incidents by service",
            tuple(sorted(services)),
            (Series(count, tuple(float(services[s]) for s in sorted(services))),),
            x_label=said["service"].lower(),
        ),
    ]
    return [
        draw_chart(chart, lang, f"stats-{number}") for number, chart in enumerate(charts, start=1)
    ]
