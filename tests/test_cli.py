"""The command line through click's CliRunner: exit codes, exact output, options."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pmgen import __version__
from pmgen.cli import main
from pmgen.lint.formatters import format_rule
from pmgen.rules import RULES

CLEAN = """---
title: Panne du site
date: 2021-09-22
---

## Contexte

Le site est servi par deux instances web.

## Chronologie

* 16:00 — Les connexions échouent.
* 16:26 — Retour à la normale.

## Enseignements

La mémoire des instances était trop juste.

## Analyse

Les instances swappaient en pointe.

## Travaux restants

Passer sur des instances plus grandes.
"""

# PM202 at line 10: the Chronologie is empty (an error).
EMPTY_TIMELINE = CLEAN.replace(
    "* 16:00 — Les connexions échouent.\n* 16:26 — Retour à la normale.\n\n", ""
)
# PM305 at line 25: a placeholder left in (a warning only).
PLACEHOLDER = CLEAN.replace("plus grandes.", "plus grandes. TODO chiffrer.")
# PM201: no Analyse section (an error that --fix repairs).
NO_ANALYSIS = CLEAN.replace("## Analyse\n\nLes instances swappaient en pointe.\n\n", "")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary working folder (no pmgen.toml above it is used: it has its own)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    (tmp_path / "pmgen.toml").write_text('content = "pm"\n', encoding="utf-8")
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def lint(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, ["lint", *args])


def codes(result: Result) -> list[tuple[str, str]]:
    return [(d["path"], d["code"]) for d in json.loads(result.stdout)]


# --- exit codes -----------------------------------------------------------------------------


def test_clean_postmortem_exits_0(runner: CliRunner, cwd: Path) -> None:
    write(cwd / "pm" / "2021-09-22-panne.md", CLEAN)
    result = lint(runner, "pm/2021-09-22-panne.md")
    assert result.exit_code == 0, result.output
    assert result.stdout == "No problems; 1 file checked.\n"
    assert result.stderr == ""


def test_error_finding_exits_1_with_exact_text(runner: CliRunner, cwd: Path) -> None:
    write(cwd / "pm" / "2021-09-22-panne.md", EMPTY_TIMELINE)
    result = lint(runner, "pm")
    assert result.exit_code == 1
    assert result.stdout == (
        "pm/2021-09-22-panne.md:10:1: PM202 [empty-section] section `Chronologie` is empty\n"
        "    hint: Write the section, or mark the postmortem `status: draft`.\n"
        "1 problem (1 error, 0 warnings, 0 info) in 1 file; 1 file checked.\n"
    )
    assert result.stderr == ""


def test_warnings_only_exit_0_and_1_with_strict(runner: CliRunner, cwd: Path) -> None:
    write(cwd / "pm" / "2021-09-22-panne.md", PLACEHOLDER)
    result = lint(runner, "pm")
    assert result.exit_code == 0, result.output
    assert "PM305 [placeholder-text] placeholder `TODO` left in the text" in result.stdout
    assert result.stdout.endswith(
        "1 problem (0 errors, 1 warning, 0 info) in 1 file; 1 file checked.\n"
    )
    strict = lint(runner, "--strict", "pm")
    assert strict.exit_code == 1
    assert strict.stdout == result.stdout


def test_draft_relaxes_errors_to_warnings(runner: CliRunner, cwd: Path) -> None:
    write(cwd / "pm" / "a.md", EMPTY_TIMELINE.replace("title:", "status: draft\ntitle:"))
    result = lint(runner, "--format", "json", "pm")
    assert result.exit_code == 0
    assert [(d["code"], d["severity"]) for d in json.loads(result.stdout)] == [("PM202", "warning")]


def test_nonexistent_path_exits_2(runner: CliRunner, cwd: Path) -> None:
    result = lint(runner, "nowhere.md")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "nowhere.md: no such file or folder" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_format_exits_2(runner: CliRunner, cwd: Path) -> None:
    write(cwd / "pm" / "a.md", CLEAN)
    result = lint(runner, "--format", "xml", "pm")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr
    assert "'xml'" in result.stderr


def test_config_with_unknown_key_exits_2(runner: CliRunner, cwd: Path) -> None:
    write(cwd / "pm" / "a.md", CLEAN)
    (cwd / "pmgen.toml").write_text('content = "pm"\nexlude = ["old/*"]\n', encoding="utf-8")
    result = lint(runner, "pm")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert str(cwd / "pmgen.toml") in result.stderr
    assert "unknown key `exlude`" in result.stderr
    assert "Did you mean `exclude`?" in result.stderr
    assert "Traceback" not in result.output


def test_explicit_config_option(runner: CliRunner, cwd: Path) -> None:
    write(cwd / "pm" / "a.md", PLACEHOLDER)
    write(cwd / "conf" / "strict.toml", '[lint.severity]\nPM305 = "error"\n')
    result = lint(runner, "--config", "conf/strict.toml", "pm")
    assert result.exit_code == 1
    assert "1 error" in result.stdout


# --- rule selection -------------------------------------------------------------------------

# Three findings: PM202 (line 10), PM303 (a paragraph indented as code), PM305 (a TODO).
MIXED = EMPTY_TIMELINE.replace(
    "La mémoire des instances était trop juste.",
    "    La mémoire des instances était trop juste pour absorber la charge du midi.",
).replace("plus grandes.", "plus grandes. TODO chiffrer.")


def test_select_ignore_and_commas(runner: CliRunner, cwd: Path) -> None:
    write(cwd / "pm" / "a.md", MIXED)
    every = lint(runner, "--format", "json", "pm")
    assert [code for _, code in codes(every)] == ["PM202", "PM303", "PM305"]
    assert every.exit_code == 1

    select = lint(runner, "--format", "json", "--select", "PM3", "pm")
    assert [code for _, code in codes(select)] == ["PM303", "PM305"]
    assert select.exit_code == 0  # only warnings left

    select2 = lint(runner, "--format", "json", "--select", "PM2", "pm")
    assert [code for _, code in codes(select2)] == ["PM202"]

    ignore = lint(runner, "--format", "json", "--ignore", "PM202", "pm")
    assert [code for _, code in codes(ignore)] == ["PM303", "PM305"]
    assert ignore.exit_code == 0

    commas = lint(runner, "--format", "json", "--select", "pm202, PM305", "pm")
    assert [code for _, code in codes(commas)] == ["PM202", "PM305"]

    repeated = lint(runner, "--format", "json", "--ignore", "PM202", "--ignore", "PM303,PM305")
    assert codes(repeated) == []
    assert repeated.exit_code == 0


# --- formats --------------------------------------------------------------------------------


def test_json_format_parses(runner: CliRunner, cwd: Path) -> None:
    write(cwd / "pm" / "a.md", EMPTY_TIMELINE)
    write(cwd / "pm" / "b.md", CLEAN)
    result = lint(runner, "--format", "json", "pm")
    assert result.exit_code == 1
    records = json.loads(result.stdout)
    assert records == [
        {
            "path": "pm/a.md",
            "line": 10,
            "column": 1,
            "code": "PM202",
            "name": "empty-section",
            "severity": "error",
            "message": "section `Chronologie` is empty",
            "hint": "Write the section, or mark the postmortem `status: draft`.",
        }
    ]


def test_json_format_clean_is_an_empty_array(runner: CliRunner, cwd: Path) -> None:
    write(cwd / "pm" / "a.md", CLEAN)
    result = lint(runner, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_github_format_writes_the_step_summary(
    runner: CliRunner, cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = cwd / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    write(cwd / "pm" / "a.md", EMPTY_TIMELINE)
    result = lint(runner, "--format", "github", "pm")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "::error file=pm/a.md,line=10,col=1,title=PM202 [empty-section]::"
        "section `Chronologie` is empty%0AWrite the section, or mark the postmortem "
        "`status: draft`."
    )
    assert summary.read_text(encoding="utf-8") == (
        "earlier step\n"
        "## pmgen lint\n\n"
        "1 problem (1 error, 0 warnings, 0 info) in 1 file; 1 file checked.\n\n"
        "| File | Line | Severity | Rule | Message |\n"
        "|---|---:|---|---|---|\n"
        "| pm/a.md | 10 | error | PM202 empty-section | section `Chronologie` is empty |\n"
    )


def test_github_and_sarif_paths_are_from_the_workspace_root(
    runner: CliRunner, cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step with `working-directory:` runs pmgen in a subfolder; GitHub places annotations
    by their path from the repository's root (`$GITHUB_WORKSPACE`)."""
    write(cwd / "pm" / "a.md", EMPTY_TIMELINE)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(cwd.parent))
    monkeypatch.chdir(cwd / "pm")
    shown = f"{cwd.name}/pm/a.md"
    annotations = lint(runner, "--format", "github", "a.md")
    assert annotations.stdout.startswith(f"::error file={shown},line=10,")
    sarif = json.loads(lint(runner, "--format", "sarif", "a.md").stdout)
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == shown
    assert lint(runner, "a.md").stdout.startswith("a.md:10:1:")  # text: from where you stand


def test_other_formats_leave_the_step_summary_alone(
    runner: CliRunner, cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = cwd / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    write(cwd / "pm" / "a.md", EMPTY_TIMELINE)
    assert lint(runner, "pm").exit_code == 1
    assert not summary.exists()


def test_sarif_format(runner: CliRunner, cwd: Path) -> None:
    write(cwd / "pm" / "a.md", EMPTY_TIMELINE)
    result = lint(runner, "--format", "sarif", "pm")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    (finding,) = log["runs"][0]["results"]
    assert finding["ruleId"] == "PM202"
    location = finding["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "pm/a.md", "uriBaseId": "%SRCROOT%"}


# --- rules ----------------------------------------------------------------------------------


def test_rules_lists_every_code(runner: CliRunner) -> None:
    result = runner.invoke(main, ["rules"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [rule.code for rule in RULES]
    for rule in RULES:
        assert rule.name in result.stdout


@pytest.mark.parametrize("name", ["PM202", "pm202", "empty-section"])
def test_rule_explains_one(runner: CliRunner, name: str) -> None:
    result = runner.invoke(main, ["rule", name])
    assert result.exit_code == 0
    assert result.stdout == format_rule("PM202")
    assert result.stdout.startswith("PM202 [empty-section] (default severity: error)\n")
    assert "How to fix:" in result.stdout


def test_unknown_rule_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(main, ["rule", "PM999"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "pmgen: no rule 'PM999'; `pmgen rules` lists them.\n"


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"pmgen, version {__version__}\n"


def test_python_dash_m_pmgen_version() -> None:
    """One real process: `python -m pmgen` is wired to the same command line."""
    completed = subprocess.run(
        [sys.executable, "-m", "pmgen", "--version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == f"pmgen, version {__version__}\n"


# --- default paths --------------------------------------------------------------------------


def test_default_paths_are_the_content_folder(runner: CliRunner, cwd: Path) -> None:
    write(cwd / "pm" / "a.md", EMPTY_TIMELINE)
    write(cwd / "pm" / "sub" / "b.md", CLEAN)
    write(cwd / "outside.md", EMPTY_TIMELINE)  # not under `content`: never linted by default
    write(cwd / "pm" / "README.md", "not a postmortem")
    write(cwd / "pm" / ".hidden" / "c.md", EMPTY_TIMELINE)
    result = lint(runner, "--format", "json")
    assert result.exit_code == 1
    assert codes(result) == [("pm/a.md", "PM202")]
    text = lint(runner)
    assert text.stdout.endswith("in 1 file; 2 files checked.\n")


def test_default_content_folder_missing_exits_2(runner: CliRunner, cwd: Path) -> None:
    result = lint(runner)
    assert result.exit_code == 2
    assert result.stderr == (
        "pmgen: no content folder pm/ (the configuration is pmgen.toml). Run pmgen inside your "
        "project, name the files or folders to lint, or start a project with `pmgen init`.\n"
    )


# --- --changed-since ------------------------------------------------------------------------


GIT_IDENTITY = ("-c", "user.name=Test", "-c", "user.email=test@example.com")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *GIT_IDENTITY, "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture
def clean_git_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No GIT_DIR or index from an outer git process (such as a hook running the tests)."""
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def repo(cwd: Path, clean_git_env: None) -> Path:
    """A git repository: base commit with a, b, d, e; a second commit changes e.

    Then: a modified (unstaged), b modified and staged, c untracked; d is untouched.
    Every file has an empty Chronologie, so each linted file reports one PM202.
    """
    git(cwd, "init", "-q")
    for name in ("a", "b", "d", "e"):
        write(cwd / "pm" / f"{name}.md", EMPTY_TIMELINE)
    git(cwd, "add", ".")
    git(cwd, "commit", "-q", "-m", "base")
    git(cwd, "tag", "base")
    write(cwd / "pm" / "e.md", EMPTY_TIMELINE + "\nUne ligne de plus.\n")
    git(cwd, "commit", "-q", "-am", "change e")
    write(cwd / "pm" / "a.md", EMPTY_TIMELINE + "\nModifié.\n")
    write(cwd / "pm" / "b.md", EMPTY_TIMELINE + "\nIndexé.\n")
    git(cwd, "add", "pm/b.md")
    write(cwd / "pm" / "c.md", EMPTY_TIMELINE)
    return cwd


def test_changed_since_head(runner: CliRunner, repo: Path) -> None:
    result = lint(runner, "--format", "json", "--changed-since", "HEAD")
    assert result.exit_code == 1, result.output
    assert codes(result) == [("pm/a.md", "PM202"), ("pm/b.md", "PM202"), ("pm/c.md", "PM202")]


def test_changed_since_an_older_commit_includes_committed_changes(
    runner: CliRunner, repo: Path
) -> None:
    result = lint(runner, "--format", "json", "--changed-since", "base")
    assert [path for path, _ in codes(result)] == ["pm/a.md", "pm/b.md", "pm/c.md", "pm/e.md"]
    text = lint(runner, "--changed-since", "base", "pm")
    assert text.stdout.endswith("; 4 files checked.\n")


def test_changed_since_from_a_subfolder(
    runner: CliRunner, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "pm")
    result = lint(runner, "--format", "json", "--changed-since", "HEAD", ".")
    assert result.exit_code == 1, result.output
    assert codes(result) == [("a.md", "PM202"), ("b.md", "PM202"), ("c.md", "PM202")]


def test_changed_since_from_a_subfolder_with_relative_diffs_configured(
    runner: CliRunner, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`git config diff.relative true` makes a diff from a subfolder list only that folder,
    relative to it: the changed postmortems were missed from `docs/`."""
    git(repo, "config", "diff.relative", "true")
    (repo / "docs").mkdir()
    monkeypatch.chdir(repo / "docs")
    result = lint(runner, "--format", "json", "--changed-since", "HEAD", "../pm")
    assert result.exit_code == 1, result.output
    assert codes(result) == [
        ("../pm/a.md", "PM202"),
        ("../pm/b.md", "PM202"),
        ("../pm/c.md", "PM202"),
    ]


def test_changed_since_nothing_changed(runner: CliRunner, repo: Path) -> None:
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "everything")
    result = lint(runner, "--changed-since", "HEAD")
    assert result.exit_code == 0
    assert result.stdout == "No problems; 0 files checked.\n"


def test_changed_since_unknown_ref_exits_2(runner: CliRunner, repo: Path) -> None:
    result = lint(runner, "--changed-since", "no-such-branch")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "`no-such-branch` is not a commit" in result.stderr
    assert "Traceback" not in result.output


def test_changed_since_outside_a_repository_exits_2(
    runner: CliRunner, cwd: Path, clean_git_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(cwd.parent))
    write(cwd / "pm" / "a.md", CLEAN)
    result = lint(runner, "--changed-since", "HEAD")
    assert result.exit_code == 2
    assert result.stderr.startswith("pmgen: --changed-since: ")
    assert "Traceback" not in result.output


# --- --fix ----------------------------------------------------------------------------------


def test_fix_inserts_the_missing_section(runner: CliRunner, cwd: Path) -> None:
    path = write(cwd / "pm" / "a.md", NO_ANALYSIS)
    before = lint(runner, "--format", "json", "pm")
    assert codes(before) == [("pm/a.md", "PM201")]

    result = lint(runner, "--fix", "--format", "json", "pm")
    assert result.stderr == "fixed pm/a.md\n"
    text = path.read_text(encoding="utf-8")
    assert "\n## Analyse\n\n<!-- pmgen:" in text
    assert text.index("## Enseignements") < text.index("## Analyse")
    assert text.index("## Analyse") < text.index("## Travaux restants")
    # The new section is still to be written: it is reported as empty, not as missing.
    assert "PM201" not in [code for _, code in codes(result)]
    assert "PM202" in [code for _, code in codes(result)]
    assert result.exit_code == 1

    again = lint(runner, "--fix", "pm")
    assert again.stderr == ""
    assert path.read_text(encoding="utf-8") == text


def test_fix_leaves_complete_files_alone(runner: CliRunner, cwd: Path) -> None:
    path = write(cwd / "pm" / "a.md", CLEAN)
    result = lint(runner, "--fix", "pm")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert path.read_text(encoding="utf-8") == CLEAN


# --- issue 10, item 8: a file name cannot write to the CI log or the terminal ---------------

HOSTILE_NAMES = {
    "workflow command": "2021-09-22-x\n::error file=pmgen.toml,line=1::tout va bien.md",
    "mask": "2021-09-22-y\n::add-mask::ghp_secret.md",
    "terminal sequences": "2021-09-22-\x1b[2J\x1b[1;1Hpropre.md",
    "carriage return": "2021-09-22-z\r::warning::faux.md",
    "C1 escape": "2021-09-22-\x9b31mrouge.md",
    "line separator": "2021-09-22-a\u2028::error::sep.md",
    "bidi override": "2021-09-22-\u202eevil.md",
}


def untrusted_lines(output: str) -> list[str]:
    """Lines a CI runner or a terminal would act on: workflow commands, control characters."""
    return [
        line
        for line in output.split("\n")
        if line.lstrip().startswith("::")
        or any(ord(c) < 32 or 127 <= ord(c) < 160 for c in line if c != "\t")
        or any(c in line for c in "\u2028\u2029\u202a\u202b\u202c\u202d\u202e")
    ]


@pytest.mark.parametrize("case", sorted(HOSTILE_NAMES))
def test_file_names_are_escaped_in_lint_and_build_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """Before: a name with a line break printed `::error`/`::add-mask::` commands in the text
    output of lint and build, and ESC sequences reached the terminal."""
    name = HOSTILE_NAMES[case]
    content = tmp_path / "postmortems"
    content.mkdir()
    (content / name).write_text(PLACEHOLDER.replace("## Analyse", "## Analyze"), "utf-8")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args in (["lint"], ["lint", "--no-cache"], ["build"], ["build", "--strict"]):
        # color=True: as on a terminal, where click leaves escape sequences in (it strips
        # them only from pipes), so an ESC in a name would reach the screen.
        result = runner.invoke(main, args, color=True)
        assert "internal error" not in result.output, result.output
        assert "PM201" in result.output, result.output
        assert untrusted_lines(result.output) == [], (args, result.output)


def test_the_github_format_keeps_names_in_their_annotation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "postmortems"
    content.mkdir()
    (content / HOSTILE_NAMES["workflow command"]).write_text(EMPTY_TIMELINE, "utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["lint", "--format", "github"])
    commands = [line for line in result.output.splitlines() if line.startswith("::")]
    assert len(commands) == 1 and commands[0].startswith("::error file=postmortems/")
    assert "tout va bien.md,line=10" in commands[0]  # the whole name stays in `file=`


def test_files_named_one_by_one_obey_the_folder_run_s_rules(runner: CliRunner, cwd: Path) -> None:
    """A pre-commit hook names each changed file: a README or an excluded template in the
    content folder is skipped as a folder run skips it (they failed the commit before)."""
    (cwd / "pmgen.toml").write_text('content = "pm"\nexclude = ["modeles/*"]\n', encoding="utf-8")
    write(cwd / "pm" / "README.md", "# Nos postmortems\n")
    write(cwd / "pm" / "modeles" / "gabarit.md", "# Gabarit\n\nTODO\n")
    write(cwd / "ailleurs.md", "# Hors du dossier\n")
    named = lint(runner, "pm/README.md", "pm/modeles/gabarit.md")
    assert named.exit_code == 0, named.output
    assert named.stdout.endswith("0 files checked.\n")
    outside = lint(runner, "ailleurs.md")  # outside the content folder: linted as asked
    assert outside.exit_code == 1


def test_a_disable_comment_with_a_colon_after_its_name_still_works(
    runner: CliRunner, cwd: Path
) -> None:
    """`<!-- pmgen-disable: PM202 -->` disabled PM202 before the directive was made strict."""
    write(cwd / "pm" / "a.md", EMPTY_TIMELINE + "\n<!-- pmgen-disable: PM202 -->\n")
    result = lint(runner, "--format", "json", "pm")
    assert codes(result) == []
