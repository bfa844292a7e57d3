"""The build use case: lint, then render every published postmortem into a complete site."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pmgen.cache import Cache, digest, file_stamp, open_cache
from pmgen.commands.lint import lint_files
from pmgen.commands.parse import FileResult, parse_files
from pmgen.config import Config
from pmgen.diagnostics import Diagnostic, Severity, sort_diagnostics
from pmgen.model import Postmortem
from pmgen.pages.assemble import assemble, plan_pages
from pmgen.pages.context import SiteInfo
from pmgen.pages.library import build_library
from pmgen.pages.templates import theme_folder
from pmgen.rules import FATAL_CODES
from pmgen.write.incremental import Manifest, intact, planned, record, update_site
from pmgen.write.search import BUNDLE as SEARCH_BUNDLE
from pmgen.write.search import available as search_available
from pmgen.write.search import index_site
from pmgen.write.whole import check_output_folder, write_site


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build, where, and how strictly."""

    source: Path
    output: Path
    site_url: str = ""
    drafts: bool = False
    strict: bool = False
    updated: dt.datetime | None = None
    search: bool = True
    cache: bool = True


@dataclass(frozen=True, slots=True)
class BuildResult:
    """The outcome: findings, what blocked the build (if anything), and what was written."""

    diagnostics: tuple[Diagnostic, ...]
    blocking: tuple[Diagnostic, ...]
    output: Path
    postmortems: int = 0
    drafts_skipped: int = 0
    files_written: int = 0
    notices: tuple[str, ...] = ()
    up_to_date: bool = False
    processes: int = 1  # how many processes parsed the files (1: this one)

    @property
    def ok(self) -> bool:
        """True when the site was written."""
        return not self.blocking


def build_site(
    config: Config,
    options: BuildOptions,
    cwd: Path,
    today: dt.date,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Lint and render `options.source` into `options.output`.

    A first build is written beside the output and swapped in whole; later builds update the
    site in place, writing only what changed (see sitefiles.py). Either way the result is the
    same bytes as a cold build, and a failure never leaves a half-written file.
    """
    check_output_folder(options.output, options.source)
    cache = open_cache(config.root, options.cache)
    try:
        return _build(config, options, cwd, today, progress, cache)
    finally:
        cache.close()


@dataclass(frozen=True, slots=True)
class LastBuild:
    """What the cache remembers of the last build into an output folder."""

    fingerprint: str
    manifest: Manifest
    result: BuildResult
    page_keys: dict[str, str]


def _build(
    config: Config,
    options: BuildOptions,
    cwd: Path,
    today: dt.date,
    progress: Callable[[int, int], None] | None,
    cache: Cache,
) -> BuildResult:
    """read → parse → check → render fragments (per file) → library → link → pages → write."""
    output = options.output.resolve()
    search = options.search and config.search and search_available()
    fingerprint = _fingerprint(config, options, cwd, today, search)
    last = cache.get("build", str(output))
    last = last if isinstance(last, LastBuild) else None  # none, or another pmgen's
    if last is not None and last.fingerprint == fingerprint and _unchanged(output, last, search):
        return replace(last.result, output=options.output, files_written=0, up_to_date=True)
    used: set[str] = set()
    run = parse_files([options.source], config, cwd, cache=cache, render=True, used=used)
    diagnostics = lint_files(run.results, config, today)
    blocking = _blocking(run.results, diagnostics, options.strict)
    if blocking:
        return BuildResult(diagnostics, blocking, options.output, processes=run.processes)
    usable = [item for item in run.results if item.postmortem is not None]
    published = [item for item in usable if options.drafts or not item.postmortem.fields.is_draft]
    library = build_library([item.postmortem for item in published])
    reusable = (
        last if last is not None and output.is_dir() and intact(output, last.manifest) else None
    )
    site = SiteInfo(
        config.title, config.lang, options.site_url, config.html == "escape", today, search
    )
    rendered = {item.path: (item.key, item.fragments) for item in published}
    context = digest(repr(config), str(cwd), _templates_digest(config))
    plan = plan_pages(library, rendered, site, context, reusable.page_keys if reusable else {})
    built = assemble(library, plan, site, config.root / "templates", options.updated, progress)
    wanted = planned(built.files, built.copies)
    kept = frozenset(plan.keys) - frozenset(wanted)
    manifest, written = _write(output, built, wanted, reusable, kept, search, config.lang)
    notices = (*built.notices, *_notices(config, options, run.fallback, search))
    result = BuildResult(
        diagnostics,
        (),
        options.output,
        len(published),
        len(usable) - len(published),
        written,
        notices,
        processes=run.processes,
    )
    _remember(cache, output, LastBuild(fingerprint, manifest, result, plan.keys), used)
    return result


def _notices(
    config: Config, options: BuildOptions, fallback: str | None, search: bool
) -> tuple[str, ...]:
    """What the user should know about how the site was built."""
    notices = []
    if fallback:
        notices.append(f"parsed in one process (no worker processes: {fallback}).")
    if options.search and config.search and not search:
        notices.append("search skipped: Pagefind is not installed (pip install 'pagefind[bin]').")
    return tuple(notices)


def _remember(cache: Cache, output: Path, last: LastBuild, used: set[str]) -> None:
    """Record the build, and keep the cache to what this content needs now (edits would
    otherwise pile up)."""
    cache.put("build", str(output), last)
    cache.flush()
    for space in ("file", "lint"):
        cache.keep_only(space, used)


def _write(
    output: Path,
    built: Any,
    wanted: dict[str, bytes],
    last: LastBuild | None,
    kept: frozenset[str],
    search: bool,
    lang: str,
) -> tuple[dict[str, tuple[str, int, int]], int]:
    """Update the site in place when pmgen's last build of it is intact (`last` given), else
    write it whole; `kept` are pages not rendered again because nothing they show changed."""
    if last is not None:
        reindex = (lambda site, bundle: index_site(site, lang, bundle)) if search else None
        return update_site(output, wanted, last.manifest, reindex, kept)
    finish = (lambda staging: index_site(staging, lang)) if search else None
    write_site(output, built.files, built.copies, finish)
    return record(output, wanted), len(wanted)


def _templates_digest(config: Config) -> str:
    """The theme and the site's own templates, by content."""
    parts: list[bytes | str] = []
    for folder in (theme_folder(), config.root / "templates"):
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                parts += [str(path), path.read_bytes()]
    return digest(*parts)


def _unchanged(output: Path, last: LastBuild, search: bool) -> bool:
    """The site on disk is exactly what the last build wrote (search bundle included)."""
    return intact(output, last.manifest) and (not search or (output / SEARCH_BUNDLE).is_dir())


def _fingerprint(
    config: Config, options: BuildOptions, cwd: Path, today: dt.date, search: bool
) -> str:
    """Every input of a build: content files, theme, configuration, options and the day."""
    parts: list[bytes | str] = [
        repr(config),
        repr(options),
        str(cwd),
        today.isoformat(),
        str(search),
    ]
    # Size and modification time stand for content here (as make does): reading every file
    # would cost more than the no-op build itself. Anything that changed is parsed by content.
    for folder in (options.source, theme_folder(), config.root / "templates"):
        if not folder.is_dir():
            continue
        for base, folders, files in os.walk(folder):
            folders[:] = sorted(name for name in folders if not name.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue
                parts.append(f"{base}/{name}:{file_stamp(os.path.join(base, name))}")
    return digest(*parts)


def _blocking(
    parsed: list[FileResult], diagnostics: tuple[Diagnostic, ...], strict: bool
) -> tuple[Diagnostic, ...]:
    """What stops the build: the findings of files that cannot become a page at all, else
    with `strict` every error finding."""
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
        return tuple(d for d in diagnostics if d.severity >= Severity.ERROR)
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
