"""`pmgen export` and `index.json`: the same records (docs/data.md), JSON or CSV, without a
build; drafts only when asked; unreadable files left out and said so."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pmgen.cli import main
from pmgen.commands.build import BuildOptions, build_site
from pmgen.config import build_config
from pmgen.pages.export import CSV_COLUMNS, SCHEMA_VERSION, records_json

ENGLISH = """\
# Checkout errors on March 3, 2023

## Timeline

All times in UTC.

* 14:02 — Error rate alert fires for checkout.
* 14:20 — Rollback of the payment client.
* 14:31 — Error rate back to normal, incident resolved.

## Action items

* [x] Pin the payment client version @ana
* [ ] Add a canary for client upgrades
"""

DRAFT = "---\ntitle: Brouillon\ndate: 2023-01-02\nstatus: draft\n---\n\n## Contexte\n\nx\n"


def project(tmp_path: Path) -> Path:
    content = tmp_path / "postmortems"
    content.mkdir()
    (content / "checkout.md").write_text(ENGLISH, encoding="utf-8")
    (content / "2023-01-02-brouillon.md").write_text(DRAFT, encoding="utf-8")
    (content / "binary.md").write_bytes(b"\x00\x01\x02")
    return content


def test_export_prints_the_records_as_json(tmp_path: Path) -> None:
    content = project(tmp_path)
    result = CliRunner().invoke(main, ["export", str(content), "--no-cache"])
    assert result.exit_code == 1, result.output  # binary.md is left out: a PM001 error
    document = json.loads(result.stdout)
    assert document["schema_version"] == SCHEMA_VERSION
    [record] = document["postmortems"]  # the draft is left out, the binary file too
    assert "binary.md" in result.stderr and "PM001" in result.stderr
    assert record["url"] == "2023/03/03/checkout/"
    assert (record["date"], record["date_source"]) == ("2023-03-03", "title")
    assert (record["lang"], record["lang_source"]) == ("en", "content")
    assert (record["timezone"], record["title_source"]) == ("UTC", "h1")
    assert record["timeline"][0] == {
        "line": 7,
        "at": "2023-03-03T14:02:00+00:00",
        "date": "2023-03-03",
        "time": "14:02",
        "zone": "UTC",
        "approximate": False,
        "inferred": False,
        "text": "Error rate alert fires for checkout.",
    }
    assert record["milestones"] == {
        "started": {"at": "2023-03-03T14:02:00+00:00", "source": "timeline"},
        "detected": {"at": "2023-03-03T14:02:00+00:00", "source": "inferred"},
        "mitigated": {"at": "2023-03-03T14:20:00+00:00", "source": "inferred"},
        "resolved": {"at": "2023-03-03T14:31:00+00:00", "source": "inferred"},
    }
    assert record["durations"] == {
        "impact": 18 * 60,  # to the mitigation (14:20), as the page's impact figure
        "detect": 0,
        "mitigate": 18 * 60,
        "resolve": 29 * 60,
        "impact_source": "timeline",
    }
    assert record["actions"] == [
        {
            "line": 13,
            "done": True,
            "owner": "ana",
            "due": None,
            "text": "Pin the payment client version @ana",
            "links": [],
        },
        {
            "line": 14,
            "done": False,
            "owner": None,
            "due": None,
            "text": "Add a canary for client upgrades",
            "links": [],
        },
    ]


def test_export_csv_has_one_row_per_postmortem_and_drafts_on_request(tmp_path: Path) -> None:
    content = project(tmp_path)
    result = CliRunner().invoke(
        main, ["export", str(content), "--format", "csv", "--drafts", "--no-cache"]
    )
    assert result.exit_code == 1, result.output  # binary.md left out
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [row["source"] for row in rows] == ["checkout.md", "2023-01-02-brouillon.md"]
    checkout = rows[0]
    assert (checkout["impact_seconds"], checkout["impact_source"]) == ("1080", "timeline")
    assert (checkout["timed_entries"], checkout["actions_total"], checkout["actions_open"]) == (
        "3",
        "2",
        "1",
    )


def test_export_gives_the_records_of_index_json(tmp_path: Path) -> None:
    content = project(tmp_path)
    (content / "binary.md").unlink()
    config = build_config({}, tmp_path, None)
    options = BuildOptions(content, tmp_path / "site", search=False, cache=False)
    assert build_site(config, options, tmp_path, dt.date(2024, 1, 1)).ok
    built = (tmp_path / "site" / "index.json").read_text(encoding="utf-8")
    exported = CliRunner().invoke(main, ["export", str(content), "--no-cache"]).stdout
    assert built == exported


@pytest.mark.parametrize("option", ["--format=xml"])
def test_export_refuses_unknown_formats(tmp_path: Path, option: str) -> None:
    result = CliRunner().invoke(main, ["export", str(project(tmp_path)), option])
    assert result.exit_code == 2


@pytest.mark.parametrize(
    "items",
    [
        [],
        [{"title": "Panne « DNS »", "tags": [], "milestones": {"started": None}, "n": 1.5}],
        [
            {"b": {"deep": [{"x": [1, 2, {}]}]}, "a": "ligne\nsuivante\t\u2028"},
            {"title": "Second", "actions": [{"done": True, "owner": "Léa"}]},
        ],
    ],
)
def test_index_json_written_record_by_record_equals_the_whole_document(items: list) -> None:
    """Streaming the records must not change a byte of what one `json.dumps` would give."""
    whole = {"postmortems": items, "schema_version": SCHEMA_VERSION}
    expected = json.dumps(whole, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert records_json(iter(items)) == expected.encode("utf-8")


def test_index_json_refuses_a_value_json_cannot_hold() -> None:
    """NaN is not JSON (PM106 keeps it out of the front matter); never write it silently."""
    with pytest.raises(ValueError):
        records_json([{"ratio": float("nan")}])


@pytest.mark.parametrize("before", [["export"], ["lint"], ["build"]])
def test_export_with_a_warm_cache_gives_the_same_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, before: list[str]
) -> None:
    """Lint caches reduced results without the postmortem: export must not take those (it
    printed an empty list once the cache was warm)."""
    content = project(tmp_path)
    (tmp_path / "pmgen.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    cold = CliRunner().invoke(main, ["export", "--no-cache"])
    assert cold.exit_code == 1, cold.output
    assert len(json.loads(cold.stdout)["postmortems"]) == 1
    warmed = CliRunner().invoke(main, [*before, str(content)] if before != ["build"] else before)
    assert warmed.exit_code in (0, 1), warmed.output
    assert (tmp_path / ".pmgen-cache").is_dir()
    for _ in range(2):
        warm = CliRunner().invoke(main, ["export"])
        assert warm.exit_code == 1, warm.output
        assert warm.stdout == cold.stdout
        assert "binary.md" in warm.stderr and "PM001" in warm.stderr


def test_csv_cells_a_spreadsheet_would_run_are_kept_as_text(tmp_path: Path) -> None:
    """A title `=HYPERLINK(…)` opened in a spreadsheet would be a formula; it is text."""
    content = tmp_path / "postmortems"
    content.mkdir()
    hostile = ENGLISH.replace(
        "# Checkout errors on March 3, 2023", '# =HYPERLINK("http://x.example","Click") 2023-03-03'
    )
    (content / "checkout.md").write_text(hostile, encoding="utf-8")
    result = CliRunner().invoke(main, ["export", str(content), "--no-cache", "--format", "csv"])
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["title"].startswith("'=HYPERLINK(")
    assert not any(value.startswith(("=", "+", "@")) for value in row.values())


def test_export_of_a_missing_folder_is_an_error_and_leaves_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for args in (["export"], ["export", "absent"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert "--src" not in result.stderr
    assert list(tmp_path.iterdir()) == []
