"""The incident as data: time zone, milestones, timeline, durations and action items.

Durations (see docs/data.md), computed on instants (a span across a DST change is exact):
    impact           = resolved − started
    time to detect   = detected − started
    time to mitigate = mitigated − detected
    time to resolve  = resolved − detected
Each milestone is the declared one, else the one inferred from the timeline's wording; for
`started` and `resolved`, else the first and last timed entries (with two or more). A negative
duration is never kept: PM104 reports declared milestones out of order.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pmgen.diagnostics import Diagnostic
from pmgen.model import Document, Durations, Incident, Milestones, Section
from pmgen.read.actions import read_actions
from pmgen.read.blocks import Block
from pmgen.read.clock import find_clocks
from pmgen.read.fields import parse_date
from pmgen.read.milestones import infer_milestones
from pmgen.read.regions import find_regions
from pmgen.read.stamps import Stamp
from pmgen.read.timeline import TimelineContext, TimelineReading, read_timeline
from pmgen.read.zones import zone_named, zone_statement
from pmgen.rules import finding

MILESTONE_KEYS = ("started_at", "detected_at", "mitigated_at", "resolved_at")
NAMES = ("started", "detected", "mitigated", "resolved")
TEXT_ZONES = 2  # zoned times in the text that name the postmortem's zone when nothing else does


@dataclass(frozen=True, slots=True)
class Reading:
    """An incident with what reading its timeline said about days (for dating the file)."""

    incident: Incident
    timeline: TimelineReading
    diagnostics: tuple[Diagnostic, ...]


def document_zone(
    document: Document,
    blocks: Sequence[Block],
    default_zone: str,
    found: list[Diagnostic],
    stamp_of: Callable[[str], Stamp],
) -> tuple[str, str]:
    """(zone, source): the front matter's `timezone`, else a sentence stating the zone of all
    times, else the one zone the text's zoned times share, else the configured zone."""
    raw_zone = document.front_matter.get("timezone")
    if raw_zone is not None:
        if isinstance(raw_zone, str) and zone_named(raw_zone) is not None:
            return raw_zone, "front-matter"
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
        return default_zone, "default"
    for block in blocks:
        if block.kind in ("paragraph", "heading") and not block.quoted:
            statement = zone_statement(block.text)
            if statement and statement != "local" and not find_clocks(block.text[:240]):
                return statement, "statement"
    zones: Counter[str] = Counter()
    for block in blocks:
        if block.quoted or block.kind == "header":
            continue
        for line in block.lines:
            stamp = stamp_of(line.text)
            clocks = (stamp.clock, *stamp.others) if stamp.clock else stamp.others
            zones.update(c.zone for c in clocks if c.zone and c.zone != "local")
    if len(zones) == 1 and sum(zones.values()) >= TEXT_ZONES:
        return next(iter(zones)), "text"
    return default_zone, "default"


def read_incident(
    document: Document,
    blocks: Sequence[Block],
    sections: Sequence[Section],
    default_zone: str,
    day: dt.date | None,
    lang: str,
    written: dt.date | None = None,
    memo: dict[str, Stamp] | None = None,
) -> Reading:
    """Read zone, milestones, timeline and actions; PM103 for an unusable zone or milestone.
    `memo` keeps each line's stamp between two readings."""
    found: list[Diagnostic] = []
    raw_zone = document.front_matter.get("timezone")
    declared_zone = zone_named(raw_zone) if isinstance(raw_zone, str) else None
    zone = declared_zone or zone_named(default_zone) or dt.UTC
    declared = Milestones(*(_milestone(document, key, zone, found) for key in MILESTONE_KEYS))
    day = day or next((m.date() for m in _known(declared)), None)
    reference = written or day
    memo = memo if memo is not None else {}
    probe = TimelineContext(day, reference, default_zone, False, lang, memo)
    zone_name, zone_source = document_zone(document, blocks, default_zone, found, probe.stamp)
    context = TimelineContext(day, reference, zone_name, zone_source != "default", lang, memo)
    regions = find_regions(blocks, sections, reference, lang, context.stamp)
    timeline = read_timeline(blocks, regions, context)
    events = timeline.events
    inferred = infer_milestones(events)
    effective, sources = _effective(declared, inferred, events)
    actions = next((s for s in sections if s.id == "actions"), None)
    shown = zone_name if zone_source == "front-matter" else _shown_zone(events, zone_name)
    incident = Incident(
        timezone=shown,
        declared=declared,
        effective=effective,
        events=events,
        durations=durations(effective),
        actions=read_actions(blocks, sections, actions, lang),
        inferred=inferred,
        sources=sources,
        impact_source=_weakest(sources.get("started"), sources.get("resolved")),
        timezone_source=zone_source,
    )
    return Reading(incident, timeline, tuple(found))


def _known(milestones: Milestones) -> list[dt.datetime]:
    return [m for m in (getattr(milestones, n) for n in NAMES) if m is not None]


def _shown_zone(events: Sequence[Any], zone_name: str) -> str:
    """The zone most timed entries are written in (the author's), else the postmortem's."""
    zones = Counter(e.zone for e in events if e.time is not None and e.zone)
    if not zones:
        return zone_name
    best, count = zones.most_common(1)[0]
    return best if count * 2 > sum(zones.values()) or zone_name not in zones else zone_name


def _effective(
    declared: Milestones, inferred: Milestones, events: Sequence[Any]
) -> tuple[Milestones, dict[str, str]]:
    times = sorted((e.time for e in events if e.time is not None), key=_utc)
    bounds = {"started": times[0], "resolved": times[-1]} if len(times) >= 2 else {}
    values: dict[str, dt.datetime | None] = {}
    sources: dict[str, str] = {}
    for name in NAMES:
        for source, moment in (
            ("front-matter", getattr(declared, name)),
            ("inferred", getattr(inferred, name)),
            ("timeline", bounds.get(name)),
        ):
            if moment is not None:
                values[name], sources[name] = moment, source
                break
        else:
            values[name] = None
    return Milestones(**values), sources


def _weakest(*sources: str | None) -> str | None:
    if any(source is None for source in sources):
        return None
    order = ("front-matter", "inferred", "timeline")
    return max(sources, key=lambda s: order.index(s or "timeline"))


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


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


def span_between(start: dt.datetime | None, end: dt.datetime | None) -> dt.timedelta | None:
    """The time between two instants; None when unknown or negative (never displayed).
    On instants: two times of one zone subtract as clock times otherwise (an hour off across
    a change of daylight saving time)."""
    if start is None or end is None:
        return None
    span = _utc(end) - _utc(start)
    return span if span >= dt.timedelta(0) else None


def durations(milestones: Milestones) -> Durations:
    """The four durations from the (effective) milestones, on instants. The impact is what
    users lived through: from the start to the mitigation when there was one, else to the
    resolution (the time to close is the page's other figure)."""
    return Durations(
        impact=span_between(milestones.started, milestones.mitigated or milestones.resolved),
        detect=span_between(milestones.started, milestones.detected),
        mitigate=span_between(milestones.detected, milestones.mitigated),
        resolve=span_between(milestones.detected, milestones.resolved),
    )
