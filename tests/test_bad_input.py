"""Bad input never raises: each bad file gets findings, and its neighbours are still linted."""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Iterable
from pathlib import Path

import pytest

import pmgen.commands.parse
from pmgen.commands.lint import LintReport, run_lint
from pmgen.commands.parse import parse_file
from pmgen.config import build_config
from pmgen.read.files import read_document

TODAY = datetime.date(2026, 11, 26)
GOOD_NAME = "2022-03-15-serveur-de-fichiers.md"
SECTIONS = (
    "## Contexte\n\nLe serveur de fichiers partagé sert les exports de la paie.\n\n"
    "## Chronologie\n\n* 07:50 : le volume passe en lecture seule.\n\n"
    "## Enseignements\n\nLe basculement n'avait jamais été répété.\n\n"
    "## Analyse\n\nUn contrôleur disque défaillant a remonté des erreurs d'écriture.\n\n"
    "## Travaux restants\n\n* [ ] Répéter le basculement chaque trimestre @lea\n"
)
GOOD = "---\ntitle: Panne du serveur de fichiers\ndate: 2022-03-15\n---\n\n" + SECTIONS
# After a two-key front matter: a placeholder at 12:1, and the timeline keeps its timed entry.
TODO_SECTIONS = SECTIONS.replace("* 07:50", "TODO\n\n* 07:50")


def front(*lines: str) -> str:
    """YAML front matter holding these lines, then a blank line."""
    return "---\n" + "".join(f"{line}\n" for line in lines) + "---\n\n"


def lint_folder(folder: Path) -> LintReport:
    """Lint a whole folder the way `pmgen lint folder` does."""
    return run_lint([folder], build_config({}, folder, None), cwd=folder, today=TODAY)


def lint_with_neighbour(tmp_path: Path, name: str, data: bytes) -> list[str]:
    """Lint a folder holding the bad file and a good postmortem; the bad file's findings.

    Asserts that both files were counted and that the good one has no finding.
    """
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / GOOD_NAME).write_text(GOOD, encoding="utf-8")
    (folder / name).write_bytes(data)
    report = lint_folder(folder)
    assert report.files == 2
    assert [d for d in report.diagnostics if d.path == GOOD_NAME] == []
    assert {d.path for d in report.diagnostics} <= {name}
    return [
        f"{d.line}:{d.column} {d.code} {d.severity.label} {d.message}" for d in report.diagnostics
    ]


# Findings at the same position keep the configured order of the sections.
MISSING_ALL = [
    "{line}:1 PM201 error required section `Contexte` is missing",
    "{line}:1 PM201 error required section `Chronologie` is missing",
    "{line}:1 PM201 error required section `Enseignements` is missing",
    "{line}:1 PM201 error required section `Analyse` is missing",
    "{line}:1 PM201 error required section `Travaux restants` is missing",
]


def missing_all(line: int) -> list[str]:
    """The five PM201 findings of a file with no section, all at `line`."""
    return [text.format(line=line) for text in MISSING_ALL]


CASES: dict[str, tuple[bytes, list[str]]] = {
    "invalid-yaml.md": (
        (front("title: Panne: base", "date: 2022-03-15") + SECTIONS).encode(),
        ["2:13 PM002 error front matter is not valid YAML: mapping values are not allowed here"],
    ),
    "invalid-yaml-indentation.md": (
        (
            front("title: Panne", "date: 2022-03-15", "tags:", "  - web", " - base") + SECTIONS
        ).encode(),
        [
            "6:2 PM002 error front matter is not valid YAML: "
            "while parsing a block mapping expected <block end>, "
            "but found '<block sequence start>'"
        ],
    ),
    "invalid-toml.md": (
        ('+++\ntitle = "Panne"\ndate = 2022-03-15\nseverity = SEV2\n+++\n\n' + SECTIONS).encode(),
        ["4:12 PM002 error front matter is not valid TOML: Invalid value"],
    ),
    "unterminated-toml.md": (
        ('+++\ntitle = "Panne"\ndate = 2022-03-15\n\n' + SECTIONS).encode(),
        ["1:1 PM002 error the front matter opened by `+++` at line 1 is never closed"],
    ),
    "unterminated-yaml.md": (
        ("---\ntitle: Panne\ndate: 2022-03-15\n\n" + SECTIONS).encode(),
        ["1:1 PM002 error the front matter opened by `---` at line 1 is never closed"],
    ),
    "no-front-matter.md": (
        ("# Panne du serveur de fichiers\n\n" + SECTIONS).encode(),
        [
            "1:1 PM102 error no date found: none in the front matter, the file name, the title, "
            "a `Date:` line or the timeline; the page is listed under “Undated”"
        ],
    ),
    "latin-1.md": (
        (front("title: Panne", "date: 2022-03-15") + "Le caf\xe9 a d\xe9bord\xe9.\n").encode(
            "latin-1"
        ),
        ["6:1 PM001 error not valid UTF-8 (byte 0xe9 at offset 45)"],
    ),
    "binary.md": (
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00" + bytes(range(256)) * 8,
        ["1:1 PM001 error binary file (it contains NUL bytes), not Markdown text"],
    ),
    "empty.md": (
        b"",
        [
            "1:1 PM101 error no `title` in the front matter and no level-1 heading: the page "
            "is titled after the file name",
            "1:1 PM102 error no date found: none in the front matter, the file name, the title, "
            "a `Date:` line or the timeline; the page is listed under “Undated”",
            *missing_all(1),
        ],
    ),
    "only-front-matter.md": (
        front("title: Panne", "date: 2022-03-15").encode(),
        missing_all(5),
    ),
    "bom.md": (
        b"\xef\xbb\xbf" + (front("title: Panne", "date: 2022-03-15") + TODO_SECTIONS).encode(),
        ["12:1 PM305 warning placeholder `TODO` left in the text"],
    ),
    "crlf.md": (
        (front("title: Panne", "date: 2022-03-15") + TODO_SECTIONS).replace("\n", "\r\n").encode(),
        ["12:1 PM305 warning placeholder `TODO` left in the text"],
    ),
    "bare-cr.md": (
        (front("title: Panne", "date: 2022-03-15") + TODO_SECTIONS).replace("\n", "\r").encode(),
        ["12:1 PM305 warning placeholder `TODO` left in the text"],
    ),
    "date-garbage.md": (
        (front("title: Panne", "date: le lendemain du déploiement") + SECTIONS).encode(),
        ["3:1 PM103 error `date` is not a date: 'le lendemain du déploiement'"],
    ),
    "date-impossible.md": (
        (front("title: Panne", "date: 2022-02-29") + SECTIONS).encode(),
        ["3:1 PM103 error `date` is not a date: '2022-02-29'"],
    ),
    "date-is-a-list.md": (
        (front("title: Panne", "date: [2022-03-15, 2022-03-16]") + SECTIONS).encode(),
        [
            "3:1 PM103 error `date` is not a date: "
            "[datetime.date(2022, 3, 15), datetime.date(2022, 3, 16)]"
        ],
    ),
    "title-number.md": (
        (front("title: 2021", "date: 2022-03-15") + SECTIONS).encode(),
        ["2:1 PM103 error `title` must be text, not a number"],
    ),
    "title-list.md": (
        (front("date: 2022-03-15", "title: [Panne, serveur]") + SECTIONS).encode(),
        ["3:1 PM103 error `title` must be text, not a list"],
    ),
    "title-mapping.md": (
        (front("date: 2022-03-15", "title:", "  fr: Panne", "  en: Outage") + SECTIONS).encode(),
        ["3:1 PM103 error `title` must be text, not a mapping"],
    ),
    "title-empty.md": (
        (front('title: ""', "date: 2022-03-15") + SECTIONS).encode(),
        ["2:1 PM103 error `title` must be text, not empty"],
    ),
    "front-matter-list.md": (
        (front("- title: Panne", "- date: 2022-03-15") + SECTIONS).encode(),
        ["2:1 PM002 error front matter must be `key: value` pairs, not a list"],
    ),
    "front-matter-scalar.md": (
        (front("Panne du serveur de fichiers") + SECTIONS).encode(),
        ["2:1 PM002 error front matter must be `key: value` pairs, not a str"],
    ),
    "control-character.md": (
        (front("title: Panne\x1b[31m rouge", "date: 2022-03-15") + SECTIONS).encode(),
        ["2:13 PM002 error front matter is not valid YAML: special characters are not allowed"],
    ),
    "python-tag.md": (
        (
            front("title: !!python/object:pmgen.config.Config {}", "date: 2022-03-15") + SECTIONS
        ).encode(),
        [
            "2:8 PM002 error front matter is not valid YAML: could not determine a constructor "
            "for the tag 'tag:yaml.org,2002:python/object:pmgen.config.Config'"
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_gets_findings_and_neighbour_is_linted(name: str, tmp_path: Path) -> None:
    """Exact findings for the bad file; the good postmortem beside it is clean."""
    data, expected = CASES[name]
    assert lint_with_neighbour(tmp_path, name, data) == expected


def test_six_megabyte_file(tmp_path: Path) -> None:
    """A file over 5 MB is refused without being read as Markdown."""
    data = (GOOD + "\n## Annexes\n\n").encode() + b"    a log line that goes on\n" * 230_000
    assert len(data) > 6 * 1024 * 1024
    assert lint_with_neighbour(tmp_path, "huge.md", data) == [
        "1:1 PM001 error file is 6.1 MB; the limit is 5 MB"
    ]


@pytest.mark.parametrize(
    ("value", "date", "moment"),
    [
        ('"2021-09-22"', datetime.date(2021, 9, 22), None),
        ("'2021-09-22'", datetime.date(2021, 9, 22), None),
        ("2014-11-19 12:21", datetime.date(2014, 11, 19), datetime.datetime(2014, 11, 19, 12, 21)),
        ("2021-09-22", datetime.date(2021, 9, 22), None),
        (
            "2021-09-22T16:00:00+02:00",
            datetime.date(2021, 9, 22),
            datetime.datetime(
                2021, 9, 22, 16, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
            ),
        ),
    ],
)
def test_date_returned_as_string_is_usable(
    value: str, date: datetime.date, moment: datetime.datetime | None, tmp_path: Path
) -> None:
    """YAML gives some dates as text; they still date the postmortem, with no finding."""
    text = front("title: Panne", f"date: {value}") + SECTIONS
    assert lint_with_neighbour(tmp_path, "date-text.md", text.encode()) == []
    path = tmp_path / "postmortems" / "date-text.md"
    config = build_config({}, path.parent, None)
    fields = parse_file(path, path.parent, config, path.parent).postmortem.fields
    assert (fields.date, fields.datetime) == (date, moment)


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    """A "billion laughs" front matter is refused before it is expanded."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, previous in zip("bcdefghi", "abcdefgh", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    text = front("title: Panne", "date: 2022-03-15", *lines) + SECTIONS
    started = time.monotonic()
    found = lint_with_neighbour(tmp_path, "bomb.md", text.encode())
    assert time.monotonic() - started < 5
    assert found == [
        "2:1 PM002 error front matter expands to more than 10,000 values through anchors "
        "and aliases"
    ]


def test_python_tags_execute_nothing(tmp_path: Path) -> None:
    """An `!!python/object/apply` tag is a syntax error, never a call."""
    marker = tmp_path / "executed"
    text = (
        front(f"title: !!python/object/apply:os.system ['touch {marker}']", "date: 2022-03-15")
        + SECTIONS
    )
    found = lint_with_neighbour(tmp_path, "apply.md", text.encode())
    assert [line.split(" ", 3)[:3] for line in found] == [["2:8", "PM002", "error"]]
    assert "python/object/apply:os.system" in found[0]
    assert not marker.exists()


def test_file_deleted_between_discovery_and_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that vanishes after it was listed is reported, and the others still linted."""
    real_discover = pmgen.commands.parse.discover

    def discover_then_delete(
        paths: Iterable[Path], exclude: tuple[str, ...], content: Path | None = None
    ) -> list[tuple[Path, Path]]:
        found = real_discover(paths, exclude, content)
        (tmp_path / "postmortems" / "vanished.md").unlink()
        return found

    monkeypatch.setattr(pmgen.commands.parse, "discover", discover_then_delete)
    found = lint_with_neighbour(tmp_path, "vanished.md", GOOD.encode())
    assert found == ["1:1 PM001 error cannot read the file: No such file or directory"]


def test_read_document_on_a_missing_path(tmp_path: Path) -> None:
    """Reading a path that does not exist is a PM001 finding, not an exception."""
    result = read_document(tmp_path / "gone.md", tmp_path, "gone.md")
    assert result.document is None
    assert [(d.code, d.line) for d in result.diagnostics] == [("PM001", 1)]


def test_read_error_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An OS error while reading (here a refused permission, even for root) is PM001."""
    real_read_bytes = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "locked.md":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    found = lint_with_neighbour(tmp_path, "locked.md", GOOD.encode())
    assert found == ["1:1 PM001 error cannot read the file: Permission denied"]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root can read a file whatever its mode",
)
def test_unreadable_file(tmp_path: Path) -> None:
    """A file without read permission is a PM001 finding."""
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / GOOD_NAME).write_text(GOOD, encoding="utf-8")
    locked = folder / "locked.md"
    locked.write_text(GOOD, encoding="utf-8")
    locked.chmod(0)
    try:
        report = lint_folder(folder)
    finally:
        locked.chmod(0o644)
    assert report.files == 2
    assert [(d.path, d.line, d.code, d.message) for d in report.diagnostics] == [
        ("locked.md", 1, "PM001", "cannot read the file: Permission denied")
    ]


def test_every_bad_file_at_once(tmp_path: Path) -> None:
    """All the bad files in one folder: each keeps its own findings, the good one none."""
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / GOOD_NAME).write_text(GOOD, encoding="utf-8")
    for name, (data, _) in CASES.items():
        (folder / name).write_bytes(data)
    report = lint_folder(folder)
    assert report.files == len(CASES) + 1
    for name, (_, expected) in CASES.items():
        found = [
            f"{d.line}:{d.column} {d.code} {d.severity.label} {d.message}"
            for d in report.diagnostics
            if d.path == name
        ]
        assert found == expected, name
    assert not [d for d in report.diagnostics if d.path == GOOD_NAME]


# --- issue 10, item 7: inputs that crashed pmgen are findings on their file ------------------

DEEP = 600  # past Python's pickle and JSON recursion, and tomllib's own (fb7d4a4: crashes)


def deep_front_matter() -> dict[str, bytes]:
    """Front matter nested too deep, in each syntax that can nest."""
    flow = "[" * DEEP + "]" * DEEP
    block = "".join("  " * level + "-\n" for level in range(1, 60))
    tables = "{ a = " * DEEP + "1" + " }" * DEEP
    return {
        "toml-arrays.md": f'+++\ntitle = "Panne"\ndate = 2022-03-15\nniveaux = {flow}\n+++\n',
        "toml-arrays-5000.md": (
            f'+++\ntitle = "Panne"\ndate = 2022-03-15\nniveaux = {"[" * 5000 + "]" * 5000}\n+++\n'
        ),
        "toml-inline-tables.md": f'+++\ntitle = "Panne"\ndate = 2022-03-15\nt = {tables}\n+++\n',
        "yaml-flow.md": f"---\ntitle: Panne\ndate: 2022-03-15\nniveaux: {flow}\n---\n",
        "yaml-mappings.md": (
            "---\ntitle: Panne\ndate: 2022-03-15\nt: "
            + "{a: " * DEEP
            + "1"
            + "}" * DEEP
            + "\n---\n"
        ),
        "yaml-block.md": f"---\ntitle: Panne\ndate: 2022-03-15\nniveaux:\n{block}---\n",
    }


@pytest.mark.parametrize("name", sorted(deep_front_matter()))
def test_deeply_nested_front_matter_is_pm002(tmp_path: Path, name: str) -> None:
    """TOML 500+ `[` crashed with RecursionError; YAML 500+ levels crashed pickling into the
    cache (and JSON would for index.json): now PM002 on that file, and its neighbour linted."""
    text = deep_front_matter()[name] + "\n" + SECTIONS
    found = lint_with_neighbour(tmp_path, name, text.encode())
    assert [line.split(" ", 3)[1] for line in found] == ["PM002"], found
    assert "nest" in found[0]


def test_deep_front_matter_builds_through_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end, with the cache (where the pickle crashed) and the build: a finding."""
    from click.testing import CliRunner

    from pmgen.cli import main

    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / GOOD_NAME).write_text(GOOD, encoding="utf-8")
    for name, text in deep_front_matter().items():
        (folder / f"2022-03-16-{name}").write_text(text + "\n" + SECTIONS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for args in (["lint"], ["lint"], ["build"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, result.output
        assert "internal error" not in result.output and "Traceback" not in result.output
        if args == ["lint"]:  # the build prints a summary, then the blocking findings
            assert result.output.count("PM002") == len(deep_front_matter()), result.output


def test_a_chart_spec_nested_too_deep_is_pm306(tmp_path: Path) -> None:
    """A variant: the same nesting in a ```chart block is PM306 for that block."""
    chart = "```chart\ntype: line\nrows: " + "[" * DEEP + "]" * DEEP + "\n```\n"
    text = front("title: Panne", "date: 2022-03-15") + SECTIONS + "\n" + chart
    found = lint_with_neighbour(tmp_path, "chart.md", text.encode())
    assert [line.split(" ", 3)[1] for line in found] == ["PM306"], found


def test_a_symbolic_link_loop_is_a_broken_link(tmp_path: Path) -> None:
    """A variant: a committed `boucle -> boucle` link made Path.resolve raise RuntimeError."""
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / "boucle").symlink_to("boucle")
    (folder / GOOD_NAME).write_text(GOOD, encoding="utf-8")
    text = GOOD.replace("Répéter le basculement", "Voir [le schéma](boucle/schema.png), répéter")
    (folder / "boucle.md").write_text(text, encoding="utf-8")
    report = lint_folder(folder)
    assert [(d.path, d.code) for d in report.diagnostics] == [("boucle.md", "PM301")]


def git(cwd: Path, *args: str) -> None:
    import subprocess

    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.parametrize("count", [1, 60])  # 60: parsed across processes
def test_a_file_name_that_is_not_utf8_with_changed_since(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    """`lint --changed-since` (the mode the docs recommend for pull requests) crashed with
    UnicodeDecodeError on a non-UTF-8 name in git's output (fb7d4a4): now that file has its
    findings, printed with the undecodable byte escaped, and every other file is linted."""
    from click.testing import CliRunner

    from pmgen.cli import main

    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    folder = tmp_path / "postmortems"
    folder.mkdir()
    git(tmp_path, "init", "-q")
    git(
        tmp_path,
        "-c",
        "user.name=a",
        "-c",
        "user.email=a@b",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "début",
    )
    for number in range(count):
        (folder / f"2022-03-{number % 28 + 1:02d}-panne-{number}.md").write_text(
            GOOD.replace("2022-03-15", f"2022-03-{number % 28 + 1:02d}"), encoding="utf-8"
        )
    bad_name = os.fsdecode(b"2022-03-15-caf\xe9.md")
    (folder / bad_name).write_text(TODO_SECTIONS.join(GOOD.split(SECTIONS)), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["lint", "--changed-since", "HEAD"])
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert result.exit_code == 0, result.output  # a placeholder is a warning
    assert "postmortems/2022-03-15-caf\\xe9.md:12:1: PM305" in result.output
    assert f"{count + 1} files checked" in result.output


@pytest.mark.parametrize("syntax", ["toml", "yaml"])
def test_an_integer_of_5000_digits_is_pm002(tmp_path: Path, syntax: str) -> None:
    """A variant: Python refuses to read integers past 4,300 digits; in TOML front matter that
    ValueError escaped tomllib's error handling (an internal error)."""
    digits = "7" * 5000
    head = (
        f'+++\ntitle = "Panne"\ndate = 2022-03-15\nn = {digits}\n+++\n'
        if syntax == "toml"
        else f"---\ntitle: Panne\ndate: 2022-03-15\nn: {digits}\n---\n"
    )
    found = lint_with_neighbour(tmp_path, f"entier.{syntax}.md", (head + SECTIONS).encode())
    assert [line.split(" ", 3)[1] for line in found] == ["PM002"], found
    assert "4300 digits" in found[0]
