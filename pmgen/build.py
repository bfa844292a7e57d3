"""The build use case: lint, then render every published postmortem into a complete site."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pmgen.check import ParsedFile, lint_files, parse_files
from pmgen.config import Config
from pmgen.diagnostics import Diagnostic, Severity, sort_diagnostics
from pmgen.export import index_json
from pmgen.library import build_library
from pmgen.links import asset_copies, make_rewriter
from pmgen.model import AssetCopy, OutputFile, Postmortem
from pmgen.output import check_output_folder, write_site
from pmgen.render import (
    SiteInfo,
    environment,
    render_feed,
    render_pages,
    render_sitemap,
    theme_folder,
)
from pmgen.search import available as search_available
from pmgen.search import index_site

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
    """Lint and render `options.source` into `options.output`, atomically."""
    check_output_folder(options.output, options.source)
    parsed = parse_files([options.source], config, cwd)
    diagnostics = lint_files(parsed, config, today)
    blocking = _blocking(parsed)
    if options.strict and not blocking:
        blocking = tuple(d for d in diagnostics if d.severity >= Severity.ERROR)
    if blocking:
        return BuildResult(diagnostics, blocking, options.output)
    postmortems = [item.postmortem for item in parsed if item.postmortem is not None]
    published = [p for p in postmortems if options.drafts or not p.fields.is_draft]
    search = options.search and config.search and search_available()
    files, copies, notices = _render(config, options, published, today, search, progress)
    if options.search and config.search and not search:
        notices += ("search skipped: Pagefind is not installed (pip install 'pagefind[bin]').",)
    finish = (lambda staging: index_site(staging, config.lang)) if search else None
    write_site(options.output, files, copies, finish)
    return BuildResult(
        diagnostics,
        (),
        options.output,
        len(published),
        len(postmortems) - len(published),
        len(files) + len(copies),
        notices,
    )


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


def _render(
    config: Config,
    options: BuildOptions,
    published: list[Postmortem],
    today: dt.date,
    search: bool,
    progress: Callable[[int, int], None] | None,
) -> tuple[list[OutputFile], list[AssetCopy], tuple[str, ...]]:
    library = build_library(published)
    site = SiteInfo(
        config.title, config.lang, options.site_url, config.html == "escape", today, search
    )
    env = environment(config.root / "templates")
    files = render_pages(library, site, env, make_rewriter(library), progress)
    notices: list[str] = []
    if options.site_url:
        newest = library.entries[0].date if library.entries else dt.date(1970, 1, 1)
        updated = options.updated or dt.datetime.combine(newest, dt.time(), dt.UTC)
        files.append(render_feed(library, site, env, updated.strftime("%Y-%m-%dT%H:%M:%SZ")))
        files.append(render_sitemap(library, site, env))
    else:
        notices.append(
            "no `site_url` configured: feed.xml and sitemap.xml were skipped "
            "(they need absolute URLs); set it in pmgen.toml or pass --base-url."
        )
    files.append(index_json(library))
    files.extend(_theme_assets(config.root / "templates"))
    files.sort(key=lambda item: item.path)
    return files, asset_copies(library), tuple(notices)


def _theme_assets(site_templates: Path) -> list[OutputFile]:
    """The theme's static files (`assets/`), a site's own files overriding the theme's."""
    chosen: dict[str, Path] = {}
    for folder in (theme_folder() / "assets", site_templates / "assets"):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    chosen[f"assets/{path.relative_to(folder).as_posix()}"] = path
    return [OutputFile(name, path.read_bytes()) for name, path in sorted(chosen.items())]
