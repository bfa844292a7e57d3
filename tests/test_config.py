"""Configuration: where it is found, what it defaults to, and how every mistake is reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pmgen.commands.lint import run_lint
from pmgen.config import DEFAULT_REQUIRED, Config, find_config_file, load_config
from pmgen.diagnostics import Severity
from pmgen.errors import ConfigError, PmgenError
from pmgen.read.sections import match_section

TODAY = dt.date(2024, 1, 1)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def config_error(tmp_path: Path, toml: str) -> str:
    """Load a pmgen.toml holding `toml`; return the ConfigError message it must raise."""
    source = write(tmp_path / "pmgen.toml", toml)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    message = str(caught.value)
    assert str(source) in message
    return message


# --- discovery ------------------------------------------------------------------------------


def test_pmgen_toml_found_from_a_subfolder(tmp_path: Path) -> None:
    source = write(tmp_path / "pmgen.toml", 'lang = "en"\n')
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    config = load_config(deep)
    assert config.source == source
    assert config.root == tmp_path.resolve()
    assert config.lang == "en"
    assert config.content == (tmp_path / "postmortems").resolve()


def test_tool_pmgen_in_pyproject(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.pmgen]\ncontent = "docs/pm"\nlang = "en"\n',
    )
    (tmp_path / "sub").mkdir()
    config = load_config(tmp_path / "sub")
    assert config.source == tmp_path / "pyproject.toml"
    assert config.lang == "en"
    assert config.content == (tmp_path / "docs" / "pm").resolve()


def test_pyproject_without_tool_pmgen_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "pmgen.toml", 'lang = "en"\n')
    write(tmp_path / "project" / "pyproject.toml", '[project]\nname = "x"\n[tool.ruff]\n')
    found = find_config_file((tmp_path / "project").resolve())
    assert found is not None
    assert found[0] == (tmp_path / "pmgen.toml").resolve()
    assert load_config(tmp_path / "project").lang == "en"


def test_pyproject_whose_tool_is_not_a_table_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "tool = 3\n")
    assert load_config(tmp_path).source is None


def test_tool_pmgen_that_is_not_a_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", 'tool = { pmgen = "x" }\n')
    with pytest.raises(ConfigError, match="must be a table"):
        load_config(tmp_path)


def test_pmgen_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    write(tmp_path / "pmgen.toml", 'lang = "en"\n')
    write(tmp_path / "pyproject.toml", '[tool.pmgen]\nlang = "fr"\n')
    assert load_config(tmp_path).source == tmp_path / "pmgen.toml"


def test_nearest_config_wins(tmp_path: Path) -> None:
    write(tmp_path / "pmgen.toml", 'lang = "en"\n')
    inner = write(tmp_path / "inner" / "pmgen.toml", 'lang = "fr"\ncontent = "pm"\n')
    config = load_config(tmp_path / "inner")
    assert config.source == inner
    assert config.content == (tmp_path / "inner" / "pm").resolve()


def test_defaults_when_nothing_is_found(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.source is None
    assert config.root == tmp_path.resolve()
    assert config.content == (tmp_path / "postmortems").resolve()
    assert config.output == (tmp_path / "site").resolve()
    assert config.lang == "fr"
    assert config.exclude == ()
    assert config.required == DEFAULT_REQUIRED
    assert config.lint.rules.select == ("PM",)
    assert config.lint.rules.ignore == ()
    assert config.lint.per_path == ()
    assert config.lint.min_severity == Severity.WARNING  # info findings are opt-in
    assert config.search is True


def test_explicit_config_file(tmp_path: Path) -> None:
    source = write(tmp_path / "conf" / "team.toml", 'content = "../pm"\noutput = "/srv/site"\n')
    config = load_config(tmp_path / "elsewhere", source)
    assert config.source == source
    assert config.content == (tmp_path / "pm").resolve()
    assert config.output == Path("/srv/site")


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path) -> None:
    write(tmp_path / "pmgen.toml", 'content = "incidents"\noutput = "public/site"\n')
    (tmp_path / "deep" / "er").mkdir(parents=True)
    config = load_config(tmp_path / "deep" / "er")
    assert config.content == (tmp_path / "incidents").resolve()
    assert config.output == (tmp_path / "public" / "site").resolve()


# --- unknown keys ---------------------------------------------------------------------------


def test_unknown_top_level_key_with_suggestion(tmp_path: Path) -> None:
    message = config_error(tmp_path, 'exlude = ["drafts/*"]\n')
    assert "`exlude`" in message
    assert "Did you mean `exclude`?" in message


def test_unknown_top_level_key_without_a_near_miss(tmp_path: Path) -> None:
    message = config_error(tmp_path, "zzzqqq = 1\n")
    assert "unknown key `zzzqqq`" in message
    assert "Did you mean" not in message


def test_unknown_key_in_lint(tmp_path: Path) -> None:
    message = config_error(tmp_path, '[lint]\nignroe = ["PM303"]\n')
    assert "unknown key `lint.ignroe`" in message
    assert "Did you mean `lint.ignore`?" in message


def test_unknown_key_in_sections(tmp_path: Path) -> None:
    message = config_error(tmp_path, '[sections]\nrequire = ["context"]\n')
    assert "unknown key `sections.require`" in message
    assert "Did you mean `sections.required`?" in message


def test_unknown_key_in_a_per_path_table(tmp_path: Path) -> None:
    message = config_error(tmp_path, '[lint.per_path."archive/*"]\nexlude = ["PM303"]\n')
    assert "archive/*" in message
    assert "exlude`" in message
    assert "unknown key `lint.per_path." in message


def test_unknown_key_in_pyproject_names_the_pyproject(tmp_path: Path) -> None:
    source = write(tmp_path / "pyproject.toml", '[tool.pmgen]\ncontnet = "pm"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(source) in str(caught.value)
    assert "`contnet`" in str(caught.value)
    assert "Did you mean `content`?" in str(caught.value)


def test_unknown_rule_code_in_severity_overrides(tmp_path: Path) -> None:
    message = config_error(tmp_path, '[lint.severity]\nPM2020 = "warning"\n')
    assert "PM2020" in message


def test_unknown_rule_code_in_per_path_severity(tmp_path: Path) -> None:
    message = config_error(tmp_path, '[lint.per_path."old/*".severity]\nPM999 = "warning"\n')
    assert "PM999" in message


def test_titles_for_an_unknown_section(tmp_path: Path) -> None:
    message = config_error(tmp_path, '[sections.titles.timelien]\nfr = "Faits"\n')
    assert "timelien" in message


def test_config_error_is_a_pmgen_error() -> None:
    assert issubclass(ConfigError, PmgenError)


# --- wrong types and values -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("lang = 3\n", "`lang` must be a string, not int"),
        ('lang = "de"\n', "`lang` must be one of fr, en, not 'de'"),
        ('exclude = "x"\n', "`exclude` must be a list of strings"),
        ("exclude = [1]\n", "`exclude` must be a list of strings"),
        ("content = []\n", "`content` must be a string"),
        ('sections = "x"\n', "`sections` must be a table"),
        ('lint = ["PM"]\n', "`lint` must be a table"),
        ('[lint]\nselect = "PM2"\n', "`lint.select` must be a list of strings"),
        ('[lint.severity]\nPM303 = "fatal"\n', "unknown severity 'fatal'"),
        ("[lint.severity]\nPM303 = 2\n", "`lint.severity` must be a string"),
        ('[lint]\nmin_severity = "fatal"\n', "`lint.min_severity`: unknown severity 'fatal'"),
        ('search = "yes"\n', "`search` must be true or false, not 'yes'"),
        ('[sections]\nrequired = ["context", "postmortem"]\n', "'postmortem'"),
        ('[sections.aliases]\ntimeline = "faits"\n', "sections.aliases.timeline"),
        ("[sections.aliases]\nnouvelle = []\n", "sections.aliases.nouvelle"),
        ('[sections.titles.timeline]\nde = "Zeitleiste"\n', "sections.titles.timeline.de"),
    ],
)
def test_wrong_types_and_values(tmp_path: Path, toml: str, expected: str) -> None:
    assert expected in config_error(tmp_path, toml)


def test_unknown_required_section_explains_how_to_declare_one(tmp_path: Path) -> None:
    message = config_error(tmp_path, '[sections]\nrequired = ["postmortem"]\n')
    assert "not a known section" in message
    assert "[sections.aliases]" in message


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    message = config_error(tmp_path, 'content = "pm\nlang = \n')
    assert "not valid TOML" in message


def test_invalid_pyproject_names_the_file(tmp_path: Path) -> None:
    source = write(tmp_path / "pyproject.toml", "[tool.pmgen\n")
    with pytest.raises(ConfigError, match="not valid TOML") as caught:
        load_config(tmp_path)
    assert str(source) in str(caught.value)


def test_config_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "pmgen.toml").write_bytes(b'title = "caf\xe9"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(tmp_path / "pmgen.toml") in str(caught.value)


# --- sections -------------------------------------------------------------------------------


def test_custom_aliases_extend_matching(tmp_path: Path) -> None:
    write(tmp_path / "pmgen.toml", '[sections.aliases]\ntimeline = ["faits marquants"]\n')
    config = load_config(tmp_path)
    assert match_section("Faits marquants", config.sections) == "timeline"
    assert match_section("Faits marquants (CEST)", config.sections) == "timeline"
    # The built-in aliases still match.
    assert match_section("Chronologie", config.sections) == "timeline"
    assert match_section("Faits marquants", load_config(tmp_path / "..").sections) is None


def test_custom_titles(tmp_path: Path) -> None:
    write(tmp_path / "pmgen.toml", '[sections.titles.timeline]\nfr = "Déroulé"\n')
    spec = load_config(tmp_path).section_spec("timeline")
    assert spec.title("fr") == "Déroulé"
    assert spec.title("en") == "Timeline"


def test_a_section_declared_through_aliases_can_be_required(tmp_path: Path) -> None:
    write(
        tmp_path / "pmgen.toml",
        '[sections]\nrequired = ["context", "timeline", "lessons", "analysis", "actions", '
        '"review"]\n\n[sections.aliases]\nreview = ["Revue", "review"]\n',
    )
    config = load_config(tmp_path)
    assert config.required[-1] == "review"
    assert config.section_spec("review").title("fr") == "Revue"
    assert match_section("Revue :", config.sections) == "review"

    content = tmp_path / "postmortems"
    write(content / "2021-01-01-a.md", CLEAN)
    report = run_lint([content], config, tmp_path, TODAY)
    assert [(d.code, d.message) for d in report.diagnostics] == [
        ("PM201", "required section `Revue` is missing")
    ]
    write(content / "2021-01-01-a.md", CLEAN + "\n## Revue\n\nRelue par l'équipe.\n")
    assert run_lint([content], config, tmp_path, TODAY).diagnostics == ()


def test_required_order_and_subset(tmp_path: Path) -> None:
    write(tmp_path / "pmgen.toml", '[sections]\nrequired = ["timeline"]\n')
    config = load_config(tmp_path)
    assert config.required == ("timeline",)
    content = tmp_path / "postmortems"
    write(content / "2021-01-01-a.md", "---\ntitle: T\n---\n\n## Timeline\n\n* 10:00 start\n")
    assert run_lint([content], config, tmp_path, TODAY).diagnostics == ()


# --- lint settings through run_lint ---------------------------------------------------------

CLEAN = """---
title: Panne du site
date: 2021-01-01
---

## Contexte

Le site est servi par deux instances.

## Chronologie

* 16:00 — Les connexions échouent.
* 16:26 — Retour à la normale.

## Enseignements

La mémoire était trop juste.

## Analyse

Les instances swappaient.

## Travaux restants

Passer sur des instances plus grandes.
"""

# An image without alt text (PM302, warning) to a missing file (PM301, error).
BROKEN = CLEAN.replace("swappaient.", "swappaient.\n\n![](courbe.png)")


def lint_tree(tmp_path: Path, toml: str) -> tuple[Config, list[tuple[str, str, str]]]:
    """Write pm/a.md and pm/old/b.md (both BROKEN) and lint pm/ with this pmgen.toml."""
    write(tmp_path / "pmgen.toml", 'content = "pm"\n' + toml)
    write(tmp_path / "pm" / "2021-01-01-a.md", BROKEN)
    write(tmp_path / "pm" / "old" / "2021-01-01-b.md", BROKEN)
    config = load_config(tmp_path)
    report = run_lint([config.content], config, tmp_path, TODAY)
    assert report.files == 2
    return config, [(d.path, d.code, d.severity.label) for d in report.diagnostics]


def test_baseline_without_overrides(tmp_path: Path) -> None:
    _, found = lint_tree(tmp_path, "")
    assert found == [
        ("pm/2021-01-01-a.md", "PM302", "warning"),
        ("pm/2021-01-01-a.md", "PM301", "error"),
        ("pm/old/2021-01-01-b.md", "PM302", "warning"),
        ("pm/old/2021-01-01-b.md", "PM301", "error"),
    ]


def test_global_ignore_and_severity(tmp_path: Path) -> None:
    _, found = lint_tree(
        tmp_path,
        '[lint]\nignore = ["PM302"]\nmin_severity = "info"\n[lint.severity]\npm301 = "info"\n',
    )
    assert found == [
        ("pm/2021-01-01-a.md", "PM301", "info"),
        ("pm/old/2021-01-01-b.md", "PM301", "info"),
    ]


def test_global_select(tmp_path: Path) -> None:
    _, found = lint_tree(tmp_path, '[lint]\nselect = ["PM302"]\n')
    assert [code for _, code, _ in found] == ["PM302", "PM302"]


def test_per_path_ignore(tmp_path: Path) -> None:
    _, found = lint_tree(tmp_path, '[lint.per_path."pm/old/*"]\nignore = ["PM3"]\n')
    assert found == [
        ("pm/2021-01-01-a.md", "PM302", "warning"),
        ("pm/2021-01-01-a.md", "PM301", "error"),
    ]


def test_per_path_glob_relative_to_the_content_folder(tmp_path: Path) -> None:
    _, found = lint_tree(tmp_path, '[lint.per_path."old/*"]\nignore = ["PM301"]\n')
    assert ("pm/old/2021-01-01-b.md", "PM301", "error") not in found
    assert ("pm/2021-01-01-a.md", "PM301", "error") in found


def test_per_path_severity(tmp_path: Path) -> None:
    _, found = lint_tree(tmp_path, '[lint.per_path."pm/old/*".severity]\nPM301 = "warning"\n')
    assert found == [
        ("pm/2021-01-01-a.md", "PM302", "warning"),
        ("pm/2021-01-01-a.md", "PM301", "error"),
        ("pm/old/2021-01-01-b.md", "PM302", "warning"),
        ("pm/old/2021-01-01-b.md", "PM301", "warning"),
    ]


def test_per_path_severity_wins_over_global(tmp_path: Path) -> None:
    config, found = lint_tree(
        tmp_path,
        '[lint]\nmin_severity = "info"\n[lint.severity]\nPM302 = "error"\n'
        '[lint.per_path."pm/old/*".severity]\nPM302 = "info"\n',
    )
    assert config.lint.rules.severity == {"PM302": Severity.ERROR}
    assert ("pm/2021-01-01-a.md", "PM302", "error") in found
    assert ("pm/old/2021-01-01-b.md", "PM302", "info") in found


def test_per_path_select(tmp_path: Path) -> None:
    _, found = lint_tree(tmp_path, '[lint.per_path."pm/old/*"]\nselect = ["PM302"]\n')
    assert found == [
        ("pm/2021-01-01-a.md", "PM302", "warning"),
        ("pm/2021-01-01-a.md", "PM301", "error"),
        ("pm/old/2021-01-01-b.md", "PM302", "warning"),
    ]


def test_per_path_tables_apply_in_file_order(tmp_path: Path) -> None:
    _, found = lint_tree(
        tmp_path,
        '[lint]\nmin_severity = "info"\n'
        '[lint.per_path."pm/*".severity]\nPM301 = "warning"\n'
        '[lint.per_path."pm/old/*".severity]\nPM301 = "info"\n',
    )
    assert ("pm/2021-01-01-a.md", "PM301", "warning") in found
    assert ("pm/old/2021-01-01-b.md", "PM301", "info") in found


def test_exclude_globs(tmp_path: Path) -> None:
    write(tmp_path / "pmgen.toml", 'content = "pm"\nexclude = ["old/*"]\n')
    write(tmp_path / "pm" / "2021-01-01-a.md", CLEAN)
    write(tmp_path / "pm" / "old" / "2021-01-01-b.md", BROKEN)
    config = load_config(tmp_path)
    report = run_lint([config.content], config, tmp_path, TODAY)
    assert report.files == 1
    assert report.diagnostics == ()


def test_lang_default_applies_to_postmortems(tmp_path: Path) -> None:
    write(tmp_path / "pmgen.toml", 'lang = "en"\n[sections]\nrequired = ["context", "timeline"]\n')
    write(tmp_path / "postmortems" / "2021-01-01-a.md", "# Outage\n\n## Background\n\nText.\n")
    config = load_config(tmp_path)
    report = run_lint([config.content], config, tmp_path, TODAY)
    assert [d.message for d in report.diagnostics] == ["required section `Timeline` is missing"]


# --- the severity scale ---------------------------------------------------------------------


def test_default_severity_scale_and_its_aliases(tmp_path: Path) -> None:
    scale = load_config(tmp_path).severities
    assert scale.levels == ("SEV1", "SEV2", "SEV3", "SEV4")
    written = ["P1", "critique", "high", "Medium", "sev3", "4", "low", "SEV9", "5", "P0"]
    assert [scale.level(text) for text in written] == [
        "SEV1",
        "SEV1",
        "SEV2",
        "SEV3",
        "SEV3",
        "SEV4",
        "SEV4",
        None,
        None,
        None,
    ]
    assert [scale.rank(level) for level in scale.levels] == [1, 2, 3, 4]


def test_severity_rank_reaches_the_postmortem(tmp_path: Path) -> None:
    from pmgen.read.fields import read_fields
    from pmgen.read.files import read_document

    page = tmp_path / "2021-09-22-panne.md"
    page.write_text("---\ntitle: Panne\nseverity: p3\n---\n", encoding="utf-8")
    document = read_document(page, tmp_path, page.name).document
    assert document is not None
    fields, found = read_fields(document, None, "fr", load_config(tmp_path).severities)
    assert (fields.severity, fields.severity_rank, found) == ("SEV3", 3, ())


def test_own_levels_drop_the_default_aliases(tmp_path: Path) -> None:
    (tmp_path / "pmgen.toml").write_text('[severities]\nlevels = ["S1", "S2"]\n', "utf-8")
    scale = load_config(tmp_path).severities
    assert (scale.level("s2"), scale.level("P1"), scale.described()) == ("S2", None, "S1, S2")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[severities]\nlevels = []\n", "`severities.levels` must list distinct levels"),
        ('[severities]\nlevels = ["A", "a"]\n', "`severities.levels` must list distinct levels"),
        (
            '[severities.aliases]\nSEV5 = ["P5"]\n',
            "`severities.aliases.SEV5` names no level of `severities.levels` (SEV1, SEV2, "
            "SEV3, SEV4). Did you mean `SEV4`?",
        ),
        (
            '[severities.aliases]\nSEV2 = ["P1"]\n',
            "`severities.aliases.SEV2`: 'P1' already means SEV1.",
        ),
        (
            "[severities]\nlevel = []\n",
            "unknown key `severities.level`. Did you mean `severities.levels`?",
        ),
    ],
)
def test_invalid_severity_scales(tmp_path: Path, table: str, message: str) -> None:
    assert message in config_error(tmp_path, table)


def test_aliases_add_words_to_the_default_levels(tmp_path: Path) -> None:
    (tmp_path / "pmgen.toml").write_text(
        '[severities.aliases]\nSEV1 = ["P1", "majeur"]\n', encoding="utf-8"
    )
    scale = load_config(tmp_path).severities
    assert scale.aliases["SEV1"] == ("P1", "critical", "critique", "majeur")
    assert (scale.level("Majeur"), scale.level("high")) == ("SEV1", "SEV2")


@pytest.mark.parametrize(
    "url",
    [
        "notaurl",
        "ftp://files.example.org",
        "/postmortems",
        "https://",
        "https://a.org/x?y=1",
        "https://a.org/#top",
        "https://a.org/pm x",
        "https://[oops",  # not even parsable: was an internal error
    ],
)
def test_site_url_must_be_an_absolute_http_address(tmp_path: Path, url: str) -> None:
    """Caught where it is written, not at publish time (feed and sitemap linked to `notaurl/`)."""
    message = config_error(tmp_path, f'site_url = "{url}"\n')
    assert "`site_url`" in message and repr(url) in message


@pytest.mark.parametrize(
    ("zone", "hint"),
    [
        ("Mars/Olympus", ""),
        ("Europe/Pari", "Did you mean `Europe/Paris`?"),
        ("../../etc", ""),
        ("Europe", ""),  # a folder of zones in tzdata, not a zone
    ],
)
def test_timezone_must_be_a_known_zone(tmp_path: Path, zone: str, hint: str) -> None:
    """As front matter's `timezone` is (PM103 there); the configuration's is an error."""
    message = config_error(tmp_path, f'timezone = "{zone}"\n')
    assert "`timezone`" in message and repr(zone) in message and hint in message


@pytest.mark.parametrize("zone", ["UTC", "UTC+05:30", "America/Los_Angeles", "Asia/Kolkata"])
def test_timezones_that_front_matter_accepts_are_accepted(tmp_path: Path, zone: str) -> None:
    write(tmp_path / "pmgen.toml", f'timezone = "{zone}"\nsite_url = "https://a.org/pm/"\n')
    config = load_config(tmp_path)
    assert (config.timezone, config.site_url) == (zone, "https://a.org/pm")


def test_content_that_names_a_file_is_an_error(tmp_path: Path) -> None:
    """`content = "pmgen.toml"`: `pmgen new` then failed with "File exists"."""
    message = config_error(tmp_path, 'content = "pmgen.toml"\n')
    assert "`content` names" in message and "is a file, not a folder" in message
