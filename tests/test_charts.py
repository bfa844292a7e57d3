"""pmgen's SVG charts: round ticks, time axes across days and zones, golden output, safety.

Golden figures live in tests/golden/charts/*.html (the figure followed by one newline) and are
compared byte for byte; rewrite them on purpose with `pytest --update-golden` and look at the
diff (and at the pictures: open the files in a browser).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import timeit
import xml.etree.ElementTree as ET
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmgen.charts import (
    Chart,
    Marker,
    Series,
    Window,
    describe,
    draw_chart,
    nice_ticks,
    time_ticks,
)
from pmgen.charts.layout import text_width

GOLDEN = Path(__file__).parent / "golden" / "charts"
SVG = "{http://www.w3.org/2000/svg}"
PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC


def paris(day: int, hour: int, minute: int = 0, month: int = 9, year: int = 2021) -> dt.datetime:
    """An aware datetime in Europe/Paris."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def every(start: dt.datetime, minutes: int, count: int) -> tuple[dt.datetime, ...]:
    """`count` instants `minutes` apart."""
    return tuple(start + dt.timedelta(minutes=minutes * i) for i in range(count))


# --- the charts drawn in the golden files ----------------------------------------------------

AFTERNOON = every(paris(22, 14), 5, 49)  # 14 h 00 → 18 h 00, every 5 minutes
# Median and p95 response times (ms): slow afternoon, nothing answered during the outage.
MEDIAN = tuple(
    None if 24 <= i <= 29 else 300 + (2500 * max(0, 144 - (i - 22) ** 2)) // 144 for i in range(49)
)
P95 = tuple(
    None if 24 <= i <= 29 else 800 + (5200 * max(0, 196 - (i - 21) ** 2)) // 196 for i in range(49)
)


def response_times() -> Chart:
    """Two series with a gap, a deployment marker and the impact window."""
    return Chart(
        kind="line",
        title="Temps de réponse du site",
        x=AFTERNOON,
        series=(Series("médiane", MEDIAN), Series("p95", P95)),
        unit="ms",
        markers=(Marker(paris(22, 17, 10), "Déploiement des optimisations"),),
        windows=(Window(paris(22, 16), paris(22, 16, 26), "Panne"),),
        x_label="heure",
    )


def error_area() -> Chart:
    """One filled series."""
    errors = tuple(0 if v is None or v < 1000 else (v - 1000) // 20 for v in P95)
    return Chart("area", "HTTP 500 errors", AFTERNOON, (Series("errors", errors),), unit="req/min")


def severity_bars() -> Chart:
    """Category bars, two series, a gap and a marker on a category."""
    return Chart(
        kind="bar",
        title="Incidents par sévérité",
        x=("SEV1", "SEV2", "SEV3", "SEV4"),
        series=(Series("2023", (1, 4, 7, 2)), Series("2024", (0, 3, 9, None))),
        markers=(Marker("SEV2", "seuil d'astreinte"),),
        x_label="sévérité",
    )


def incident_timeline() -> Chart:
    """Events close together, milestones and the impact window starting before the first."""
    minutes = (0, 2, 3, 5, 26, 30, 60, 61, 120, 126)
    events = tuple((paris(22, 15, 50) + dt.timedelta(minutes=m), f"étape {m}") for m in minutes)
    return Chart(
        kind="timeline",
        title="Chronologie",
        x=(),
        series=(),
        markers=(Marker(paris(22, 15, 54), "détecté"), Marker(paris(22, 17, 56), "résolu")),
        windows=(Window(paris(22, 15, 40), paris(22, 16, 26), "impact"),),
        events=events,
    )


def empty_chart() -> Chart:
    """No x values at all."""
    return Chart("line", "Temps de réponse", (), (Series("p50", ()),), unit="ms")


def single_point() -> Chart:
    """One x value, one value."""
    return Chart("line", "One measure", (paris(22, 16),), (Series("p50", (42.0,)),), unit="ms")


def negative_values() -> Chart:
    """An error budget going below zero."""
    values = tuple(50 - 7 * i for i in range(20))
    return Chart(
        "line", "Budget d'erreur", every(paris(22, 14), 5, 20), (Series("budget", values),)
    )


def huge_values() -> Chart:
    """Millions of requests per quarter."""
    values = (1_234_567.0, 3_400_000.0, 9_870_000.5, 25_000_000.0)
    return Chart(
        "bar", "Requests per quarter", ("Q1", "Q2", "Q3", "Q4"), (Series("requests", values),)
    )


GOLDEN_CHARTS = {
    "line-response-times": (response_times, "fr"),
    "area-errors": (error_area, "en"),
    "bar-severity": (severity_bars, "fr"),
    "timeline": (incident_timeline, "fr"),
    "empty": (empty_chart, "fr"),
    "single-point": (single_point, "en"),
    "negative-values": (negative_values, "fr"),
    "huge-values": (huge_values, "en"),
}


# --- helpers ---------------------------------------------------------------------------------


def figure(html: str) -> ET.Element:
    """The whole figure parsed as XML: it must be well-formed."""
    return ET.fromstring(html)


def svg_of(html: str) -> ET.Element:
    """The <svg> element, parsed on its own."""
    match = re.search(r"<svg .*?</svg>", html, re.S)
    assert match, "no <svg> in the figure"
    return ET.fromstring(match.group(0))


def spaced(text: str) -> str:
    """No-break spaces (which keep times and dates on one line) read as spaces."""
    return text.replace("\u00a0", " ")


def texts(svg: ET.Element) -> list[str]:
    """Every text drawn in the SVG, in order (no-break spaces as spaces)."""
    return [spaced("".join(t.itertext())) for t in svg.iter(f"{SVG}text")]


def body_rows(html: str) -> list[list[str]]:
    """The data table's body rows as lists of cell texts."""
    table = figure(html).find("details/table")
    assert table is not None
    return [[spaced("".join(c.itertext())) for c in tr] for tr in table.iterfind("tbody/tr")]


# --- nice_ticks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 1, "0 0.25 0.5 0.75 1"),
        (0, 7, "0 2 4 6 8"),
        (3, 97, "0 25 50 75 100"),
        (-5, 5, "-5 -2.5 0 2.5 5"),
        (0.001, 0.004, "0.001 0.002 0.003 0.004"),
        (1e6, 9e6, "0 2e+06 4e+06 6e+06 8e+06 1e+07"),
        (5, 5, "4.5 4.75 5 5.25 5.5"),
        (0, 0, "-1 -0.5 0 0.5 1"),
        (-3, -3, "-3.4 -3.2 -3 -2.8 -2.6"),
        (97, 3, "0 25 50 75 100"),
        (0, 6000, "0 2000 4000 6000"),
        (-83, 50, "-100 -50 0 50"),
        (0.1, 0.3, "0.1 0.15 0.2 0.25 0.3"),
        (12.3, 12.31, "12.3 12.3025 12.305 12.3075 12.31"),
    ],
)
def test_nice_ticks(low: float, high: float, expected: str) -> None:
    assert " ".join(f"{t:g}" for t in nice_ticks(low, high)) == expected


def test_nice_ticks_count() -> None:
    assert nice_ticks(0, 100, 3) == (0, 50, 100)
    assert nice_ticks(0, 100, 11) == (0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100)
    assert nice_ticks(0, 1, 2) == (0, 1)


def test_nice_ticks_refuses_non_finite_bounds() -> None:
    with pytest.raises(ValueError, match="finite"):
        nice_ticks(0, float("inf"))


@settings(max_examples=300, deadline=None)
@given(low=st.floats(-1e12, 1e12), high=st.floats(-1e12, 1e12), count=st.integers(2, 10))
def test_nice_ticks_cover_the_range_with_one_round_step(
    low: float, high: float, count: int
) -> None:
    ticks = nice_ticks(low, high, count)
    assert ticks[0] <= min(low, high) and ticks[-1] >= max(low, high)
    assert len(ticks) >= 2 and list(ticks) == sorted(set(ticks))
    assert len(ticks) <= max(count, 2) + 3
    steps = [b - a for a, b in pairwise(ticks)]
    step = steps[0]
    assert all(s == pytest.approx(step, rel=1e-9) for s in steps)
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(mantissa == pytest.approx(m) for m in (1, 2, 2.5, 5, 10))


# --- time_ticks ------------------------------------------------------------------------------


def clocks(start: dt.datetime, end: dt.datetime, zone: str = "Europe/Paris", count: int = 6) -> str:
    """The ticks' wall-clock times (`HH:MM`, in the display zone), space-separated."""
    return " ".join(t.strftime("%H:%M") for t in time_ticks(start, end, zone, count))


def test_time_ticks_minutes() -> None:
    assert clocks(paris(22, 16, 0), paris(22, 16, 20)) == "16:00 16:05 16:10 16:15 16:20"
    assert clocks(paris(22, 16, 3), paris(22, 16, 9), count=3) == "16:04 16:06 16:08"
    assert clocks(paris(22, 16, 3), paris(22, 16, 7)) == "16:03 16:04 16:05 16:06 16:07"
    assert clocks(paris(22, 16, 1), paris(22, 16, 44)) == "16:10 16:20 16:30 16:40"


def test_time_ticks_quarter_hours_and_hours() -> None:
    assert clocks(paris(22, 15, 50), paris(22, 17, 7)) == "16:00 16:15 16:30 16:45 17:00"
    assert clocks(paris(22, 14), paris(22, 18)) == "14:00 15:00 16:00 17:00 18:00"
    assert clocks(paris(22, 1, 10), paris(22, 22, 50)) == "06:00 12:00 18:00"
    day = clocks(paris(22, 1, 10), paris(22, 22, 50), count=8)
    assert day == "03:00 06:00 09:00 12:00 15:00 18:00 21:00"


def test_time_ticks_several_days() -> None:
    def days(start: dt.datetime, end: dt.datetime, zone: str, count: int = 6) -> str:
        return " ".join(t.strftime("%Y-%m-%d %H") for t in time_ticks(start, end, zone, count))

    assert days(paris(22, 9), paris(25, 18), "Europe/Paris") == (
        "2021-09-23 00 2021-09-24 00 2021-09-25 00"
    )
    assert days(paris(22, 9), paris(25, 18), "Europe/Paris", 8) == (
        "2021-09-22 12 2021-09-23 00 2021-09-23 12 2021-09-24 00 2021-09-24 12 2021-09-25 00 "
        "2021-09-25 12"
    )
    assert days(paris(1, 0), paris(30, 0), "Europe/Paris") == (  # Mondays
        "2021-09-06 00 2021-09-13 00 2021-09-20 00 2021-09-27 00"
    )
    assert days(paris(1, 0, month=1), paris(1, 0, month=12), "Europe/Paris") == (
        "2021-01-01 00 2021-04-01 00 2021-07-01 00 2021-10-01 00"
    )
    decades = time_ticks(paris(1, 0, month=1, year=2001), paris(1, 0, month=1, year=2031), "UTC")
    assert [t.year for t in decades] == [2005, 2010, 2015, 2020, 2025, 2030]


def test_time_ticks_across_the_autumn_dst_change_in_paris() -> None:
    start = dt.datetime(2021, 10, 31, 0, 0, tzinfo=PARIS)  # CEST, +02:00
    end = dt.datetime(2021, 10, 31, 6, 0, tzinfo=PARIS)  # CET, +01:00
    assert end.timestamp() - start.timestamp() == 7 * 3600
    # 02:00 happens twice: with hourly ticks, both are ticks, exactly one hour apart.
    hourly = time_ticks(start, end, "Europe/Paris", count=10)
    assert clocks(start, end, count=10) == "00:00 01:00 02:00 02:00 03:00 04:00 05:00 06:00"
    assert {b.timestamp() - a.timestamp() for a, b in pairwise(hourly)} == {3600}
    assert [t.utcoffset() for t in hourly[2:4]] == [dt.timedelta(hours=2), dt.timedelta(hours=1)]
    # With longer steps, the repeated hour is a tick once.
    assert clocks(start, end) == "00:00 02:00 04:00 06:00"


def test_time_ticks_across_the_spring_dst_change_in_paris() -> None:
    start = dt.datetime(2021, 3, 28, 0, 0, tzinfo=PARIS)
    end = dt.datetime(2021, 3, 28, 6, 0, tzinfo=PARIS)  # 5 hours later: 02:00 does not exist
    assert clocks(start, end) == "00:00 01:00 03:00 04:00 05:00 06:00"
    assert clocks(start, end, count=3) == "00:00 04:00 06:00"


def test_time_ticks_are_round_in_the_display_zone() -> None:
    start = dt.datetime(2021, 9, 22, 12, 0, tzinfo=UTC)
    end = dt.datetime(2021, 9, 22, 16, 0, tzinfo=UTC)
    assert clocks(start, end, "UTC") == "12:00 13:00 14:00 15:00 16:00"
    assert clocks(start, end, "Europe/Paris") == "14:00 15:00 16:00 17:00 18:00"
    assert time_ticks(start, end, "UTC") == time_ticks(start, end, "Europe/Paris")  # same instants
    # A half-hour zone: its round hours are at UTC half hours.
    assert clocks(start, end, "Asia/Kolkata") == "18:00 19:00 20:00 21:00"
    assert all(t.astimezone(UTC).minute == 30 for t in time_ticks(start, end, "Asia/Kolkata"))
    assert clocks(start, end, "Nowhere/Atlantis") == clocks(start, end, "UTC")


def test_time_ticks_of_one_instant_and_of_reversed_bounds() -> None:
    assert time_ticks(paris(22, 16, 7), paris(22, 16, 7), "Europe/Paris") == (paris(22, 16, 7),)
    assert clocks(paris(22, 18), paris(22, 14)) == clocks(paris(22, 14), paris(22, 18))


def tick_labels(chart: Chart, lang: str) -> str:
    """The x tick labels (texts at y 283, and 297 for the day), joined with `|`."""
    svg = svg_of(draw_chart(chart, lang, "c"))
    labels = (t.text or "" for t in svg.iter(f"{SVG}text") if t.get("y") in ("283", "297"))
    return spaced("|".join(labels))


def test_time_labels_are_localised_and_zoned() -> None:
    afternoon = every(dt.datetime(2021, 9, 22, 14, tzinfo=UTC), 60, 3)
    chart = Chart("line", "t", afternoon, (Series("v", (1, 2, 3)),), timezone="UTC")
    assert tick_labels(chart, "en") == "14:00|14:15|14:30|14:45|15:00|15:15|15:30|15:45|16:00"
    in_paris = Chart("line", "t", afternoon, chart.series)
    assert tick_labels(in_paris, "fr").startswith("16 h 00|16 h 15|16 h 30")
    assert tick_labels(in_paris, "fr-FR") == tick_labels(in_paris, "fr")
    unknown = Chart("line", "t", afternoon, chart.series, timezone="Mars/Olympus")
    assert tick_labels(unknown, "en") == tick_labels(chart, "en")


def test_time_labels_show_the_day_at_midnight_or_beyond_24_hours() -> None:
    night = Chart("line", "t", every(paris(22, 20), 60, 9), (Series("v", tuple(range(9))),))
    assert (
        tick_labels(night, "fr")
        == "20 h 00|21 h 00|22 h 00|23 h 00|0 h 00|23/09|1 h 00|2 h 00|3 h 00|4 h 00"
    )
    three_days = Chart("line", "t", every(paris(22, 0), 360, 13), (Series("v", (1,) * 13),))
    assert tick_labels(three_days, "en") == (
        "00:00|22 Sep|12:00|22 Sep|00:00|23 Sep|12:00|23 Sep|00:00|24 Sep|12:00|24 Sep|00:00|25 Sep"
    )
    week = Chart("bar", "t", every(paris(20, 0), 24 * 60, 8), (Series("v", (1,) * 8),))
    assert tick_labels(week, "fr") == "20/09|21/09|22/09|23/09|24/09|25/09|26/09|27/09"
    assert tick_labels(week, "en").startswith("20 Sep|21 Sep")


# --- golden files ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLDEN_CHARTS))
def test_golden(name: str, request: pytest.FixtureRequest) -> None:
    make, lang = GOLDEN_CHARTS[name]
    drawn = draw_chart(make(), lang, "chart-1") + "\n"
    path = GOLDEN / f"{name}.html"
    if request.config.getoption("--update-golden"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(drawn, encoding="utf-8", newline="\n")
    assert path.is_file(), f"{path} is missing: run `pytest --update-golden` and review it"
    assert drawn == path.read_text(encoding="utf-8"), (
        f"{path.name} differs from a fresh drawing; if the change is wanted, run "
        "`pytest tests/test_charts.py --update-golden` and review the diff"
    )


@pytest.mark.parametrize("name", sorted(GOLDEN_CHARTS))
def test_every_chart_is_well_formed_deterministic_and_accessible(name: str) -> None:
    make, lang = GOLDEN_CHARTS[name]
    html = draw_chart(make(), lang, "chart-7")
    assert html == draw_chart(make(), lang, "chart-7")
    root = figure(html)
    assert root.tag == "figure" and root.get("class", "").split()[0] == "chart"
    svg = svg_of(html)
    assert svg.get("role") == "img"
    width, height = svg.get("viewBox", "").split()[2:]
    assert width == "640" and (height == "320" or make().kind == "timeline")
    assert svg.get("width") == "100%" and svg.get("font-size") == "12"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.get("id") == "chart-7-title" and desc.get("id") == "chart-7-desc"
    assert (title.text or "").strip() and (desc.text or "").strip()
    assert "\n" not in (desc.text or "")
    summary = root.find("details/summary")
    assert summary is not None
    assert summary.text == {"fr": "Données du graphique", "en": "Chart data"}[lang]
    heads = root.findall("details/table/thead/tr/th")
    assert heads and all(th.get("scope") == "col" for th in heads)
    style = svg.find(f"{SVG}style")
    assert style is not None and "@media (prefers-color-scheme: dark)" in (style.text or "")
    assert "#chart-7 .series-0{color:" in (style.text or "")


def test_numbers_and_coordinates_are_short() -> None:
    html = draw_chart(response_times(), "fr", "c")
    for number in re.findall(r'(?<![\w-])(?:[xy]|width|height|c[xy])="(-?[\d.]+)"', html):
        assert re.fullmatch(r"-?\d+(\.\d)?", number), number
    for path in re.findall(r' d="([^"]*)"', html):
        assert not re.search(r"\d\.\d\d|\.0\b", path), path
    cells = [
        cell
        for row in body_rows(
            draw_chart(
                Chart(
                    "bar", "t", ("a", "b", "c", "d"), (Series("v", (1234.567, 0.5, 2.0, 12345.5)),)
                ),
                "fr",
                "c",
            )
        )
        for cell in row
    ]
    assert cells == ["a", "1234,57", "b", "0,5", "c", "2", "d", "12\u202f345,5"]
    english = body_rows(
        draw_chart(Chart("bar", "t", ("a", "b"), (Series("v", (12345.5, 0.004)),)), "en", "c")
    )
    assert english == [["a", "12,345.5"], ["b", "0.004"]]


# --- content ---------------------------------------------------------------------------------


def test_line_chart_content() -> None:
    html = draw_chart(response_times(), "fr", "chart-1")
    svg = svg_of(html)
    groups = [g for g in svg.iter(f"{SVG}g") if "series" in g.get("class", "")]
    assert [g.get("class") for g in groups] == ["series series-0", "series series-1"]
    paths = [g.find(f"{SVG}path") for g in groups]
    # The outage (None values) breaks each line in two.
    assert all(p is not None and p.get("d", "").count("M") == 2 for p in paths)
    dashes = [p.get("stroke-dasharray") for p in paths if p is not None]
    assert dashes == [None, "6 4"]
    assert "Panne" in texts(svg) and "Déploiement des optimisations" in texts(svg)
    assert len(svg.findall(f".//{SVG}rect[@class='window']")) == 1
    assert len(svg.findall(f".//{SVG}path[@class='marker']")) == 1
    assert [t for t in texts(svg) if t in ("médiane", "p95")] == ["médiane", "p95"]  # legend
    heads = ["".join(th.itertext()) for th in figure(html).iterfind("details/table/thead/tr/th")]
    assert heads == ["heure (22/09/2021)", "médiane (ms)", "p95 (ms)"]
    rows = body_rows(html)
    assert len(rows) == 49 and rows[0] == ["14 h 00", "300", "800"] and rows[25][1:] == ["", ""]


def test_series_are_told_apart_by_dash_pattern() -> None:
    names = ("a", "b", "c", "d")
    chart = Chart("line", "t", ("x", "y"), tuple(Series(n, (1, 2)) for n in names))
    svg = svg_of(draw_chart(chart, "en", "c"))
    lines = [g.find(f"{SVG}path") for g in svg.iter(f"{SVG}g")]
    dashes = [p.get("stroke-dasharray") for p in lines if p is not None]
    assert dashes == [None, "6 4", "2 3", "10 3 2 3"]
    swatches = [
        p.get("stroke-dasharray")
        for p in svg.iter(f"{SVG}path")
        if p.get("class", "").startswith("series ")
    ]
    assert swatches == dashes
    bars = svg_of(
        draw_chart(Chart("bar", "t", ("x",), (Series("a", (1,)), Series("b", (2,)))), "en", "c")
    )
    groups = [g.get("stroke-dasharray") for g in bars.iter(f"{SVG}g")]
    assert groups == [None, "6 4", None, "6 4"]  # legend swatches, then the bars


def test_desc_mentions_range_peak_markers_and_windows() -> None:
    text = spaced(describe(response_times(), "fr"))
    assert "16\u00a0h\u00a000" in describe(response_times(), "fr")  # a time never breaks
    assert text == spaced(
        "Graphique en courbes\u00a0: médiane et p95 en ms, le 22/09/2021 de 14 h 00 à 18 h 00"
        "\u00a0; pic 6000 ms (p95) à 15 h 45\u00a0; repère\u00a0: Déploiement des "
        "optimisations à 17 h 10\u00a0; fenêtre\u00a0: Panne de 16 h 00 à 16 h 26."
    )
    english = spaced(describe(response_times(), "en"))
    assert "peak 6000 ms (p95) at 15:45" in english
    assert "marker: Déploiement des optimisations at 17:10" in english
    assert describe(severity_bars(), "en").endswith(
        "peak 9 (2024) at SEV3; marker: seuil d'astreinte at SEV2."
    )
    negative = describe(negative_values(), "en")
    assert "peak 50 at 14:00" in negative and "minimum -83 at 15:35" in negative
    assert describe(empty_chart(), "en") == "Line chart: p50 in ms: no data."
    timeline = spaced(describe(incident_timeline(), "en"))
    assert timeline.startswith("Timeline: 10 events, on 22 Sep 2021 from 15:50 to 17:56")
    assert "markers: détecté at 15:54, résolu at 17:56" in timeline
    days = spaced(
        describe(
            Chart(
                "line",
                "t",
                every(paris(22, 20), 60, 9),
                (Series("v", tuple(range(9))),),
                markers=(Marker(paris(23, 1), "m"),),
            ),
            "en",
        )
    )
    assert "from 22 Sep 2021 20:00 to 23 Sep 2021 04:00" in days and "m at 23 Sep 01:00" in days


def test_escaping_of_user_text() -> None:
    evil = "<script>alert(1)</script>"
    chart = Chart(
        "line",
        evil,
        AFTERNOON[:3],
        (Series(evil, (1, 2, 3)), Series('" onload="x', (3, 2, 1))),
        unit="<b>ms</b>",
        markers=(Marker(AFTERNOON[1], evil),),
        windows=(Window(AFTERNOON[0], AFTERNOON[1], "a & b\x00\x1b"),),
        x_label=evil,
    )
    html = draw_chart(chart, "en", "c")
    assert "<script" not in html and "<b>" not in html and "\x00" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "onload=" not in re.sub(r"&quot; onload=&quot;", "", html)
    assert "href" not in html and "javascript" not in html.lower()
    svg = svg_of(html)
    assert evil in texts(svg)  # drawn as inert text
    assert "a &amp; b" in html
    timeline = draw_chart(
        Chart("timeline", evil, (), (), events=((paris(22, 16), evil),)), "fr", "c"
    )
    assert "<script" not in timeline and body_rows(timeline) == [["1", "16 h 00", evil]]


def test_no_script_no_event_attributes_no_references() -> None:
    for name, (make, lang) in GOLDEN_CHARTS.items():
        html = draw_chart(make(), lang, "c")
        assert "<script" not in html, name
        assert not re.search(r"\son[a-z]+=", html), name
        assert "href" not in html and "url(" not in html and "<image" not in html, name


def test_markers_and_windows_outside_the_range_are_skipped_or_clipped() -> None:
    chart = Chart(
        "line",
        "t",
        AFTERNOON,
        (Series("v", MEDIAN),),
        markers=(
            Marker(paris(21, 10), "before"),
            Marker(paris(23, 10), "after"),
            Marker("SEV1", "wrong kind"),
            Marker(paris(22, 15), "inside"),
        ),
        windows=(
            Window(paris(22, 12), paris(22, 13), "gone"),
            Window(paris(22, 17), paris(22, 23), "clipped"),
        ),
    )
    html = draw_chart(chart, "en", "c")
    svg = svg_of(html)
    assert len(svg.findall(f".//{SVG}path[@class='marker']")) == 1
    assert "inside" in texts(svg) and "before" not in html and "wrong kind" not in html
    windows = svg.findall(f".//{SVG}rect[@class='window']")
    assert len(windows) == 1 and "gone" not in html
    right = float(windows[0].get("x", "0")) + float(windows[0].get("width", "0"))
    assert right == pytest.approx(624, abs=0.1)
    assert "window: clipped from 17:00 to 23:00" in describe(chart, "en")


def test_marker_labels_stay_inside_the_plot() -> None:
    long = "a rather long marker label near the right edge"
    chart = Chart(
        "line",
        "t",
        AFTERNOON,
        (Series("v", MEDIAN),),
        markers=(Marker(AFTERNOON[-2], long), Marker(AFTERNOON[-1], "end")),
    )
    svg = svg_of(draw_chart(chart, "en", "c"))
    labels = [t for t in svg.iter(f"{SVG}text") if "marker" in t.get("class", "")]
    assert len(labels) == 2
    for label in labels:
        x = float(label.get("x", "0"))
        assert x >= 0 and x + text_width(label.text or "") <= 624 + 0.5
    assert labels[0].get("y") != labels[1].get("y")  # stacked, not overlapping


def test_empty_charts_say_so() -> None:
    charts = [
        empty_chart(),
        Chart("line", "", AFTERNOON[:3], (Series("v", (None, None, None)),)),
        Chart("bar", "t", ("a", "b"), ()),
        Chart("timeline", "t", (), (), markers=(Marker(paris(22, 16), "m"),)),
    ]
    for chart, lang, said in zip(
        charts,
        ["fr", "en", "en", "fr"],
        ["Pas de données", "No data", "No data", "Pas de données"],
        strict=True,
    ):
        html = draw_chart(chart, lang, "c")
        svg = svg_of(html)
        assert said in texts(svg)
        assert svg.find(f"{SVG}title") is not None
        assert figure(html).find("details/table/thead") is not None


def test_single_point_is_a_dot_with_padded_axes() -> None:
    svg = svg_of(draw_chart(single_point(), "en", "c"))
    dots = list(svg.iter(f"{SVG}circle"))
    assert len(dots) == 1 and dots[0].get("cx") == "332"  # the middle of the plot (40 → 624)
    labels = texts(svg)
    assert labels[labels.index("ms") + 1 : labels.index("ms") + 5] == ["0", "20", "40", "60"]
    assert "15:30" in labels and "16:30" in labels


def test_negative_values_draw_a_zero_line() -> None:
    svg = svg_of(draw_chart(negative_values(), "fr", "c"))
    assert len(svg.findall(f".//{SVG}path[@class='zero']")) == 1
    assert {"-100", "-50", "0", "50"} <= set(texts(svg))
    bars = Chart("bar", "t", ("a", "b"), (Series("v", (-3, 5)),))
    rects = svg_of(draw_chart(bars, "en", "c")).findall(f".//{SVG}g/{SVG}rect")
    zero_y = float(rects[0].get("y", "0"))  # the negative bar hangs from zero
    assert float(rects[1].get("y", "0")) + float(rects[1].get("height", "0")) == pytest.approx(
        zero_y, abs=0.1
    )


def test_huge_values_are_abbreviated_on_ticks_and_grouped_in_the_table() -> None:
    html = draw_chart(huge_values(), "en", "c")
    assert {"0", "10M", "20M", "30M"} <= set(texts(svg_of(html)))
    assert body_rows(html)[0] == ["Q1", "1,234,567"]
    french = draw_chart(huge_values(), "fr", "c")
    assert body_rows(french)[2] == ["Q3", "9\u202f870\u202f000,5"]
    fine = Chart("line", "t", ("a", "b"), (Series("v", (1_000_000.0, 1_000_003.0)),))
    labels = texts(svg_of(draw_chart(fine, "en", "c")))
    assert "1,000,001" in labels or "1,000,000.5" in labels  # too fine to abbreviate
    tiny = Chart("line", "t", ("a", "b"), (Series("v", (0.001, 0.004)),))
    assert {"0.001", "0.002", "0.003", "0.004"} <= set(texts(svg_of(draw_chart(tiny, "en", "c"))))
    big = Chart("bar", "t", ("a",), (Series("v", (2.5e12,)),))
    assert "3T" in texts(svg_of(draw_chart(big, "en", "c")))


def test_area_is_filled_below_the_line() -> None:
    svg = svg_of(draw_chart(error_area(), "en", "c"))
    group = next(g for g in svg.iter(f"{SVG}g") if "series-0" in g.get("class", ""))
    fill, line = group.findall(f"{SVG}path")
    assert fill.get("fill-opacity") == "0.15" and fill.get("d", "").endswith("Z")
    assert line.get("fill") == "none"


def test_bars_on_a_time_axis_are_centred_on_each_time() -> None:
    times = every(paris(22, 14), 60, 4)
    svg = svg_of(draw_chart(Chart("bar", "t", times, (Series("v", (1, 2, 3, 4)),)), "en", "c"))
    rects = svg.findall(f".//{SVG}g/{SVG}rect")
    centres = [float(r.get("x", "0")) + float(r.get("width", "0")) / 2 for r in rects]
    ticks = [
        float(p.get("d", "M0").split()[0][1:])
        for p in svg.iter(f"{SVG}path")
        if p.get("d", "").endswith("v4")
    ]
    assert len(centres) == 4 and len(ticks) == 9  # ticks every 30 minutes
    assert centres == pytest.approx(ticks[1::2], abs=0.1)


def test_time_values_are_drawn_in_time_order() -> None:
    shuffled = (AFTERNOON[2], AFTERNOON[0], AFTERNOON[1])
    chart = Chart("line", "t", shuffled, (Series("v", (3, 1, 2)),))
    assert [row[1] for row in body_rows(draw_chart(chart, "en", "c"))] == ["1", "2", "3"]


def test_timeline_numbers_events_in_time_order() -> None:
    chart = incident_timeline()
    reversed_chart = Chart("timeline", "t", (), (), events=chart.events[::-1])
    html = draw_chart(reversed_chart, "fr", "c")
    rows = body_rows(html)
    assert [r[0] for r in rows] == [str(n) for n in range(1, 11)]
    assert rows[0] == ["1", "15 h 50", "étape 0"] and rows[-1] == ["10", "17 h 56", "étape 126"]
    heads = ["".join(th.itertext()) for th in figure(html).iterfind("details/table/thead/tr/th")]
    assert heads == ["N°", "Heure (22/09/2021)", "Événement"]
    svg = svg_of(draw_chart(chart, "fr", "c"))
    assert len(list(svg.iter(f"{SVG}circle"))) == 10
    assert [t for t in texts(svg) if t.isdigit()] == [str(n) for n in range(1, 11)]
    assert svg.get("viewBox", "").startswith("0 0 640 ")
    # The window starts before the first event: the axis widens to show it whole.
    assert "impact" in texts(svg) and "détecté" in texts(svg) and "résolu" in texts(svg)
    # Each dot has its tooltip: number, time, text.
    titles = [c.findtext(f"{SVG}title") for c in svg.iter(f"{SVG}circle")]
    assert spaced(titles[0] or "") == "1 · 15 h 50 — étape 0"
    assert spaced(titles[-1] or "") == "10 · 17 h 56 — étape 126"
    assert "heures Europe/Paris (UTC+2)" in texts(svg)


def test_more_than_500_rows_are_cut_with_a_note() -> None:
    times = every(paris(22, 0), 1, 620)
    chart = Chart("line", "t", times, (Series("v", tuple(float(i % 37) for i in range(620))),))
    html = draw_chart(chart, "en", "c")
    assert len(body_rows(html)) == 500
    note = figure(html).find("details/p")
    assert note is not None and note.text == "120 of 620 rows not shown."
    assert "<p>120 lignes non affichées sur 620.</p>" in draw_chart(chart, "fr", "c")


def test_bad_input_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="chart_id"):
        draw_chart(single_point(), "en", 'x" onload="y')
    with pytest.raises(ValueError, match="kind"):
        draw_chart(Chart("pie", "t", (), ()), "en", "c")
    with pytest.raises(ValueError, match="2 values for 3 x"):
        draw_chart(Chart("line", "t", ("a", "b", "c"), (Series("s", (1, 2)),)), "en", "c")
    with pytest.raises(ValueError, match="all datetimes or all strings"):
        draw_chart(Chart("line", "t", ("a", AFTERNOON[0]), (Series("s", (1, 2)),)), "en", "c")


def test_a_500_point_chart_is_quick_and_small() -> None:
    chart = Chart(
        "line",
        "t",
        every(paris(22, 0), 2, 500),
        (Series("v", tuple(float((i * 37) % 101) for i in range(500))),),
        unit="ms",
        markers=(Marker(paris(22, 10), "deploy"),),
        windows=(Window(paris(22, 6), paris(22, 7), "impact"),),
    )
    seconds = min(timeit.repeat(lambda: draw_chart(chart, "en", "c"), number=5, repeat=3)) / 5
    assert seconds < 0.05
    assert len(svg_of_text(draw_chart(chart, "en", "c"))) < 16_000


def svg_of_text(html: str) -> str:
    """The SVG part of a figure as text."""
    return html[html.index("<svg") : html.index("</svg>") + 6]


# --- any input -------------------------------------------------------------------------------

labels = st.text(max_size=20)
values = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=32))


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from(["line", "area", "bar"]),
    data=st.data(),
    lang=st.sampled_from(["fr", "en"]),
)
def test_any_chart_is_well_formed(kind: str, data: st.DataObject, lang: str) -> None:
    timed = data.draw(st.booleans())
    size = data.draw(st.integers(0, 12))
    if timed:
        moments = st.datetimes(
            dt.datetime(2000, 1, 1), dt.datetime(2040, 1, 1), timezones=st.just(PARIS)
        )
        xs = tuple(data.draw(st.lists(moments, min_size=size, max_size=size)))
    else:
        xs = tuple(data.draw(st.lists(labels, min_size=size, max_size=size)))
    series = tuple(
        Series(data.draw(labels), tuple(data.draw(st.lists(values, min_size=size, max_size=size))))
        for _ in range(data.draw(st.integers(0, 3)))
    )
    at = st.sampled_from(xs) if xs else st.just("nowhere")
    markers = tuple(
        Marker(data.draw(at), data.draw(labels)) for _ in range(data.draw(st.integers(0, 3)))
    )
    windows = tuple(Window(data.draw(at), data.draw(at), data.draw(labels)) for _ in range(2))
    chart = Chart(
        kind,
        data.draw(labels),
        xs,
        series,
        data.draw(labels),
        markers,
        windows,
        timezone=data.draw(st.sampled_from(["Europe/Paris", "UTC", "Nowhere/City"])),
    )
    html = draw_chart(chart, lang, "chart-9")
    figure(html)
    assert html == draw_chart(chart, lang, "chart-9")
    assert "\n" not in describe(chart, lang)


@settings(max_examples=100, deadline=None)
@given(
    events=st.lists(
        st.tuples(
            st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2022, 1, 1), timezones=st.just(UTC)),
            labels,
        ),
        max_size=15,
    ),
    lang=st.sampled_from(["fr", "en"]),
)
def test_any_timeline_is_well_formed(events: list[tuple[dt.datetime, str]], lang: str) -> None:
    chart = Chart(
        "timeline",
        "t",
        (),
        (),
        markers=(Marker(dt.datetime(2021, 1, 1, tzinfo=UTC), "m"),),
        events=tuple(events),
    )
    html = draw_chart(chart, lang, "c")
    figure(html)
    assert len(body_rows(html)) == len(events)
