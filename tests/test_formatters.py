"""Snapshot and structural tests of every output format, all from one shared list of findings.

Snapshots live in tests/snapshots/formatters/ and are compared byte for byte; refresh them on
purpose with `pytest --update-snapshots` and review the diff.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from pmgen import __version__
from pmgen.diagnostics import Diagnostic, Severity, sort_diagnostics
from pmgen.lint.formatters import (
    FORMATS,
    RENDERERS,
    format_github,
    format_json,
    format_rule,
    format_rules,
    format_sarif,
    format_text,
    github_step_summary,
)
from pmgen.rules import RULES

SNAPSHOTS = Path(__file__).parent / "snapshots" / "formatters"

INCIDENT = "postmortems/2021-09-22-incident-de-production.md"
# A comma (a GitHub property separator), a space and an accent in one path.
COMMA_PATH = "postmortems/2023-03-14-panne, réseau.md"

# The one shared list: each severity, hints present and absent, and a message holding every
# character an output format must escape (`%`, `:`, `,`, CR, LF, `|`).
DIAGNOSTICS: tuple[Diagnostic, ...] = sort_diagnostics(
    [
        Diagnostic(
            "PM202",
            Severity.ERROR,
            INCIDENT,
            15,
            1,
            "section `Chronologie` is empty",
            "Write the section, or mark the postmortem `status: draft`.",
        ),
        Diagnostic(
            "PM303",
            Severity.WARNING,
            INCIDENT,
            18,
            1,
            "this indented block is shown as code but reads as prose",
        ),
        Diagnostic(
            "PM301",
            Severity.ERROR,
            INCIDENT,
            30,
            1,
            "`../../.gitbook/assets/image.png` points outside the content folder (postmortems/)",
            "Put the file beside the postmortem.",
        ),
        Diagnostic(
            "PM305",
            Severity.INFO,
            COMMA_PATH,
            4,
            12,
            "100% sure: a | b, c\nsecond line\r\nthird line",
            "Write the text: then | remove, it.",
        ),
        Diagnostic(
            "PM105",
            Severity.WARNING,
            COMMA_PATH,
            3,
            1,
            "the postmortem is dated 2201-09-22, after today (2024-01-01)",
        ),
    ]
)
FILES = 3


def check_snapshot(name: str, actual: str, update: bool) -> None:
    """Compare `actual` with the snapshot file byte for byte, or rewrite it when asked."""
    path = SNAPSHOTS / name
    data = actual.encode("utf-8")
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    assert path.is_file(), f"missing snapshot {path}; run `pytest --update-snapshots` to create it"
    expected = path.read_bytes()
    assert data.decode("utf-8") == expected.decode("utf-8"), (
        f"output differs from {path}; if the change is intended, run `pytest --update-snapshots`"
    )
    assert data == expected


# --- snapshots ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "render"),
    [
        ("text.txt", lambda: format_text(DIAGNOSTICS, FILES)),
        ("json.json", lambda: format_json(DIAGNOSTICS, FILES)),
        ("github.txt", lambda: format_github(DIAGNOSTICS, FILES)),
        ("github_step_summary.md", lambda: github_step_summary(DIAGNOSTICS, FILES)),
        ("sarif.json", lambda: format_sarif(DIAGNOSTICS, FILES)),
        ("text-clean.txt", lambda: format_text((), FILES)),
        ("github_step_summary-clean.md", lambda: github_step_summary((), 1)),
        ("rules.txt", format_rules),
        ("rule-PM202.txt", lambda: format_rule("PM202")),
    ],
)
def test_snapshot(name: str, render, update_snapshots: bool) -> None:
    check_snapshot(name, render(), update_snapshots)


def test_every_format_has_a_renderer() -> None:
    assert set(FORMATS) == set(RENDERERS)
    for render in RENDERERS.values():
        assert render(DIAGNOSTICS, FILES).endswith("\n")


def test_formats_are_deterministic() -> None:
    for render in RENDERERS.values():
        assert render(DIAGNOSTICS, FILES) == render(DIAGNOSTICS, FILES)


# --- text -----------------------------------------------------------------------------------


def test_text_lines_and_summary() -> None:
    lines = format_text(DIAGNOSTICS, FILES).splitlines()
    assert lines[0] == (f"{INCIDENT}:15:1: PM202 [empty-section] section `Chronologie` is empty")
    assert lines[1] == "    hint: Write the section, or mark the postmortem `status: draft`."
    assert lines[-1] == "5 problems (2 errors, 2 warnings, 1 info) in 2 files; 3 files checked."


def test_text_summary_singular_and_clean() -> None:
    assert format_text((), 1) == "No problems; 1 file checked.\n"
    one = format_text(DIAGNOSTICS[:1], 1).splitlines()[-1]
    assert one == "1 problem (1 error, 0 warnings, 0 info) in 1 file; 1 file checked."


# --- json -----------------------------------------------------------------------------------


def test_json_objects_have_the_contract_fields() -> None:
    records = json.loads(format_json(DIAGNOSTICS, FILES))
    assert isinstance(records, list) and len(records) == len(DIAGNOSTICS)
    for record, diagnostic in zip(records, DIAGNOSTICS, strict=True):
        assert {"path", "line", "column", "code", "name", "severity", "message"} <= set(record)
        assert record["path"] == diagnostic.path
        assert record["line"] == diagnostic.line
        assert record["column"] == diagnostic.column
        assert record["code"] == diagnostic.code
        assert record["severity"] == diagnostic.severity.label
        assert record["message"] == diagnostic.message  # newlines and `|` survive the round trip
        assert record["hint"] == diagnostic.hint
    assert [r["name"] for r in records[:3]] == ["empty-section", "code-block-prose", "broken-link"]
    assert {r["severity"] for r in records} == {"error", "warning", "info"}


def test_json_empty_is_an_empty_array() -> None:
    assert json.loads(format_json((), 0)) == []


# --- github ---------------------------------------------------------------------------------


def _annotations(output: str) -> list[str]:
    return [line for line in output.split("\n") if line.startswith("::")]


def test_github_one_command_per_finding_with_levels() -> None:
    output = format_github(DIAGNOSTICS, FILES)
    annotations = _annotations(output)
    assert len(annotations) == len(DIAGNOSTICS)  # CR and LF never split a command
    levels = [line.split(" ", 1)[0] for line in annotations]
    assert levels == ["::error", "::warning", "::error", "::warning", "::notice"]
    assert "\r" not in output
    assert output.splitlines()[-1].startswith("5 problems")


def test_github_escapes_data_and_properties() -> None:
    annotation = next(
        line for line in _annotations(format_github(DIAGNOSTICS, FILES)) if "PM305" in line
    )
    properties, data = annotation.removeprefix("::notice ").split("::", 1)
    assert properties == (
        "file=postmortems/2023-03-14-panne%2C réseau.md,line=4,col=12,"
        "title=PM305 [placeholder-text]"
    )
    # Data: `%`, CR and LF escaped; `:` and `,` left as they are. The hint follows on a new line.
    assert data == (
        "100%25 sure: a | b, c%0Asecond line%0D%0Athird line%0AWrite the text: then | remove, it."
    )


def test_github_property_escapes_colon_and_percent() -> None:
    diagnostic = Diagnostic("PM001", Severity.ERROR, "C:/50%,x.md", 1, 1, "m")
    (annotation,) = _annotations(format_github((diagnostic,), 1))
    assert annotation == (
        "::error file=C%3A/50%25%2Cx.md,line=1,col=1,title=PM001 [unreadable-file]::m"
    )


def test_github_step_summary_table() -> None:
    summary = github_step_summary(DIAGNOSTICS, FILES)
    lines = summary.splitlines()
    assert lines[0] == "## pmgen lint"
    assert "| File | Line | Severity | Rule | Message |" in lines
    rows = [line for line in lines if line.startswith("| postmortems/")]
    assert len(rows) == len(DIAGNOSTICS)  # a newline in a message never breaks a row
    for row in rows:
        # Five cells: every `|` inside a cell is escaped.
        assert len(row.replace("\\|", "").split("|")) == 7
    assert "\r" not in summary


def test_github_step_summary_shows_angle_brackets_as_text() -> None:
    """A YAML error says `expected <block end>`: as HTML it would vanish from the summary."""
    yaml_error = Diagnostic(
        "PM002", Severity.ERROR, "postmortems/a.md", 3, 1, "expected <block end> & more"
    )
    summary = github_step_summary((yaml_error,), 1)
    assert "expected &lt;block end&gt; &amp; more" in summary


# --- sarif ----------------------------------------------------------------------------------


def _sarif(diagnostics: tuple[Diagnostic, ...]) -> dict:
    return json.loads(format_sarif(diagnostics, 1))


def _fingerprints(diagnostics: tuple[Diagnostic, ...]) -> list[str]:
    results = _sarif(diagnostics)["runs"][0]["results"]
    return [result["partialFingerprints"]["pmgen/v1"] for result in results]


def test_sarif_log_and_driver() -> None:
    log = _sarif(DIAGNOSTICS)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "pmgen"
    assert driver["version"] == __version__
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in RULES]
    levels = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    for entry, rule in zip(driver["rules"], RULES, strict=True):
        assert entry["name"] == rule.name
        assert entry["defaultConfiguration"] == {"level": levels[rule.severity]}
        assert entry["shortDescription"]["text"] == rule.summary
    assert "%SRCROOT%" in run["originalUriBaseIds"]


def test_sarif_results() -> None:
    run = _sarif(DIAGNOSTICS)["runs"][0]
    results = run["results"]
    assert len(results) == len(DIAGNOSTICS)
    codes = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for result, diagnostic in zip(results, DIAGNOSTICS, strict=True):
        assert result["ruleId"] == diagnostic.code
        assert codes[result["ruleIndex"]] == diagnostic.code
        assert result["level"] == levels[diagnostic.severity.label]
        assert result["message"]["text"].startswith(diagnostic.message)
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["region"] == {
            "startLine": diagnostic.line,
            "startColumn": diagnostic.column,
        }
        artifact = physical["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        uri = artifact["uri"]
        parts = urlsplit(uri)
        assert not parts.scheme and not parts.netloc and not uri.startswith("/"), uri
        assert unquote(uri) == diagnostic.path


def test_sarif_uris_are_valid_uri_references() -> None:
    """A space or `%` in a path is percent-encoded: a SARIF `uri` must be a URI reference."""
    uris = [
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for result in _sarif(DIAGNOSTICS)["runs"][0]["results"]
    ]
    assert "postmortems/2023-03-14-panne%2C%20r%C3%A9seau.md" in uris
    odd = Diagnostic("PM001", Severity.ERROR, "a 100%/b#c?.md", 1, 1, "m")
    (result,) = _sarif((odd,))["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "a%20100%25/b%23c%3F.md"
    assert unquote(uri) == odd.path


def test_sarif_fingerprints_identical_across_runs() -> None:
    first, second = _fingerprints(DIAGNOSTICS), _fingerprints(DIAGNOSTICS)
    assert first == second
    assert all(len(fingerprint) >= 16 for fingerprint in first)
    assert len(set(first)) == len(first)


def test_sarif_fingerprint_stable_when_the_line_moves() -> None:
    moved = tuple(replace(d, line=d.line + 7, column=d.column + 2) for d in DIAGNOSTICS)
    assert _fingerprints(moved) == _fingerprints(DIAGNOSTICS)


def test_sarif_fingerprints_distinct_for_identical_findings_in_one_file() -> None:
    twice = (
        Diagnostic("PM302", Severity.WARNING, INCIDENT, 10, 1, "image `a.png` has no alt text"),
        Diagnostic("PM302", Severity.WARNING, INCIDENT, 20, 1, "image `a.png` has no alt text"),
    )
    first, second = _fingerprints(twice)
    assert first != second
    # The same finding in another file is another alert.
    elsewhere = tuple(replace(d, path="postmortems/other.md") for d in twice)
    assert set(_fingerprints(elsewhere)).isdisjoint({first, second})


def test_sarif_empty_run() -> None:
    log = _sarif(())
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(RULES)


# --- rules ----------------------------------------------------------------------------------


def test_rules_listing_names_every_rule() -> None:
    lines = format_rules().splitlines()
    assert len(lines) == len(RULES)
    for line, rule in zip(lines, RULES, strict=True):
        assert line.split()[:3] == [rule.code, rule.name, rule.severity.label]
        assert line.endswith(rule.summary)


def test_rule_explanation_has_every_part() -> None:
    for rule in RULES:
        text = format_rule(rule.code)
        assert text.startswith(f"{rule.code} [{rule.name}] (default severity: ")
        for part in ("What: ", "Why: ", "Example:\n    ", "How to fix: "):
            assert part in text, (rule.code, part)
