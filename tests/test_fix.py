"""`pmgen lint --fix`: missing sections inserted in order, everything else kept byte for byte."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from pmgen.commands.lint import LintReport, run_lint
from pmgen.config import build_config
from pmgen.lint.fix import _renamed
from pmgen.prompts import prompt_comment

TODAY = datetime.date(2026, 11, 26)

# French, with Chronologie and Travaux restants missing; Annexes follows Analyse.
FRENCH = """\
---
title: Quota de l'API cartographique dépassé
date: 2023-04-11
---

Les cartes du site sont restées grises pendant deux heures.

## Contexte

Nous appelons une API de cartes avec un quota journalier.

## Enseignements

Le quota n'était suivi par personne.

## Analyse

Un robot d'indexation a multiplié les affichages de cartes.

## Annexes

Le graphe des appels est dans le ticket OPS-112.
"""

FRENCH_FIXED = f"""\
---
title: Quota de l'API cartographique dépassé
date: 2023-04-11
---

Les cartes du site sont restées grises pendant deux heures.

## Contexte

Nous appelons une API de cartes avec un quota journalier.

## Chronologie

{prompt_comment("timeline", "fr")}

## Enseignements

Le quota n'était suivi par personne.

## Analyse

Un robot d'indexation a multiplié les affichages de cartes.

## Travaux restants

{prompt_comment("actions", "fr")}

## Annexes

Le graphe des appels est dans le ticket OPS-112.
"""

# English, with Context (first in order) and Action items (last) missing.
ENGLISH = """\
---
title: Sessions lost after a Redis eviction
date: 2023-05-02
lang: en
---

## Timeline of events

* 14:05 — evictions start.

## Lessons learned

CPU alerts do not catch memory pressure.

## Root cause analysis

Keys had no expiry.
"""

ENGLISH_FIXED = f"""\
---
title: Sessions lost after a Redis eviction
date: 2023-05-02
lang: en
---

## Context

{prompt_comment("context", "en")}

## Timeline of events

* 14:05 — evictions start.

## Lessons learned

CPU alerts do not catch memory pressure.

## Root cause analysis

Keys had no expiry.

## Action items

{prompt_comment("actions", "en")}
"""

ALL_FIVE_FR = "".join(
    f"## {title}\n\n{prompt_comment(section_id, 'fr')}\n\n"
    for section_id, title in (
        ("context", "Contexte"),
        ("timeline", "Chronologie"),
        ("lessons", "Enseignements"),
        ("analysis", "Analyse"),
        ("actions", "Travaux restants"),
    )
).removesuffix("\n")


def lint_fix(path: Path, fix: bool = True) -> LintReport:
    """Run `pmgen lint --fix` on one file, from its folder."""
    folder = path.parent
    return run_lint([path], build_config({}, folder, None), cwd=folder, today=TODAY, fix=fix)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    """A file in tmp_path holding exactly these bytes."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


def assert_lines_kept(before: bytes, after: bytes) -> None:
    """Every original line (with its ending) appears in the output, in the same order."""
    ending = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
    remaining = iter(ending.findall(after))
    for line in ending.findall(before):
        assert any(line == candidate for candidate in remaining), f"line {line!r} lost or moved"


def codes(report: LintReport) -> list[tuple[int, str]]:
    """(line, code) of each finding."""
    return [(d.line, d.code) for d in report.diagnostics]


def test_missing_sections_inserted_between_their_neighbours(tmp_path: Path) -> None:
    """Chronologie lands after Contexte, Travaux restants after Analyse and before Annexes."""
    path = write(tmp_path, "quota.md", FRENCH.encode())
    report = lint_fix(path)
    after = path.read_bytes()
    assert after.decode() == FRENCH_FIXED
    assert_lines_kept(FRENCH.encode(), after)
    assert report.fixed == ("quota.md",)
    # The report is about the fixed file: the new sections are empty and hold a prompt.
    assert codes(report) == [(12, "PM202"), (14, "PM305"), (24, "PM202"), (26, "PM305")]


def test_fix_writes_in_the_document_language(tmp_path: Path) -> None:
    """`lang: en` gets English headings and prompts; a first missing section goes on top."""
    path = write(tmp_path, "redis.md", ENGLISH.encode())
    lint_fix(path)
    after = path.read_bytes()
    assert after.decode() == ENGLISH_FIXED
    assert_lines_kept(ENGLISH.encode(), after)
    assert "<!-- pmgen: " in after.decode()


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    """Fixing a fixed file leaves it byte-identical and reports no file as fixed."""
    path = write(tmp_path, "quota.md", FRENCH.encode())
    lint_fix(path)
    once = path.read_bytes()
    report = lint_fix(path)
    assert path.read_bytes() == once
    assert report.fixed == ()
    assert "PM201" not in {d.code for d in report.diagnostics}


def test_crlf_line_endings_preserved(tmp_path: Path) -> None:
    """A CRLF file gets CRLF inserted lines and keeps every CRLF it had."""
    before = FRENCH.replace("\n", "\r\n").encode()
    path = write(tmp_path, "quota.md", before)
    report = lint_fix(path)
    after = path.read_bytes()
    assert after == FRENCH_FIXED.replace("\n", "\r\n").encode()
    assert re.search(rb"(?<!\r)\n", after) is None
    assert_lines_kept(before, after)
    assert codes(report) == [(12, "PM202"), (14, "PM305"), (24, "PM202"), (26, "PM305")]
    lint_fix(path)
    assert path.read_bytes() == after


def test_bom_preserved(tmp_path: Path) -> None:
    """A UTF-8 BOM stays, once, at the start of the file."""
    before = b"\xef\xbb\xbf" + FRENCH.encode()
    path = write(tmp_path, "quota.md", before)
    lint_fix(path)
    after = path.read_bytes()
    assert after == b"\xef\xbb\xbf" + FRENCH_FIXED.encode()
    lint_fix(path)
    assert path.read_bytes() == after


def test_bom_and_crlf_together(tmp_path: Path) -> None:
    """An export from a Windows editor: BOM and CRLF both survive."""
    before = b"\xef\xbb\xbf" + ENGLISH.replace("\n", "\r\n").encode()
    path = write(tmp_path, "redis.md", before)
    lint_fix(path)
    assert path.read_bytes() == b"\xef\xbb\xbf" + ENGLISH_FIXED.replace("\n", "\r\n").encode()


def test_file_with_no_section_gets_all_five_appended(tmp_path: Path) -> None:
    """The five required sections are appended in the configured order after a blank line."""
    before = "---\ntitle: Lenteurs\ndate: 2024-01-09\n---\n\nLe back-office a ralenti.\n"
    path = write(tmp_path, "lenteurs.md", before.encode())
    lint_fix(path)
    after = path.read_text(encoding="utf-8")
    assert after == before + "\n" + ALL_FIVE_FR
    assert [line for line in after.splitlines() if line.startswith("#")] == [
        "## Contexte",
        "## Chronologie",
        "## Enseignements",
        "## Analyse",
        "## Travaux restants",
    ]


def test_no_final_newline_still_gets_a_blank_line(tmp_path: Path) -> None:
    """A file that does not end with a line ending gets one, then a blank line, then headings."""
    before = "---\ntitle: Lenteurs\ndate: 2024-01-09\n---\n\nLe back-office a ralenti."
    path = write(tmp_path, "lenteurs.md", before.encode())
    lint_fix(path)
    assert path.read_text(encoding="utf-8") == before + "\n\n" + ALL_FIVE_FR


def test_trailing_blank_lines_are_not_doubled(tmp_path: Path) -> None:
    """A file already ending with a blank line gets no second one."""
    before = "---\ntitle: Lenteurs\ndate: 2024-01-09\n---\n\nLe back-office a ralenti.\n\n"
    path = write(tmp_path, "lenteurs.md", before.encode())
    lint_fix(path)
    assert path.read_text(encoding="utf-8") == before + ALL_FIVE_FR


def test_empty_file_gets_the_sections(tmp_path: Path) -> None:
    """An empty file becomes the five headings with their prompts."""
    path = write(tmp_path, "vide.md", b"")
    lint_fix(path)
    assert path.read_text(encoding="utf-8") == ALL_FIVE_FR


def test_level_three_documents_get_level_three_headings(tmp_path: Path) -> None:
    """Inserted headings take the level the document's sections use."""
    before = FRENCH.replace("## ", "### ")
    path = write(tmp_path, "quota.md", before.encode())
    lint_fix(path)
    after = path.read_text(encoding="utf-8")
    assert after == FRENCH_FIXED.replace("## ", "### ")


def test_complete_file_is_not_rewritten(tmp_path: Path) -> None:
    """Nothing missing: the file is not touched (same bytes, same modification time)."""
    text = FRENCH_FIXED.replace(prompt_comment("timeline", "fr"), "* 11:00 — quota atteint.")
    path = write(tmp_path, "quota.md", text.encode())
    stamp = path.stat().st_mtime_ns
    report = lint_fix(path)
    assert report.fixed == ()
    assert path.read_bytes() == text.encode()
    assert path.stat().st_mtime_ns == stamp


@pytest.mark.parametrize(
    "data",
    [
        b"---\ntitle: Panne\ndate: 2024-01-09\n\nLe texte.\n",
        b"\x00\x01binary",
        "---\ntitle: caf\xe9\n---\n".encode("latin-1"),
    ],
    ids=["unterminated-front-matter", "binary", "latin-1"],
)
def test_unreadable_files_are_left_alone(data: bytes, tmp_path: Path) -> None:
    """A file pmgen cannot parse is reported, never rewritten."""
    path = write(tmp_path, "cassé.md", data)
    report = lint_fix(path)
    assert report.fixed == ()
    assert path.read_bytes() == data
    assert [d.code for d in report.diagnostics] in (["PM001"], ["PM002"])


def test_permissions_kept(tmp_path: Path) -> None:
    """The rewritten file keeps its mode."""
    path = write(tmp_path, "quota.md", FRENCH.encode())
    path.chmod(0o640)
    lint_fix(path)
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quota.md"]


def test_without_fix_nothing_is_written(tmp_path: Path) -> None:
    """Plain lint reports the missing sections and leaves the file as it is."""
    path = write(tmp_path, "quota.md", FRENCH.encode())
    report = lint_fix(path, fix=False)
    assert path.read_bytes() == FRENCH.encode()
    assert codes(report) == [(12, "PM201"), (20, "PM201")]


# A misspelt heading is renamed in place (its level and line ending kept), in the language it
# was written in, instead of inserting a second, empty section beside it.
MISSPELT = """\
---
title: Certificate expired on the API
date: 2023-03-14
---

## Context

Certificates are renewed by a cron job.

### Chronolgie\r
\r
* 09:02 — Clients report TLS errors.

## Lesons learned ##

An expiry date is a deadline that needs an alert.

## Analysis

The renewal job had been failing for a month.

## Action items

* [ ] Alert 14 days before a certificate expires @ana
"""


def test_misspelt_headings_are_renamed_not_duplicated(tmp_path: Path) -> None:
    path = tmp_path / "2023-03-14-certificate.md"
    path.write_bytes(MISSPELT.encode())
    config = build_config({}, tmp_path, None)
    before = run_lint([path], config, tmp_path, TODAY)
    assert [(d.code, d.line) for d in before.diagnostics if d.code == "PM201"] == [
        ("PM201", 10),
        ("PM201", 14),
    ]
    report = run_lint([path], config, tmp_path, TODAY, fix=True)
    assert report.fixed == (path.name,)
    expected = MISSPELT.replace("### Chronolgie\r", "### Chronologie\r").replace(
        "## Lesons learned ##", "## Lessons learned ##"
    )
    assert path.read_bytes() == expected.encode()
    assert [d.code for d in report.diagnostics if d.code.startswith("PM2")] == []


@pytest.mark.parametrize(
    ("line", "renamed"),
    [
        ("## Chronolgie\n", "## Chronologie\n"),
        ("##\tChronolgie\t##  \r\n", "##\tChronologie\t##  \r\n"),  # closing `#`s kept
        ("## Chronolgie C#\n", "## Chronologie\n"),  # `C#` ends the text: not a closing
        ("   ### Chronolgie ###", "   ### Chronologie ###"),  # last line, no line ending
        ("Chronolgie\r\n", "Chronologie\r\n"),  # the text line of an underlined heading
    ],
)
def test_a_renamed_heading_keeps_its_marks_and_line_ending(line: str, renamed: str) -> None:
    assert _renamed(line, "Chronologie") == renamed


MISSPELT_TIMELINE = """\
---
title: File saturée
date: 2024-07-09
lang: en
---

## Context

The queue grew for an hour.

## Timelne

* 10:00 — the queue stops

## Analyis

A consumer was stuck.
"""


def test_a_renamed_heading_takes_its_place_before_the_inserted_ones(tmp_path: Path) -> None:
    """`## Timelne` renamed and Lessons learned inserted: after Timeline, not before it (the
    insertion was placed as if the misspelt section were absent: a new PM204)."""
    path = write(tmp_path, "2024-07-09-file.md", MISSPELT_TIMELINE.encode())
    report = lint_fix(path)
    headings = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("## ")
    ]
    assert headings == [
        "## Context",
        "## Timeline",
        "## Lessons learned",
        "## Analysis",
        "## Action items",
    ]
    assert "PM204" not in {code for _, code in codes(report)}


@pytest.mark.parametrize(
    ("setting", "comment"),
    [
        ({"lint": {"ignore": ["PM201"]}}, ""),
        ({"lint": {"per_path": {"archive/*": {"ignore": ["PM2"]}}}}, ""),
        ({}, "<!-- pmgen-disable PM201 -->\n"),
    ],
    ids=["ignored", "per-path", "inline"],
)
def test_fix_leaves_files_where_missing_sections_are_not_reported(
    tmp_path: Path, setting: dict[str, object], comment: str
) -> None:
    """An old import kept as it is (`[lint.per_path."archive/*"] ignore = ["PM2"]`) must not be
    rewritten by `--fix`."""
    archive = tmp_path / "archive"
    archive.mkdir()
    path = write(archive, "2019-01-01-ancien.md", (FRENCH + comment).encode())
    before = path.read_bytes()
    run_lint([tmp_path], build_config(setting, tmp_path, None), cwd=tmp_path, today=TODAY, fix=True)
    assert path.read_bytes() == before
