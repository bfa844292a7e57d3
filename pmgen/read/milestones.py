"""Milestones read from the timeline's wording, when the front matter does not declare them:
the first entry that says the incident started, the first that says it was detected, the first
mitigation after that, and the last entry that says it was resolved, in French or English.
Inferred milestones out of order are dropped (only declared ones are reported, PM104)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from pmgen.model import Milestones, TimelineEvent
from pmgen.read.zones import fold

_STARTED = re.compile(
    r"\b(?:outage (?:begins|starts|started|began)|incident (?:begins|starts|started|began)|"
    r"(?:begin|began|begins|start|starts|started) (?:to )?fail(?:ing)?|"
    r"debut (?:de l'incident|de la panne|d'incident|de l'indisponibilite)|"
    r"premieres erreurs|first errors|outage start|panne commence|le site ne repond plus|"
    r"site (?:is|goes|went) down|cesse de repondre|stopped responding)\b"
)
_DETECTED = re.compile(
    r"\b(?:alerte?s?|alerts? (?:fire|fired|firing)|first alert|detecte[es]?|detected|detection|"
    r"first reports?|premiers? signalements?|signalen?t?|reports? (?:the|an?) (?:problem|issue|"
    r"outage|errors?)|pag(?:ed|es) (?:the )?on-?call|on-?call (?:is )?paged|noticed?|notices|"
    r"nous previen(?:t|nent)|remarque(?:nt)?|constat(?:e|ons|ent))\b"
)
_MITIGATED = re.compile(
    r"\b(?:mitigated|mitigation|attenue[es]?|attenuation|workaround|contournement|"
    r"roll(?:ed)? ?back|retour arriere|revert(?:ed)?|failover|bascule(?:ment)?|"
    r"contained|circonscrit)\b"
)
_RESOLVED = re.compile(
    r"\b(?:resolved|resolu[es]?|retablie?s?|retour a la normale|back to normal|back online|"
    r"(?:service|site) (?:is )?restored|restoration|fin (?:de l'|d')incident|outage ends|"
    r"incident (?:closed|clos)|fix(?:ed)? is live|fonctionnent? de nouveau|"
    r"de nouveau en ligne|repond de nouveau|en ligne de nouveau|normal rate again|"
    r"is back|recovered)\b"
)
_NEGATION = re.compile(r"\b(?:not|no longer|pas|plus|toujours pas|still not|n't|without|sans)\b")


def _matching(
    events: Sequence[tuple[TimelineEvent, str]], pattern: re.Pattern[str]
) -> list[TimelineEvent]:
    found = []
    for event, text in events:
        match = pattern.search(text)
        if match is not None and not _NEGATION.search(
            text[max(0, match.start() - 24) : match.start()]
        ):
            found.append(event)
    return found


def infer_milestones(timeline: Sequence[TimelineEvent]) -> Milestones:
    """Started, detected, mitigated and resolved from the entries' words (None when unsaid)."""
    events = [(event, fold(event.text[:300])) for event in timeline if event.time is not None]
    started = next(iter(_matching(events, _STARTED)), None)
    detected = next(iter(_matching(events, _DETECTED)), None)
    resolved_all = _matching(events, _RESOLVED)
    resolved = resolved_all[-1] if resolved_all else None
    after = _utc(detected.time) if detected and detected.time else None
    mitigated = next(
        (e for e in _matching(events, _MITIGATED) if after is None or _utc(e.time) >= after),
        None,
    )
    chain = [
        (name, event.time if event else None)
        for name, event in (
            ("started", started),
            ("detected", detected),
            ("mitigated", mitigated),
            ("resolved", resolved),
        )
    ]
    kept: dict[str, dt.datetime | None] = {}
    latest: dt.datetime | None = None
    for name, moment in chain:
        if moment is not None and latest is not None and _utc(moment) < latest:
            kept[name] = None  # out of order: not trusted
            continue
        kept[name] = moment
        if moment is not None:
            latest = _utc(moment)
    return Milestones(**kept)


def _utc(moment: dt.datetime | None) -> dt.datetime:
    assert moment is not None
    return moment.astimezone(dt.UTC)
