"""The lint use case: parse, check and optionally fix a set of files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pmgen.atomic import write_atomically
from pmgen.cache import Cache
from pmgen.commands.parse import FileResult, parse_file, parse_files
from pmgen.config import Config
from pmgen.diagnostics import Diagnostic, sort_diagnostics
from pmgen.lint import Selection, filter_findings
from pmgen.lint.checks import Context, future_date
from pmgen.lint.fix import fix_text
from pmgen.model import Postmortem
from pmgen.read.files import Unreadable, read_text

ALL_CONFIGURED = Selection()


@dataclass(frozen=True, slots=True)
class LintReport:
    """What a lint run found, over how many files, and which files `--fix` rewrote."""

    diagnostics: tuple[Diagnostic, ...]
    files: int
    fixed: tuple[str, ...] = ()


def lint_files(
    parsed: Sequence[FileResult],
    config: Config,
    today: dt.date,
    selection: Selection = ALL_CONFIGURED,
) -> tuple[Diagnostic, ...]:
    """Every finding for the parsed files, filtered and sorted."""
    context = Context(config, today)
    found: list[Diagnostic] = []
    for item in parsed:
        dated = future_date(item.shown, item.date, item.date_line, context.today)
        raw = item.findings + tuple(d for d in dated if not d.code.startswith(item.disabled))
        found.extend(filter_findings(raw, item.path, config, selection, item.draft))
    return sort_diagnostics(found)


def run_lint(
    paths: Sequence[Path],
    config: Config,
    cwd: Path,
    today: dt.date,
    selection: Selection = ALL_CONFIGURED,
    only: frozenset[Path] | None = None,
    fix: bool = False,
    cache: Cache | None = None,
) -> LintReport:
    """Lint files; with `fix`, first insert missing sections, then report on the result."""
    # `--fix` needs every postmortem, which lint-only cache entries do not keep.
    parsed = parse_files(paths, config, cwd, only, None if fix else cache).results
    fixed: list[str] = []
    if fix:
        for index, item in enumerate(parsed):
            # Only where PM201 is reported: `--ignore PM201`, a per-path `ignore` or an inline
            # `pmgen-disable` keeps the file as it is.
            wanted = any(d.code == "PM201" for d in lint_files([item], config, today, selection))
            if wanted and item.postmortem is not None and _apply_fix(item.postmortem, config):
                fixed.append(item.postmortem.document.display_path)
                parsed[index] = parse_file(item.path, item.postmortem.document.root, config, cwd)
    return LintReport(lint_files(parsed, config, today, selection), len(parsed), tuple(fixed))


def _apply_fix(postmortem: Postmortem, config: Config) -> bool:
    """Rewrite the file with its misspelt sections renamed and missing ones inserted; False
    when nothing changed."""
    titles = {spec.id: spec.title(postmortem.fields.lang) for spec in config.sections}
    document = postmortem.document
    try:
        before, _ = read_text(document.path, document.root)
    except Unreadable:
        return False  # changed or gone since it was read: lint reports it as it is now
    text = fix_text(postmortem, before, config.required, titles, config.sections)
    if text == before:
        return False
    data = ("\ufeff" if document.had_bom else "") + text
    write_atomically(document.path, data.encode("utf-8"))
    return True
