"""The build use case: lint, then render every published postmortem into a complete site."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from pmgen.cache import Cache, digest, open_cache
from pmgen.commands.lint import ParsedFile, lint_files, parse_file, parse_files
from pmgen.config import Config
from pmgen.diagnostics import Diagnostic, Severity, sort_diagnostics
from pmgen.model import Postmortem
from pmgen.pages.assemble import assemble, plan_pages
from pmgen.pages.context import SiteInfo
from pmgen.pages.fragments import render_fragments
from pmgen.pages.library import Entry, assign_urls, build_library
from pmgen.pages.links import make_rewriter
from pmgen.pages.templates import theme_folder
from pmgen.read.fields import read_fields
from pmgen.read.files import display_path, read_document
from pmgen.safepaths import check_writable_place
from pmgen.write.incremental import SEARCH_BUNDLE, Manifest, intact, planned, record, update_site
from pmgen.write.search import available as search_available
from pmgen.write.search import index_site
from pmgen.write.whole import check_output_folder, write_site

# Findings that leave a postmortem without what a page needs (readable text, title, date).
FATAL_CODES = frozenset({"PM001", "PM002", "PM101", "PM102"})


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
    check_writable_place(options.output, config.root, "the output folder")
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
    output = options.output.resolve()
    search = options.search and config.search and search_available()
    fingerprint = _fingerprint(config, options, cwd, today, search)
    last = cache.get("build", str(output))
    last = last if isinstance(last, LastBuild) else None  # none, or another pmgen's
    if last is not None and last.fingerprint == fingerprint and _unchanged(output, last, search):
        return replace(last.result, output=options.output, files_written=0, up_to_date=True)
    parse_keys: set[str] = set()
    parsed, planned_urls, early = _parse(config, options, cwd, cache, parse_keys)
    diagnostics = lint_files(parsed, config, today)
    blocking = _blocking(parsed)
    if options.strict and not blocking:
        blocking = tuple(d for d in diagnostics if d.severity >= Severity.ERROR)
    if blocking:
        return BuildResult(diagnostics, blocking, options.output)
    postmortems = [item.postmortem for item in parsed if item.postmortem is not None]
    published = [p for p in postmortems if options.drafts or not p.fields.is_draft]
    library = build_library(published)
    site = SiteInfo(
        config.title, config.lang, options.site_url, config.html == "escape", today, search
    )

    def reload(postmortem: Postmortem) -> Postmortem:
        document = postmortem.document
        full = parse_file(document.path, document.root, config, cwd).postmortem
        return full if full is not None else postmortem

    reusable = (
        last if last is not None and output.is_dir() and intact(output, last.manifest) else None
    )
    context = digest(repr(config), str(cwd), _templates_digest(config))
    same_urls = planned_urls == {e.postmortem.document.path: e.url for e in library.entries}
    fresh = {planned_urls[path]: f for path, f in early.items()} if same_urls else {}
    previous_keys = reusable.page_keys if reusable else {}
    plan = plan_pages(library, site, context, previous_keys, cache, reload, fresh)
    built = assemble(library, plan, site, config.root / "templates", options.updated, progress)
    notices = built.notices
    if options.search and config.search and not search:
        notices += ("search skipped: Pagefind is not installed (pip install 'pagefind[bin]').",)
    wanted = planned(built.files, built.copies)
    kept = frozenset(plan.keys) - frozenset(wanted)
    manifest, written = _write(output, built, wanted, reusable, kept, search, config.lang)
    result = BuildResult(
        diagnostics,
        (),
        options.output,
        len(published),
        len(postmortems) - len(published),
        written,
        notices,
    )
    cache.put("build", str(output), LastBuild(fingerprint, manifest, result, plan.keys))
    cache.flush()
    # Keep the cache to what this content needs now: edits would otherwise pile up.
    for space, keys in (
        ("parse", parse_keys),
        ("lint", parse_keys),
        ("fragments", plan.fragment_keys),
        ("summary", plan.fragment_keys),
    ):
        cache.keep_only(space, keys)
    return result


def _parse(
    config: Config, options: BuildOptions, cwd: Path, cache: Cache, used: set[str]
) -> tuple[list[ParsedFile], dict[Path, str], dict[Path, Any]]:
    """Parse the content; files parsed now also get their fragments rendered on the spot,
    with the URLs planned from front matter (see `_planned_urls`)."""
    early: dict[Path, Any] = {}
    planned_urls: dict[Path, str] = {}

    def after_parse(hits: dict[Path, ParsedFile], todo: list[tuple[Path, Path]]) -> Any:
        planned_urls.update(_planned_urls(config, cwd, options.drafts, hits, todo))
        # Resolved once here, not per file: links are matched against resolved paths.
        resolved = {path.resolve(): url for path, url in planned_urls.items()}
        return partial(
            _render_early,
            urls=dict(planned_urls),
            rewriter=make_rewriter(resolved),
            escape_html=config.html == "escape",
        )

    parsed = parse_files(
        [options.source], config, cwd, cache=cache, after=after_parse, extras=early, used=used
    )
    return parsed, planned_urls, early


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


def _planned_urls(
    config: Config,
    cwd: Path,
    drafts: bool,
    hits: dict[Path, ParsedFile],
    todo: list[tuple[Path, Path]],
) -> dict[Path, str]:
    """The page URLs the library will give, known before the bodies are parsed: from the
    cached files' fields, and from the front matter alone of the files still to parse."""
    dated: list[tuple[Path, dt.date]] = []
    for item in hits.values():
        postmortem = item.postmortem
        if (
            postmortem is not None
            and postmortem.fields.date is not None
            and (drafts or not postmortem.fields.is_draft)
        ):
            dated.append((postmortem.document.path, postmortem.fields.date))
    for path, root in todo:
        document = read_document(path, root, display_path(path, cwd)).document
        if document is None or not document.front_matter_valid:
            continue
        fields, _ = read_fields(document, None, config.lang)
        if fields.date is not None and (drafts or not fields.is_draft):
            dated.append((document.path, fields.date))
    return assign_urls(dated)


def _render_early(item: ParsedFile, urls: dict[Path, str], rewriter: Any, escape_html: bool) -> Any:
    """A published postmortem's fragments, rendered where it was parsed (tokens at hand), so
    the build never holds every token stream at once."""
    postmortem = item.postmortem
    path = postmortem.document.path if postmortem is not None else None
    if postmortem is None or path not in urls or postmortem.fields.date is None:
        return None
    entry = Entry(postmortem, urls[path], postmortem.fields.date)
    return render_fragments(entry, rewriter, escape_html)


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
                try:
                    info = os.stat(os.path.join(base, name))
                    parts.append(f"{base}/{name}:{info.st_size}:{info.st_mtime_ns}")
                except OSError:
                    parts.append(f"{base}/{name}:unreadable")
    return digest(*parts)


def _blocking(parsed: list[ParsedFile]) -> tuple[Diagnostic, ...]:
    """The findings of files that cannot become a page at all."""
    found: list[Diagnostic] = []
    for item in parsed:
        if item.postmortem is None:
            found.extend(item.diagnostics)
            continue
        fatal = [
            d for d in (*item.diagnostics, *item.postmortem.diagnostics) if d.code in FATAL_CODES
        ]
        found.extend(fatal or _missing(item.postmortem))
    return sort_diagnostics(found)


def _missing(postmortem: Postmortem) -> list[Diagnostic]:
    """A finding for a missing title or date that was reported under another code (PM103)."""
    fields, shown = postmortem.fields, postmortem.document.display_path
    problems = [("title", fields.title), ("date", fields.date)]
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
