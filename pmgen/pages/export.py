"""`index.json`: every published postmortem's front matter plus computed fields, for tools."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from pmgen.model import OutputFile
from pmgen.pages.library import Library


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


def index_json(library: Library) -> OutputFile:
    """The machine-readable index, newest first, with sorted keys."""
    records = []
    for entry in library.entries:
        postmortem, fields = entry.postmortem, entry.postmortem.fields
        records.append(
            {
                "url": entry.url,
                "source": postmortem.document.path.relative_to(postmortem.document.root).as_posix(),
                "title": entry.title,
                "date": entry.date.isoformat(),
                "lang": fields.lang,
                "status": fields.status,
                "severity": fields.severity,
                "services": list(fields.services),
                "tags": list(fields.tags),
                "authors": list(fields.authors),
                "summary": postmortem.summary,
                "sections": [section.id for section in postmortem.sections],
                "front_matter": _plain(dict(postmortem.document.front_matter)),
            }
        )
    text = json.dumps(
        {"postmortems": records}, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False
    )
    return OutputFile("index.json", (text + "\n").encode("utf-8"))
