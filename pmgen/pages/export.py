"""The postmortems as records, for tools: `index.json` in the site, and `pmgen export` (JSON
or CSV) without building. The schema is documented in docs/data.md (`SCHEMA_VERSION`)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Iterable
from typing import Any

from pmgen.model import ActionItem, Incident, OutputFile, TimelineEvent
from pmgen.pages.library import Entry, Library

SCHEMA_VERSION = 2
MILESTONES = ("started", "detected", "mitigated", "resolved")
DURATIONS = ("impact", "detect", "mitigate", "resolve")
# The CSV's columns: one row per postmortem, lists joined by `;`, the timeline and actions
# counted (their details are in the JSON).
CSV_COLUMNS = (
    "url",
    "source",
    "title",
    "date",
    "date_source",
    "lang",
    "lang_source",
    "status",
    "severity",
    "services",
    "tags",
    "authors",
    "timezone",
    *(f"{name}_at" for name in MILESTONES),
    *(f"{name}_source" for name in MILESTONES),
    *(f"{name}_seconds" for name in DURATIONS),
    "impact_source",
    "timeline_entries",
    "timed_entries",
    "actions_total",
    "actions_open",
)


def _plain(value: Any) -> Any:
    """Front-matter values as strict JSON: dates in ISO 8601, non-finite numbers as null,
    anything else exotic as text."""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None  # `.nan`, `.inf`: not JSON (lint reports them, PM106)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _event(event: TimelineEvent) -> dict[str, Any]:
    time = event.time
    return {
        "line": event.line,
        "at": time.isoformat() if time else None,
        "date": time.date().isoformat() if time else None,
        "time": f"{time:%H:%M}" if time else None,
        "zone": event.zone if time else None,
        "approximate": event.approximate,
        "inferred": event.inferred,
        "text": event.text,
    }


def _action(action: ActionItem) -> dict[str, Any]:
    return {
        "line": action.line,
        "done": action.done,
        "owner": action.owner,
        "due": action.due.isoformat() if action.due else None,
        "text": action.text,
        "links": list(action.links),
    }


def _milestones(incident: Incident) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in MILESTONES:
        moment = getattr(incident.effective, name)
        source = incident.sources.get(name)
        found[name] = {"at": moment.isoformat(), "source": source} if moment else None
    return found


def _durations(incident: Incident) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in DURATIONS:
        span = getattr(incident.durations, name)
        found[name] = round(span.total_seconds()) if span is not None else None
    found["impact_source"] = incident.impact_source if incident.durations.impact else None
    return found


def record(entry: Entry) -> dict[str, Any]:
    """One postmortem as a record (see docs/data.md)."""
    postmortem, fields = entry.postmortem, entry.postmortem.fields
    incident = postmortem.incident
    document = postmortem.document
    return {
        "url": entry.url,
        "source": document.path.relative_to(document.root).as_posix(),
        "title": entry.title,
        "title_source": fields.title_source,
        "date": entry.date.isoformat() if entry.date else None,
        "date_source": fields.date_source,
        "lang": fields.lang,
        "lang_source": fields.lang_source,
        "status": fields.status,
        "severity": fields.severity,
        "services": list(fields.services),
        "tags": list(fields.tags),
        "authors": list(fields.authors),
        "summary": postmortem.summary,
        "sections": [section.id for section in postmortem.sections],
        "front_matter": _plain(dict(document.front_matter)),
        "timezone": incident.timezone,
        "timezone_source": incident.timezone_source,
        "timeline": [_event(event) for event in incident.events],
        "actions": [_action(action) for action in incident.actions],
        "milestones": _milestones(incident),
        "durations": _durations(incident),
    }


def records(library: Library) -> list[dict[str, Any]]:
    """Every postmortem of the library as a record, newest first (undated ones last)."""
    return [record(entry) for entry in library.entries]


def records_json(items: Iterable[dict[str, Any]]) -> bytes:
    """The records as the JSON document `index.json` holds, UTF-8, sorted keys, final newline:
    strict JSON (no NaN), the same bytes as dumping the whole document at once, but encoded
    one record at a time (a large site's index is tens of megabytes: never held as text)."""
    out = io.BytesIO()
    out.write(b'{\n  "postmortems": [')
    separator = b"\n"
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False)
        out.write(separator + ("    " + text.replace("\n", "\n    ")).encode("utf-8"))
        separator = b",\n"
    out.write(b"\n  ]" if separator == b",\n" else b"]")
    out.write(f',\n  "schema_version": {SCHEMA_VERSION}\n}}\n'.encode())
    return out.getvalue()


def records_csv(items: list[dict[str, Any]]) -> str:
    """The records as CSV: one row per postmortem (`CSV_COLUMNS`), LF line endings."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        writer.writerow([_cell(value) for value in _flat(item)])
    return out.getvalue()


def _flat(item: dict[str, Any]) -> list[Any]:
    milestones, durations = item["milestones"], item["durations"]
    return [
        *(item[key] for key in CSV_COLUMNS[:13]),
        *((milestones[name] or {}).get("at") for name in MILESTONES),
        *((milestones[name] or {}).get("source") for name in MILESTONES),
        *(durations[name] for name in DURATIONS),
        durations["impact_source"],
        len(item["timeline"]),
        sum(1 for event in item["timeline"] if event["at"]),
        len(item["actions"]),
        sum(1 for action in item["actions"] if not action["done"]),
    ]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return _inert(";".join(str(v) for v in value))
    return _inert(value) if isinstance(value, str) else str(value)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(text: str) -> str:
    """Text a spreadsheet would run as a formula (`=HYPERLINK(…)` in a title) starts with an
    apostrophe, which spreadsheets take as "this is text" (OWASP's advice for CSV)."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def index_json(library: Library) -> OutputFile:
    """The machine-readable index of the site."""
    records = (record(entry) for entry in library.entries)
    return OutputFile("index.json", records_json(records))
