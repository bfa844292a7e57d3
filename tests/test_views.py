"""What the theme is given to show, without a browser: plurals, severity ranks, the incident's
details, duration figures, action rows, numbered timeline entries, gaps, filters, stats units."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from pmgen.commands.parse import parse_files
from pmgen.config import build_config
from pmgen.i18n import format_duration, format_hours, plural
from pmgen.model import ActionItem, Details, Postmortem
from pmgen.pages.article import action_row, body_parts, facts, figures, ticket
from pmgen.pages.body import body_html
from pmgen.pages.filters import classes, facet, rules
from pmgen.pages.marks import event_numbers
from pmgen.pages.severity import severity_rank
from pmgen.pages.stats import unit_for
from pmgen.read.files import read_document
from pmgen.read.markdown import RenderOptions
from pmgen.read.postmortem import parse_document

TODAY = dt.date(2024, 1, 1)
FRONT = (
    "---\ntitle: Panne du site\ndate: 2021-09-22\nlang: fr\ntimezone: Europe/Paris\n{extra}---\n\n"
)
BODY = """Le site a été indisponible vingt minutes.

<!-- more -->

## Contexte

## Chronologie

| Heure | Événement |
|---|---|
| 16:20 | Retour à la normale |
| 16:00 | Panne |

* 15:50 — Premières alertes

## Enseignements

Surveiller la mémoire. ![Graphique](graphique.html)

## Travaux restants

* [ ] Passer la base sur un cluster @camille échéance : 2021-10-15
* [x] Redémarrer le cache [#42](https://tracker.example/issues/42) (responsable : Julien)

Une phrase après la liste.
"""


def load(tmp_path: Path, extra: str = "", body: str = BODY) -> Postmortem:
    path = tmp_path / "2021-09-22-panne.md"
    path.write_text(FRONT.format(extra=extra) + body, encoding="utf-8")
    (tmp_path / "graphique.html").write_text("<script></script>", encoding="utf-8")
    [parsed] = parse_files([path], build_config({}, tmp_path, None), tmp_path).results
    assert parsed.postmortem is not None
    return parsed.postmortem


def rendered(tmp_path: Path) -> tuple[Postmortem, str]:
    """A postmortem and its body as the page gets it."""
    postmortem = load(tmp_path)
    config = build_config({}, tmp_path, None)
    source = postmortem.document
    document = read_document(source.path, source.root, source.display_path).document
    assert document is not None
    parsed = parse_document(document, config)
    return postmortem, body_html(parsed, RenderOptions(), "fr")


# --- words ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "count", "lang", "text"),
    [
        ("count", 0, "fr", "0 postmortem"),
        ("count", 1, "fr", "1 postmortem"),
        ("count", 3, "fr", "3 postmortems"),
        ("count", 0, "en", "0 postmortems"),
        ("count", 1, "en", "1 postmortem"),
        ("open_of", 4, "fr", "4 ouvertes sur 6"),
        ("open_of", 1, "fr", "1 ouverte sur 6"),
        ("days_late", 1, "en", "1 day late"),
        ("days_late", 12, "fr", "12 jours de retard"),
        ("results", 12000, "en", "12,000 results"),
    ],
)
def test_plurals_follow_the_language_rules(key: str, count: int, lang: str, text: str) -> None:
    shown = plural(key, count, lang, total=6)
    assert shown.replace("\u00a0", " ") == text
    assert "\u00a0" in shown  # the number keeps its word on its line


def test_durations_never_break_and_summaries_pick_their_unit() -> None:
    assert format_duration(dt.timedelta(minutes=47), "fr") == "47\u00a0min"
    assert format_duration(dt.timedelta(days=2, hours=1), "fr") == "2\u00a0jours\u00a01\u00a0h"
    assert format_hours(dt.timedelta(minutes=3000), "fr") == "50\u00a0h"
    assert format_hours(dt.timedelta(minutes=90), "en") == "90\u00a0min"
    assert format_hours(dt.timedelta(days=4, hours=5), "en") == "4.2\u00a0d"
    assert unit_for([3000.0, 12.0], "en") == (60.0, "h")
    assert unit_for([30.0], "fr") == (1.0, "min")
    assert unit_for([6000.0], "fr") == (1440.0, "j")


def test_severities_map_to_ranks() -> None:
    ranks = {name: severity_rank(name) for name in ("SEV1", "sev-2", "P3", "low", "2", "Majeur")}
    assert ranks == {"SEV1": 1, "sev-2": 2, "P3": 3, "low": 4, "2": 2, "Majeur": 1}
    assert severity_rank("SEV9") == severity_rank(None) == severity_rank("bof") == 0


# --- the header band --------------------------------------------------------------------------


def test_details_are_read_in_their_shapes(tmp_path: Path) -> None:
    extra = (
        "impact: Les paiements ont échoué\ndetection: [alerte, support]\ncommander: Camille\n"
        "roles:\n  - 'communication: Julien'\n  - scribe: [Nadia, Léa]\ntrigger: 2021\n"
    )
    details = load(tmp_path, extra).details
    assert details == Details(
        impact="Les paiements ont échoué",
        detection="alerte; support",
        commander="Camille",
        roles=(("communication", ("Julien",)), ("scribe", ("Nadia", "Léa"))),
        root_cause=None,
        trigger="2021",
    )
    shown = facts(details, "fr")
    assert [f["label"] for f in shown] == [
        "Détection",
        "Responsable de l'incident",
        "Déclencheur",
        "Rôles",
    ]
    assert shown[-1]["roles"][1] == {"role": "scribe", "names": "Nadia, Léa"}


def test_figures_separate_the_outage_from_the_time_to_close(tmp_path: Path) -> None:
    extra = (
        "started_at: 2021-09-22T14:00:00+02:00\ndetected_at: 2021-09-22T14:20:00+02:00\n"
        "mitigated_at: 2021-09-22T16:26:00+02:00\nresolved_at: 2021-09-24T15:30:00+02:00\n"
    )
    shown = {f["key"]: f for f in figures(load(tmp_path, extra).incident, "en")}
    assert list(shown) == ["impact", "ttd", "ttm", "ttr", "close"]
    assert shown["impact"]["value"] == "2\u00a0h\u00a026"
    assert shown["impact"]["definition"] == "from start to mitigation"
    assert shown["close"]["value"] == "2\u00a0days\u00a01\u00a0h"
    assert shown["ttd"]["abbr"] == "TTD" and shown["ttd"]["expansion"] == "time to detect"


def test_a_negative_duration_is_never_shown(tmp_path: Path) -> None:
    extra = "started_at: 2021-09-22T14:00:00+02:00\ndetected_at: 2021-09-22T13:00:00+02:00\n"
    assert "ttd" not in {f["key"] for f in figures(load(tmp_path, extra).incident, "fr")}


# --- action items -----------------------------------------------------------------------------


def test_action_rows_drop_what_their_columns_show() -> None:
    item = ActionItem(
        "Passer la base sur un cluster @camille échéance : 2021-10-15",
        False,
        "camille",
        dt.date(2021, 10, 15),
        ("https://tracker.example/issues/42",),
        30,
    )
    row = action_row(item, TODAY, "fr")
    assert row["text"] == "Passer la base sur un cluster"
    assert row["status"] == "overdue" and row["days_late"] == 808
    assert row["late_text"] == "808\u00a0jours de retard"
    assert row["tickets"] == [{"url": "https://tracker.example/issues/42", "label": "#42"}]
    assert action_row(item, dt.date(2021, 10, 15), "fr")["status"] == "open"
    assert ticket("https://example.org/")["label"] == "example.o…"  # the title has it all


def test_a_bare_address_is_shown_once_in_the_ticket_column() -> None:
    """Bare addresses are links now: the item's text drops them (its ticket column shows
    them), and a long last part is shortened (the column widened the page on a tablet)."""
    address = "https://jira.example/browse/BILL-88"
    long = "https://example.org/reports/postgresql-logical-replication-limits"
    item = ActionItem(
        f"Rejouer les factures ({address}) — voir {long}", False, None, None, (address, long), 3
    )
    row = action_row(item, TODAY, "fr")
    assert row["text"] == "Rejouer les factures — voir"
    assert [t["label"] for t in row["tickets"]] == ["BILL-88", "postgresq…"]
    assert ticket(long)["url"] == long


# --- the body ---------------------------------------------------------------------------------


def test_timeline_entries_carry_the_chart_number_in_time_order(tmp_path: Path) -> None:
    postmortem, html = rendered(tmp_path)
    numbers = event_numbers(postmortem)
    assert sorted(numbers.values()) == [1, 2, 3]
    # 15:50 is written last but happened first: it is 1, as on the chart.
    assert re.search(
        r'<li id="tl-1" class="timeline-entry"><span class="entry-number"[^>]*>1</span> 15:50', html
    )
    assert re.search(
        r'<tr id="tl-3" class="timeline-entry">\s*<td><span class="entry-number"[^>]*>3</span>',
        html,
    )


def test_gaps_are_shown_and_action_lists_left_to_the_table(tmp_path: Path) -> None:
    postmortem, html = rendered(tmp_path)
    assert html.count('class="to-write"') == 1  # Contexte is empty
    assert "Image non publiée" in html and 'src="graphique.html"' not in html
    assert "@camille" not in html and "Une phrase après la liste." in html
    lead, pieces = body_parts(html, postmortem.incident.actions, [], TODAY, "fr")
    assert lead == "<p>Le site a été indisponible vingt minutes.</p>"
    [table] = [p for p in pieces if p["kind"] == "actions"]
    assert [r["status"] for r in table["rows"]] == ["overdue", "done"]
    assert [r["owner"] for r in table["rows"]] == ["camille", "Julien"]


# --- filters ----------------------------------------------------------------------------------


def test_filters_write_only_generated_names_into_css() -> None:
    evil = "x}body{display:none}"
    group = facet("svc", "Service", __import__("collections").Counter({evil: 2, "web": 1}))
    assert [v["id"] for v in group["values"]] == ["f-svc-0", "f-svc-1"]
    assert classes(group, ["web"]) == ["f-svc-0"]  # sorted by name
    css = rules([group])
    assert evil not in css and css.count("{display:none}") == 2


def test_addresses_sharing_a_beginning_are_each_removed_whole() -> None:
    first, second = "https://github.com/o/r/issues/1", "https://github.com/o/r/issues/12"
    item = ActionItem(
        f"Fix retries {first} and {second} @ann", False, "ann", None, (first, second), 3
    )
    assert action_row(item, TODAY, "en")["text"] == "Fix retries and"
