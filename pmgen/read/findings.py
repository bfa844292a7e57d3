"""Findings about when a postmortem happened: no date anywhere (PM102), a date that
disagrees with its timeline or milestones (PM320), a timeline stamp that names no moment
(PM321: not a date or time, or a time the clocks skipped)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pmgen.diagnostics import Diagnostic
from pmgen.model import Document, Fields
from pmgen.read.incident import NAMES, Reading
from pmgen.read.zones import zone_named
from pmgen.rules import finding

_WHERE = {
    "front-matter": "`date`",
    "title": "the title",
    "file-name": "the file name",
    "date-line": "the date line",
    "table": "the metadata table",
    "text": "the text",
}


def dating_findings(document: Document, fields: Fields, reading: Reading) -> Iterator[Diagnostic]:
    """PM102, PM320 and PM321 for one postmortem."""
    shown = document.display_path
    if fields.date is None and "date" not in document.front_matter:  # else PM103 says it
        yield finding(
            "PM102",
            shown,
            1,
            1,
            "no date found: none in the front matter, the file name, the title, a `Date:` "
            "line or the timeline; the page is listed under “Undated”",
            "Add `date: 2021-09-22` to the front matter.",
        )
    else:
        yield from _disagreement(document, fields, reading)
    for line, stamp in reading.timeline.malformed:
        yield finding(
            "PM321",
            shown,
            line,
            1,
            f"this entry opens with `{stamp}`, which is not a date or a time: "
            "the entry has no time",
            "Correct the stamp (`2020-01-16 12:00`, `16:05`).",
        )
    yield from _skipped_times(shown, reading)


def _skipped_times(shown: str, reading: Reading) -> Iterator[Diagnostic]:
    """PM321: a local time the clocks jumped over (02:30 in Paris on the last Sunday of
    March); it can only be read as the hour after, which the author may not have meant."""
    for event in reading.incident.events:
        moment = event.time
        if moment is None or moment.tzinfo is None:
            continue
        again = moment.astimezone(dt.UTC).astimezone(moment.tzinfo)
        if again.replace(tzinfo=None) == moment.replace(tzinfo=None):
            continue
        yield finding(
            "PM321",
            shown,
            event.line,
            1,
            f"{moment:%H:%M} did not exist on {moment:%Y-%m-%d} in {event.zone} (the clocks "
            f"skipped that hour): the entry is read as {again:%H:%M}",
            "Check the time, or write its zone (`02:30 CET`, `01:30 UTC`).",
        )


def _disagreement(document: Document, fields: Fields, reading: Reading) -> Iterator[Diagnostic]:
    """PM320: the postmortem's date is a day or more outside what the timeline and the
    declared milestones say."""
    date = fields.date
    if date is None or fields.date_source == "timeline":
        return
    incident = reading.incident
    zone = zone_named(incident.timezone) or dt.UTC
    days = set(reading.timeline.stated_days)
    declared = {
        name: getattr(incident.declared, name).astimezone(zone).date()
        for name in NAMES
        if getattr(incident.declared, name) is not None
    }
    days.update(declared.values())
    if not days:
        return
    low, high = min(days), max(days)
    if reading.timeline.inherited and reading.timeline.first_day is None:
        # The first entries are on the date itself (no day written before them), the later
        # ones on days the text gives (`jeudi 2 mars`): the date opens the timeline.
        low = min(low, date)
    if low <= date <= high:
        return
    where = _WHERE.get(fields.date_source, "`date`")
    span = low.isoformat() if low == high else f"{low.isoformat()} to {high.isoformat()}"
    said = (
        "the timeline and milestones give"
        if declared and reading.timeline.stated_days
        else ("the milestones give" if declared else "the timeline gives")
    )
    line = document.key_lines.get("date", 1) if fields.date_source == "front-matter" else 1
    yield finding(
        "PM320",
        document.display_path,
        line,
        1,
        f"{where} dates the postmortem {date.isoformat()}, but {said} {span}",
        "Check the date, the day headings and the `*_at` fields: "
        "one of them is probably mistyped (or is the day the postmortem was written).",
    )
