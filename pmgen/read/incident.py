"""The incident as data: time zone, milestones, timeline, durations and action items.

Durations (see docs/data.md):
    impact           = resolved − started
    time to detect   = detected − started
    time to mitigate = mitigated − detected
    time to resolve  = resolved − detected
where `started` and `resolved` fall back to the first and last timed entries of the timeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pmgen.diagnostics import Diagnostic
from pmgen.model import Document, Durations, Fields, Incident, Milestones, Section
from pmgen.read.actions import read_actions
from pmgen.read.fields import parse_date
from pmgen.read.markdown import Token
from pmgen.read.timeline import read_timeline, zone_named
from pmgen.rules import finding

MILESTONE_KEYS = ("started_at", "detected_at", "mitigated_at", "resolved_at")


def read_incident(
    document: Document,
    fields: Fields,
    tokens: Sequence[Token],
    sections: Sequence[Section],
    default_zone: str,
) -> tuple[Incident, tuple[Diagnostic, ...]]:
    """Read zone, milestones, timeline and actions; PM103 for unusable zone or milestones."""
    found: list[Diagnostic] = []
    zone_name = default_zone
    raw_zone = document.front_matter.get("timezone")
    if raw_zone is not None:
        if isinstance(raw_zone, str) and zone_named(raw_zone) is not None:
            zone_name = raw_zone
        else:
            found.append(
                finding(
                    "PM103",
                    document.display_path,
                    document.key_lines.get("timezone", 1),
                    1,
                    f"`timezone` is not a known time zone: {raw_zone!r}",
                    "Use an IANA name such as `Europe/Paris` or `UTC`.",
                )
            )
    zone = zone_named(zone_name) or dt.UTC
    declared = Milestones(*(_milestone(document, key, zone, found) for key in MILESTONE_KEYS))
    timeline = next((s for s in sections if s.id == "timeline"), None)
    actions = next((s for s in sections if s.id == "actions"), None)
    events = read_timeline(tokens, timeline, document.body_line, fields.date, zone)
    times = [event.time for event in events if event.time is not None]
    effective = Milestones(
        started=declared.started or (min(times) if times else None),
        detected=declared.detected,
        mitigated=declared.mitigated,
        resolved=declared.resolved or (max(times) if times else None),
    )
    incident = Incident(
        timezone=zone_name,
        declared=declared,
        effective=effective,
        events=events,
        durations=durations(effective),
        actions=read_actions(tokens, actions, document.body_line),
    )
    return incident, tuple(found)


def _milestone(
    document: Document, key: str, zone: dt.tzinfo, found: list[Diagnostic]
) -> dt.datetime | None:
    value: Any = document.front_matter.get(key)
    if value is None or value == "":
        return None
    parsed = parse_date(value)
    moment = None
    if parsed is not None:
        day, moment = parsed
        moment = moment or dt.datetime(day.year, day.month, day.day)
    if moment is None:
        found.append(
            finding(
                "PM103",
                document.display_path,
                document.key_lines.get(key, 1),
                1,
                f"`{key}` is not a date and time: {value!r}",
                "Write it in ISO 8601: `2021-09-22T16:00:00+02:00`.",
            )
        )
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _span(start: dt.datetime | None, end: dt.datetime | None) -> dt.timedelta | None:
    return end - start if start is not None and end is not None else None


def durations(milestones: Milestones) -> Durations:
    """The four durations from the (effective) milestones."""
    return Durations(
        impact=_span(milestones.started, milestones.resolved),
        detect=_span(milestones.started, milestones.detected),
        mitigate=_span(milestones.detected, milestones.mitigated),
        resolve=_span(milestones.detected, milestones.resolved),
    )
