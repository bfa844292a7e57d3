"""`pmgen new` through click's CliRunner: slugs, options, front matter, refusal, lint result.

Each test runs in its own project folder (a `pmgen.toml` with `content = "pm"`), with git's
global and system configuration replaced by empty files, so the author comes only from a
`git config user.name` the test sets in a temporary repository (or is absent outside one).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pmgen.cli import main
from pmgen.commands.parse import parse_files
from pmgen.config import load_config
from pmgen.model import Milestones, Postmortem
from pmgen.prompts import PROMPT_PATTERN, prompt_comment
from pmgen.slugs import MAX_SLUG

DAY = "2021-09-22"
SECTION_IDS = ("context", "timeline", "lessons", "analysis", "actions")
HEADINGS = {
    "fr": ["Contexte", "Chronologie", "Enseignements", "Analyse", "Travaux restants"],
    "en": ["Context", "Timeline", "Lessons learned", "Analysis", "Action items"],
}
TIMELINE = {"fr": "Chronologie", "en": "Timeline"}
MILESTONES = ("started_at", "detected_at", "mitigated_at", "resolved_at")
AUTHOR = "Ada Lovelace"
WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"{p}{i}" for p in ("com", "lpt") for i in range(10)),
}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project (`content = "pm"`) as the working folder; git sees no user config."""
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("", encoding="utf-8")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_CONFIG", "GIT_CONFIG_COUNT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_SYSTEM", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    # Never find a repository above the test's folder (e.g. when /tmp is inside one).
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    root = tmp_path / "projet"
    root.mkdir()
    (root / "pmgen.toml").write_text('content = "pm"\n', encoding="utf-8")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def repository(project: Path) -> Path:
    """The project as a git repository whose `user.name` is AUTHOR."""
    for command in (["git", "init", "-q"], ["git", "config", "user.name", AUTHOR]):
        subprocess.run(command, cwd=project, check=True, capture_output=True)
    return project


def new(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, ["new", *args])


def created(runner: CliRunner, project: Path, *args: str) -> Path:
    """Run `pmgen new` (dated DAY unless `--date` is given), check it succeeded, return the file."""
    if "--date" not in args:
        args = (*args, "--date", DAY)
    result = new(runner, *args)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    shown = result.stdout.rstrip("\n")
    assert result.stdout == shown + "\n"
    path = project / shown
    assert path.is_file(), shown
    return path


def parsed(path: Path, project: Path) -> Postmortem:
    """The postmortem as pmgen reads it, asserting the file gave no finding while parsing."""
    [item] = parse_files([path], load_config(project), project).results
    assert item.diagnostics == ()
    assert item.postmortem is not None
    return item.postmortem


def slug_of(path: Path) -> str:
    """`2021-09-22-panne.md` → `panne`."""
    assert path.name.startswith(f"{DAY}-"), path.name
    return path.stem.removeprefix(f"{DAY}-")


def lint_json(runner: CliRunner, *args: str) -> tuple[Result, list[dict[str, object]]]:
    result = runner.invoke(main, ["lint", "--format", "json", *args])
    return result, json.loads(result.stdout)


def write_it(text: str, lang: str) -> str:
    """What a writer does to a fresh draft: every prompt answered, `status: draft` removed."""
    assert "status: draft\n" in text
    text = text.replace("status: draft\n", "", 1)
    lines, heading = [], None
    for line in text.split("\n"):
        if line.startswith("## "):
            heading = line[3:]
        if PROMPT_PATTERN.fullmatch(line.strip()):
            if heading is None:
                line = "La base a refusé les connexions pendant une heure."
            elif heading == TIMELINE[lang]:
                line = "* 16:00 — les connexions échouent.\n* 17:00 — le service est rétabli."
            else:
                line = f"Ce que nous savons de « {heading} »."
        lines.append(line)
    written = "\n".join(lines)
    assert "pmgen:" not in written
    return written


# --- slugs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Panne de la base de données", "panne-de-la-base-de-donnees"),
        ("L'API d’authentification", "l-api-d-authentification"),
        ("L’API d'authentification", "l-api-d-authentification"),
        ("Œuvre : ça coûte très cher !", "oeuvre-ca-coute-tres-cher"),
        ("🔥 Incendie au datacenter 🔥", "incendie-au-datacenter"),
    ],
)
def test_slug_is_ascii_from_the_title(
    runner: CliRunner, project: Path, title: str, slug: str
) -> None:
    path = created(runner, project, title)
    assert path == project / "pm" / f"{DAY}-{slug}.md"


@pytest.mark.parametrize("title", ["🔥🔥", "?!… — «»", "--- ! ---"])
def test_title_without_letters_gets_a_safe_fallback_slug(
    runner: CliRunner, project: Path, title: str
) -> None:
    path = created(runner, project, "--date", DAY, "--", title)
    slug = slug_of(path)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
    assert parsed(path, project).fields.title == title.strip()


def test_very_long_title_gives_a_bounded_slug(runner: CliRunner, project: Path) -> None:
    title = "Panne prolongée de la base de données principale " * 20
    path = created(runner, project, title)
    slug = slug_of(path)
    assert 0 < len(slug) <= MAX_SLUG
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
    assert slug.startswith("panne-prolongee-de-la-base-de-donnees-principale-panne")
    assert len(path.name) < 255
    assert parsed(path, project).fields.title == title.strip()


@pytest.mark.parametrize("title", ["con", "CON", "Nul", "aux", "com1", "LPT9"])
def test_windows_reserved_name_is_never_the_slug(
    runner: CliRunner, project: Path, title: str
) -> None:
    path = created(runner, project, title)
    slug = slug_of(path)
    # The slug also names the page's folder (`2021/09/22/<slug>/`), which Windows would refuse.
    assert slug not in WINDOWS_RESERVED
    assert re.fullmatch(r"[a-z0-9-]+", slug), slug
    assert title.lower() in slug
    assert parsed(path, project).fields.title == title


# --- options and the printed path -------------------------------------------------------------


def test_prints_the_created_path_relative_to_the_working_folder(
    runner: CliRunner, project: Path
) -> None:
    result = new(runner, "Panne du site", "--date", DAY)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"pm/{DAY}-panne-du-site.md\n"
    assert result.stderr == ""
    assert (project / "pm" / f"{DAY}-panne-du-site.md").is_file()


def test_date_defaults_to_today(runner: CliRunner, project: Path) -> None:
    before = dt.date.today()
    result = new(runner, "Panne du site")
    after = dt.date.today()
    assert result.exit_code == 0, result.output
    assert result.stdout in {f"pm/{day}-panne-du-site.md\n" for day in (before, after)}
    postmortem = parsed(project / result.stdout.strip(), project)
    assert postmortem.fields.date in {before, after}


def test_date_option(runner: CliRunner, project: Path) -> None:
    path = created(runner, project, "Panne du site", "--date", "2020-02-29")
    assert path.name == "2020-02-29-panne-du-site.md"
    assert parsed(path, project).fields.date == dt.date(2020, 2, 29)


def test_invalid_date_is_a_usage_error(runner: CliRunner, project: Path) -> None:
    result = new(runner, "Panne du site", "--date", "22/09/2021")
    assert result.exit_code == 2
    assert "--date" in result.stderr
    assert not (project / "pm").exists()


def test_french_by_default_with_french_headings_and_prompts(
    runner: CliRunner, project: Path
) -> None:
    path = created(runner, project, "Panne du site")
    text = path.read_text(encoding="utf-8")
    assert re.findall(r"^## (.+)$", text, re.MULTILINE) == HEADINGS["fr"]
    for section_id in SECTION_IDS:
        assert prompt_comment(section_id, "fr") in text
    # The chart example is inside a comment: nothing of it is drawn until the writer uses it.
    assert re.search(r"<!--[^>]*```chart\n.*?```\n-->", text, re.DOTALL)
    postmortem = parsed(path, project)
    assert postmortem.fields.lang == "fr"
    assert postmortem.charts == ()


def test_english_headings_and_prompts(runner: CliRunner, project: Path) -> None:
    path = created(runner, project, "Database outage", "--lang", "en")
    text = path.read_text(encoding="utf-8")
    assert re.findall(r"^## (.+)$", text, re.MULTILINE) == HEADINGS["en"]
    for section_id in SECTION_IDS:
        assert prompt_comment(section_id, "en") in text
        assert prompt_comment(section_id, "fr") not in text
    assert "Sum the incident up" in text
    assert "Résumez" not in text
    postmortem = parsed(path, project)
    assert postmortem.fields.lang == "en"
    assert [section.id for section in postmortem.sections] == list(SECTION_IDS)


def test_unknown_language_is_a_usage_error(runner: CliRunner, project: Path) -> None:
    result = new(runner, "Panne du site", "--lang", "de")
    assert result.exit_code == 2
    assert "--lang" in result.stderr


def test_severity_and_repeated_services(runner: CliRunner, project: Path) -> None:
    path = created(
        runner,
        project,
        "Panne du site",
        "--severity",
        "SEV2",
        "--service",
        "api",
        "--service",
        "base de données",
    )
    fields = parsed(path, project).fields
    assert fields.severity == "SEV2"
    assert fields.services == ("api", "base de données")


def test_dir_option_writes_elsewhere(runner: CliRunner, project: Path) -> None:
    result = new(runner, "Panne du site", "--date", DAY, "--dir", "brouillons/2021")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"brouillons/2021/{DAY}-panne-du-site.md\n"
    assert (project / "brouillons" / "2021" / f"{DAY}-panne-du-site.md").is_file()
    assert not (project / "pm").exists()


def test_empty_title_is_refused(runner: CliRunner, project: Path) -> None:
    result = new(runner, "   ", "--date", DAY)
    assert result.exit_code == 2
    assert "title" in result.stderr
    assert "Traceback" not in result.output
    assert not (project / "pm").exists()


# --- front matter -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        'Erreur "500" : la base #2 ne répond plus',
        "key: value # not a comment",
        "- [liste] {objet} & *ancre !balise",
        "'guillemets simples' et ‘typographiques’",
        "yes",
        "2021-09-22",
    ],
)
def test_title_survives_the_front_matter(runner: CliRunner, project: Path, title: str) -> None:
    path = created(runner, project, "--date", DAY, "--", title)
    assert parsed(path, project).fields.title == title


def test_front_matter_fields(runner: CliRunner, repository: Path) -> None:
    path = created(runner, repository, "Panne de la base de données", "--severity", "SEV1")
    postmortem = parsed(path, repository)
    fields = postmortem.fields
    assert fields.title == "Panne de la base de données"
    assert fields.date == dt.date(2021, 9, 22)
    assert fields.status == "draft"
    assert fields.is_draft
    assert fields.lang == "fr"
    assert fields.severity == "SEV1"
    assert fields.services == ()
    assert fields.tags == ()
    assert fields.authors == (AUTHOR,)
    front = postmortem.document.front_matter
    for key in MILESTONES:
        assert key in front
        assert front[key] is None
    assert postmortem.incident.declared == Milestones()
    # A comment explains the milestones' format, just above them.
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^# .*ISO 8601.*\n(?:.*\n)?started_at:$", text, re.MULTILINE)


def test_no_author_outside_a_repository(runner: CliRunner, project: Path) -> None:
    path = created(runner, project, "Panne du site")
    assert parsed(path, project).fields.authors == ()


def test_no_author_when_the_repository_has_no_user_name(runner: CliRunner, project: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=project, check=True, capture_output=True)
    path = created(runner, project, "Panne du site")
    assert parsed(path, project).fields.authors == ()


def test_author_with_quotes_survives(runner: CliRunner, repository: Path) -> None:
    name = 'Jean "JJ" d’Arc: #1'
    subprocess.run(["git", "config", "user.name", name], cwd=repository, check=True)
    path = created(runner, repository, "Panne du site")
    assert parsed(path, repository).fields.authors == (name,)


# --- never overwrite --------------------------------------------------------------------------


def test_refuses_to_overwrite(runner: CliRunner, project: Path) -> None:
    path = created(runner, project, "Panne du site")
    path.write_text(path.read_text(encoding="utf-8") + "\nDéjà commencé.\n", encoding="utf-8")
    before = path.read_bytes()

    for extra in ((), ("--lang", "en", "--severity", "SEV1")):
        again = new(runner, "Panne du site", "--date", DAY, *extra)
        assert again.exit_code == 1
        assert again.stdout == ""
        assert str(path) in again.stderr
        assert "already exists" in again.stderr
        assert "Traceback" not in again.output
        assert path.read_bytes() == before
    assert sorted(p.name for p in (project / "pm").iterdir()) == [path.name]


def test_two_titles_with_the_same_slug_do_not_overwrite(runner: CliRunner, project: Path) -> None:
    path = created(runner, project, "Panne de la base de données")
    before = path.read_bytes()
    again = new(runner, "PANNE DE LA BASE DE DONNEES !", "--date", DAY)
    assert again.exit_code == 1
    assert path.name in again.stderr
    assert path.read_bytes() == before


# --- the lint result of a fresh file ----------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_fresh_file_lints_with_warnings_only_then_clean_once_written(
    runner: CliRunner, project: Path, lang: str
) -> None:
    path = created(runner, project, "Panne de la base de données", "--lang", lang)
    shown = path.relative_to(project).as_posix()

    fresh, findings = lint_json(runner, shown)
    assert fresh.exit_code == 0, fresh.output
    assert findings, "a fresh draft has its prompts and empty sections reported"
    assert {finding["severity"] for finding in findings} == {"warning"}
    assert {finding["path"] for finding in findings} == {shown}
    # Each prompt (the summary's and one per section) is reported as left in the text.
    assert sum(finding["code"] == "PM305" for finding in findings) == len(SECTION_IDS) + 1

    path.write_text(write_it(path.read_text(encoding="utf-8"), lang), encoding="utf-8")
    written = runner.invoke(main, ["lint", "--strict", shown])
    assert written.exit_code == 0, written.output
    assert written.stdout == "No problems; 1 file checked.\n"
    postmortem = parsed(path, project)
    assert not postmortem.fields.is_draft
    assert len(postmortem.incident.events) == 2


def test_fresh_file_as_published_is_reported_with_errors(runner: CliRunner, project: Path) -> None:
    """Only the `draft` status keeps the empty sections from being errors."""
    path = created(runner, project, "Panne du site")
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: draft\n", ""), encoding="utf-8"
    )
    result, findings = lint_json(runner, path.relative_to(project).as_posix())
    assert result.exit_code == 1
    assert "error" in {finding["severity"] for finding in findings}


# --- the skeleton a site can override ---------------------------------------------------------

SITE_SKELETON = """---
title: {{ title | yaml }}
date: {{ date }}
status: draft
lang: fr
---

Gabarit de l'équipe SRE.
{% for section in sections %}

## {{ section.title }}

{{ section.prompt }}
{% endfor %}
"""


def test_site_template_overrides_the_theme(runner: CliRunner, project: Path) -> None:
    template = project / "templates" / "new" / "postmortem.fr.md"
    template.parent.mkdir(parents=True)
    template.write_text(SITE_SKELETON, encoding="utf-8")

    path = created(runner, project, "Panne du site")
    text = path.read_text(encoding="utf-8")
    assert "Gabarit de l'équipe SRE." in text
    assert "started_at" not in text  # the theme's skeleton was not used
    assert re.findall(r"^## (.+)$", text, re.MULTILINE) == HEADINGS["fr"]
    assert parsed(path, project).fields.title == "Panne du site"

    # Only the French skeleton is overridden: English still comes from the theme.
    english = created(runner, project, "Site outage", "--lang", "en")
    english_text = english.read_text(encoding="utf-8")
    assert "Gabarit" not in english_text
    assert "started_at:" in english_text


def test_titles_without_latin_letters_are_numbered_not_refused(
    project: Path, runner: CliRunner
) -> None:
    """Every such title slugs to the fallback: a second one the same day must still work."""
    shown = []
    for title in ("Сбой базы данных", "数据库故障", "Σφάλμα"):
        result = runner.invoke(main, ["new", title, "--date", DAY])
        assert result.exit_code == 0, result.output
        shown.append(result.stdout.strip())
    assert shown == [
        f"pm/{DAY}-sans-titre.md",
        f"pm/{DAY}-sans-titre-2.md",
        f"pm/{DAY}-sans-titre-3.md",
    ]
    assert 'title: "数据库故障"' in (project / shown[1]).read_text(encoding="utf-8")
    again = runner.invoke(main, ["new", "Panne", "--date", DAY])
    assert again.exit_code == 0
    assert runner.invoke(main, ["new", "Panne", "--date", DAY]).exit_code == 1  # a real repeat


def test_a_title_with_a_control_character_is_refused_and_line_breaks_are_folded(
    project: Path, runner: CliRunner
) -> None:
    """An escape sequence pasted from a terminal made a draft that stopped every build."""
    refused = runner.invoke(main, ["new", "Esc\x1b[31mrouge", "--date", DAY])
    assert refused.exit_code == 2 and "U+001B" in refused.stderr
    assert not (project / "pm").exists() or not any((project / "pm").iterdir())
    folded = runner.invoke(main, ["new", "Deux\nlignes\t ici", "--date", DAY])
    assert folded.exit_code == 0, folded.output
    written = (project / folded.stdout.strip()).read_text(encoding="utf-8")
    assert 'title: "Deux lignes ici"' in written


def test_new_refuses_the_output_folder_and_notes_a_folder_outside_the_content(
    project: Path, runner: CliRunner
) -> None:
    inside_site = runner.invoke(main, ["new", "Panne", "--dir", "site/2021"])
    assert inside_site.exit_code == 2 and "inside the output folder" in inside_site.stderr
    assert not (project / "site").exists()
    typo = runner.invoke(main, ["new", "Panne", "--dir", "p"])  # meant pm/
    assert typo.exit_code == 0
    assert "outside the content folder (pm/)" in typo.stderr
    nested = runner.invoke(main, ["new", "Autre", "--dir", "pm/2021"])
    assert nested.exit_code == 0 and nested.stderr == ""


def test_a_system_refusal_is_a_message_not_an_internal_error(
    project: Path, runner: CliRunner
) -> None:
    """`--dir` through a file: the system says "Not a directory"; pmgen says where."""
    result = runner.invoke(main, ["new", "Panne", "--dir", "pmgen.toml/sous-dossier"])
    assert result.exit_code == 2
    assert "pmgen.toml" in result.stderr and "Not a directory" in result.stderr
    assert "internal error" not in result.stderr
