"""Chart specs: ```chart blocks read into a `Chart`, every PM306 case at its exact line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pmgen.charts import Chart, Marker, Series, Window
from pmgen.commands.lint import run_lint
from pmgen.commands.parse import parse_files
from pmgen.config import build_config
from pmgen.diagnostics import Severity
from pmgen.lint import Selection
from pmgen.model import ChartBlock, Postmortem
from pmgen.read.chartspecs import MAX_DRAWN_POINTS, MAX_ROWS

FIXTURES = Path(__file__).parent / "fixtures" / "timeline"
PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2024, 1, 1)
HINT = "See `pmgen rule PM306` for the spec keys."
MILESTONES = (
    "started_at: 2021-09-22T16:00:00+02:00\n"
    "detected_at: 2021-09-22T16:10:00+02:00\n"
    "resolved_at: 2021-09-22T16:26:00+02:00\n"
)


def offset(hours: float) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours))


def paris(clock: str, day: str = "2021-09-22") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=PARIS)


def document(spec: str, front: str = MILESTONES, timeline: str = "* 16:00 — Panne.\n") -> str:
    """A complete postmortem whose Analyse holds one ```chart block with `spec`."""
    return (
        f"---\ntitle: Panne du site\ndate: 2021-09-22\nlang: fr\n{front}---\n\n"
        "Le site a été indisponible.\n\n"
        "## Contexte\n\nLe site tourne sur deux instances.\n\n"
        f"## Chronologie\n\n{timeline}\n"
        "## Enseignements\n\nSurveiller la mémoire.\n\n"
        f"## Analyse\n\nLes temps de réponse :\n\n```chart\n{spec}```\n\n"
        "## Travaux restants\n\n* [ ] Passer en XL @julien\n"
    )


def write(folder: Path, text: str, files: dict[str, str | bytes] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in (files or {}).items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    path = folder / "2021-09-22-panne.md"
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path, root: Path | None = None) -> Postmortem:
    root = root or path.parent
    [parsed] = parse_files([path], build_config({}, root, None), root).results
    assert parsed.postmortem is not None
    return parsed.postmortem


def chart_of(
    tmp_path: Path, spec: str, files: dict[str, str | bytes] | None = None, **kw: str
) -> Chart:
    postmortem = load(write(tmp_path, document(spec, **kw), files))
    [block] = postmortem.charts
    assert [d.message for d in postmortem.diagnostics if d.code == "PM306"] == []
    assert block.chart is not None
    return block.chart


def line_of(text: str, needle: str) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


# --- valid charts ---------------------------------------------------------------------------


def test_fixture_csv_chart_and_inline_category_chart() -> None:
    postmortem = load(FIXTURES / "latence.md")
    window_start = dt.datetime(2023, 1, 4, 5, 10, tzinfo=offset(1))
    window_end = dt.datetime(2023, 1, 4, 6, 0, tzinfo=offset(1))
    assert postmortem.charts == (
        ChartBlock(
            31,
            Chart(
                kind="line",
                title="Latence de la recherche le 4 janvier 2023",
                x=tuple(paris(f"05:{m}0", "2023-01-04") for m in range(6)),
                series=(
                    Series("p50_ms", (120.0, 850.0, 1900.0, None, 600.0, 140.0)),
                    Series("p95_ms", (310.0, 2400.0, 5200.0, 4100.0, 1500.0, 330.0)),
                ),
                unit="ms",
                markers=(
                    Marker(dt.datetime(2023, 1, 4, 5, 13, tzinfo=offset(1)), "Détection"),
                    Marker(dt.datetime(2023, 1, 4, 5, 30, tzinfo=offset(1)), "Ajout d'un nœud"),
                ),
                windows=(Window(window_start, window_end, "Impact"),),
                x_label="heure",
                timezone="Europe/Paris",
            ),
        ),
        ChartBlock(
            44,
            Chart(
                kind="bar",
                title="Requêtes en échec par service",
                x=("recherche", "suggestions", "catalogue"),
                series=(Series("echecs", (412.0, 37.0, 0.0)),),
                x_label="service",
                timezone="Europe/Paris",
            ),
        ),
    )
    # Naive CSV times are read in the postmortem's zone.
    first = postmortem.charts[0].chart
    assert first is not None
    assert {x.tzinfo for x in first.x if isinstance(x, dt.datetime)} == {PARIS}
    assert [d for d in postmortem.diagnostics if d.code == "PM306"] == []


def test_fixture_lints_clean() -> None:
    path = FIXTURES / "latence.md"
    report = run_lint(
        [path],
        build_config({}, path.parent, None),
        path.parent,
        TODAY,
        Selection(min_severity=Severity.INFO),
    )
    assert report.diagnostics == ()


def test_csv_values_aware_times_decimal_commas_and_blanks(tmp_path: Path) -> None:
    csv = (
        "heure,mediane_ms,erreurs\n"
        "2021-09-22T16:00:00+02:00,2500,12\n"
        '2021-09-22T14:10:00Z,"2,5",\n'
        "2021-09-22 16:20,1 200,0.5\n"
    )
    chart = chart_of(
        tmp_path, "data: temps.csv\nx: heure\ny: [mediane_ms, erreurs]\n", {"temps.csv": csv}
    )
    assert chart.x == (
        dt.datetime(2021, 9, 22, 16, 0, tzinfo=offset(2)),
        dt.datetime(2021, 9, 22, 14, 10, tzinfo=dt.UTC),
        paris("16:20"),
    )
    assert chart.series == (
        Series("mediane_ms", (2500.0, 2.5, 1200.0)),
        Series("erreurs", (12.0, None, 0.5)),
    )
    assert (chart.kind, chart.title, chart.unit, chart.x_label) == ("line", "", "", "heure")


def test_csv_in_a_subfolder_with_a_bom(tmp_path: Path) -> None:
    files = {"panne/donnees.csv": "\ufeffheure,v\n2021-09-22 16:00,1\n".encode()}
    chart = chart_of(tmp_path, "data: panne/donnees.csv\nx: heure\ny: v\n", files)
    assert chart.x == (paris("16:00"),)
    assert chart.series == (Series("v", (1.0,)),)


def test_inline_rows_with_yaml_datetimes(tmp_path: Path) -> None:
    chart = chart_of(
        tmp_path,
        "type: area\ntitle: Connexions\nunit: conn.\nx: t\ny: pool\nrows:\n"
        "  - {t: 2021-09-22T16:00:00+02:00, pool: 30}\n"
        "  - {t: '2021-09-22 16:10', pool: 12.5}\n",
    )
    assert chart == Chart(
        kind="area",
        title="Connexions",
        x=(dt.datetime(2021, 9, 22, 16, 0, tzinfo=offset(2)), paris("16:10")),
        series=(Series("pool", (30.0, 12.5)),),
        unit="conn.",
        windows=(Window(paris("16:00"), paris("16:26"), "Impact"),),
        x_label="t",
        timezone="Europe/Paris",
    )


def test_category_x_with_markers_and_windows_on_categories(tmp_path: Path) -> None:
    chart = chart_of(
        tmp_path,
        "type: bar\nx: instance\ny: memoire_mo\n"
        "rows:\n  - {instance: web-1, memoire_mo: 980}\n  - {instance: web-2, memoire_mo: 1010}\n"
        "markers:\n  - {at: web-2, label: Limite}\n"
        "windows:\n  - {start: web-1, end: web-2, label: Swap}\n",
    )
    assert chart.x == ("web-1", "web-2")
    assert chart.markers == (Marker("web-2", "Limite"),)
    # No default impact window on a category axis.
    assert chart.windows == (Window("web-1", "web-2", "Swap"),)


def test_mixed_x_values_are_categories(tmp_path: Path) -> None:
    chart = chart_of(
        tmp_path, "x: t\ny: v\nrows:\n  - {t: '2021-09-22 16:00', v: 1}\n  - {t: plus tard, v: 2}\n"
    )
    assert chart.x == ("2021-09-22 16:00", "plus tard")
    assert chart.windows == ()


def test_markers_by_time_and_by_milestone(tmp_path: Path) -> None:
    chart = chart_of(
        tmp_path,
        "x: t\ny: v\nrows:\n  - {t: '2021-09-22 16:00', v: 1}\n"
        "markers:\n"
        "  - detected\n"
        "  - {at: resolved, label: Retour}\n"
        "  - {at: started}\n"
        "  - {at: '2021-09-22T16:18:00', label: Redémarrage}\n"
        "  - {at: 2021-09-22T14:20:00Z, label: Alerte}\n",
    )
    assert chart.markers == (
        Marker(paris("16:10"), "Détection"),
        Marker(paris("16:26"), "Retour"),
        Marker(paris("16:00"), "started"),
        Marker(paris("16:18"), "Redémarrage"),
        Marker(dt.datetime(2021, 9, 22, 14, 20, tzinfo=dt.UTC), "Alerte"),
    )


def test_windows_replace_the_default_impact_window(tmp_path: Path) -> None:
    chart = chart_of(
        tmp_path,
        "x: t\ny: v\nrows:\n  - {t: '2021-09-22 16:00', v: 1}\n"
        "windows:\n  - {start: detected, end: '2021-09-22 16:18', label: Analyse}\n"
        "  - {start: started, end: resolved}\n",
    )
    assert chart.windows == (
        Window(paris("16:10"), paris("16:18"), "Analyse"),
        Window(paris("16:00"), paris("16:26"), ""),
    )


def test_default_impact_window_from_the_timeline_and_in_english(tmp_path: Path) -> None:
    # No milestones declared: start and end come from the first and last timed entries.
    text = document(
        "x: t\ny: v\nrows:\n  - {t: '2021-09-22 16:00', v: 1}\n",
        front="",
        timeline="* 16:00 — Outage.\n* 16:40 — Back.\n",
    ).replace("lang: fr", "lang: en")
    [block] = load(write(tmp_path, text)).charts
    assert block.chart is not None
    assert block.chart.windows == (Window(paris("16:00"), paris("16:40"), "Impact"),)


def test_impact_false_suppresses_the_default_window(tmp_path: Path) -> None:
    chart = chart_of(
        tmp_path, "x: t\ny: v\nimpact: false\nrows:\n  - {t: '2021-09-22 16:00', v: 1}\n"
    )
    assert chart.windows == ()


def test_no_default_window_without_start_and_end(tmp_path: Path) -> None:
    chart = chart_of(
        tmp_path,
        "x: t\ny: v\nrows:\n  - {t: '2021-09-22 16:00', v: 1}\n",
        front="",
        timeline="* Panne.\n",
    )
    assert chart.windows == ()


def test_empty_rows_give_an_empty_chart(tmp_path: Path) -> None:
    chart = chart_of(tmp_path, "x: t\ny: v\nrows: []\n")
    assert (chart.x, chart.series, chart.windows) == ((), (Series("v", ()),), ())


def test_other_fences_are_not_charts(tmp_path: Path) -> None:
    text = document("x: t\ny: v\nrows: []\n").replace("```chart\n", "```yaml\n")
    assert load(write(tmp_path, text)).charts == ()


def test_chart_block_line_is_the_fence_line(tmp_path: Path) -> None:
    text = document("x: t\ny: v\nrows:\n  - {t: a, v: 1}\n")
    [block] = load(write(tmp_path, text)).charts
    assert block.line == line_of(text, "```chart")


# --- PM306 ----------------------------------------------------------------------------------

ROWS = "rows:\n  - {t: '2021-09-22 16:00', v: 1}\n"
CSV = "heure,p50_ms\n2021-09-22 16:00,120\n2021-09-22 16:10,n/a\n"

# (spec, files, the line's needle or None for the fence line, message)
PM306_CASES = [
    pytest.param(
        "type: line\ntitle: Latence: p95\nx: t\ny: v\n",
        {},
        "title: Latence",
        "chart: the chart spec is not valid YAML: mapping values are not allowed here",
        id="yaml-does-not-parse",
    ),
    pytest.param(
        "- x: t\n- y: v\n",
        {},
        "- x: t",
        "chart: the chart spec must be `key: value` pairs, not a list",
        id="not-a-mapping",
    ),
    pytest.param(
        "x: t\ny: v\ncolour: red\n" + ROWS,
        {},
        "colour: red",
        "chart: unknown key `colour` (known: type, title, data, rows, x, y, unit, markers, "
        "windows, impact)",
        id="unknown-key",
    ),
    pytest.param(
        "type: pie\nx: t\ny: v\n" + ROWS,
        {},
        "type: pie",
        "chart: `type` must be one of line, area, bar, not 'pie'",
        id="bad-type",
    ),
    pytest.param(
        "x: t\ny: v\n",
        {},
        None,
        "chart: give the data: `data: file.csv` beside the postmortem, or `rows:`",
        id="no-data-nor-rows",
    ),
    pytest.param(
        "",
        {},
        None,
        "chart: give the data: `data: file.csv` beside the postmortem, or `rows:`",
        id="empty-spec",
    ),
    pytest.param(
        "x: t\ny: v\nrows: {t: a, v: 1}\n",
        {},
        "rows:",
        "chart: `rows` must be a list of `column: value` mappings",
        id="rows-not-a-list",
    ),
    pytest.param(
        "x: t\ny: v\ndata: 3\n",
        {},
        "data: 3",
        "chart: `data` must be the path of a CSV file",
        id="data-not-a-path",
    ),
    pytest.param(
        "x: heure\ny: v\ndata: absent.csv\n",
        {},
        "data: absent.csv",
        "chart: `data: absent.csv` does not exist",
        id="missing-file",
    ),
    pytest.param(
        "x: heure\ny: v\ndata: panne\n",
        {"panne/x.csv": "a\n1\n"},
        "data: panne",
        "chart: `data: panne` does not exist",
        id="a-folder",
    ),
    pytest.param(
        "x: heure\ny: v\ndata: /etc/passwd\n",
        {},
        "data: /etc/passwd",
        "chart: `data: /etc/passwd` must be a relative path",
        id="absolute-path",
    ),
    pytest.param(
        "x: heure\ny: v\ndata: 'C:/donnees/temps.csv'\n",
        {},
        "data: 'C:",
        "chart: `data: C:/donnees/temps.csv` must be a relative path",
        id="windows-drive",
    ),
    pytest.param(
        "x: heure\ny: v\ndata: vide.csv\n",
        {"vide.csv": "heure,v\n"},
        "data: vide.csv",
        "chart: `vide.csv` has no data rows",
        id="no-data-rows",
    ),
    pytest.param(
        "x: heure\ny: [p50_ms, p99_ms]\ndata: temps.csv\n",
        {"temps.csv": CSV},
        "y: [p50_ms",
        "chart: no column `p99_ms` in the data (columns: heure, p50_ms)",
        id="missing-y-column",
    ),
    pytest.param(
        "x: time\ny: p50_ms\ndata: temps.csv\n",
        {"temps.csv": CSV},
        "x: time",
        "chart: no column `time` in the data (columns: heure, p50_ms)",
        id="missing-x-column",
    ),
    pytest.param(
        "x: heure\ny: p50_ms\ndata: temps.csv\n",
        {"temps.csv": CSV},
        "y: p50_ms",
        "chart: row 2, column `p50_ms`: 'n/a' is not a number",
        id="non-numeric-csv-value",
    ),
    pytest.param(
        "x: t\ny: v\nrows:\n  - {t: a, v: 1}\n  - {t: b, v: true}\n",
        {},
        "y: v",
        "chart: row 2, column `v`: True is not a number",
        id="boolean-value",
    ),
    pytest.param(
        "x: t\ny: v\nrows:\n  - {t: a, v: 'NaN'}\n",
        {},
        "y: v",
        "chart: row 1, column `v`: 'NaN' is not a finite number",
        id="nan-text",
    ),
    pytest.param(
        "x: t\ny: v\nrows:\n  - {t: a, v: .inf}\n",
        {},
        "y: v",
        "chart: row 1, column `v`: inf is not a finite number",
        id="yaml-infinity",
    ),
    pytest.param(
        "x: t\ny: v\nrows:\n  - {t: a, v: " + "9" * 400 + "}\n",
        {},
        "y: v",
        "chart: row 1, column `v`: " + "9" * 400 + " is not a finite number",
        id="integer-too-large",
    ),
    pytest.param(
        "y: v\n" + ROWS,
        {},
        None,
        "chart: `x` must name a column",
        id="no-x",
    ),
    pytest.param(
        "x: t\ny: {a: 1}\n" + ROWS,
        {},
        "y: {a",
        "chart: `y` must name one column or a list of columns",
        id="y-not-a-column",
    ),
    pytest.param(
        "x: t\ny: v\n" + ROWS + "markers: [mitigated]\n",
        {},
        "markers:",
        "chart: the milestone `mitigated` is not known for this incident "
        "(set `mitigated_at` in the front matter)",
        id="unknown-milestone",
    ),
    pytest.param(
        "x: t\ny: v\n" + ROWS + "markers: {at: detected}\n",
        {},
        "markers:",
        "chart: `markers` must be a list",
        id="markers-not-a-list",
    ),
    pytest.param(
        "x: t\ny: v\n" + ROWS + "markers:\n  - {label: Déploiement}\n",
        {},
        "markers:",
        "chart: each marker needs `at` (a time or a milestone) and a `label`",
        id="marker-without-at",
    ),
    pytest.param(
        "x: t\ny: v\n" + ROWS + "markers:\n  - {at: hier, label: Déploiement}\n",
        {},
        "markers:",
        "chart: 'hier' is neither a date and time nor a milestone "
        "(started, detected, mitigated, resolved)",
        id="marker-not-a-time",
    ),
    pytest.param(
        "x: t\ny: v\n" + ROWS + "windows:\n  - {start: detected}\n",
        {},
        "windows:",
        "chart: each window needs `start` and `end`",
        id="window-without-end",
    ),
    pytest.param(
        "x: t\ny: v\n" + ROWS + "windows: detected\n",
        {},
        "windows:",
        "chart: `windows` must be a list of {start, end, label}",
        id="windows-not-a-list",
    ),
]


@pytest.mark.parametrize(("spec", "files", "needle", "message"), PM306_CASES)
def test_pm306(
    tmp_path: Path, spec: str, files: dict[str, str], needle: str | None, message: str
) -> None:
    text = document(spec)
    path = write(tmp_path, text, files)
    postmortem = load(path)
    fence = line_of(text, "```chart")
    line = fence if needle is None else line_of(text, needle)
    assert postmortem.charts == (ChartBlock(fence, None),)
    found = [
        (d.code, d.severity, d.line, d.column, d.message, d.hint) for d in postmortem.diagnostics
    ]
    assert found == [("PM306", Severity.ERROR, line, 1, message, HINT)]


def test_pm306_through_lint(tmp_path: Path) -> None:
    text = document("x: t\ny: v\n")
    path = write(tmp_path, text)
    report = run_lint([path], build_config({}, tmp_path, None), tmp_path, TODAY)
    assert [(d.code, d.line) for d in report.diagnostics] == [("PM306", line_of(text, "```chart"))]


def test_data_escaping_the_content_root(tmp_path: Path) -> None:
    root = tmp_path / "postmortems"
    (tmp_path / "secret.csv").write_text("heure,v\n2021-09-22 16:00,1\n", encoding="utf-8")
    text = document("x: heure\ny: v\ndata: ../secret.csv\n")
    postmortem = load(write(root, text), root)
    assert [(d.line, d.message) for d in postmortem.diagnostics] == [
        (
            line_of(text, "data: ../secret.csv"),
            "chart: `data: ../secret.csv` points outside the content folder",
        )
    ]
    encoded = document("x: heure\ny: v\ndata: '%2E%2E/secret.csv'\n")
    postmortem = load(write(root, encoded), root)
    assert [d.message for d in postmortem.diagnostics] == [
        "chart: `data: %2E%2E/secret.csv` points outside the content folder"
    ]


def test_csv_that_is_not_utf8(tmp_path: Path) -> None:
    data = "heure,débit\n2021-09-22 16:00,1\n".encode("latin-1")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        reason = str(error)
    text = document("x: heure\ny: débit\ndata: latin1.csv\n")
    postmortem = load(write(tmp_path, text, {"latin1.csv": data}))
    assert [(d.line, d.message) for d in postmortem.diagnostics] == [
        (line_of(text, "data: latin1.csv"), f"chart: cannot read `latin1.csv`: {reason}")
    ]
    assert reason == "'utf-8' codec can't decode byte 0xe9 in position 7: invalid continuation byte"


def test_csv_rows_with_more_cells_than_the_header(tmp_path: Path) -> None:
    # A trailing comma on data lines only: the extra cells have no column name.
    csv = "heure,v\n2021-09-22 16:00,1,\n2021-09-22 16:10,2,\n"
    chart = chart_of(tmp_path, "x: heure\ny: v\ndata: d.csv\n", {"d.csv": csv})
    assert chart.series == (Series("v", (1.0, 2.0)),)
    text = document("x: heure\ny: w\ndata: d.csv\n")
    postmortem = load(write(tmp_path, text, {"d.csv": csv}))
    assert [(d.line, d.message) for d in postmortem.diagnostics] == [
        (line_of(text, "y: w"), "chart: no column `w` in the data (columns: heure, v)")
    ]


def test_csv_with_an_unclosed_quote_in_a_large_file(tmp_path: Path) -> None:
    csv = 'heure,v\n2021-09-22 16:00,"1\n' + "2021-09-22 16:10,2\n" * 10_000
    text = document("x: heure\ny: v\ndata: d.csv\n")
    postmortem = load(write(tmp_path, text, {"d.csv": csv}))
    assert [(d.line, d.message) for d in postmortem.diagnostics] == [
        (
            line_of(text, "data: d.csv"),
            "chart: `d.csv` is not a readable CSV file: field larger than field limit (131072)",
        )
    ]


def _rows_csv(count: int) -> str:
    start = dt.datetime(2021, 9, 22)
    lines = ["heure,v"]
    lines.extend(f"{start + dt.timedelta(minutes=i):%Y-%m-%d %H:%M},{i % 7}" for i in range(count))
    return "\n".join(lines) + "\n"


def test_max_rows_is_accepted_and_one_more_is_refused(tmp_path: Path) -> None:
    assert MAX_ROWS == 100_000
    chart = chart_of(
        tmp_path / "ok", "x: heure\ny: v\ndata: big.csv\n", {"big.csv": _rows_csv(MAX_ROWS)}
    )
    assert len(chart.x) <= MAX_DRAWN_POINTS + 3
    text = document("x: heure\ny: v\ndata: big.csv\n")
    postmortem = load(write(tmp_path / "ko", text, {"big.csv": _rows_csv(MAX_ROWS + 1)}))
    assert [(d.line, d.message) for d in postmortem.diagnostics] == [
        (line_of(text, "data: big.csv"), "chart: `big.csv` has more than 100,000 rows")
    ]


# --- thinning -------------------------------------------------------------------------------


def test_thinning_keeps_few_points_the_ends_and_the_peak(tmp_path: Path) -> None:
    count, peak, trough = 5_000, 3_217, 4_001
    start = dt.datetime(2021, 9, 22, 12, 0)
    values = {i: float(100 + (i * 37) % 50) for i in range(count)}
    values[peak] = 30_000.0
    values[trough] = -5.0
    lines = ["heure,p50_ms,p95_ms"]
    for i in range(count):
        moment = start + dt.timedelta(seconds=10 * i)
        p50 = "" if i % 97 == 5 else f"{values[i]:g}"
        lines.append(f"{moment:%Y-%m-%d %H:%M:%S},{p50},{values[i] * 2:g}")
    chart = chart_of(
        tmp_path,
        "x: heure\ny: [p50_ms, p95_ms]\ndata: temps.csv\n",
        {"temps.csv": "\n".join(lines) + "\n"},
    )
    assert MAX_DRAWN_POINTS == 1_000
    assert len(chart.x) <= MAX_DRAWN_POINTS * 3
    assert MAX_DRAWN_POINTS // 2 < len(chart.x) <= MAX_DRAWN_POINTS + 3
    assert chart.x[0] == start.replace(tzinfo=PARIS)
    assert chart.x[-1] == (start + dt.timedelta(seconds=10 * (count - 1))).replace(tzinfo=PARIS)
    assert list(chart.x) == sorted(chart.x)
    p50, p95 = chart.series
    assert max(v for v in p50.values if v is not None) == 30_000.0
    assert min(v for v in p50.values if v is not None) == -5.0
    # Every kept point is an original point, with both series still aligned on it.
    for moment, a, b in zip(chart.x, p50.values, p95.values, strict=True):
        i = int((moment.replace(tzinfo=None) - start).total_seconds() // 10)
        assert b == values[i] * 2
        assert a is None or a == values[i]
    peak_at = chart.x[p50.values.index(30_000.0)]
    assert peak_at == (start + dt.timedelta(seconds=10 * peak)).replace(tzinfo=PARIS)


def test_no_thinning_up_to_max_drawn_points(tmp_path: Path) -> None:
    rows = "".join(f"  - {{t: p{i}, v: {i}}}\n" for i in range(MAX_DRAWN_POINTS))
    chart = chart_of(tmp_path, f"type: bar\nx: t\ny: v\nrows:\n{rows}")
    assert len(chart.x) == MAX_DRAWN_POINTS
    assert chart.series[0].values == tuple(float(i) for i in range(MAX_DRAWN_POINTS))
