"""The lint use case: read, parse, check and optionally fix a set of files."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pmgen.config import Config
from pmgen.diagnostics import Diagnostic, sort_diagnostics
from pmgen.fix import fix_text
from pmgen.lint import Context, Selection, filter_findings, lint_postmortem
from pmgen.model import Postmortem
from pmgen.postmortem import load_postmortem
from pmgen.source import discover, display_path, read_document

ALL_CONFIGURED = Selection()


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """One file after reading and parsing: its postmortem (if usable) and raw findings."""

    path: Path
    postmortem: Postmortem | None
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class LintReport:
    """What a lint run found, over how many files, and which files `--fix` rewrote."""

    diagnostics: tuple[Diagnostic, ...]
    files: int
    fixed: tuple[str, ...] = ()


def parse_files(
    paths: Sequence[Path], config: Config, cwd: Path, only: frozenset[Path] | None = None
) -> list[ParsedFile]:
    """Read and parse every Markdown file under `paths` (restricted to `only` when given)."""
    parsed = []
    for path, root in discover(paths, config.exclude):
        if only is not None and path not in only:
            continue
        parsed.append(parse_file(path, _content_root(path, root, config), config, cwd))
    return parsed


def parse_file(path: Path, root: Path, config: Config, cwd: Path) -> ParsedFile:
    """Read and parse one file; an unreadable one keeps only its findings."""
    result = read_document(path, root, display_path(path, cwd))
    if result.document is None:
        return ParsedFile(path, None, result.diagnostics)
    postmortem = load_postmortem(result.document, config)
    return ParsedFile(path, postmortem, result.diagnostics)


def lint_files(
    parsed: Sequence[ParsedFile],
    config: Config,
    today: dt.date,
    selection: Selection = ALL_CONFIGURED,
) -> tuple[Diagnostic, ...]:
    """Every finding for the parsed files, filtered and sorted."""
    context = Context(config, today)
    found: list[Diagnostic] = []
    for item in parsed:
        raw = item.diagnostics
        draft = False
        if item.postmortem is not None:
            raw = raw + lint_postmortem(item.postmortem, context)
            draft = item.postmortem.fields.is_draft
        found.extend(filter_findings(raw, item.path, config, selection, draft))
    return sort_diagnostics(found)


def run_lint(
    paths: Sequence[Path],
    config: Config,
    cwd: Path,
    today: dt.date,
    selection: Selection = ALL_CONFIGURED,
    only: frozenset[Path] | None = None,
    fix: bool = False,
) -> LintReport:
    """Lint files; with `fix`, first insert missing sections, then report on the result."""
    parsed = parse_files(paths, config, cwd, only)
    fixed: list[str] = []
    if fix:
        for index, item in enumerate(parsed):
            if item.postmortem is not None and _apply_fix(item.postmortem, config):
                fixed.append(item.postmortem.document.display_path)
                parsed[index] = parse_file(item.path, item.postmortem.document.root, config, cwd)
    return LintReport(lint_files(parsed, config, today, selection), len(parsed), tuple(fixed))


def _apply_fix(postmortem: Postmortem, config: Config) -> bool:
    """Rewrite the file with its missing sections inserted; False when nothing changed."""
    titles = {spec.id: spec.title(postmortem.fields.lang) for spec in config.sections}
    document = postmortem.document
    text = fix_text(postmortem, config.required, titles)
    if text == document.text:
        return False
    data = ("\ufeff" if document.had_bom else "") + text
    write_atomically(document.path, data.encode("utf-8"))
    return True


def write_atomically(path: Path, data: bytes) -> None:
    """Replace a file's bytes all at once, keeping its permissions; no half-written file."""
    mode = path.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _content_root(path: Path, root: Path, config: Config) -> Path:
    """The configured content folder for files inside it, else the folder they were found in."""
    return config.content if path.is_relative_to(config.content) else root
