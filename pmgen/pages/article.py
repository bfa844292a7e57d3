"""The postmortem page at a glance: duration figures with their definitions, the incident's
facts, the action items as table rows, the body cut where those tables go, the gaps."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from collections.abc import Sequence
from typing import Any

from pmgen.charts.clock import zone_text
from pmgen.i18n import format_day, format_duration, plural, words
from pmgen.model import ActionItem, Details, Incident, Postmortem, SectionSpec
from pmgen.pages.marks import split_actions, split_lead
from pmgen.read.actions import without_metadata
from pmgen.read.incident import span_between
from pmgen.read.timeline import zone_named


def figures(incident: Incident, lang: str) -> list[dict[str, Any]]:
    """Impact (to mitigation when known), TTD, TTM, TTR and, when later, the time to close."""
    said, milestones = words(lang), incident.effective
    mitigated = milestones.mitigated is not None
    impact = incident.durations.impact
    close = span_between(milestones.started, milestones.resolved)
    rows = [
        ("impact", impact, said["figure_impact"], ""),
        ("ttd", incident.durations.detect, said["duration_detect"], said["abbr_ttd"]),
        ("ttm", incident.durations.mitigate, said["duration_mitigate"], said["abbr_ttm"]),
        ("ttr", incident.durations.resolve, said["duration_resolve"], said["abbr_ttr"]),
        ("close", close if mitigated and close != impact else None, said["figure_close"], ""),
    ]
    definitions = {
        "impact": said["def_impact_mitigated" if mitigated else "def_impact_resolved"],
        "close": said["def_close"],
        **{key: said[f"def_{key}"] for key in ("ttd", "ttm", "ttr")},
    }
    return [
        {
            "key": key,
            "label": label,
            "abbr": abbr,
            "expansion": said[f"title_{key}"] if abbr else "",
            "value": format_duration(span, lang),
            "minutes": round(span.total_seconds() / 60),
            "definition": definitions[key],
        }
        for key, span, label, abbr in rows
        if span is not None and span >= dt.timedelta()
    ]


def facts(details: Details, lang: str) -> list[dict[str, Any]]:
    """The incident's optional facts as label/value pairs, roles as a list, in reading order."""
    said = words(lang)
    found = [
        {"key": key, "label": said[key], "value": getattr(details, key)}
        for key in ("detection", "commander", "trigger", "root_cause")
        if getattr(details, key)
    ]
    if details.roles:
        roles = [{"role": role, "names": ", ".join(names)} for role, names in details.roles]
        found.append({"key": "roles", "label": said["roles"], "value": None, "roles": roles})
    return found


def ticket(url: str) -> dict[str, str]:
    """A tracker link as `#1254` (or the last part of its path, or its host) and its URL."""
    parts = urllib.parse.urlsplit(url)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    label = f"#{last}" if last.isdigit() else (last or parts.netloc or url)
    # Short enough for the ticket column on a tablet; the whole address is its title.
    return {"url": url, "label": label if len(label) <= 10 else label[:9] + "…"}


def _without_addresses(text: str, links: Sequence[str]) -> str:
    """The item's text without the bare addresses its ticket column shows."""
    if not links:
        return text
    # Longest first, and whole: `…/issues/1` must not eat the start of `…/issues/12`.
    pattern = "|".join(re.escape(link) for link in sorted(links, key=len, reverse=True))
    kept = re.sub(f"(?:{pattern})(?=[\\s)\\].,;:!?]|$)", " ", text)
    kept = re.sub(r"\(\s*\)", " ", kept)
    return " ".join(kept.split()).strip(" ,;:—–-") or text.strip()


def action_row(action: ActionItem, today: dt.date, lang: str) -> dict[str, Any]:
    """One action item as a table row: status open/done/overdue and how late it is."""
    late = (today - action.due).days if action.due and not action.done else 0
    status = "done" if action.done else "overdue" if late > 0 else "open"
    said = words(lang)
    return {
        "text": _without_addresses(without_metadata(action.text), action.links),
        "owner": action.owner,
        "due": action.due.isoformat() if action.due else None,
        "due_text": format_day(action.due, lang) if action.due else None,
        "status": status,
        "status_text": said["overdue" if status == "overdue" else status],
        "days_late": max(late, 0),
        "late_text": plural("days_late", late, lang) if late > 0 else "",
        "tickets": [ticket(url) for url in action.links],
    }


def body_parts(
    body: str,
    actions: Sequence[ActionItem],
    missing: Sequence[dict[str, str]],
    today: dt.date,
    lang: str,
) -> tuple[str, list[dict[str, Any]]]:
    """The summary opening the body, then the rest as pieces in reading order: HTML, the table
    of the action items that stood there, or a missing section where it belongs."""
    lead, body = split_lead(body)
    pieces: list[dict[str, Any]] = []
    for html, lines in split_actions(body):
        pieces += _with_missing(html, missing)
        if lines is not None:
            first, end = lines
            rows = [action_row(a, today, lang) for a in actions if first <= a.line < end]
            pieces.append({"kind": "actions", "rows": rows})
    placed = {p["section"]["id"] for p in pieces if p["kind"] == "missing"}
    pieces += [{"kind": "missing", "section": m} for m in missing if m["id"] not in placed]
    return lead, pieces


def _with_missing(html: str, missing: Sequence[dict[str, str]]) -> list[dict[str, Any]]:
    """A piece of HTML cut before the heading each missing section precedes."""
    pieces: list[dict[str, Any]] = []
    for section in missing:
        mark = f'<h2 id="{section["before"]}"' if section["before"] else None
        if mark and mark in html:
            head, html = html.split(mark, 1)
            pieces += [{"kind": "html", "html": head}, {"kind": "missing", "section": section}]
            html = mark + html
    return [*pieces, {"kind": "html", "html": html}]


def missing_sections(
    postmortem: Postmortem, required: Sequence[SectionSpec], lang: str
) -> list[dict[str, str]]:
    """The required sections the postmortem lacks, titled in its language, each with the
    anchor of the present section it comes before in the configured order (or "")."""
    present = {section.id: section.heading.anchor for section in postmortem.sections}
    found = []
    for index, spec in enumerate(required):
        if spec.id in present:
            continue
        after = [present[s.id] for s in required[index + 1 :] if s.id in present]
        found.append(
            {
                "id": f"missing-{spec.id}",
                "title": spec.title(lang),
                "before": after[0] if after and after[0] else "",
            }
        )
    return found


def incomplete(postmortem: Postmortem, required: Sequence[SectionSpec]) -> bool:
    """Whether a required section is missing, or a recognised one is empty."""
    present = {section.id for section in postmortem.sections}
    if any(spec.id not in present for spec in required):
        return True
    wanted = {spec.id for spec in required} or present
    return any(section.empty for section in postmortem.sections if section.id in wanted)


def open_summary(incident: Incident, today: dt.date, lang: str) -> str:
    """`4 ouvertes sur 6 · 3 en retard` for the details panel."""
    open_count = len(incident.open_actions)
    text = plural("open_of", open_count, lang, total=len(incident.actions))
    late = sum(1 for a in incident.open_actions if a.due is not None and a.due < today)
    return text + (f" · {plural('overdue_count', late, lang)}" if late else "")


def zone_note(incident: Incident, lang: str) -> str:
    """`Heures : Europe/Paris (UTC+2)`: the zone the page's times are shown in, named."""
    zone = zone_named(incident.timezone)
    times = [e.time for e in incident.events if e.time is not None]
    moment = incident.effective.started or (times[0] if times else None)
    if zone is None or moment is None:
        return ""
    name = incident.timezone if zone is not dt.UTC else "UTC"
    return words(lang)["times_in"].format(zone=zone_text(name, moment.astimezone(zone)))
