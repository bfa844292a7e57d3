"""The incident as data: time zone, milestones, fallbacks, durations, PM103 and PM104."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pmgen.commands.lint import run_lint
from pmgen.commands.parse import parse_files
from pmgen.config import build_config
from pmgen.diagnostics import Severity
from pmgen.i18n import format_duration
from pmgen.lint import Selection
from pmgen.model import Durations, Milestones, Postmortem
from pmgen.read.incident import MILESTONE_KEYS, durations


def shown(span: dt.timedelta, lang: str) -> str:
    """A duration as shown, its no-break spaces (it never breaks across lines) as spaces."""
    return format_duration(span, lang).replace("\u00a0", " ")


FIXTURES = Path(__file__).parent / "fixtures" / "timeline"
PARIS = ZoneInfo("Europe/Paris")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
UTC = dt.UTC
TODAY = dt.date(2024, 1, 1)
ALL = Selection(min_severity=Severity.INFO)


def offset(hours: float) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours))


def at(text: str, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=zone)


def minutes(count: int) -> dt.timedelta:
    return dt.timedelta(minutes=count)


def document(front: str, timeline: str = "* 16:00 — Panne.\n* 16:26 — Retour.\n") -> str:
    """A complete postmortem with extra front matter lines and a timeline."""
    return (
        f"---\ntitle: Panne du site\ndate: 2021-09-22\nlang: fr\n{front}---\n\n"
        "Le site a été indisponible.\n\n"
        "## Contexte\n\nLe site tourne sur deux instances.\n\n"
        f"## Chronologie\n\n{timeline}\n"
        "## Enseignements\n\nSurveiller la mémoire.\n\n"
        "## Analyse\n\nLa mémoire était saturée.\n\n"
        "## Travaux restants\n\n* [ ] Passer en XL @julien\n"
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "2021-09-22-panne.md"
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path) -> Postmortem:
    [parsed] = parse_files([path], build_config({}, path.parent, None), path.parent).results
    assert parsed.postmortem is not None
    return parsed.postmortem


def findings(path: Path, *codes: str) -> list[tuple[str, int, str]]:
    report = run_lint([path], build_config({}, path.parent, None), path.parent, TODAY, ALL)
    return [(d.code, d.line, d.message) for d in report.diagnostics if d.code in codes]


def line_of(text: str, needle: str) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


# --- declared milestones --------------------------------------------------------------------


def test_declared_milestones_aware_and_naive() -> None:
    postmortem = load(FIXTURES / "utc.md")
    incident = postmortem.incident
    assert incident.timezone == "America/Los_Angeles"
    assert incident.declared == Milestones(
        # Naive: localised in the postmortem's zone (PDT in September).
        started=at("2021-09-22T13:05", LOS_ANGELES),
        detected=at("2021-09-22T21:17", UTC),
        mitigated=at("2021-09-22T14:40", offset(-7)),
        resolved=at("2021-09-22T16:40", offset(-7)),
    )
    assert incident.declared.started is not None
    assert incident.declared.started.utcoffset() == dt.timedelta(hours=-7)
    assert incident.effective == incident.declared
    assert postmortem.diagnostics == ()


def test_durations_on_the_fixture() -> None:
    incident = load(FIXTURES / "utc.md").incident
    # started 20:05Z, detected 21:17Z, mitigated 21:40Z, resolved 23:40Z: the impact runs
    # to the mitigation (what users lived through), as the page's figure.
    assert incident.durations == Durations(
        impact=minutes(60 + 35),
        detect=minutes(60 + 12),
        mitigate=minutes(23),
        resolve=minutes(2 * 60 + 23),
    )
    spans = incident.durations
    assert [
        shown(span, "en")
        for span in (spans.impact, spans.detect, spans.mitigate, spans.resolve)
        if span is not None
    ] == ["1 h 35", "1 h 12", "23 min", "2 h 23"]


def test_duration_formulas_on_a_slow_afternoon(tmp_path: Path) -> None:
    text = document(
        "timezone: Europe/Paris\n"
        "started_at: 2021-09-22T14:00:00+02:00\n"
        "detected_at: 2021-09-22T14:20:00+02:00\n"
        "mitigated_at: 2021-09-22T16:26:00+02:00\n"
        "resolved_at: 2021-09-24T15:30:00+02:00\n"
    )
    incident = load(write(tmp_path, text)).incident
    started = at("2021-09-22T14:00", offset(2))
    detected = at("2021-09-22T14:20", offset(2))
    mitigated = at("2021-09-22T16:26", offset(2))
    resolved = at("2021-09-24T15:30", offset(2))
    assert incident.durations == Durations(
        impact=mitigated - started,
        detect=detected - started,
        mitigate=mitigated - detected,
        resolve=resolved - detected,
    )
    assert incident.durations == Durations(
        impact=minutes(146),
        detect=minutes(20),
        mitigate=minutes(126),
        resolve=dt.timedelta(days=2, hours=1, minutes=10),
    )
    assert shown(incident.durations.impact, "fr") == "2 h 26"
    assert shown(incident.durations.detect, "fr") == "20 min"
    assert shown(incident.durations.mitigate, "fr") == "2 h 06"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"2021-09-22T16:00:00+02:00"', at("2021-09-22T16:00", offset(2))),
        ("2021-09-22T16:00:00+02:00", at("2021-09-22T16:00", offset(2))),
        ('"2021-09-22T14:00:00Z"', at("2021-09-22T14:00", UTC)),
        ('"2021-09-22T16:00:00"', at("2021-09-22T16:00", PARIS)),
        ("2021-09-22 16:00:00", at("2021-09-22T16:00", PARIS)),
        ('"2021-09-22 16:00"', at("2021-09-22T16:00", PARIS)),
        # A date alone is midnight in the postmortem's zone.
        ("2021-09-22", at("2021-09-22T00:00", PARIS)),
    ],
)
def test_milestone_values(tmp_path: Path, value: str, expected: dt.datetime) -> None:
    postmortem = load(write(tmp_path, document(f"started_at: {value}\n")))
    assert postmortem.incident.declared.started == expected
    assert postmortem.incident.declared.started.utcoffset() == expected.utcoffset()
    assert [d.code for d in postmortem.diagnostics] == []


def test_naive_milestones_use_the_postmortem_zone(tmp_path: Path) -> None:
    text = document("timezone: Asia/Tokyo\nresolved_at: 2021-09-22T18:00:00\n")
    incident = load(write(tmp_path, text)).incident
    assert incident.declared.resolved == at("2021-09-22T18:00", ZoneInfo("Asia/Tokyo"))


@pytest.mark.parametrize("value", ["", "null", "~"])
def test_empty_milestones_are_absent(tmp_path: Path, value: str) -> None:
    postmortem = load(write(tmp_path, document(f"detected_at: {value}\n")))
    assert postmortem.incident.declared.detected is None
    assert postmortem.diagnostics == ()


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("hier soir", "'hier soir'"),
        ('"2021-09-31T10:00:00"', "'2021-09-31T10:00:00'"),
        ('"16:00"', "'16:00'"),
        ("42", "42"),
    ],
)
def test_invalid_milestone_is_pm103_at_its_key(tmp_path: Path, value: str, shown: str) -> None:
    text = document(f"started_at: 2021-09-22T16:00:00+02:00\ndetected_at: {value}\n")
    path = write(tmp_path, text)
    incident = load(path).incident
    assert incident.declared == Milestones(started=at("2021-09-22T16:00", offset(2)))
    assert findings(path, "PM103") == [
        (
            "PM103",
            line_of(text, "detected_at:"),
            f"`detected_at` is not a date and time: {shown}",
        )
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [("Mars/Olympus_Mons", "'Mars/Olympus_Mons'"), ("CEST", "'CEST'"), ("2", "2")],
)
def test_invalid_timezone_is_pm103_and_the_default_applies(
    tmp_path: Path, value: str, shown: str
) -> None:
    text = document(f"timezone: {value}\nstarted_at: 2021-09-22T15:00:00\n")
    path = write(tmp_path, text)
    incident = load(path).incident
    assert incident.timezone == "Europe/Paris"
    assert incident.declared.started == at("2021-09-22T15:00", PARIS)
    assert incident.events[0].time == at("2021-09-22T16:00", PARIS)
    assert findings(path, "PM103") == [
        (
            "PM103",
            line_of(text, "timezone:"),
            f"`timezone` is not a known time zone: {shown}",
        )
    ]


def test_milestone_keys() -> None:
    assert MILESTONE_KEYS == ("started_at", "detected_at", "mitigated_at", "resolved_at")


# --- PM104 ----------------------------------------------------------------------------------


def test_resolved_before_started_is_pm104_at_resolved(tmp_path: Path) -> None:
    text = document(
        "started_at: 2021-09-22T16:00:00+02:00\nresolved_at: 2021-09-22T15:26:00+02:00\n"
    )
    path = write(tmp_path, text)
    assert findings(path, "PM104") == [
        (
            "PM104",
            line_of(text, "resolved_at:"),
            "`resolved_at` (2021-09-22T15:26:00+02:00) is before `started_at` "
            "(2021-09-22T16:00:00+02:00)",
        )
    ]
    # A negative duration is never shown: PM104 says what is wrong instead.
    incident = load(path).incident
    assert incident.durations.impact is None
    assert incident.effective.started == at("2021-09-22T16:00", PARIS)


def test_detected_before_started_is_pm104_at_detected(tmp_path: Path) -> None:
    text = document(
        "started_at: 2021-09-22T16:00:00+02:00\n"
        "detected_at: 2021-09-22T15:50:00+02:00\n"
        "resolved_at: 2021-09-22T16:26:00+02:00\n"
    )
    path = write(tmp_path, text)
    assert findings(path, "PM104") == [
        (
            "PM104",
            line_of(text, "detected_at:"),
            "`detected_at` (2021-09-22T15:50:00+02:00) is before `started_at` "
            "(2021-09-22T16:00:00+02:00)",
        )
    ]


def test_mitigated_before_detected_is_pm104_at_mitigated(tmp_path: Path) -> None:
    text = document("detected_at: 2021-09-22T16:10:00\nmitigated_at: 2021-09-22T16:05:00\n")
    path = write(tmp_path, text)
    assert findings(path, "PM104") == [
        (
            "PM104",
            line_of(text, "mitigated_at:"),
            "`mitigated_at` (2021-09-22T16:05:00+02:00) is before `detected_at` "
            "(2021-09-22T16:10:00+02:00)",
        )
    ]


def test_milestones_compare_as_instants_across_zones(tmp_path: Path) -> None:
    in_order = document(
        "started_at: 2021-09-22T16:00:00+02:00\ndetected_at: 2021-09-22T14:30:00Z\n"
    )
    assert findings(write(tmp_path, in_order), "PM104") == []
    reversed_ = document(
        "started_at: 2021-09-22T16:00:00+02:00\ndetected_at: 2021-09-22T13:30:00Z\n"
    )
    assert [f[:2] for f in findings(write(tmp_path, reversed_), "PM104")] == [
        ("PM104", line_of(reversed_, "detected_at:"))
    ]


def test_milestones_in_order_give_no_pm104() -> None:
    assert findings(FIXTURES / "utc.md", "PM104", "PM103") == []


# --- effective milestones: fallbacks to the timeline ----------------------------------------


def test_undeclared_milestones_are_inferred_from_the_timeline_wording() -> None:
    incident = load(FIXTURES / "jours-en-titres.md").incident
    assert incident.declared == Milestones()
    # `Premières erreurs` starts it, `l'alerte` detects it, `Les erreurs cessent` is not a word
    # of resolution: the last entry stands in for it.
    assert incident.effective == Milestones(
        started=at("2020-02-20T16:04:59", PARIS),
        detected=at("2020-02-20T16:12", PARIS),
        resolved=at("2020-02-21T10:00", PARIS),
    )
    assert incident.sources == {
        "started": "inferred",
        "detected": "inferred",
        "resolved": "timeline",
    }
    assert incident.impact_source == "timeline"


def test_start_and_end_fall_back_to_first_and_last_timed_entries(tmp_path: Path) -> None:
    text = document(
        "",
        timeline="* 16:00 — Changement de configuration.\n* Message au support.\n* 16:26 — Fin.\n",
    )
    incident = load(write(tmp_path, text)).incident
    assert incident.effective == Milestones(
        started=at("2021-09-22T16:00", PARIS), resolved=at("2021-09-22T16:26", PARIS)
    )
    assert incident.sources == {"started": "timeline", "resolved": "timeline"}
    assert incident.durations == Durations(impact=minutes(26))
    assert shown(incident.durations.impact, "fr") == "26 min"


def test_declared_milestones_win_over_the_timeline(tmp_path: Path) -> None:
    text = document(
        "started_at: 2021-09-22T15:40:00\ndetected_at: 2021-09-22T16:05:00\n",
        timeline="* 16:00 — Panne.\n* Message au support.\n* 16:26 — Retour.\n",
    )
    incident = load(write(tmp_path, text)).incident
    assert incident.effective == Milestones(
        started=at("2021-09-22T15:40", PARIS),
        detected=at("2021-09-22T16:05", PARIS),
        resolved=at("2021-09-22T16:26", PARIS),
    )
    assert incident.durations == Durations(
        impact=minutes(46), detect=minutes(25), resolve=minutes(21)
    )


def test_untimed_timeline_gives_no_milestone(tmp_path: Path) -> None:
    text = document("", timeline="* Le site ralentit.\n* Le site tombe.\n")
    incident = load(write(tmp_path, text)).incident
    assert incident.effective == Milestones()
    assert incident.durations == Durations()


def test_durations_from_partial_milestones() -> None:
    start = at("2021-09-22T16:00", PARIS)
    assert durations(Milestones()) == Durations()
    assert durations(Milestones(started=start, detected=start + minutes(10))) == Durations(
        detect=minutes(10)
    )
    assert durations(
        Milestones(detected=start, mitigated=start + minutes(5), resolved=start + minutes(30))
    ) == Durations(mitigate=minutes(5), resolve=minutes(30))


# --- format_duration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("span", "lang", "text"),
    [
        (minutes(26), "fr", "26 min"),
        (minutes(26), "en", "26 min"),
        (minutes(0), "fr", "0 min"),
        (minutes(59), "fr", "59 min"),
        (minutes(60), "fr", "1 h 00"),
        (minutes(125), "fr", "2 h 05"),
        (minutes(125), "en", "2 h 05"),
        (dt.timedelta(hours=23, minutes=59), "fr", "23 h 59"),
        (dt.timedelta(days=1), "fr", "1 jour"),
        (dt.timedelta(days=1), "en", "1 day"),
        (dt.timedelta(days=1, hours=3), "fr", "1 jour 3 h"),
        (dt.timedelta(days=1, hours=3), "en", "1 day 3 h"),
        (dt.timedelta(days=3), "fr", "3 jours"),
        (dt.timedelta(days=3), "en", "3 days"),
        (dt.timedelta(days=3, hours=2, minutes=59), "fr", "3 jours 2 h"),
        # Rounded to the nearest minute.
        (dt.timedelta(seconds=89), "fr", "1 min"),
        (dt.timedelta(seconds=91), "fr", "2 min"),
        (dt.timedelta(seconds=29), "fr", "0 min"),
        (dt.timedelta(minutes=59, seconds=40), "fr", "1 h 00"),
        (dt.timedelta(hours=23, minutes=59, seconds=45), "fr", "1 jour"),
        # Negative spans keep a minus sign.
        (-minutes(26), "fr", "−26 min"),
        (-minutes(125), "en", "−2 h 05"),
        (-dt.timedelta(days=3), "fr", "−3 jours"),
    ],
)
def test_format_duration(span: dt.timedelta, lang: str, text: str) -> None:
    assert shown(span, lang) == text
    assert " " not in format_duration(span, lang)  # no-break spaces only


def test_figures_across_a_change_of_daylight_saving_time_are_on_instants(
    tmp_path: Path,
) -> None:
    """Los Angeles, 2021-03-14: clocks jump from 2:00 to 3:00. From 1:55 AM to 9:15 AM is 6 h
    20 of real time; the page said 7 h 20 (it subtracted clock times of one zone)."""
    from pmgen.pages.article import figures

    text = document(
        "timezone: America/Los_Angeles\n",
        "* 1:55 AM — outage begins\n* 8:40 AM — mitigated by a rollback\n* 9:15 AM — resolved\n",
    ).replace("date: 2021-09-22", "date: 2021-03-14")
    incident = load(write(tmp_path, text)).incident
    shown_figures = {f["key"]: f["minutes"] for f in figures(incident, "en")}
    assert shown_figures["impact"] == 5 * 60 + 45  # 1:55 PST → 8:40 PDT
    assert shown_figures["close"] == 6 * 60 + 20  # 1:55 PST → 9:15 PDT
    assert incident.durations.impact == minutes(5 * 60 + 45)
