"""Fuzzing the parsers that face user text: any input gives a result or findings, never an
exception.

Two hypothesis profiles, chosen by the environment variable HYPOTHESIS_PROFILE:
- "ci" (the default, `make test`): a few hundred examples per test, about 30 s in all;
- "long" (`make fuzz`): thousands of examples per test, for a local run of several minutes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pmgen.charts import draw_chart
from pmgen.commands.build import BuildOptions, build_site
from pmgen.commands.parse import parse_files
from pmgen.config import build_config
from pmgen.diagnostics import Diagnostic
from pmgen.model import ReadResult
from pmgen.read.actions import find_due, find_owner, parse_due
from pmgen.read.frontmatter import split_front_matter
from pmgen.read.markdown import split_lines
from pmgen.read.sections import match_section, normalise
from pmgen.read.timeline import ParsedTime, parse_day, parse_time
from pmgen.slugs import MAX_SLUG, slugify, unique

_QUIET = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]
settings.register_profile("ci", max_examples=600, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("long", max_examples=5000, deadline=None, suppress_health_check=_QUIET)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
FUZZ = settings(PROFILE)
# Tests that parse whole documents or build a site are slower: fewer examples in each profile.
FUZZ_SLOW = settings(PROFILE, max_examples=max(20, PROFILE.max_examples // 2))
FUZZ_BUILD = settings(PROFILE, max_examples=max(10, PROFILE.max_examples // 4))

TODAY = dt.date(2024, 6, 1)
SPECS = build_config({}, Path("/nonexistent"), None).sections
# Characters that are not text (lone surrogates) never come out of reading a UTF-8 file.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)))
PRINTABLE = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")))


def yaml_string(value: Any) -> str:
    """A value as YAML flow (JSON without `\\u` escapes, which YAML reads as lone halves)."""
    return json.dumps(value, default=str, ensure_ascii=False)


def pieces(*fragments: str, size: int = 12) -> st.SearchStrategy[str]:
    """Text assembled from meaningful fragments and arbitrary bits."""
    return st.lists(st.one_of(st.sampled_from(fragments), st.text(max_size=6)), max_size=size).map(
        "".join
    )


# --- front matter ----------------------------------------------------------------------------

YAML_BITS = (
    "title: ",
    "date: ",
    "2021-09-22",
    "2021-02-30",
    "2021-09-22T16:00:00+02:00",
    "16:00",
    "lang: en",
    "status: draft",
    "services: ",
    "tags: ",
    "[a, b]",
    "{a: 1}",
    "- x",
    "&a ",
    "*a",
    "<<: *a",
    "!!python/object/apply:os.system ['true']",
    "!!binary aGVsbG8=",
    "!!set {a}",
    "!!omap [a: 1]",
    "!!str ",
    "!custom ",
    '"\\x01"',
    '"\\ud800"',
    '"\\U0001F525"',
    "'quoted ''here'''",
    "|\n  block\n",
    ">-\n  folded\n",
    ": ",
    "? ",
    "%YAML 1.1\n",
    "--- ",
    "...",
    "~",
    "null",
    ".inf",
    "0x1F",
    "1e400",
    "\n",
    "\n  ",
    "\t",
    "#",
)
TOML_BITS = (
    'title = "Panne"',
    "date = 2021-09-22",
    "date = 2021-09-22T16:00:00Z",
    "tags = [",
    "]",
    "[table]",
    "[[array]]",
    '"\\u0001"',
    '"\\uD800"',
    "inf",
    "nan",
    "=",
    '"""',
    "'''",
    "\n",
)


@st.composite
def front_matter_texts(draw: Any) -> str:
    kind = draw(st.sampled_from(["---", "+++", "--- ", "---\r", "+++\t"]))
    bits = YAML_BITS if kind.startswith("-") else TOML_BITS
    inside = draw(
        st.lists(st.one_of(st.sampled_from(bits), TEXT.filter(lambda t: len(t) < 8)), max_size=20)
    )
    closer = draw(st.sampled_from(["---", "...", "+++", "", "--- x"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    body = draw(st.sampled_from(["", "Corps.", "## Contexte\n\nTexte."]))
    return ending.join([kind, "".join(inside), closer, body])


@FUZZ
@given(st.one_of(front_matter_texts(), TEXT), st.booleans())
def test_front_matter_splitting_never_raises(text: str, had_bom: bool) -> None:
    path = Path("/content/2021-09-22-incident.md")
    result = split_front_matter(path, path.parent, "incident.md", text, had_bom)
    assert isinstance(result, ReadResult)
    assert all(
        isinstance(d, Diagnostic) and d.code in ("PM001", "PM002") for d in result.diagnostics
    )
    assert result.document is not None or result.diagnostics
    for diagnostic in result.diagnostics:
        assert 1 <= diagnostic.line <= len(split_lines(text)) + 1
    if result.document is not None:
        assert text.endswith(result.document.body)
        # What reaches the pages and index.json is text that UTF-8 and XML can carry.
        dumped = json.dumps(result.document.front_matter, default=str, ensure_ascii=False)
        dumped.encode("utf-8")
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", dumped.replace("\\u", ""))


# --- section matching ------------------------------------------------------------------------

HEADING_BITS = (
    "Contexte",
    "Chronologie",
    "Enseignements",
    "Analyse",
    "Travaux restants",
    "Timeline",
    "Lessons learned",
    "Action items",
    "1.",
    "2)",
    "IV.",
    "**",
    "_",
    "`",
    ":",
    " (CEST)",
    "é",
    "É",
    "’",
    "\u0301",
    "\u00a0",
    " ",
)


@FUZZ
@given(st.one_of(TEXT, pieces(*HEADING_BITS)))
def test_section_matching_never_raises(text: str) -> None:
    assert isinstance(normalise(text), str)
    found = match_section(text, SPECS)
    assert found is None or found in {spec.id for spec in SPECS}
    assert match_section(text.upper(), SPECS) in (found, None) or found is None


# --- timeline times and days ---------------------------------------------------------------

TIME_BITS = (
    "16:00",
    "16 h 00",
    "9h21",
    "**",
    "[",
    "]",
    "~",
    "vers ",
    "2:54 PM",
    "12 am",
    " PST",
    " CEST",
    " +02:00",
    " -99:99",
    " Z",
    "2021-09-22 ",
    "2021-02-30T",
    "99:99",
    "24:00",
    "23:59:60",
    ".123",
    " — ",
    "(heure de Paris)",
    "heure locale",
    "lendemain",
    "J+1",
)
DAY_BITS = (
    "2021-09-22",
    "22/09/2021",
    "29-02-2021",
    "22 septembre 2021",
    "1er octobre",
    "Mercredi",
    "mercredi 22 septembre",
    "September 22nd, 2021",
    "sept. 22",
    "31 février 2024",
    "99999-01-01",
    "9999-12-31",
    "**",
    ":",
    " ",
)


@FUZZ
@given(st.one_of(TEXT, pieces(*TIME_BITS)))
def test_parse_time_never_raises(text: str) -> None:
    parsed = parse_time(text)
    if parsed is not None:
        assert isinstance(parsed, ParsedTime)
        assert 0 <= parsed.hour <= 23 and 0 <= parsed.minute <= 59 and 0 <= parsed.second <= 59
        assert isinstance(parsed.rest, str)
        moment = dt.datetime.combine(parsed.day or TODAY, dt.time(parsed.hour, parsed.minute))
        if parsed.zone is not None:
            moment.replace(tzinfo=parsed.zone).utcoffset()


@FUZZ
@given(
    st.one_of(TEXT, pieces(*DAY_BITS)),
    st.one_of(st.none(), st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))),
)
def test_parse_day_never_raises(text: str, reference: dt.date | None) -> None:
    day = parse_day(text, reference)
    assert day is None or isinstance(day, dt.date)


# --- action items ----------------------------------------------------------------------------

ACTION_BITS = (
    "@camille",
    "@",
    "@-",
    "(owner: Camille)",
    "(owner:",
    "responsable : Julien",
    "porteur:",
    "due 2021-10-01",
    "échéance : 1er octobre 2021",
    "avant le 31 février 2021",
    "by October 1st, 2021",
    "deadline: sept. 99, 2021",
    "d'ici le 2021-13-45",
    " ",
    ",",
)


@FUZZ
@given(st.one_of(TEXT, pieces(*ACTION_BITS)))
def test_action_items_never_raise(text: str) -> None:
    owner = find_owner(text)
    assert owner is None or isinstance(owner, str)
    due = find_due(text)
    assert due is None or isinstance(due, dt.date)
    assert parse_due(text) is None or isinstance(parse_due(text), dt.date)


# --- chart specs, through parse_files ---------------------------------------------------

SPEC_VALUES = st.one_of(
    st.sampled_from(
        [
            "line",
            "area",
            "bar",
            "pie",
            "t",
            "v",
            "w",
            "[v, w]",
            "[]",
            "{}",
            "data.csv",
            "../secret.csv",
            "/etc/passwd",
            "missing.csv",
            "started",
            "resolved",
            "2024-01-01T10:00",
            "null",
            "true",
            "1e999",
            ".nan",
            '"\\ud800"',
        ]
    ),
    PRINTABLE.filter(lambda t: "\n" not in t and "\r" not in t and len(t) < 12).map(yaml_string),
)
CELLS = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["2024-01-01T10:00", "2024-01-01 10:05+02:00", "", "1,5", "1 000", "x"]),
    PRINTABLE.filter(lambda t: len(t) < 8),
)
MARKERS = st.lists(
    st.fixed_dictionaries(
        {"at": st.one_of(st.sampled_from(["started", "detected", "b"]), CELLS)},
        optional={"label": CELLS},
    ),
    max_size=3,
)


NUMBERS = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(-1e12, 1e12, allow_nan=False),
    st.sampled_from(["", "1,5", "2 500", None]),
)
MOMENTS = st.datetimes(min_value=dt.datetime(2023, 12, 31), max_value=dt.datetime(2024, 1, 2))
CATEGORIES = PRINTABLE.filter(lambda t: len(t) < 10)


@st.composite
def plausible_charts(draw: Any) -> tuple[str, str]:
    """A chart block close to a valid one: known type, x and y columns, numeric rows."""
    xs = draw(st.sampled_from([MOMENTS.map(lambda m: m.isoformat(timespec="minutes")), CATEGORIES]))
    rows = draw(st.lists(st.fixed_dictionaries({"t": xs, "v": NUMBERS, "w": NUMBERS}), max_size=60))
    spec = {
        "type": draw(st.sampled_from(["line", "area", "bar"])),
        "title": draw(PRINTABLE.filter(lambda t: len(t) < 20)),
        "x": "t",
        "y": draw(st.sampled_from(["v", ["v", "w"], ["w"]])),
        "unit": draw(st.sampled_from(["", "ms", "%", "req/s"])),
    }
    if draw(st.booleans()):
        spec["markers"] = draw(MARKERS)
    csv = "t,v,w\n" + "".join(
        f"{r['t']},{r['v'] if r['v'] is not None else ''},{r['w'] if r['w'] is not None else ''}\n"
        for r in rows
    )
    if draw(st.booleans()):
        spec["rows"] = rows
    else:
        spec["data"] = "data.csv"
    return "```chart\n" + yaml_string(spec) + "\n```\n", csv


@st.composite
def chart_blocks(draw: Any) -> tuple[str, str]:
    """A ```chart block (YAML spec, inline rows or a CSV) and the CSV file beside it."""
    if draw(st.booleans()):
        return draw(plausible_charts())
    keys = draw(
        st.lists(
            st.sampled_from(["type", "title", "data", "x", "y", "unit", "impact", "bogus"]),
            unique=True,
            max_size=7,
        )
    )
    lines = [f"{key}: {draw(SPEC_VALUES)}" for key in keys]
    if draw(st.booleans()):
        columns = draw(st.lists(st.sampled_from(["t", "v", "w", "x"]), min_size=1, max_size=3))
        rows = draw(st.lists(st.fixed_dictionaries({c: CELLS for c in columns}), max_size=30))
        lines.append(f"rows: {yaml_string(rows)}")
    if draw(st.booleans()):
        lines.append(f"markers: {yaml_string(draw(MARKERS))}")
    if draw(st.booleans()):
        lines.append("windows: [{start: started, end: resolved, label: panne}]")
    csv_rows = draw(st.lists(st.lists(CELLS.map(str), max_size=4), max_size=40))
    header = draw(st.sampled_from(["t,v,w", "t,v", "v", "", "t,t", '"t",v\r']))
    csv = header + "\n" + "\n".join(",".join(row) for row in csv_rows)
    return "```chart\n" + "\n".join(lines) + "\n```\n", csv


@pytest.fixture(scope="module")
def chart_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-charts")


@FUZZ_SLOW
@given(chart_blocks())
def test_chart_specs_give_a_chart_or_pm306(chart_folder: Path, block: tuple[str, str]) -> None:
    chart, csv = block
    (chart_folder / "data.csv").write_text(csv, encoding="utf-8")
    path = chart_folder / "2024-01-01-graphique.md"
    path.write_text(
        "---\ntitle: Graphique\ndate: 2024-01-01\nstarted_at: 2024-01-01T10:00:00+01:00\n"
        "resolved_at: 2024-01-01T11:00:00+01:00\n---\n\nRésumé.\n\n" + chart,
        encoding="utf-8",
    )
    config = build_config({"content": "."}, chart_folder, None)
    (parsed,) = parse_files([path], config, chart_folder).results
    assert parsed.postmortem is not None
    (drawn,) = parsed.postmortem.charts
    problems = [d for d in parsed.postmortem.diagnostics if d.code == "PM306"]
    assert (drawn.chart is None) == bool(problems), problems
    event("chart drawn" if drawn.chart is not None else "PM306")
    if drawn.chart is not None:
        for lang in ("fr", "en"):
            figure = draw_chart(drawn.chart, lang, "chart-1")
            wide, narrow = re.findall(r"<svg\b.*?</svg>", figure, re.DOTALL)
            ET.fromstring(wide)  # well-formed, both
            ET.fromstring(narrow)


# --- slugs -----------------------------------------------------------------------------------


@FUZZ
@given(st.one_of(TEXT, st.sampled_from(["con", "CON", "nul.txt", "..", "../../etc", "—", "ß"])))
def test_slugs_are_safe(text: str) -> None:
    slug = slugify(text)
    assert slug and slug.isascii()
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug), slug
    assert "/" not in slug and ".." not in slug
    assert len(slug) <= MAX_SLUG + 1
    assert slug not in ("con", "prn", "aux", "nul")
    assert slugify(slug) == slug
    taken: set[str] = set()
    assert len({unique(slug, taken) for _ in range(3)}) == 3


# --- whole documents: lint, then build one page ---------------------------------------

DOCUMENT_BITS = (
    "---\n",
    "+++\n",
    "title: Panne\n",
    'title = "Panne"\n',
    "date: 2021-09-22\n",
    "date = 2021-09-22\n",
    'services: [web, "<b>x</b>"]\n',
    "tags: [a, *x]\n",
    "severity: SEV1\n",
    "started_at: 2021-09-22T16:00:00+02:00\n",
    "timezone: Mars/Olympus\n",
    "status: draft\n",
    "lang: en\n",
    "\n",
    "\r\n",
    "# Titre\n",
    "## Contexte\n",
    "## Chronologie\n",
    "## Enseignements\n",
    "## Analyse\n",
    "## Travaux restants\n",
    "* 16:00 — début\n",
    "* 23:50 — puis\n",
    "* 00:10 — lendemain\n",
    "### 2021-09-23\n",
    "* [ ] réparer @alice due 2021-10-01\n",
    "* [x] fait\n",
    "| qui | quand |\n|---|---|\n| @bob | 2021-10-01 |\n",
    "```chart\ntype: bar\nx: a\ny: b\nrows: [{a: x, b: 1}]\n```\n",
    "```chart\ndata: ../../etc/passwd\n```\n",
    "```\n",
    "<!-- more -->\n",
    "<!-- pmgen-disable PM303 -->\n",
    "<script>alert(1)</script>\n",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "![i](../../secret.png)",
    "[l](./autre.md)",
    "[^1]\n\n[^1]: note\n",
    "> citation\n",
    "    code\n",
    "TODO",
    "\ufeff",
    "\x00",
    "&#xD800;",
    "\t",
)
BITS = st.lists(
    st.one_of(st.sampled_from(DOCUMENT_BITS), TEXT.filter(lambda t: len(t) < 16)), max_size=40
).map("".join)
# Two documents in three open with a usable front matter, so most of them become a page.
DOCUMENTS = st.one_of(
    BITS, BITS.map(lambda text: "---\ntitle: Panne\ndate: 2021-09-22\n---\n\n" + text)
)


@pytest.fixture(scope="module")
def build_folder() -> Any:
    with tempfile.TemporaryDirectory(prefix="pmgen-fuzz-") as folder:
        root = Path(folder)
        (root / "postmortems").mkdir()
        yield root


@FUZZ_BUILD
@given(DOCUMENTS, st.sampled_from(["sanitize", "escape"]))
def test_whole_documents_lint_and_build(build_folder: Path, text: str, policy: str) -> None:
    """Lint and build a site from one arbitrary document: findings or a site, never a crash."""
    content = build_folder / "postmortems"
    path = content / "2021-09-22-incident.md"
    path.write_bytes(text.encode("utf-8"))
    config = build_config(
        {"content": "postmortems", "html": policy, "search": False}, build_folder, None
    )
    options = BuildOptions(
        source=content, output=build_folder / "site", site_url="https://example.org/pm"
    )
    result = build_site(config, options, build_folder, TODAY)
    for diagnostic in result.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1
    event("built" if result.ok else "refused")
    if result.ok:
        site = build_folder / "site"
        json.loads((site / "index.json").read_text(encoding="utf-8"))
        ET.parse(site / "sitemap.xml")
        assert (site / "2021/09/22/incident/index.html").is_file() or not result.postmortems
    else:
        assert result.blocking
