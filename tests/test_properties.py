"""Property tests: parsers that face user text give a result or diagnostics, never an exception."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmgen.commands.lint import run_lint
from pmgen.config import Config, build_config
from pmgen.diagnostics import Diagnostic
from pmgen.model import ReadResult
from pmgen.read.fields import parse_date
from pmgen.read.frontmatter import split_front_matter
from pmgen.read.markdown import split_lines
from pmgen.read.sections import match_section, normalise

TODAY = dt.date(2024, 1, 1)
SPECS = build_config({}, Path("/nonexistent"), None).sections

# Pieces that steer generated text towards the interesting paths: front matter fences and
# fields, headings of known sections, links, images, indented prose, comments, odd line ends.
FRAGMENTS = [
    "---",
    "+++",
    "...",
    "\n",
    "\r\n",
    "\r",
    "title: Panne",
    'title = "Panne"',
    "date: 2021-09-22",
    "date: 2021-13-45 25:61",
    "status: draft",
    "lang: de",
    "tags: [a, *x]",
    "&x [1, 2]",
    "key: : value",
    "## Contexte",
    "## Chronologie (CEST)",
    "### 1. Enseignements :",
    "## Analyse",
    "## Travaux restants",
    "# Titre",
    "Titre\n===",
    "    En fait, l'autoscale permet d'augmenter le nombre d'instances, mais pas la mémoire.",
    "![](../../image.png)",
    "[lien](./nulle-part.md)",
    "[x](file:///etc/passwd)",
    "<!-- more -->",
    "<!-- pmgen-disable PM303 -->",
    "<!-- pmgen: Décrivez le contexte. -->",
    "TODO",
    "À compléter",
    "```\ncode\n",
    "* [ ] action",
    "| a | b |\n|---|---|",
    "[^1]: note",
    "\ufeff",
    "\x00",
    "\t",
    " ",
]

documents = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=30).map(
    "".join
)
any_text = st.one_of(st.text(), documents)
# Half of these open with a front-matter fence, so the YAML and TOML parsers get exercised.
fenced = st.one_of(
    documents, st.tuples(st.sampled_from(["---\n", "+++\n"]), documents).map("".join)
)


@settings(max_examples=150, deadline=None)
@given(any_text)
def test_normalise_and_match_section_never_raise(text: str) -> None:
    normalised = normalise(text)
    assert isinstance(normalised, str)
    found = match_section(text, SPECS)
    assert found is None or found in {spec.id for spec in SPECS}


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Chronologie (CEST)", "timeline"),
        ("Timeline of events", "timeline"),
        ("2) **Leçons apprises** :", "lessons"),
        ("ANALYSE", "analysis"),
        ("Chronologies", None),
    ],
)
def test_match_section_examples(heading: str, expected: str | None) -> None:
    """Anchors for the property above: the same function on known headings."""
    assert match_section(heading, SPECS) == expected


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        any_text,
        st.tuples(st.sampled_from(["---\n", "+++\n", "--- \n", "+++\r"]), documents).map("".join),
    ),
    st.booleans(),
)
def test_split_front_matter_never_raises(text: str, had_bom: bool) -> None:
    path = Path("/content/2021-09-22-incident.md")
    result = split_front_matter(path, path.parent, "incident.md", text, had_bom)
    assert isinstance(result, ReadResult)
    assert all(isinstance(d, Diagnostic) for d in result.diagnostics)
    assert result.document is not None or result.diagnostics
    if result.document is not None:
        assert result.document.text == text
        assert text.endswith(result.document.body)
        assert 1 <= result.document.body_line <= len(split_lines(text)) + 1


@pytest.fixture(scope="module")
def lint_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Config]:
    folder = tmp_path_factory.mktemp("properties")
    return folder, build_config({"content": "."}, folder, None)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(fenced)
def test_whole_document_lint_never_raises(lint_folder: tuple[Path, Config], text: str) -> None:
    folder, config = lint_folder
    path = folder / "2021-09-22-incident.md"
    path.write_bytes(text.encode("utf-8"))
    report = run_lint([path], config, folder, TODAY)
    assert report.files == 1
    body = text.removeprefix("\ufeff")
    last = len(split_lines(body)) + 1
    for diagnostic in report.diagnostics:
        assert 1 <= diagnostic.line <= last, (diagnostic, last)
        assert diagnostic.column >= 1
        assert diagnostic.path == "2021-09-22-incident.md"


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.integers(),
        st.from_regex(
            r"\A\d{1,5}-\d{1,3}-\d{1,3}([ T]\d{1,3}:\d{2}(:\d{2})?)?\s*(Z|[+-]\d{2}:?\d{2})?\Z"
        ),
        st.dates(),
        st.datetimes(),
        st.none(),
        st.floats(),
        st.lists(st.integers(), max_size=3),
    )
)
def test_parse_date_never_raises(value: object) -> None:
    result = parse_date(value)
    if result is not None:
        day, moment = result
        assert isinstance(day, dt.date)
        assert moment is None or (isinstance(moment, dt.datetime) and moment.date() == day)


def test_parse_date_examples() -> None:
    assert parse_date("2021-09-22") == (dt.date(2021, 9, 22), None)
    assert parse_date("2014-11-19 12:21") == (
        dt.date(2014, 11, 19),
        dt.datetime(2014, 11, 19, 12, 21),
    )
    assert parse_date("2021-02-30") is None
    assert parse_date("2021-09-22 16:00 +99:00") is None
    assert parse_date(20210922) is None
