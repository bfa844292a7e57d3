"""The reading patterns, one fixture case each, in our own words (markdown-it-py's fixture
format: title, `.`, input, `.`, expected, `.`): `tests/fixtures/reading/timelines.txt`,
`actions.txt` and `documents.txt`. Each file's header says what its expected lines mean."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from pmgen.commands.parse import parse_files
from pmgen.config import build_config
from pmgen.model import Postmortem

FIXTURES = Path(__file__).parent / "fixtures" / "reading"


@dataclass(frozen=True)
class Case:
    """One fixture case: its title, the file's name and text, and the expected lines."""

    title: str
    name: str
    text: str
    expected: list[str]


def read_cases(path: Path) -> list[Case]:
    """The cases of a fixture file (`#` lines before the first case are its header)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    cases: list[Case] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip() or line.startswith("#"):
            index += 1
            continue
        title, _, name = line.partition(" @ ")
        assert lines[index + 1] == ".", f"{path.name}:{index + 2}: `.` expected after the title"
        end = lines.index(".", index + 2)
        text = "\n".join(lines[index + 2 : end]) + "\n"
        stop = lines.index(".", end + 1)
        expected = [entry for entry in lines[end + 1 : stop] if entry.strip()]
        cases.append(Case(title.strip(), name.strip() or "case.md", text, expected))
        index = stop + 1
    return cases


def load(case: Case, tmp_path: Path) -> Postmortem:
    path = tmp_path / case.name
    path.write_text(case.text, encoding="utf-8")
    [result] = parse_files([path], build_config({}, tmp_path, None), tmp_path).results
    assert result.postmortem is not None, result.diagnostics
    return result.postmortem


def _cases(name: str) -> list[object]:
    return [pytest.param(case, id=case.title) for case in read_cases(FIXTURES / name)]


def _matches(expected: list[str], found: list[str]) -> bool:
    """Each expected line is the start of the line found in its place (texts are prefixes)."""
    return len(expected) == len(found) and all(
        got.startswith(want) for want, got in zip(expected, found, strict=True)
    )


@pytest.mark.parametrize("case", _cases("timelines.txt"))
def test_timeline_patterns(case: Case, tmp_path: Path) -> None:
    found = []
    for event in load(case, tmp_path).incident.events:
        if event.time is None:
            found.append(f"{event.line} - | {event.text}")
            continue
        marks = " ~" if event.approximate else ""
        marks += " inferred" if event.inferred else ""
        found.append(f"{event.line} {event.time:%Y-%m-%d %H:%M} {event.zone}{marks} | {event.text}")
    assert _matches(case.expected, found), "\n".join(found)


@pytest.mark.parametrize("case", _cases("actions.txt"))
def test_action_patterns(case: Case, tmp_path: Path) -> None:
    states = {True: "done", False: "open", None: "?"}
    found = [
        f"{action.line} {states[action.done]} | {action.text}"
        for action in load(case, tmp_path).incident.actions
    ]
    assert _matches(case.expected, found), "\n".join(found)


@pytest.mark.parametrize("case", _cases("documents.txt"))
def test_document_patterns(case: Case, tmp_path: Path) -> None:
    fields = load(case, tmp_path).fields
    date = fields.date.isoformat() if fields.date else "-"
    found = [
        f"date {date} {fields.date_source}",
        f"title {fields.title_source} | {fields.title}",
        f"lang {fields.lang} {fields.lang_source}",
    ]
    assert found == case.expected, "\n".join(found)


def test_every_fixture_file_has_cases() -> None:
    for name in ("timelines.txt", "actions.txt", "documents.txt"):
        assert len(read_cases(FIXTURES / name)) >= 7, name
