"""Timeline: every time format, day context, roll-over, zones, untimed entries and PM304."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmgen.commands.lint import run_lint
from pmgen.commands.parse import parse_files
from pmgen.config import build_config
from pmgen.diagnostics import Severity
from pmgen.lint import Selection
from pmgen.model import Postmortem
from pmgen.read.blocks import read_blocks
from pmgen.read.markdown import parse
from pmgen.read.regions import find_regions
from pmgen.read.sections import find_headings, find_sections
from pmgen.read.timeline import (
    ROLL_OVER_GAP,
    ParsedTime,
    TimelineContext,
    parse_day,
    parse_time,
    read_timeline,
)

FIXTURES = Path(__file__).parent / "fixtures" / "timeline"
PARIS = ZoneInfo("Europe/Paris")
TOKYO = ZoneInfo("Asia/Tokyo")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
UTC = dt.UTC
TODAY = dt.date(2024, 1, 1)
ALL = Selection(min_severity=Severity.INFO)


def offset(hours: float) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours))


def at(day: str, clock: str, zone: dt.tzinfo = PARIS) -> dt.datetime:
    """An aware moment from `2021-09-22` and `16:00` (or `16:04:59`)."""
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=zone)


def document(timeline: str, front: str = "", date: str = "2021-09-22", lang: str = "fr") -> str:
    """A complete postmortem around a Chronologie section (other sections filled)."""
    return (
        f"---\ntitle: Panne du site\ndate: {date}\nlang: {lang}\n{front}---\n\n"
        "Le site a été indisponible.\n\n"
        "## Contexte\n\nLe site tourne sur deux instances.\n\n"
        f"## Chronologie\n\n{timeline}\n"
        "## Enseignements\n\nSurveiller la mémoire.\n\n"
        "## Analyse\n\nLa mémoire était saturée.\n\n"
        "## Travaux restants\n\n* [ ] Passer en XL @julien\n"
    )


def write(tmp_path: Path, text: str, name: str = "2021-09-22-panne.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path, config: dict[str, object] | None = None) -> Postmortem:
    root = path.parent
    [parsed] = parse_files([path], build_config(config or {}, root, None), root).results
    assert parsed.postmortem is not None
    return parsed.postmortem


def events(postmortem: Postmortem) -> list[tuple[dt.datetime | None, bool, str, int]]:
    return [(e.time, e.approximate, e.text, e.line) for e in postmortem.incident.events]


def findings(path: Path, *codes: str) -> list[tuple[str, int, str]]:
    root = path.parent
    report = run_lint([path], build_config({}, root, None), root, TODAY, ALL)
    return [(d.code, d.line, d.message) for d in report.diagnostics if d.code in codes]


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the only line containing `needle`."""
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


# --- parse_time: every format ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16:00", ParsedTime(16, 0, 0, None, None, False, "")),
        (
            "16:04:59 — Premières erreurs",
            ParsedTime(16, 4, 59, None, None, False, "Premières erreurs"),
        ),
        ("16h00 bascule", ParsedTime(16, 0, 0, None, None, False, "bascule")),
        (
            "16 h 00 — Le site ne répond plus",
            ParsedTime(16, 0, 0, None, None, False, "Le site ne répond plus"),
        ),
        ("9 h 21 : relecture", ParsedTime(9, 21, 0, None, None, False, "relecture")),
        ("**9 h 21** — Analyse", ParsedTime(9, 21, 0, None, None, False, "Analyse")),
        (
            "*06:00*: Fin de la réindexation",
            ParsedTime(6, 0, 0, None, None, False, "Fin de la réindexation"),
        ),
        ("[13:26] Redémarrage", ParsedTime(13, 26, 0, None, None, False, "Redémarrage")),
        (
            "2:54 PM PST — Customer reports",
            # An abbreviation names its region's zone (PST in winter, PDT in summer).
            ParsedTime(14, 54, 0, None, LOS_ANGELES, False, "Customer reports"),
        ),
        ("2:54 p.m. — report", ParsedTime(14, 54, 0, None, None, False, "report")),
        ("12:00 AM backup", ParsedTime(0, 0, 0, None, None, False, "backup")),
        ("12:30 PM lunch deploy", ParsedTime(12, 30, 0, None, None, False, "lunch deploy")),
        ("21:17 UTC probe fails", ParsedTime(21, 17, 0, None, UTC, False, "probe fails")),
        ("10:00 CEST — bascule", ParsedTime(10, 0, 0, None, PARIS, False, "bascule")),
        (
            "2021-09-22 16:00 — panne",
            ParsedTime(16, 0, 0, dt.date(2021, 9, 22), None, False, "panne"),
        ),
        (
            "2023-01-04 05:13 — alerte",
            ParsedTime(5, 13, 0, dt.date(2023, 1, 4), None, False, "alerte"),
        ),
        (
            "2021-09-22T16:00:00+02:00 outage",
            ParsedTime(16, 0, 0, dt.date(2021, 9, 22), offset(2), False, "outage"),
        ),
        (
            "2021-09-22T14:00:00Z outage",
            ParsedTime(14, 0, 0, dt.date(2021, 9, 22), UTC, False, "outage"),
        ),
        (
            "~15h05 — cinquième instance",
            ParsedTime(15, 5, 0, None, None, True, "cinquième instance"),
        ),
        ("environ 15:30 — retour", ParsedTime(15, 30, 0, None, None, True, "retour")),
        ("vers 15 h 30, retour", ParsedTime(15, 30, 0, None, None, True, "retour")),
        ("around 3:30 PM — back", ParsedTime(15, 30, 0, None, None, True, "back")),
        ("16:00 (heure française) — reprise", ParsedTime(16, 0, 0, None, PARIS, False, "reprise")),
        ("16:00 heure de Paris : reprise", ParsedTime(16, 0, 0, None, PARIS, False, "reprise")),
        ("4:00 PM (Paris time) restart", ParsedTime(16, 0, 0, None, PARIS, False, "restart")),
        # Local time is the postmortem's own zone, not Paris: no zone of the entry's own.
        ("16:00 (heure locale) — reprise", ParsedTime(16, 0, 0, None, None, False, "reprise")),
        ("16:00 +02:00 reprise", ParsedTime(16, 0, 0, None, offset(2), False, "reprise")),
        ("16:00+0530 reprise", ParsedTime(16, 0, 0, None, offset(5.5), False, "reprise")),
        ("16:00 -03:00 reprise", ParsedTime(16, 0, 0, None, offset(-3), False, "reprise")),
        # A day marker right after the time goes with it, not into the text.
        (
            "9:10 (next day) — Revert pushed",
            ParsedTime(9, 10, 0, None, None, False, "Revert pushed"),
        ),
        # `-ish` is approximate, and not part of the text.
        ("2pm-ish someone notices", ParsedTime(14, 0, 0, None, None, True, "someone notices")),
        ("14:00ish — alert", ParsedTime(14, 0, 0, None, None, True, "alert")),
    ],
)
def test_parse_time_reads_every_format(text: str, expected: ParsedTime) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "3 instances",
        "2021-09",
        "2021-09-22",
        "16hello",
        "v1.2",
        "5 h de retard",
        "Redémarrage à 16:00",
        "24:00",
        "9:60",
        "13:00 PM",
        "0:30 AM",
        # A typo in the date or the offset names no real moment: the entry stays untimed.
        "2021-09-31 16:00 — panne",
        "2021-13-02 16:00 — panne",
        "16:00 +25:00 — panne",
    ],
)
def test_parse_time_refuses_what_is_not_a_time(text: str) -> None:
    assert parse_time(text) is None


def test_zone_abbreviations_name_their_region_and_show_the_season() -> None:
    utc = parse_time("21:17 UTC")
    pst = parse_time("2:54 PM PST")
    assert utc is not None and pst is not None
    assert utc.zone is UTC and pst.zone == LOS_ANGELES
    winter = dt.datetime(2021, 1, 5, 14, 54, tzinfo=pst.zone)
    summer = dt.datetime(2021, 7, 5, 14, 54, tzinfo=pst.zone)
    assert (winter.tzname(), summer.tzname()) == ("PST", "PDT")


# --- parse_day ------------------------------------------------------------------------------

WEDNESDAY = dt.date(2021, 9, 22)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-02-20", dt.date(2020, 2, 20)),
        ("29-09-2021", dt.date(2021, 9, 29)),
        ("22/09/2021", dt.date(2021, 9, 22)),
        ("22.09.2021", dt.date(2021, 9, 22)),
        ("22 septembre 2021", dt.date(2021, 9, 22)),
        ("1er octobre 2021", dt.date(2021, 10, 1)),
        ("Mercredi 22 septembre 2021", dt.date(2021, 9, 22)),
        ("**Jeudi 23 septembre**", dt.date(2021, 9, 23)),
        ("le 24 septembre", dt.date(2021, 9, 24)),
        ("September 22, 2021", dt.date(2021, 9, 22)),
        ("Wednesday, September 22, 2021", dt.date(2021, 9, 22)),
        ("Sept. 23, 2021", dt.date(2021, 9, 23)),
        ("Sep 24th", dt.date(2021, 9, 24)),
        # A weekday alone: the nearest such day to the postmortem's date (after it on a tie).
        ("Mercredi", dt.date(2021, 9, 22)),
        ("Jeudi", dt.date(2021, 9, 23)),
        ("Lundi", dt.date(2021, 9, 20)),
        ("*Mardi*", dt.date(2021, 9, 21)),
        ("Friday:", dt.date(2021, 9, 24)),
        ("Samedi", dt.date(2021, 9, 25)),
        ("Dimanche", dt.date(2021, 9, 19)),
        ("Du texte", None),
        ("", None),
        ("2021-02-30", None),
        ("31-09-2021", None),
        ("30 février 2021", None),
        ("22 brumaire 2021", None),
    ],
)
def test_parse_day(text: str, expected: dt.date | None) -> None:
    assert parse_day(text, WEDNESDAY) == expected


def test_parse_day_without_a_reference_needs_the_year() -> None:
    assert parse_day("Mercredi", None) is None
    assert parse_day("le 24 septembre", None) is None
    assert parse_day("24 septembre 2021", None) == dt.date(2021, 9, 24)


def test_parse_day_at_the_end_of_the_calendar_does_not_crash() -> None:
    assert parse_day("Lundi", dt.date.max) is None
    assert parse_day("Vendredi", dt.date.max) == dt.date.max  # 9999-12-31 is a Friday


# --- whole timelines: fixtures --------------------------------------------------------------


def test_fixture_with_day_headings_and_every_french_format() -> None:
    path = FIXTURES / "jours-en-titres.md"
    day, next_day = "2020-02-20", "2020-02-21"
    assert events(load(path)) == [
        (at(day, "16:00"), False, "Lancement de la migration depuis la CI.", 22),
        (at(day, "16:04:59"), False, "Premières erreurs 503 sur /orders.", 23),
        (at(day, "16:12"), False, "L'astreinte reçoit l'alerte de taux d'erreurs.", 24),
        (
            at(day, "16:20"),
            False,
            "La migration est identifiée comme cause ; décision de la laisser finir.",
            25,
        ),
        (at(day, "16:31"), False, "Passage de la boutique en lecture seule.", 26),
        (at(day, "16:45"), True, "Fin de la réécriture de la table.", 27),
        (at(day, "17:05"), True, "Les erreurs cessent.", 28),
        (None, False, "Message envoyé aux clients par le support.", 29),
        (
            at(next_day, "09:21"),
            False,
            "Relecture de la migration avec l'équipe base de données.",
            33,
        ),
        (
            at(next_day, "10:00"),
            False,
            "Ajout d'un contrôle des migrations bloquantes dans la CI.",
            34,
        ),
    ]
    # February: Paris is at +01:00.
    assert {e.time.utcoffset() for e in load(path).incident.events if e.time} == {
        dt.timedelta(hours=1)
    }
    assert findings(path, "PM304") == []


def test_fixture_with_weekdays_nested_items_and_midnight() -> None:
    path = FIXTURES / "semaine.md"  # dated Monday 2021-09-27
    assert events(load(path)) == [
        (at("2021-09-29", "10:00"), False, "La file dépasse 50 000 messages.", 21),
        (at("2021-09-29", "10:40"), False, "Redémarrage des workers, sans effet.", 22),
        (None, False, "Un worker reste bloqué sur un message de 8 Mo.", 23),
        (at("2021-09-30", "08:15"), False, "La file se remplit de nouveau.", 25),
        (at("2021-09-30", "23:50"), False, "Déploiement d'une limite de taille des messages.", 26),
        (at("2021-10-01", "00:10"), False, "La file est vide.", 27),
    ]
    assert findings(path, "PM304") == []


def test_fixture_table_with_zones_and_a_bare_english_date() -> None:
    path = FIXTURES / "utc.md"  # timezone: America/Los_Angeles
    # `PST` names Pacific time: in September that is PDT (UTC-7), as the author meant.
    assert events(load(path)) == [
        (at("2021-09-22", "13:10", LOS_ANGELES), False, "CDN rule change deployed.", 27),
        (at("2021-09-22", "21:17", UTC), False, "Synthetic checkout probe fails.", 28),
        (at("2021-09-22", "14:54", LOS_ANGELES), False, "Rule change reverted.", 29),
        (at("2021-09-22", "16:40", offset(-7)), False, "Error rate back to baseline.", 30),
        (None, False, "Customer support informed.", 31),
    ]
    assert findings(path, "PM304") == []


# --- day context ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day_line", "expected_day"),
    [
        ("### 2020-02-20", "2020-02-20"),
        ("#### 29-09-2021", "2021-09-29"),
        ("2021-09-24", "2021-09-24"),
        ("**2021-09-24**", "2021-09-24"),
        ("22 septembre 2021", "2021-09-22"),
        ("Jeudi 23 septembre 2021 :", "2021-09-23"),
        ("September 22, 2021", "2021-09-22"),
        ("### Vendredi", "2021-09-24"),
    ],
)
def test_day_lines_set_the_day_of_the_entries_below(
    tmp_path: Path, day_line: str, expected_day: str
) -> None:
    text = document(f"{day_line}\n\n* 16:00 — Le site ne répond plus.\n* 16:26 — Retour.\n")
    path = write(tmp_path, text)
    assert events(load(path)) == [
        (at(expected_day, "16:00"), False, "Le site ne répond plus.", line_of(text, "16:00 —")),
        (at(expected_day, "16:26"), False, "Retour.", line_of(text, "16:26 —")),
    ]


def test_entries_before_any_day_line_use_the_postmortem_date(tmp_path: Path) -> None:
    text = document("* 16:00 — Panne.\n\n### 2021-09-23\n\n* 09:00 — Correctif.\n")
    assert [e[0] for e in events(load(write(tmp_path, text)))] == [
        at("2021-09-22", "16:00"),
        at("2021-09-23", "09:00"),
    ]


def test_weekday_item_with_nested_entries(tmp_path: Path) -> None:
    text = document(
        "* Mercredi\n"
        "  * 14:00 — Premiers ralentissements.\n"
        "  * 16:00 — Panne.\n"
        "* Vendredi\n"
        "  * 15:30 — Déploiement des optimisations.\n"
    )
    assert events(load(write(tmp_path, text))) == [
        (at("2021-09-22", "14:00"), False, "Premiers ralentissements.", line_of(text, "14:00")),
        (at("2021-09-22", "16:00"), False, "Panne.", line_of(text, "16:00")),
        (
            at("2021-09-24", "15:30"),
            False,
            "Déploiement des optimisations.",
            line_of(text, "15:30"),
        ),
    ]


def test_an_entry_with_its_own_date_sets_the_day_for_the_next(tmp_path: Path) -> None:
    text = document("* 2021-09-23 08:45 — Passage en XL.\n* 11:30 — Pic de la matinée.\n")
    assert [e[0] for e in events(load(write(tmp_path, text)))] == [
        at("2021-09-23", "08:45"),
        at("2021-09-23", "11:30"),
    ]


# --- roll-over ------------------------------------------------------------------------------


def test_midnight_rolls_over_to_the_next_day(tmp_path: Path) -> None:
    text = document("* 23:50 — Déploiement.\n* 00:10 — Erreurs.\n* 01:30 — Retour arrière.\n")
    path = write(tmp_path, text)
    assert [e[0] for e in events(load(path))] == [
        at("2021-09-22", "23:50"),
        at("2021-09-23", "00:10"),
        at("2021-09-23", "01:30"),
    ]
    assert findings(path, "PM304") == []


def test_the_roll_over_gap_is_twelve_hours(tmp_path: Path) -> None:
    assert dt.timedelta(hours=12) == ROLL_OVER_GAP
    text = document("* 20:00 — a\n* 08:00 — b\n* 19:00 — c\n* 07:01 — d\n")
    # 20:00 → 08:00 is exactly 12 h back: next day. 19:00 → 07:01 is 11 h 59: same day.
    assert [e[0] for e in events(load(write(tmp_path, text)))] == [
        at("2021-09-22", "20:00"),
        at("2021-09-23", "08:00"),
        at("2021-09-23", "19:00"),
        at("2021-09-23", "07:01"),
    ]


@pytest.mark.parametrize(
    "words", ["le lendemain,", "Le lendemain :", "next day:", "(next day)", "J+1 :", "(+1)"]
)
def test_next_day_words_make_a_small_step_back_roll_over(tmp_path: Path, words: str) -> None:
    text = document(f"* 16:40 — Décision de passer en XL.\n* 16:10 — {words} passage en XL.\n")
    path = write(tmp_path, text)
    assert [e[0] for e in events(load(path))] == [
        at("2021-09-22", "16:40"),
        at("2021-09-23", "16:10"),
    ]
    assert findings(path, "PM304") == []


def test_small_step_back_stays_on_the_day_and_is_reported(tmp_path: Path) -> None:
    text = document("* 16:00 — Panne.\n* 16:40 — Redémarrage.\n* 16:10 — Analyse.\n")
    path = write(tmp_path, text)
    assert [e[0] for e in events(load(path))] == [
        at("2021-09-22", "16:00"),
        at("2021-09-22", "16:40"),
        at("2021-09-22", "16:10"),
    ]
    assert findings(path, "PM304") == [
        (
            "PM304",
            line_of(text, "16:10"),
            "this entry (2021-09-22 16:10) is earlier than the one before it "
            f"(2021-09-22 16:40, line {line_of(text, '16:40')})",
        )
    ]


def test_roll_over_on_the_last_day_of_the_calendar_does_not_crash(tmp_path: Path) -> None:
    text = document("* 23:50 — a\n* 00:10 — b\n", date="9999-12-31")
    assert [e[0] for e in events(load(write(tmp_path, text)))] == [
        at("9999-12-31", "23:50"),
        at("9999-12-31", "00:10"),
    ]


# --- zones ----------------------------------------------------------------------------------


def test_the_configured_default_zone_is_europe_paris(tmp_path: Path) -> None:
    postmortem = load(write(tmp_path, document("* 16:00 — Panne.\n")))
    assert postmortem.incident.timezone == "Europe/Paris"
    [event] = postmortem.incident.events
    assert event.time == at("2021-09-22", "16:00", PARIS)
    assert event.time is not None and event.time.utcoffset() == dt.timedelta(hours=2)


def test_the_configured_default_zone_can_change(tmp_path: Path) -> None:
    postmortem = load(write(tmp_path, document("* 16:00 — Panne.\n")), {"timezone": "UTC"})
    assert postmortem.incident.timezone == "UTC"
    assert postmortem.incident.events[0].time == at("2021-09-22", "16:00", UTC)
    assert postmortem.incident.events[0].time.utcoffset() == dt.timedelta(0)


def test_entry_zone_beats_postmortem_zone_which_beats_the_default(tmp_path: Path) -> None:
    text = document(
        "* 09:00 — Alerte vue à Tokyo.\n"
        "* 10:00 UTC — Alerte.\n"
        "* 16:00 (heure française) — Réponse de Paris.\n"
        "* 16:30 (heure locale) — Réponse de Tokyo.\n"
        "* 17:00 +05:30 — Bangalore.\n"
        "* 2021-09-22T18:00:00-04:00 — New York.\n",
        front="timezone: Asia/Tokyo\n",
    )
    postmortem = load(write(tmp_path, text))
    assert postmortem.incident.timezone == "Asia/Tokyo"
    times = [e[0] for e in events(postmortem)]
    assert times == [
        at("2021-09-22", "09:00", TOKYO),
        at("2021-09-22", "10:00", UTC),
        at("2021-09-22", "16:00", PARIS),
        at("2021-09-22", "16:30", TOKYO),
        at("2021-09-22", "17:00", offset(5.5)),
        at("2021-09-22", "18:00", offset(-4)),
    ]
    assert [t.utcoffset() for t in times if t is not None] == [
        dt.timedelta(hours=9),
        dt.timedelta(0),
        dt.timedelta(hours=2),
        dt.timedelta(hours=9),
        dt.timedelta(hours=5, minutes=30),
        dt.timedelta(hours=-4),
    ]


@pytest.mark.parametrize(("day", "clock"), [("2021-10-31", "02:30"), ("2021-03-28", "02:30")])
def test_daylight_saving_edges_follow_zoneinfo_fold_0(tmp_path: Path, day: str, clock: str) -> None:
    text = document(f"* {clock} — Bascule d'heure.\n", date=day)
    [event] = load(write(tmp_path, text)).incident.events
    expected = dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=PARIS)
    assert event.time == expected
    assert event.time is not None and event.time.fold == 0
    assert event.time.utcoffset() == expected.utcoffset()
    assert event.time.utcoffset() in (dt.timedelta(hours=1), dt.timedelta(hours=2))


def test_ambiguous_autumn_time_takes_the_summer_offset(tmp_path: Path) -> None:
    # 2021-10-31 02:30 happens twice in Paris; fold=0 is the first one, still at +02:00.
    text = document("* 02:30 — Bascule d'heure.\n", date="2021-10-31")
    [event] = load(write(tmp_path, text)).incident.events
    assert event.time is not None and event.time.utcoffset() == dt.timedelta(hours=2)


# --- untimed entries, tables, PM304, PM202 --------------------------------------------------


def test_untimed_entries_are_kept_in_order(tmp_path: Path) -> None:
    text = document(
        "* Le support ouvre un ticket.\n"
        "* 16:00 — Panne.\n"
        "* Julien prévient l'équipe produit.\n"
        "* 3 instances redémarrées.\n"
    )
    assert events(load(write(tmp_path, text))) == [
        (None, False, "Le support ouvre un ticket.", line_of(text, "support ouvre")),
        (at("2021-09-22", "16:00"), False, "Panne.", line_of(text, "16:00")),
        (None, False, "Julien prévient l'équipe produit.", line_of(text, "Julien")),
        (None, False, "3 instances redémarrées.", line_of(text, "3 instances")),
    ]


def test_table_rows_are_entries_and_the_header_is_not(tmp_path: Path) -> None:
    text = document(
        "| Heure | Événement |\n"
        "|-------|-----------|\n"
        "| 16:00 | texte |\n"
        "| **16 h 26** | Retour à la normale |\n"
        "| | Message au support |\n"
        "| Plus tard | Relance des workers |\n"
    )
    assert events(load(write(tmp_path, text))) == [
        (at("2021-09-22", "16:00"), False, "texte", line_of(text, "16:00")),
        (at("2021-09-22", "16:26"), False, "Retour à la normale", line_of(text, "16 h 26")),
        (None, False, "Message au support", line_of(text, "Message au support")),
        (None, False, "Plus tard — Relance des workers", line_of(text, "Plus tard")),
    ]


def test_paragraph_prose_in_the_timeline_is_not_an_entry(tmp_path: Path) -> None:
    text = document("Toutes les heures sont en heure de Paris.\n\n* 16:00 — Panne.\n")
    assert [e[2] for e in events(load(write(tmp_path, text)))] == ["Panne."]


def test_timeline_without_timed_entry_reports_pm304_at_its_heading(tmp_path: Path) -> None:
    text = document("* Le site ralentit.\n* Le site tombe.\n")
    path = write(tmp_path, text)
    assert [e[0] for e in events(load(path))] == [None, None]
    assert findings(path, "PM304", "PM202") == [
        ("PM304", line_of(text, "## Chronologie"), "the timeline has no entry starting with a time")
    ]


def test_empty_timeline_reports_pm202_and_not_pm304(tmp_path: Path) -> None:
    text = document("")
    path = write(tmp_path, text)
    assert load(path).incident.events == ()
    assert findings(path, "PM304", "PM202") == [
        ("PM202", line_of(text, "## Chronologie"), "section `Chronologie` is empty")
    ]


def test_no_timeline_section_means_no_events(tmp_path: Path) -> None:
    text = document("").replace("## Chronologie\n\n", "")
    postmortem = load(write(tmp_path, text))
    assert postmortem.incident.events == ()


# --- properties -----------------------------------------------------------------------------

TIME_ALPHABET = "0123456789:hH +-TZ~*_[]()`.|APMaepmUTCSDESTCESTheure française lendemain\t"
SPECS = build_config({}, Path("/nonexistent"), None).sections


# Shapes close to real times, with out-of-range dates, hours and offsets mixed in.
NEAR_TIMES = st.builds(
    "{}{}{}:{}{}{}".format,
    st.sampled_from(["", "~", "environ ", "**", "[", "2021-09-22 ", "2021-02-30T", "9999-99-99 "]),
    st.integers(0, 99).map(str),
    st.sampled_from(["", " "]),
    st.integers(0, 99).map("{:02d}".format),
    st.sampled_from(["", " PM", " UTC", " PST", "Z", " +02:00", " -25:00", " +99:99", " +0530"]),
    st.sampled_from(["", " — texte", " (heure française) x", "** — y", "] z", "h"]),
)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=TIME_ALPHABET, max_size=40), NEAR_TIMES))
def test_parse_time_never_raises(text: str) -> None:
    parsed = parse_time(text)
    if parsed is not None:
        assert 0 <= parsed.hour <= 23 and 0 <= parsed.minute <= 59 and 0 <= parsed.second <= 59


@settings(max_examples=80, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.text(alphabet="0123456789-/. lundimercrediseptembreocto,er", max_size=30),
        st.sampled_from(
            ["Lundi", "dimanche", "Friday", "31 décembre", "December 31", "1er janvier"]
        ),
    ),
    st.one_of(st.none(), st.dates(), st.dates(min_value=dt.date(9999, 12, 20))),
)
def test_parse_day_never_raises(text: str, reference: dt.date | None) -> None:
    day = parse_day(text, reference)
    assert day is None or isinstance(day, dt.date)


ITEM = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n")),
    st.text(alphabet=TIME_ALPHABET, max_size=40),
    st.sampled_from(["### 2021-09-23", "Mercredi", "23:50 — a", "00:10 — b", "| 16:00 | x |"]),
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.one_of(ITEM, NEAR_TIMES), max_size=8),
    st.one_of(st.dates(), st.dates(min_value=dt.date(9999, 12, 25))),
    st.sampled_from([PARIS, UTC, TOKYO]),
)
def test_read_timeline_never_raises_on_any_list_items(
    items: list[str], date: dt.date, zone: dt.tzinfo
) -> None:
    body = "## Chronologie\n\n" + "".join(f"* {item}\n" for item in items) + "\n## Analyse\n\nx\n"
    tokens = parse(body)
    headings = find_headings(tokens, 1)
    sections = find_sections(tokens, headings, SPECS, 1, len(body.splitlines()))
    blocks = read_blocks(tokens, 1)
    regions = find_regions(blocks, sections, date, "fr")
    context = TimelineContext(date, date, str(zone), False, "fr")
    for event in read_timeline(blocks, regions, context).events:
        assert event.time is None or event.time.tzinfo is not None
        assert 1 <= event.line <= len(body.splitlines())


# --- clocks going back, and zones side by side ------------------------------------------------


def utc(moment: dt.datetime | None) -> str:
    assert moment is not None
    return moment.astimezone(dt.UTC).strftime("%m-%d %H:%M")


def test_a_season_abbreviation_picks_the_repeated_hour_it_names(tmp_path: Path) -> None:
    """New York, 2023-11-05: 1:00–2:00 happens twice; EDT is the first pass, EST the second.
    Read as clock times the failover came before the alert (a PM304, impact 1 h 05)."""
    text = document(
        "- 12:50 AM EDT: replication lag grows, incident begins\n"
        "- 1:20 AM EDT: alert fires\n"
        "- 1:10 AM EST: failover, lag mitigated\n"
        "- 1:55 AM EST: resolved\n",
        front="timezone: America/New_York\n",
        date="2023-11-05",
        lang="en",
    )
    path = write(tmp_path, text)
    moments = [utc(event.time) for event in load(path).incident.events]
    assert moments == ["11-05 04:50", "11-05 05:20", "11-05 06:10", "11-05 06:55"]
    assert findings(path, "PM304") == []


def test_paris_cet_after_the_change_is_the_second_pass(tmp_path: Path) -> None:
    text = document(
        "* 02:20 CEST — début de l'incident\n* 02:20 CET — alerte\n* 02:50 CET — rétabli\n",
        date="2024-10-27",
    )
    path = write(tmp_path, text)
    moments = [utc(event.time) for event in load(path).incident.events]
    assert moments == ["10-27 00:20", "10-27 01:20", "10-27 01:50"]
    assert findings(path, "PM304") == []


def test_an_entry_in_another_zone_is_placed_soonest_after_the_one_before(
    tmp_path: Path,
) -> None:
    """`20:10 EDT` after `01:50 CEST` is the evening before in New York, 20 minutes later,
    not the next evening (the CEST entries after it then moved a day: impact 25 h 10)."""
    text = document(
        "- 01:50 CEST — outage begins\n"
        "- 20:10 EDT — New York team joins the bridge\n"
        "- 02:30 CEST — rule reverted, mitigated\n"
        "- 03:00 CEST — resolved\n",
        date="2024-06-12",
        lang="en",
    )
    incident = load(write(tmp_path, text)).incident
    assert [utc(event.time) for event in incident.events] == [
        "06-11 23:50",
        "06-12 00:10",
        "06-12 00:30",
        "06-12 01:00",
    ]
    assert incident.events[1].time.date() == dt.date(2024, 6, 11)  # its own day in New York


def test_a_time_the_clocks_skipped_is_a_finding(tmp_path: Path) -> None:
    """Paris, 2024-03-31: 02:00 → 03:00. `02:30` names no moment; read as 03:30, it is said."""
    text = document(
        "* 01:45 — premières erreurs\n* 02:30 — tâche en double\n* 03:40 — rétabli\n",
        date="2024-03-31",
    )
    path = write(tmp_path, text)
    [(code, line, message)] = findings(path, "PM321")
    assert (code, line) == ("PM321", line_of(text, "02:30"))
    assert "02:30 did not exist on 2024-03-31 in Europe/Paris" in message
    assert "read as 03:30" in message
    assert findings(write(tmp_path, document("* 02:30 — x\n", date="2024-03-30")), "PM321") == []


def test_a_date_that_opens_the_timeline_is_no_disagreement(tmp_path: Path) -> None:
    """Entries on the date itself, then `jeudi 2 mars`: the date is the timeline's first day.
    A timeline whose first entry states another day still disagrees."""
    opens = document(
        "* 13 h 50 : début des lenteurs\n* 15h05 : contournement\n"
        "* jeudi 2 mars à 9h30 : retour à la normale\n",
        date="2023-03-01",
    )
    assert findings(write(tmp_path, opens, "2023-03-01-lenteurs.md"), "PM320") == []
    elsewhere = document("### 2023-07-16\n\n* 13:50 — début\n* 15:05 — fin\n", date="2023-05-16")
    [(_, _, message)] = findings(write(tmp_path, elsewhere, "2023-05-16-autre.md"), "PM320")
    assert "2023-07-16" in message


def test_day_numbers_past_the_calendar_s_end_are_no_crash(tmp_path: Path) -> None:
    text = document("### Day 1 — 9999-12-31\n\n* 14:00 — a\n\n### Day 2\n\n* 15:00 — b\n")
    load(write(tmp_path, text))  # no OverflowError: the second day simply does not exist


def test_entries_after_a_zone_change_past_midnight_stay_on_the_new_day(tmp_path: Path) -> None:
    """23:50 Paris, then 00:10 UTC (the next day), then more UTC and Paris entries: all on
    the next day (the later ones went back to the first day)."""
    text = document(
        "* 23:50 — déploiement\n* 00:10 UTC — erreurs\n* 00:30 UTC — retour arrière\n"
        "* 01:45 — tout va bien\n",
        front="timezone: Europe/Paris\n",
        date="2023-03-01",
    )
    events = load(write(tmp_path, text, "2023-03-01-panne.md")).incident.events
    assert [utc(e.time) for e in events] == [
        "03-01 22:50",
        "03-02 00:10",
        "03-02 00:30",
        "03-02 00:45",
    ]
