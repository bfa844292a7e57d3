"""Action items: done or open, owner, due date and tracker links, in lists and tables; PM307."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from pmgen.cli import main
from pmgen.commands.lint import run_lint
from pmgen.commands.parse import parse_files
from pmgen.config import build_config
from pmgen.diagnostics import Severity
from pmgen.lint import Selection
from pmgen.model import ActionItem, Postmortem
from pmgen.read.actions import find_due, find_owner, parse_due, without_metadata

FIXTURES = Path(__file__).parent / "fixtures" / "timeline"
TODAY = dt.date(2024, 1, 1)


def document(actions: str, heading: str = "## Travaux restants") -> str:
    """A complete postmortem whose last section holds `actions`."""
    return (
        "---\ntitle: Panne du site\ndate: 2021-09-22\nlang: fr\n---\n\n"
        "Le site a été indisponible.\n\n"
        "## Contexte\n\nLe site tourne sur deux instances.\n\n"
        "## Chronologie\n\n* 16:00 — Panne.\n\n"
        "## Enseignements\n\nSurveiller la mémoire.\n\n"
        "## Analyse\n\nLa mémoire était saturée.\n\n"
        f"{heading}\n\n{actions}"
    )


def load(path: Path) -> Postmortem:
    [parsed] = parse_files([path], build_config({}, path.parent, None), path.parent).results
    assert parsed.postmortem is not None
    return parsed.postmortem


def actions_of(tmp_path: Path, text: str) -> tuple[ActionItem, ...]:
    path = tmp_path / "2021-09-22-panne.md"
    path.write_text(text, encoding="utf-8")
    return load(path).incident.actions


def line_of(text: str, needle: str) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


def lint_codes(path: Path, selection: Selection, *codes: str) -> list[tuple[str, int, str]]:
    report = run_lint([path], build_config({}, path.parent, None), path.parent, TODAY, selection)
    return [(d.code, d.line, d.message) for d in report.diagnostics if d.code in codes]


# --- owners and due dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("Passer les instances en XL @julien", "julien"),
        ("@camille : alerter sur le swap", "camille"),
        ("Ajouter un pool (@jane.doe)", "jane.doe"),
        ("Revoir les alertes @camille, @julien", "camille"),
        ("Ajouter un pool de connexions (owner: Jane Doe)", "Jane Doe"),
        ("Ajouter un pool (Owner : jane)", "jane"),
        ("Comparer les instances (responsable : Julien)", "Julien"),
        ("Revoir les seuils, responsable : Julien Marchand — à faire", "Julien Marchand"),
        ("responsable: camille", "camille"),
        ("Owner: @jane.doe", "jane.doe"),
        ("Rotation d'astreinte (pilote : Équipe SRE)", "Équipe SRE"),
        ("Passer en XL @j.", "j"),
        ("Passer en XL", None),
        ("", None),
        # An email address is not an owner.
        ("Écrire à ops@example.com pour la rotation", None),
        ("Prévenir julien.marchand@example.com", None),
        ("Voir https://github.com/example/site/issues/12", None),
        # The name stops where the item's next field starts.
        ("Fix the probe (Owner: Jean, due 2024-04-15)", "Jean"),
        ("Fix the probe (owner: @ana, due: 2024-09-30)", "ana"),
        ("Revoir (responsable : Léa, échéance : 15 mars 2023)", "Léa"),
        ("Rotate keys. Owner: Riley. Due: 2023-03-20.", "Riley"),
        ("Capacity plan (Owner: SRE team; ETA: end of Q2)", "SRE team"),
        ("Pager policy (owner: J. Smith)", "J. Smith"),
        # A ticket key in parentheses is not a person.
        ("Improve the canary (JIRA-456)", None),
        ("Improve the canary (OPS-12) @marta", "marta"),
    ],
)
def test_find_owner(text: str, owner: str | None) -> None:
    assert find_owner(text) == owner


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Ajouter un pool due 2021-10-01", dt.date(2021, 10, 1)),
        ("Ajouter un pool (due: 2021-10-01)", dt.date(2021, 10, 1)),
        ("échéance : 1er octobre 2021", dt.date(2021, 10, 1)),
        ("Échéance : 15 octobre 2021", dt.date(2021, 10, 15)),
        ("echeance: 2021-10-08", dt.date(2021, 10, 8)),
        ("due October 1, 2021", dt.date(2021, 10, 1)),
        ("deadline Oct. 1st, 2021", dt.date(2021, 10, 1)),
        ("avant le 15 octobre 2021", dt.date(2021, 10, 15)),
        ("d'ici le 1er décembre 2021", dt.date(2021, 12, 1)),
        ("by 2022-01-15", dt.date(2022, 1, 15)),
        ("Passer en XL", None),
        ("due 2021-02-30", None),
        ("due demain", None),
        ("2021-10-01 sans mot-clé", None),
    ],
)
def test_find_due(text: str, due: dt.date | None) -> None:
    assert find_due(text) == due


@pytest.mark.parametrize(
    ("text", "lang", "due"),
    [
        ("Documenter la bascule (échéance : 10/03/2023)", "fr", dt.date(2023, 3, 10)),
        ("échéance 10.03.2023", "fr", dt.date(2023, 3, 10)),
        ("Add a canary, due 04/15/2023", "en", dt.date(2023, 4, 15)),
        ("Due 4/15/2024", "en", dt.date(2024, 4, 15)),
        ("due 03/04/2023", "en", dt.date(2023, 3, 4)),  # month first in English
        ("due 03/04/2023", "fr", dt.date(2023, 4, 3)),  # day first in French
        ("due 31/02/2023", "fr", None),
    ],
)
def test_find_due_reads_numeric_dates_in_the_document_s_habit(
    text: str, lang: str, due: dt.date | None
) -> None:
    assert find_due(text, lang) == due


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("2021-10-01", dt.date(2021, 10, 1)),
        (" 2021-10-01. ", dt.date(2021, 10, 1)),
        ("1er octobre 2021", dt.date(2021, 10, 1)),
        ("8 octobre 2021", dt.date(2021, 10, 8)),
        ("1 fevrier 2022", dt.date(2022, 2, 1)),
        ("October 1, 2021", dt.date(2021, 10, 1)),
        ("Oct 1st 2021", dt.date(2021, 10, 1)),
        ("1 Oct 2021", dt.date(2021, 10, 1)),
        ("31 février 2021", None),
        ("22 brumaire 2021", None),
        ("", None),
        ("demain", None),
        ("T4 2021", None),
    ],
)
def test_parse_due(text: str, due: dt.date | None) -> None:
    assert parse_due(text) == due


# --- lists and tables: the fixture ----------------------------------------------------------


def test_fixture_lists_and_table() -> None:
    actions = load(FIXTURES / "travaux-restants.md").incident.actions
    assert actions == (
        ActionItem("Passer les instances web en XL @julien", True, "julien", None, (), 31),
        ActionItem(
            "Ajouter un pool de connexions (owner: Jane Doe) due 2021-10-01, suivi dans OPS-42",
            False,
            "Jane Doe",
            dt.date(2021, 10, 1),
            ("https://tracker.example.com/OPS-42",),
            32,
        ),
        ActionItem(
            "Revoir les seuils d'alerte, responsable : Julien — échéance : 1er octobre 2021",
            False,
            "Julien",
            dt.date(2021, 10, 1),
            (),
            33,
        ),
        # A nested task is an action too; relative and mailto links are not tracker links. A
        # plain sub-bullet (line 35) explains its parent: it is not an action of its own.
        ActionItem("Alerte sur le swap, voir la procédure et l'équipe", False, None, None, (), 34),
        # A plain item (no checkbox) may be done or not: the text does not say.
        ActionItem(
            "Comparer les instances 2XL sur une semaine de mesures", None, None, None, (), 36
        ),
        ActionItem(
            "Suivre https://github.com/example/site/issues/12 et le ticket",
            False,
            None,
            None,
            ("https://github.com/example/site/issues/12", "http://jira.example.com/OPS-7"),
            37,
        ),
        # Table rows: the header names the columns; `fait` and `✅` are done, `à faire` open.
        ActionItem("Passer la base sur deux nœuds", True, "camille", dt.date(2021, 10, 15), (), 41),
        ActionItem(
            "Ajouter PgBouncer (OPS-43)",
            False,
            "Julien",
            dt.date(2021, 10, 1),
            ("https://tracker.example.com/OPS-43",),
            42,
        ),
        ActionItem("Alerter sur le swap", True, None, dt.date(2021, 10, 8), (), 43),
        ActionItem("Documenter la limite de connexions", False, None, None, (), 44),
    )


def test_open_actions_are_the_ones_not_done() -> None:
    incident = load(FIXTURES / "travaux-restants.md").incident
    assert [a.line for a in incident.open_actions] == [32, 33, 34, 36, 37, 42, 44]


# --- PM307 ----------------------------------------------------------------------------------


def test_pm307_only_for_open_actions_without_owner_and_only_at_info() -> None:
    path = FIXTURES / "travaux-restants.md"
    assert lint_codes(path, Selection(), "PM307") == []
    # Long texts are cut to 57 characters and an ellipsis.
    assert lint_codes(path, Selection(min_severity=Severity.INFO), "PM307") == [
        (
            "PM307",
            34,
            "open action has no owner: “Alerte sur le swap, voir la procédure et l'équipe”",
        ),
        (
            "PM307",
            36,
            "open action has no owner: “Comparer les instances 2XL sur une semaine de mesures”",
        ),
        (
            "PM307",
            37,
            "open action has no owner: "
            "“Suivre https://github.com/example/site/issues/12 et le ti…”",
        ),
        ("PM307", 44, "open action has no owner: “Documenter la limite de connexions”"),
    ]


def test_pm307_is_the_only_finding_of_the_fixture_at_info() -> None:
    path = FIXTURES / "travaux-restants.md"
    report = run_lint(
        [path],
        build_config({}, path.parent, None),
        path.parent,
        TODAY,
        Selection(min_severity=Severity.INFO),
    )
    assert {(d.code, d.severity) for d in report.diagnostics} == {("PM307", Severity.INFO)}


def test_pm307_through_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pmgen.toml").write_text('content = "pm"\n', encoding="utf-8")
    (tmp_path / "pm").mkdir()
    text = document(
        "* [ ] Alerter sur le swap\n* [ ] Ajouter un pool @julien\n* [x] Passer en XL\n"
    )
    (tmp_path / "pm" / "2021-09-22-panne.md").write_text(text, encoding="utf-8")
    runner = CliRunner()
    quiet = runner.invoke(main, ["lint", "--format", "json", "pm"])
    assert quiet.exit_code == 0, quiet.output
    assert json.loads(quiet.stdout) == []
    shown = runner.invoke(main, ["lint", "--format", "json", "--min-severity", "info", "pm"])
    assert shown.exit_code == 0, shown.output
    assert [(d["code"], d["line"], d["severity"]) for d in json.loads(shown.stdout)] == [
        ("PM307", line_of(text, "Alerter sur le swap"), "info")
    ]


# --- more shapes ----------------------------------------------------------------------------


def test_checkboxes_in_every_case_and_ordered_lists(tmp_path: Path) -> None:
    text = document(
        "1. [X] Passer en XL @julien\n"
        "2. [ ] Ajouter un pool @camille\n"
        "3. Revoir les alertes (owner: Camille)\n"
    )
    assert [(a.text, a.done, a.owner, a.line) for a in actions_of(tmp_path, text)] == [
        ("Passer en XL @julien", True, "julien", line_of(text, "Passer en XL")),
        ("Ajouter un pool @camille", False, "camille", line_of(text, "Ajouter un pool")),
        # Without a box the text does not say whether it is done.
        ("Revoir les alertes (owner: Camille)", None, "Camille", line_of(text, "Revoir")),
    ]


def test_english_table_headers(tmp_path: Path) -> None:
    text = document(
        "| Action | Owner | Due | Status |\n"
        "|--------|-------|-----|--------|\n"
        "| Canary CDN rule changes | Jane Doe | October 1, 2021 | done |\n"
        "| Alert on cached API responses | | 2021-10-15 | open |\n"
        "| Review the CDN runbook | @sam | | closed |\n",
        heading="## Action items",
    )
    assert actions_of(tmp_path, text) == (
        ActionItem(
            "Canary CDN rule changes",
            True,
            "Jane Doe",
            dt.date(2021, 10, 1),
            (),
            line_of(text, "Canary"),
        ),
        ActionItem(
            "Alert on cached API responses",
            False,
            None,
            dt.date(2021, 10, 15),
            (),
            line_of(text, "Alert on"),
        ),
        ActionItem("Review the CDN runbook", True, "sam", None, (), line_of(text, "Review")),
    )


def test_table_without_owner_column_reads_the_owner_in_the_text(tmp_path: Path) -> None:
    text = document(
        "| Action | Statut |\n"
        "|--------|--------|\n"
        "| Ajouter un pool (responsable : Julien) échéance : 2021-10-29 | à faire |\n"
    )
    [action] = actions_of(tmp_path, text)
    assert (action.owner, action.due, action.done) == ("Julien", dt.date(2021, 10, 29), False)


def test_a_bare_address_in_an_item_or_a_cell_is_its_link(tmp_path: Path) -> None:
    text = document(
        "* [ ] Alerter sur l'expiration https://github.com/acme/infra/issues/1207.\n\n"
        "| Action | Ticket |\n|---|---|\n| Renouveler | https://jira.example/browse/OPS-9 |\n"
    )
    first, second = actions_of(tmp_path, text)
    assert first.links == ("https://github.com/acme/infra/issues/1207",)
    assert second.links == ("https://jira.example/browse/OPS-9",)


def test_utc_fixture_table() -> None:
    actions = load(FIXTURES / "utc.md").incident.actions
    assert actions == (
        ActionItem("Canary CDN rule changes", True, "Jane Doe", dt.date(2021, 10, 1), (), 45),
        ActionItem("Alert on cached API responses", False, None, dt.date(2021, 10, 15), (), 46),
    )


def test_no_actions_section_means_no_actions(tmp_path: Path) -> None:
    text = document("").replace("## Travaux restants\n\n", "")
    assert actions_of(tmp_path, text) == ()


def test_prose_paragraphs_are_not_actions(tmp_path: Path) -> None:
    text = document(
        "Tout est suivi dans le tableau de l'équipe.\n\n* [ ] Ajouter un pool @julien\n"
    )
    assert [a.text for a in actions_of(tmp_path, text)] == ["Ajouter un pool @julien"]


# --- properties -----------------------------------------------------------------------------

OWNERISH = st.text(
    alphabet="@()[]:;,.-—– _ownerOWNERresponsablepilote JulienÉé1234567890/due échéance octobre",
    max_size=50,
)


@settings(max_examples=80, deadline=None)
@given(st.one_of(st.text(), OWNERISH))
def test_find_owner_and_find_due_never_raise(text: str) -> None:
    owner = find_owner(text)
    assert owner is None or isinstance(owner, str)
    due = find_due(text)
    assert due is None or isinstance(due, dt.date)


@settings(max_examples=80, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.builds(
            "{} {} {}".format,
            st.integers(0, 99),
            st.sampled_from(["octobre", "février", "oct.", "October", "brumaire", "er"]),
            st.integers(0, 99999),
        ),
        st.builds(
            "{}-{:02d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99)
        ),
    )
)
def test_parse_due_never_raises(text: str) -> None:
    due = parse_due(text)
    assert due is None or isinstance(due, dt.date)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Comparer les deux options (responsable : Julien).", "Comparer les deux options."),
        (
            "Add an alert (owner: Marta) before (owner:) the rollout",
            "Add an alert before the rollout",
        ),
        ("Renouveler le certificat @camille échéance : 2021-10-15", "Renouveler le certificat"),
        # An opening without its `)`: nothing to take out, the text stays as written.
        ("Migrer la base (owner: à définir", "Migrer la base (owner: à définir"),
    ],
)
def test_the_action_text_shown_leaves_out_owner_and_due_date(text: str, shown: str) -> None:
    """The actions table shows owner and due date in their own columns, not twice."""
    assert without_metadata(text) == shown


def test_sub_bullets_that_are_fields_give_the_owner_and_due_date(tmp_path: Path) -> None:
    """`* Owner: Jordan` and `* Due: 03/31/2023` under their item belong to it, not beside it."""
    text = document(
        "* [ ] Add a canary for client upgrades\n"
        "  * Owner: Jordan\n"
        "  * Due: 2023-03-31\n"
        "  * Context: the last upgrade broke checkout\n"
        "* [ ] Pin the payment client @ana\n"
        "  * Owner: someone else\n"
    )
    first, second = actions_of(tmp_path, text)
    assert (first.owner, first.due) == ("Jordan", dt.date(2023, 3, 31))
    assert second.owner == "ana"  # what the item itself says wins
