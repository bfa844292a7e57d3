"""Generated postmortems with real shapes that stress the theme: dense multi-day timelines,
every severity rank, gaps (missing and empty sections, an image that cannot be published).

`write_dense_site(folder)` writes them as Markdown files; the browser tests and
docs/screenshots.py build them. The densest one replays the timeline of a real incident of
the corpus (OpenStreetMap's replication outage of June 2025: 48 entries over a month, up to
ten within a few minutes) with its times, in the shape pmgen reads.
"""

from __future__ import annotations

import json
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
REPLICATION = CORPUS / "en-osm-2025-06-25" / "expected.json"

REPLICATION_FRONT = """---
title: "Planet replication diffs stopped for 16 hours"
date: 2025-06-25
lang: en
severity: P1
services: [replication, database]
tags: [postgresql, replication]
authors: [Operations team]
timezone: UTC
started_at: 2025-06-25T21:33:00Z
detected_at: 2025-06-25T21:40:00Z
mitigated_at: 2025-06-26T13:21:00Z
resolved_at: 2025-06-26T13:41:00Z
impact: "No minutely, hourly or daily diffs for 16 hours; map edits blocked for 25 minutes."
detection: Alert manager (replication delay), then community reports
commander: T. (operations)
roles: {communication: Mastodon and mailing list, scribe: Operations team}
root_cause: PostgreSQL logical replication failed with an invalid memory alloc request
trigger: A very large change set reached the replication slot
---

From 21:33 UTC on 25 June 2025 until 13:22 UTC on 26 June 2025, the system that produces the
replication diffs stopped working without warning. The operations team fixed it by hand.

<!-- more -->

## Context

Replication diffs let other services and third parties keep up with map edits.

## Timeline
"""

REPLICATION_REST = """
## Lessons learned

An alert fired seven minutes after the failure, but nobody knew how to run the diff tool by
hand: the procedure was written during the incident.

## Analysis

An unknown condition in PostgreSQL replication made the query of the diff tool fail again and
again while it produced the log data the diff builder needs.

![Replication lag during the outage](replication-lag.html)

## Action items

* [x] Document the manual recovery of the diff tool @ops
* [ ] Switch the diff tool to PostgreSQL's built-in output plugin @dev due 2025-09-30
* [ ] Alert on call when the minutely feed is 30 minutes late @ops due 2025-07-15 [#1254](https://example.org/operations/issues/1254)
* [ ] Read https://example.org/a-very-long-address/that/does/not/break/anywhere/postgresql-logical-replication-limits @dev
* [ ] Rehearse the read-only maintenance window twice a year
"""  # noqa: E501


def replication_timeline() -> str:
    """The corpus incident's 48 timed entries as day headings and `* HH:MM:SS — text` items."""
    entries = json.loads(REPLICATION.read_text(encoding="utf-8"))["timeline"]
    lines, day = [], None
    for entry in entries:
        if entry["date"] != day:
            day = entry["date"]
            lines += ["", f"### {day}", ""]
        text = entry["text"].replace("*", "").replace("`", "").strip()
        lines.append(f"* {entry['time']} — {text}")
    return "\n".join(lines) + "\n"


def burst_postmortem() -> str:
    """Two days in French with bursts: ten entries within three minutes, then hours of quiet."""
    items = ["### 2024-11-05", ""]
    items += [
        f"* 9:{m:02d} — Alerte {m - 40} : le disque `db-{m % 3}` sature" for m in range(40, 50)
    ]
    items += ["* 11:15 — Le fournisseur confirme une panne de baie", "* 23:50 — Bascule lancée"]
    items += ["", "### 2024-11-06", ""]
    items += [f"* 0:{m:02d} — Réplication : lot {m} rejoué" for m in range(1, 9)]
    items += ["* 14:30 — Retour à la normale confirmé par le support"]
    front = (
        '---\ntitle: "Saturation des disques de la base, 5 et 6 novembre 2024"\n'
        "date: 2024-11-05\nlang: fr\nseverity: SEV3\nservices: [base-de-donnees, api]\n"
        "timezone: Europe/Paris\nstarted_at: 2024-11-05T09:40:00+01:00\n"
        "detected_at: 2024-11-05T09:41:00+01:00\nmitigated_at: 2024-11-06T00:08:00+01:00\n"
        "resolved_at: 2024-11-06T14:30:00+01:00\n---\n\n"
        "Les écritures ont échoué par rafales pendant deux jours.\n\n<!-- more -->\n\n"
    )
    return (
        front
        + "## Contexte\n\nLa base tourne sur une baie partagée.\n\n## Chronologie\n\n"
        + "\n".join(items)
        + "\n\n## Enseignements\n\n## Analyse\n\nLa baie a perdu deux disques.\n\n"
        "## Travaux restants\n\n* [ ] Changer de baie @lea échéance : 2024-12-01\n"
    )


def minor_postmortem(severity: str, day: int) -> str:
    """A short incident of a given severity, without its analysis section."""
    return (
        f'---\ntitle: "Lenteurs de la recherche ({severity})"\ndate: 2024-10-{day:02d}\n'
        f"lang: fr\nseverity: {severity}\nservices: [recherche]\n---\n\n"
        "La recherche a répondu lentement pendant une heure.\n\n## Contexte\n\nRien de neuf.\n\n"
        "## Chronologie\n\n* 10:00 — Lenteurs\n* 11:00 — Fin des lenteurs\n\n"
        "## Enseignements\n\nAucun.\n\n## Travaux restants\n\n* [x] Rien à faire @max\n"
    )


def write_dense_site(folder: Path) -> list[Path]:
    """Write the generated postmortems into `folder` (created); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "2025-06-25-planet-replication-diffs.md": REPLICATION_FRONT
        + replication_timeline()
        + REPLICATION_REST,
        "2024-11-05-saturation-des-disques.md": burst_postmortem(),
        "2024-10-02-lenteurs-sev4.md": minor_postmortem("SEV4", 2),
        "2024-10-09-lenteurs-mineure.md": minor_postmortem("mineure-bis", 9),
    }
    (folder / "replication-lag.html").write_text("<script>alert(1)</script>\n", encoding="utf-8")
    written = []
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written
