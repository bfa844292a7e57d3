"""The incident panel of a postmortem page: durations, milestones and the timeline chart."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pmgen.charts import Chart, Marker, Window, draw_chart
from pmgen.i18n import format_date, format_duration, format_time, words
from pmgen.model import Incident
from pmgen.pages.library import Entry
from pmgen.read.zones import zone_named

DURATIONS = ("impact", "detect", "mitigate", "resolve")
MILESTONES = ("started", "detected", "mitigated", "resolved")


def _local(moment: dt.datetime, zone_name: str) -> dt.datetime:
    return moment.astimezone(zone_named(zone_name) or dt.UTC)


def moment_text(moment: dt.datetime, zone_name: str, lang: str) -> str:
    """`22 septembre 2021, 16 h 00 CEST` in the incident's zone, the zone named."""
    local = _local(moment, zone_name)
    return f"{format_date(local.date(), lang)}, {format_time(local, lang)} {zone_label(local)}"


def zone_label(moment: dt.datetime) -> str:
    """The zone's short name at that moment: `CEST`, `PDT`, `UTC`, `UTC+05:30`."""
    return moment.tzname() or "UTC"


def impact_note(incident: Incident, lang: str) -> str | None:
    """Where the impact's start and end come from: declared, inferred from the wording, or
    the first and last timed entries."""
    # The impact ends at the mitigation when there was one (see `read.incident.durations`).
    last = "mitigated" if incident.effective.mitigated is not None else "resolved"
    start, end = incident.sources.get("started"), incident.sources.get(last)
    if start is None or end is None:
        return None
    said = words(lang)
    if start == end:
        return said[f"impact_from_{start}"]
    mixed = said["impact_mixed"].replace("{start}", said[f"start_{start}"])
    return mixed.replace("{end}", said[f"end_{end}"])


def timeline_view(incident: Incident, lang: str) -> list[dict[str, Any]]:
    """Each timeline entry as plain data: its time in the zone it is written in (named), its
    zone, whether it is approximate or inferred from the text, and its line in the file."""
    items = []
    for event in incident.events:
        time = event.time
        items.append(
            {
                "line": event.line,
                "text": event.text,
                "iso": time.isoformat() if time else None,
                "time_text": f"{format_time(time, lang)} {zone_label(time)}" if time else None,
                "date_text": format_date(time.date(), lang) if time else None,
                "zone": event.zone if time else None,
                "approximate": event.approximate,
                "inferred": event.inferred,
            }
        )
    return items


def incident_view(entry: Entry, lang: str, today: dt.date, chart: str) -> dict[str, Any]:
    """Durations, milestones, the timeline chart and the action count of one postmortem."""
    incident = entry.postmortem.incident
    said = words(lang)
    durations = [
        {
            "label": said[f"duration_{name}"],
            "value": format_duration(getattr(incident.durations, name), lang),
            # Which milestones the impact was measured between (the page says it).
            "note": impact_note(incident, lang) if name == "impact" else None,
        }
        for name in DURATIONS
        if getattr(incident.durations, name) is not None
    ]
    milestones = [
        {
            "label": said[f"milestone_{name}"],
            "iso": getattr(incident.effective, name).isoformat(),
            "text": moment_text(getattr(incident.effective, name), incident.timezone, lang),
            "source": incident.sources.get(name),
            "inferred": incident.sources.get(name) == "inferred",
        }
        for name in MILESTONES
        if getattr(incident.effective, name) is not None
    ]
    return {
        "durations": durations,
        "milestones": milestones,
        "timezone": incident.timezone,
        "timezone_text": said["times_in"].replace("{zone}", incident.timezone),
        "timeline": timeline_view(incident, lang),
        "timeline_chart": chart,
        "actions_open": len(incident.open_actions),
        "actions_total": len(incident.actions),
        "overdue": sum(1 for a in incident.open_actions if a.due is not None and a.due < today),
    }


def timeline_chart(incident: Incident, lang: str) -> str:
    """The timeline drawn on a time axis, milestones labelled, impact shaded ('' if untimed)."""
    events = tuple((e.time, e.text) for e in incident.events if e.time is not None)
    if not events:
        return ""
    said = words(lang)
    effective = incident.effective
    # Declared and inferred milestones are marked (inferred ones say so); the first and last
    # entries standing in for the start and the end are not milestones of their own.
    markers = tuple(
        Marker(getattr(effective, name), _marker_label(incident, name, said))
        for name in ("detected", "mitigated", "resolved")
        if getattr(effective, name) is not None
        and incident.sources.get(name) in ("front-matter", "inferred")
    )
    windows = (
        # The impact as the figures count it: to the mitigation when there was one.
        (Window(effective.started, effective.mitigated or effective.resolved, said["impact"]),)
        if effective.started and (effective.mitigated or effective.resolved)
        else ()
    )
    chart = Chart(
        kind="timeline",
        title=f"{said['timeline']} ({incident.timezone})",  # the zone the times are shown in
        x=(),
        series=(),
        markers=markers,
        windows=windows,
        events=events,
        timezone=incident.timezone,
    )
    return draw_chart(chart, lang, "chart-timeline")


def _marker_label(incident: Incident, name: str, said: dict[str, str]) -> str:
    label = said[f"milestone_{name}"]
    return (
        f"{label} ({said['inferred_short']})" if incident.sources.get(name) == "inferred" else label
    )
