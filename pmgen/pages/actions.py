"""The open actions across postmortems, for the actions page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pmgen.i18n import format_date, words
from pmgen.pages.library import Library


def actions_view(library: Library, root: str, today: dt.date, lang: str) -> list[dict[str, Any]]:
    """Every open action across postmortems, oldest postmortem first, overdue ones marked."""
    items = []
    undated = dt.date.max  # undated postmortems' actions come last
    for entry in sorted(library.entries, key=lambda e: (e.date or undated, e.url)):
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
                    "date_text": format_date(entry.date, entry.postmortem.fields.lang)
                    if entry.date
                    else words(entry.postmortem.fields.lang)["undated"],
                    "lang": entry.postmortem.fields.lang,
                }
            )
    return items
