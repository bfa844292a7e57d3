"""The statistics page's charts: incidents and impact per month, the time-to-resolve trend per
quarter, counts by severity and by service. Durations are shown in the unit that fits (minutes,
hours or days); a p90 needs at least five incidents in its quarter."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

from pmgen.charts import Chart, Series, draw_chart
from pmgen.i18n import format_month, words
from pmgen.pages.library import Entry, Library
from pmgen.pages.severity import severity_rank

COUNT = "Postmortems"  # the series name of every count chart
P90_FROM = 5  # incidents in a quarter before its p90 means anything
HEIGHT = 220.0  # compact charts: a page of five fits on a laptop screen in two columns
UNITS = ((1440.0, "days_unit", 3 * 1440.0), (60.0, "hours_unit", 120.0), (1.0, "minutes_unit", 0))


def months_between(first: dt.date, last: dt.date) -> list[str]:
    """Every month from the first incident's to the last one's, so quiet months show as 0."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _quarter(day: dt.date, lang: str) -> str:
    return f"{day.year}-{'T' if lang == 'fr' else 'Q'}{(day.month - 1) // 3 + 1}"


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def unit_for(minutes: list[float], lang: str) -> tuple[float, str]:
    """The divisor and unit name that keep the largest value readable (`50 h`, not `3000 min`)."""
    largest = max(minutes, default=0.0)
    said = words(lang)
    for size, name, least in UNITS:
        if largest >= least:
            return size, said[name]
    return 1.0, said["minutes_unit"]


def month_names(months: list[str], lang: str) -> tuple[str, ...]:
    """`2021-09` → `sept. 2021` / `Sept 2021`."""
    return tuple(format_month(int(m[:4]), int(m[5:]), lang) for m in months)


def per_month(entries: list[Entry], months: list[str], lang: str) -> Chart:
    """Incidents per month, quiet months at zero."""
    counts = Counter(f"{e.date:%Y-%m}" for e in entries)
    return Chart(
        "bar",
        words(lang)["per_month"],
        month_names(months, lang),
        (Series(COUNT, tuple(float(counts[m]) for m in months)),),
        x_label="mois" if lang == "fr" else "month",
    )


def _impact_per_month(entries: list[Entry], months: list[str], lang: str) -> Chart:
    minutes: Counter[str] = Counter()
    for entry in entries:
        span = entry.postmortem.incident.durations.impact
        if span is not None and span >= dt.timedelta():
            minutes[f"{entry.date:%Y-%m}"] += span.total_seconds() / 60
    size, unit = unit_for(list(minutes.values()), lang)
    french = lang == "fr"
    # No postmortem with a known impact: the chart says "no data" (not an axis of zeros).
    shown = months if minutes else []
    return Chart(
        "bar",
        "Durée d'impact par mois" if french else "Impact time per month",
        month_names(shown, lang),
        (Series(words(lang)["impact"], tuple(round(minutes[m] / size, 1) for m in shown)),),
        unit=unit,
        x_label="mois" if french else "month",
    )


def _resolve_trend(entries: list[Entry], lang: str) -> Chart:
    """The median time to resolve per quarter, as a line; the p90 where a quarter has five."""
    quarters: dict[str, list[float]] = {}
    for entry in entries:
        span = entry.postmortem.incident.durations.resolve
        if span is not None and span >= dt.timedelta():
            quarters.setdefault(_quarter(entry.date, lang), []).append(span.total_seconds() / 60)
    names = sorted(quarters)
    size, unit = unit_for([max(v) for v in quarters.values()], lang)
    series = [
        Series(
            "médiane" if lang == "fr" else "median",
            tuple(round(statistics.median(quarters[q]) / size, 1) for q in names),
        )
    ]
    if any(len(quarters[q]) >= P90_FROM for q in names):
        p90 = tuple(
            round(_p90(quarters[q]) / size, 1) if len(quarters[q]) >= P90_FROM else None
            for q in names
        )
        series.append(Series("p90", p90))
    return Chart(
        "line",
        words(lang)["ttr_trend"],
        tuple(names),
        tuple(series),
        unit=unit,
        x_label="trimestre" if lang == "fr" else "quarter",
    )


def _counted(title: str, counts: Counter[str], label: str, order: list[str]) -> Chart:
    return Chart(
        "bar",
        title,
        tuple(order),
        (Series(COUNT, tuple(float(counts[name]) for name in order)),),
        x_label=label,
    )


def stats_view(library: Library, lang: str) -> list[str]:
    """The statistics charts (each with its data table): per month, quarter, severity, service."""
    said = words(lang)
    french = lang == "fr"
    entries = sorted(library.dated(), key=lambda e: e.date)  # type: ignore[arg-type, return-value]
    if not entries:
        return []
    months = months_between(entries[0].date, entries[-1].date)
    severity = Counter(e.postmortem.fields.severity or "—" for e in entries)
    services = Counter(s for e in entries for s in e.postmortem.fields.services)
    charts = [
        per_month(entries, months, lang),
        _impact_per_month(entries, months, lang),
        _resolve_trend(entries, lang),
        _counted(
            "Incidents par sévérité" if french else "Incidents by severity",
            severity,
            said["severity"].lower(),
            sorted(severity, key=lambda s: (severity_rank(s) or 9, s)),
        ),
        _counted(
            "Incidents par service" if french else "Incidents by service",
            services,
            said["service"].lower(),
            sorted(services, key=lambda s: (-services[s], s)),
        ),
    ]
    return [
        draw_chart(chart, lang, f"stats-{number}", HEIGHT)
        for number, chart in enumerate(charts, start=1)
    ]
