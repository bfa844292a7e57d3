"""The open actions across postmortems, for the actions page: overdue first, then by due
date, each with its owner, postmortem and services, filterable by owner and by service."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from pmgen.i18n import format_day, words
from pmgen.pages.article import action_row
from pmgen.pages.filters import classes, facet, rules
from pmgen.pages.library import Library


def actions_view(library: Library, root: str, today: dt.date, lang: str) -> list[dict[str, Any]]:
    """Every open action across postmortems: overdue first (the latest due date last), then
    by due date, then the ones without one; ties by postmortem, newest first."""
    items = []
    for number, entry in enumerate(library.entries):
        section = entry.postmortem.section("actions")
        anchor = section.heading.anchor if section else None
        fields = entry.postmortem.fields
        for action in entry.postmortem.incident.open_actions:
            row = action_row(action, today, lang)
            row.update(
                {
                    "postmortem": entry.title,
                    "url": f"{root}{entry.url}index.html" + (f"#{anchor}" if anchor else ""),
                    "date_text": format_day(entry.date, fields.lang)
                    if entry.date
                    else words(fields.lang)["undated"],
                    "lang": fields.lang,
                    "services": list(fields.services),
                    "order": (
                        row["status"] != "overdue",
                        action.due or dt.date.max,
                        number,
                        action.line,
                    ),
                }
            )
            items.append(row)
    items.sort(key=lambda row: row.pop("order"))
    return items


def action_facets(rows: list[dict[str, Any]], lang: str) -> tuple[list[dict[str, Any]], str]:
    """Owner and service filters over the rows (each row gets its classes), and their CSS.

    Owners are told apart without regard to case (`@julien` and `(owner: Julien)` are one
    person), shown as first written on the page."""
    said = words(lang)
    nobody = said["no_owner"]
    spelled: dict[str, str] = {}
    for row in rows:
        if row["owner"]:
            spelled.setdefault(row["owner"].casefold(), row["owner"])

    def owner(row: dict[str, Any]) -> str:
        return spelled[row["owner"].casefold()] if row["owner"] else nobody

    owners = Counter(owner(row) for row in rows)
    order = sorted((o for o in owners if o != nobody), key=str.casefold)
    groups = [
        facet("owner", said["owner"], owners, [*order, nobody]),
        facet("svc", said["service"], Counter(s for row in rows for s in row["services"])),
    ]
    for row in rows:
        row["classes"] = " ".join(
            [*classes(groups[0], [owner(row)]), *classes(groups[1], row["services"])]
        )
    return groups, rules(groups)
