"""The steps a build and the live preview share, between parsing and rendering: which files
stop the site, which are published, the site's settings, and what every page depends on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pmgen.cache import digest
from pmgen.commands.lint import lint_files
from pmgen.commands.parse import FileResult
from pmgen.config import Config
from pmgen.diagnostics import Diagnostic, Severity, sort_diagnostics
from pmgen.model import Postmortem
from pmgen.pages.context import SiteInfo
from pmgen.pages.theme import theme_folder
from pmgen.rules import FATAL_CODES


@dataclass(frozen=True, slots=True)
class Checked:
    """The findings of a set of files, what stops the site, and what it publishes."""

    diagnostics: tuple[Diagnostic, ...]
    blocking: tuple[Diagnostic, ...]
    published: list[FileResult]
    drafts_left_out: int


def check(
    results: list[FileResult], config: Config, drafts: bool, strict: bool, today: dt.date
) -> Checked:
    """Lint the results and choose what is published. A draft left out of the site is not the
    site's problem: its findings are lint's business."""
    drafts_left_out = 0 if drafts else sum(1 for item in results if item.draft)
    if not drafts:
        results = [item for item in results if not item.draft]
    diagnostics = lint_files(results, config, today)
    blocking = _blocking(results, diagnostics, strict)
    published = [item for item in results if item.postmortem is not None]
    return Checked(diagnostics, blocking, published, drafts_left_out)


def site_settings(config: Config, site_url: str, today: dt.date, search: bool) -> SiteInfo:
    """What every page needs to know of the site."""
    return SiteInfo(
        config.title,
        config.lang,
        site_url,
        config.html == "escape",
        today,
        search,
        required=tuple(map(config.section_spec, config.required)),
        severities=config.severities,
    )


def render_context(config: Config, cwd: Path) -> str:
    """What every page depends on besides its postmortem: the configuration, the working
    folder (paths shown) and the templates."""
    return digest(repr(config), str(cwd), templates_digest(config))


def templates_digest(config: Config) -> str:
    """The theme and the site's own templates, by content."""
    parts: list[bytes | str] = []
    for folder in (theme_folder(), config.root / "templates"):
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                parts += [str(path), path.read_bytes()]
    return digest(*parts)


def _blocking(
    parsed: list[FileResult], diagnostics: tuple[Diagnostic, ...], strict: bool
) -> tuple[Diagnostic, ...]:
    """What stops the build: the findings of files that cannot become a page at all, else
    with `strict` every warning or error (the same contract as `pmgen lint --strict`)."""
    found: list[Diagnostic] = []
    for item in parsed:
        if item.postmortem is None:
            found.extend(item.diagnostics)
            continue
        fatal = [
            d for d in (*item.diagnostics, *item.postmortem.diagnostics) if d.code in FATAL_CODES
        ]
        found.extend(fatal or _missing(item.postmortem))
    if not found and strict:
        return tuple(d for d in diagnostics if d.severity >= Severity.WARNING)
    return sort_diagnostics(found)


def _missing(postmortem: Postmortem) -> list[Diagnostic]:
    """A finding for a missing title that was reported under another code (PM103). A missing
    date does not block: the page is listed under “Undated”."""
    fields, shown = postmortem.fields, postmortem.document.display_path
    problems = [("title", fields.title)]
    return [
        Diagnostic(
            "PM103",
            Severity.ERROR,
            shown,
            postmortem.document.key_lines.get(key, 1),
            1,
            f"no usable `{key}`: the page cannot be built",
        )
        for key, value in problems
        if value is None
    ]
