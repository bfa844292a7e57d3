"""The statistics page's charts: incidents and impact per month, time to resolve per quarter,
counts by severity and by service."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

from pmgen.charts import Chart, Series, draw_chart
from pmgen.i18n import words
from pmgen.pages.library import Entry, Library

COUNT = "Postmortems"  # the series name of every count chart


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


def _per_month(entries: list[Entry], months: list[str], french: bool) -> Chart:
    counts = Counter(f"{e.date:%Y-%m}" for e in entries)
    return Chart(
        "bar",
        "Incidents par mois" if french else "Incidents per month",
        tuple(months),
        (Series(COUNT, tuple(float(counts[m]) for m in months)),),
        x_label="mois" if french else "month",
    )


def _impact_per_month(entries: list[Entry], months: list[str], lang: str) -> Chart:
    minutes: Counter[str] = Counter()
    for entry in entries:
        span = entry.postmortem.incident.durations.impact
        if span is not None:
            minutes[f"{entry.date:%Y-%m}"] += round(span.total_seconds() / 60)
    french = lang == "fr"
    return Chart(
        "bar",
        "Minutes d'impact par mois" if french else "Impact minutes per month",
        tuple(months),
        (Series(words(lang)["impact"], tuple(float(minutes[m]) for m in months)),),
        unit="min",
        x_label="mois" if french else "month",
    )


def _resolve_per_quarter(entries: list[Entry], french: bool) -> Chart:
    quarters: dict[str, list[float]] = {}
    for entry in entries:
        span = entry.postmortem.incident.durations.resolve
        if span is not None:
            quarters.setdefault(_quarter(entry.date), []).append(span.total_seconds() / 60)
    names = sorted(quarters)
    return Chart(
        "bar",
        "Délai de résolution par trimestre (médiane et p90)"
        if french
        else "Time to resolve per quarter (median and p90)",
        tuple(names),
        (
            Series(
                "médiane" if french else "median",
                tuple(float(statistics.median(quarters[q])) for q in names),
            ),
            Series("p90", tuple(float(_p90(quarters[q])) for q in names)),
        ),
        unit="min",
        x_label="trimestre" if french else "quarter",
    )


def _counted(title: str, counts: Counter[str], label: str) -> Chart:
    names = sorted(counts)
    return Chart(
        "bar",
        title,
        tuple(names),
        (Series(COUNT, tuple(float(counts[name]) for name in names)),),
        x_label=label,
    )


def stats_view(library: Library, lang: str) -> list[str]:
    """The statistics charts (each with its data table): per month, quarter, severity, service."""
    said = words(lang)
    french = lang == "fr"
    entries = sorted(library.dated(), key=lambda e: e.date)  # type: ignore[arg-type, return-value]
    months = _months(entries[0].date, entries[-1].date) if entries else []
    severity = Counter(e.postmortem.fields.severity or "—" for e in entries)
    services = Counter(s for e in entries for s in e.postmortem.fields.services)
    charts = [
        _per_month(entries, months, french),
        _impact_per_month(entries, months, lang),
        _resolve_per_quarter(entries, french),
        _counted(
            "Incidents par sévérité" if french else "Incidents by severity",
            severity,
            said["severity"].lower(),
        ),
        _counted(
            "Incidents par service" if french else "Incidents by service",
            services,
            said["service"].lower(),
        ),
    ]
    return [
        draw_chart(chart, lang, f"stats-{number}") for number, chart in enumerate(charts, start=1)
    ]
