"""A new team's first hour, through the real `pmgen` command in temporary projects: `init`,
an empty project, any subfolder, the severity scale, rule codes, help and exit codes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner
from realcli import POSTMORTEM, git, pmgen, tree, write

from pmgen.__main__ import EXIT_INTERRUPTED
from pmgen.cli import main
from pmgen.cli.common import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, EXIT_PIPE_CLOSED
from pmgen.config import DEFAULTS, FREE_TABLES, build_config
from pmgen.configdoc import HELP, commented_config

REPO = Path(__file__).resolve().parent.parent


# --- pmgen init -----------------------------------------------------------------------------


def site_files(site: Path) -> int:
    """The files a build writes (its marker and the search bundle are not counted)."""
    return sum(
        1
        for path in site.rglob("*")
        if path.is_file() and path.name != ".pmgen-site" and "pagefind" not in path.parts
    )


def test_init_writes_a_project_and_prints_the_next_three_commands(tmp_path: Path) -> None:
    result = pmgen(tmp_path, "init", "incidents")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Created in incidents/:\n"
        "  pmgen.toml\n"
        "  .gitignore\n"
        "  .github/workflows/postmortems.yml\n"
        "  .pre-commit-config.yaml\n"
        "  postmortems/\n"
        "\n"
        "Next, in incidents/:\n"
        '  pmgen new "Panne de la base de données"\n'
        "  pmgen serve\n"
        "  pmgen publish --base-url URL\n"
        "Write a postmortem, preview it at http://127.0.0.1:8000/ as you type, then commit and "
        "publish the site to the gh-pages branch (or set site_url in pmgen.toml).\n"
    )
    project = tmp_path / "incidents"
    assert sorted(tree(project)) == [
        ".github/workflows/postmortems.yml",
        ".gitignore",
        ".pre-commit-config.yaml",
        "pmgen.toml",
        "postmortems/.gitkeep",
    ]
    assert (project / ".gitignore").read_text(encoding="utf-8").splitlines()[1:] == [
        "site/",
        ".pmgen-cache/",
    ]
    # The commented configuration is the defaults: loading it changes nothing.
    config = build_config(
        tomllib.loads((project / "pmgen.toml").read_text(encoding="utf-8")), project, None
    )
    assert config == build_config({}, project, None)


def test_init_workflow_lints_pull_requests_and_publishes_main(tmp_path: Path) -> None:
    assert pmgen(tmp_path, "init").returncode == 0
    workflow = yaml.safe_load((tmp_path / ".github/workflows/postmortems.yml").read_text("utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the `on:` key as a boolean
    assert triggers == {"pull_request": None, "push": {"branches": ["main"]}}
    lint_steps = [step.get("run", "") for step in workflow["jobs"]["lint"]["steps"]]
    assert "pmgen lint --format github" in lint_steps  # annotations on the pull request
    publish = workflow["jobs"]["publish"]
    assert publish["if"] == "github.event_name == 'push'"
    assert publish["needs"] == "lint"
    assert publish["permissions"] == {"contents": "write"}
    assert publish["steps"][-1]["run"].rstrip().endswith("pmgen publish")
    hooks = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text("utf-8"))
    hook = hooks["repos"][0]["hooks"][0]
    assert (hook["id"], hook["entry"], hook["files"]) == (
        "pmgen-lint",
        "pmgen lint",
        "^postmortems/",
    )


def test_init_never_overwrites_and_says_so(tmp_path: Path) -> None:
    write(tmp_path / "pmgen.toml", 'title = "Nos incidents"\n')
    write(tmp_path / ".gitignore", "node_modules/\n")
    write(tmp_path / "postmortems" / "2021-09-22-panne.md", "déjà là\n")
    before = tree(tmp_path)
    result = pmgen(tmp_path, "init", "--example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "Created:\n"
        "  .github/workflows/postmortems.yml\n"
        "  .pre-commit-config.yaml\n"
        "  postmortems/2024-03-12-example.md\n"
        "  pmgen.toml: already there, left as it is\n"
        "  .gitignore: already there, left as it is\n"
    )
    assert "note: .gitignore does not ignore site/ and .pmgen-cache/: add them" in result.stderr
    after = tree(tmp_path)
    assert {path: after[path] for path in before} == before
    again = pmgen(tmp_path, "init", "--example")
    assert again.stdout.startswith("Nothing to create: every file is already there.\n")
    assert tree(tmp_path) == after


def test_init_into_a_file_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "notes", "a file\n")
    result = pmgen(tmp_path, "init", "notes")
    assert result.returncode == 2
    assert "is a file" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_example_lints_clean_and_builds(tmp_path: Path) -> None:
    assert pmgen(tmp_path, "init", "--example", "--lang", "en").returncode == 0
    assert 'lang = "en"' in (tmp_path / "pmgen.toml").read_text(encoding="utf-8").splitlines()
    lint = pmgen(tmp_path, "lint", "--min-severity", "info")
    assert (lint.returncode, lint.stdout) == (0, "No problems; 1 file checked.\n")
    built = pmgen(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    assert built.stdout == (
        f"Built 1 postmortem into site/ ({site_files(tmp_path / 'site')} files written)\n"
        "Open site/index.html\n"
    )


def flattened(schema: dict[str, Any], prefix: str = "") -> list[tuple[str, bool]]:
    """Every key of the schema, dotted, and whether it is a table."""
    keys = []
    for key, value in schema.items():
        dotted = f"{prefix}{key}"
        keys.append((dotted, isinstance(value, dict)))
        if isinstance(value, dict) and key not in FREE_TABLES and key != "per_path":
            keys += flattened(value, f"{dotted}.")
    return keys


def test_the_starter_configuration_shows_every_key_of_the_schema() -> None:
    text = commented_config()
    keys = flattened(DEFAULTS)
    for dotted, table in keys:
        shown = f"# [{dotted}]" if table else f"# {dotted.rsplit('.', 1)[-1]} = "
        assert shown in text, f"{dotted} is missing from the pmgen.toml that init writes"
    assert sorted(HELP) == sorted(dotted for dotted, _ in keys)  # no explanation left over
    live = "\n".join(re.sub(r"^# (?=\[[\w.]+\]$|\w+ = )", "", line) for line in text.splitlines())
    assert tomllib.loads(live) == DEFAULTS
    # Every line uncommented, the file still means the defaults.
    assert build_config(tomllib.loads(live), REPO, None) == build_config({}, REPO, None)


def test_the_repository_ships_the_starter_configuration() -> None:
    assert (REPO / "pmgen.toml").read_text(encoding="utf-8") == commented_config()


# --- an empty project -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "empty"),
    [
        ("fr", 'Aucun postmortem pour l\'instant — <code>pmgen new "Titre"</code>'),
        ("en", 'No postmortem yet — <code>pmgen new "Title"</code>'),
    ],
)
def test_an_empty_project_builds_a_friendly_site(tmp_path: Path, lang: str, empty: str) -> None:
    assert pmgen(tmp_path, "init", "--lang", lang).returncode == 0
    result = pmgen(tmp_path, "build")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"Built 0 postmortems into site/ ({site_files(tmp_path / 'site')} files written)\n"
        "Open site/index.html\n"
    )
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert empty.replace('"', "&#34;").replace("'", "&#39;") in index
    assert not (tmp_path / "site" / "pagefind").exists()  # nothing to index
    assert not (tmp_path / "site" / "search").exists()
    again = pmgen(tmp_path, "build")
    assert again.stdout.startswith("Up to date: nothing changed since the last build of site/\n")


def test_a_draft_only_project_builds_and_counts_no_draft_finding(tmp_path: Path) -> None:
    assert pmgen(tmp_path, "init").returncode == 0
    created = pmgen(tmp_path, "new", "Panne", "--date", "2024-03-12")
    assert created.stdout == "postmortems/2024-03-12-panne.md\n"
    result = pmgen(tmp_path, "build")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "Built 0 postmortems (1 draft left out; --drafts includes it) into site/"
    )
    assert "lint:" not in result.stderr and "PM202" not in result.stderr
    # The draft's own findings are lint's business, and their hints fit a draft.
    lint = pmgen(tmp_path, "lint")
    assert "hint: Write the section before the postmortem leaves `status: draft`." in lint.stdout
    assert "or mark the postmortem `status: draft`" not in lint.stdout


def test_an_empty_project_publishes(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    project = tmp_path / "incidents"
    assert (
        pmgen(tmp_path, "init", "incidents", "--site-url", "https://pm.example.org").returncode == 0
    )
    git(project, "init", "--quiet", "--initial-branch=main")
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "Start")
    git(project, "remote", "add", "origin", str(remote))
    published = pmgen(project, "publish")
    assert published.returncode == 0, published.stderr
    assert published.stdout.startswith("Published 0 postmortems, ")
    assert "index.html" in git(remote, "ls-tree", "--name-only", "gh-pages")
    again = pmgen(project, "publish")
    assert again.returncode == 0
    assert again.stdout.startswith("Nothing to publish: origin gh-pages already holds this site")


# --- any subfolder --------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An initialised project with one postmortem, and subfolders a user may stand in."""
    assert pmgen(tmp_path, "init").returncode == 0
    write(
        tmp_path / "postmortems" / "2021-09-22-panne.md",
        POSTMORTEM.format(title="Panne", date="2021-09-22"),
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "docs" / "notes").mkdir(parents=True)
    return tmp_path


def test_new_from_a_subfolder_writes_into_the_project(project: Path) -> None:
    result = pmgen(project / "templates", "new", "Autre panne", "--date", "2022-01-05")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "../postmortems/2022-01-05-autre-panne.md\n"
    assert (project / "postmortems" / "2022-01-05-autre-panne.md").is_file()
    assert not (project / "templates" / "postmortems").exists()


def test_build_and_lint_from_a_subfolder(project: Path) -> None:
    built = pmgen(project / "docs" / "notes", "build")
    assert built.returncode == 0, built.stderr
    assert built.stdout == (
        f"Built 1 postmortem into ../../site/ ({site_files(project / 'site')} files written)\n"
        "Open ../../site/index.html\n"
    )
    assert (project / "site" / "index.html").is_file()
    write(project / "postmortems" / "2022-01-05-vide.md", "---\ntitle: Vide\n---\n")
    linted = pmgen(project / "docs", "lint")
    assert linted.returncode == 1
    assert linted.stdout.startswith("../postmortems/2022-01-05-vide.md:")


def test_without_configuration_the_git_root_with_postmortems_is_the_project(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet")
    write(
        tmp_path / "postmortems" / "2021-09-22-panne.md",
        POSTMORTEM.format(title="Panne", date="2021-09-22"),
    )
    (tmp_path / "docs").mkdir()
    built = pmgen(tmp_path / "docs", "build")
    assert built.returncode == 0, built.stderr
    assert "into ../site/" in built.stdout
    assert (tmp_path / "site" / "index.html").is_file()


def test_outside_any_project_the_error_says_what_to_do(tmp_path: Path) -> None:
    result = pmgen(tmp_path, "build")
    assert result.returncode == 2
    assert result.stderr == (
        "pmgen: no content folder postmortems/ (no pmgen.toml was found here or above). Run "
        "pmgen inside your project, pass --src, or start a project with `pmgen init`.\n"
    )


# --- silent mistakes made loud --------------------------------------------------------------


def test_unknown_rule_prefixes_are_usage_errors(project: Path) -> None:
    typo = pmgen(project, "lint", "--select", "PM9")
    assert typo.returncode == 2
    assert "Invalid value for '--select': 'PM9' is not a rule code or prefix" in typo.stderr
    close = pmgen(project, "lint", "--ignore", "PM3,PM2O2")
    assert close.returncode == 2
    assert "'PM2O2' is not a rule code or prefix (did you mean PM202?)" in close.stderr
    assert pmgen(project, "lint", "--select", "pm2,PM301").returncode == 0


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[lint]\nselect = ["PM9"]\n', "`lint.select`: 'PM9' is not a rule code or prefix"),
        (
            '[lint.per_path."archives/*"]\nignore = ["PM2O2"]\n',
            "`lint.per_path.'archives/*'.ignore`: 'PM2O2' is not a rule code or prefix (did "
            "you mean PM202?)",
        ),
    ],
)
def test_unknown_rule_prefixes_in_the_configuration(
    project: Path, table: str, message: str
) -> None:
    write(project / "pmgen.toml", table)
    for command in ("lint", "build"):
        result = pmgen(project, command)
        assert result.returncode == 2
        assert message in result.stderr
        assert str(project / "pmgen.toml") in result.stderr


def test_an_unknown_severity_is_a_finding_with_its_line(project: Path) -> None:
    page = project / "postmortems" / "2021-09-22-panne.md"
    page.write_text(
        POSTMORTEM.format(title="Panne", date="2021-09-22").replace("SEV2", "SEV9"), "utf-8"
    )
    result = pmgen(project, "lint")
    assert result.returncode == 1
    assert result.stdout.startswith(
        "postmortems/2021-09-22-panne.md:4:1: PM110 [unknown-severity] `severity` 'SEV9' is not "
        "on the severity scale\n"
        "    hint: Use one of SEV1 (P1, critical, critique), SEV2 (P2, high, haute), SEV3 (P3, "
        "medium, moyenne), SEV4 (P4, low, basse); or add it under `[severities.aliases]`.\n"
    )
    page.write_text(
        POSTMORTEM.format(title="Panne", date="2021-09-22").replace("SEV2", "High"), "utf-8"
    )
    assert pmgen(project, "lint").returncode == 0
    built = pmgen(project, "build", "--base-url", "https://pm.example.org")
    assert built.returncode == 0, built.stderr
    assert (project / "site" / "severity" / "sev2" / "index.html").is_file()  # one level


def test_a_configured_scale_replaces_the_default(project: Path) -> None:
    write(project / "pmgen.toml", '[severities]\nlevels = ["majeur", "mineur"]\n')
    result = pmgen(project, "lint")
    assert result.returncode == 1
    assert "PM110" in result.stdout and "Use one of majeur, mineur;" in result.stdout
    bad = pmgen(project, "new", "X", "--severity", "SEV2")
    assert bad.returncode == 2
    assert "'SEV2' is not on the severity scale: majeur, mineur." in bad.stderr
    good = pmgen(project, "new", "X", "--severity", "MAJEUR", "--date", "2022-01-05")
    assert good.returncode == 0, good.stderr
    text = (project / "postmortems" / "2022-01-05-x.md").read_text(encoding="utf-8")
    assert 'severity: "majeur"\n' in text  # the level as the scale writes it


def test_build_strict_fails_on_warnings_as_lint_strict_does(project: Path) -> None:
    write(
        project / "postmortems" / "2022-01-05-tbd.md",
        POSTMORTEM.format(title="Tbd", date="2022-01-05").replace("@camille", "@camille TODO"),
    )
    assert pmgen(project, "lint").returncode == 0  # one warning
    assert pmgen(project, "lint", "--strict").returncode == 1
    assert pmgen(project, "build").returncode == 0
    strict = pmgen(project, "build", "--strict", "--out", "strict-site")
    assert strict.returncode == 1
    assert "build failed (--strict: warning or error findings)" in strict.stderr
    assert not (project / "strict-site").exists()


def test_build_summary_shows_errors_before_warnings(project: Path) -> None:
    for day in range(1, 7):  # six warnings, in files that sort first
        write(
            project / "postmortems" / f"2020-01-0{day}-a.md",
            POSTMORTEM.format(title=f"A{day}", date=f"2020-01-0{day}").replace(
                "@camille", "@camille TODO"
            ),
        )
    write(
        project / "postmortems" / "2023-01-01-z.md",
        POSTMORTEM.format(title="Z", date="2023-01-01").replace(
            "## Analyse\n\nLes instances swappaient en pointe.\n", "## Analyse\n"
        ),
    )
    result = pmgen(project, "build")
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert lines[0] == "lint: 1 error, 6 warnings, 0 info"
    assert "PM202 [empty-section]" in lines[1]
    assert "… and 2 more: run `pmgen lint` for the full list." in lines


# --- help and exit codes --------------------------------------------------------------------


def test_bare_pmgen_prints_help_and_exits_0(tmp_path: Path) -> None:
    result = pmgen(tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: pmgen [OPTIONS] [COMMAND] [ARGS]...\n")
    assert "  init     Start a pmgen project in FOLDER" in result.stdout


def test_every_option_of_every_command_is_described() -> None:
    undescribed = [
        f"pmgen {name} {param.opts[0]}"
        for name, command in (
            (name, main.get_command(None, name)) for name in main.list_commands(None)
        )
        for param in command.params
        if isinstance(param, click.Option) and not (param.help or "").strip()
    ]
    assert not undescribed, undescribed


def test_build_options_are_shared_by_serve_and_publish() -> None:
    for name in ("serve", "publish"):
        options = {opt for param in main.get_command(None, name).params for opt in param.opts}
        assert {"--src", "--drafts", "--strict"} <= options, name
    for name in ("lint", "build", "publish"):
        strict = next(p for p in main.get_command(None, name).params if p.name == "strict")
        assert "any warning or error finding" in (strict.help or ""), name


def test_new_date_shows_its_format(tmp_path: Path) -> None:
    result = pmgen(tmp_path, "new", "--help")
    assert "  --date YYYY-MM-DD " in result.stdout


def test_the_readme_exit_code_table_is_the_code() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| `(\d+)` \| (.+?) \|$", readme, flags=re.MULTILINE))
    assert sorted(int(code) for code in table) == sorted(
        {EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_PIPE_CLOSED}
    )
    assert (EXIT_INTERRUPTED, EXIT_PIPE_CLOSED) == (130, 141)


def test_pyproject_packages_every_template_folder() -> None:
    """pip warns about data folders missing from `packages` and about a license table."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert isinstance(project["project"]["license"], str)  # an SPDX expression
    packages = set(project["tool"]["setuptools"]["packages"])
    folders = {
        "pmgen.templates." + p.relative_to(REPO / "templates").as_posix().replace("/", ".")
        for p in (REPO / "templates").rglob("*")
        if p.is_dir() and "__pycache__" not in p.parts
    }
    assert folders <= packages


def test_a_reader_that_leaves_early_is_not_an_internal_error(tmp_path: Path) -> None:
    """`pmgen build | head -1`: the pipe closes before pmgen's last line. No "internal error",
    no traceback: exit 141 (128 + SIGPIPE, as shells report), the site built whole."""
    import os
    import subprocess

    from realcli import COMMAND, environment

    write(tmp_path / "pmgen.toml", "")
    write(
        tmp_path / "postmortems" / "2021-01-01-panne.md",
        POSTMORTEM.format(title="Panne", date="2021-01-01"),
    )
    reading, writing = os.pipe()
    os.close(reading)  # the reader is gone before pmgen prints anything
    try:
        result = subprocess.run(
            [*COMMAND, "build"],
            cwd=tmp_path,
            env=environment(tmp_path),
            stdin=subprocess.DEVNULL,
            stdout=writing,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(writing)
    assert result.returncode == EXIT_PIPE_CLOSED, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "site" / "2021" / "01" / "01" / "panne" / "index.html").is_file()


@pytest.mark.parametrize(
    "args",
    [
        ["init", "projet", "--site-url", "notaurl"],
        ["build", "--base-url", "ftp://x"],
        ["build", "--base-url", "/postmortems"],
        ["publish", "--base-url", "example.org"],
        ["build", "--base-url", "https://[oops"],  # was a traceback
    ],
)
def test_a_site_address_that_is_not_an_absolute_url_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    write(tmp_path / "pmgen.toml", "")
    (tmp_path / "postmortems").mkdir()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == EXIT_ERROR, result.output
    assert "must be an absolute http(s) URL" in result.output
    assert not (tmp_path / "projet").exists() and not (tmp_path / "site").exists()


def test_init_inside_another_project_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    """A new pmgen.toml would take over from the configuration already in force here or
    above (content folder, language): the postmortems there would silently leave the site."""
    write(tmp_path / "pyproject.toml", '[tool.pmgen]\ncontent = "docs/pm"\nlang = "en"\n')
    before = tree(tmp_path)
    for folder in (".", "docs", "docs/pm/nouveau"):
        result = pmgen(tmp_path, "init", folder)
        assert result.returncode == 2, result.stdout
        assert "already configures a pmgen project" in result.stderr
        assert "pyproject.toml" in result.stderr
    assert tree(tmp_path) == before
    assert pmgen(tmp_path / "..", "init", str(tmp_path / "ailleurs")).returncode == 2


def test_init_checks_every_folder_before_writing_anything(tmp_path: Path) -> None:
    write(tmp_path / "projet" / "postmortems", "a file where the content folder goes\n")
    result = pmgen(tmp_path, "init", "projet")
    assert result.returncode == 2
    assert "postmortems is a file where `pmgen init` needs a folder" in result.stderr
    assert sorted(p.name for p in (tmp_path / "projet").iterdir()) == ["postmortems"]


def test_init_again_advises_from_the_project_s_own_settings(tmp_path: Path) -> None:
    """Run again without options: the next commands follow the project's language and
    site_url, not the command's defaults (it advised `--base-url` to a project that had one)."""
    first = pmgen(tmp_path, "init", "p", "--lang", "en", "--site-url", "https://a.example/pm")
    assert first.returncode == 0, first.stderr
    again = pmgen(tmp_path, "init", "p")
    assert again.returncode == 0, again.stderr
    assert 'pmgen new "Database outage"' in again.stdout
    assert "  pmgen publish\n" in again.stdout and "--base-url" not in again.stdout
