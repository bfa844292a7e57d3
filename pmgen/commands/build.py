"""The build use case: lint, then render every published postmortem into a complete site."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pmgen.cache import Cache, Stamp, digest, open_cache, stamp_of
from pmgen.config import Config
from pmgen.diagnostics import Diagnostic
from pmgen.pages.theme import theme_folder
from pmgen.safepaths import check_writable_place
from pmgen.write.incremental import SearchSwap, intact, update_site
from pmgen.write.search import BUNDLE as SEARCH_BUNDLE
from pmgen.write.search import available as search_available
from pmgen.write.shards import LISTING, index_whole, reindex_changes
from pmgen.write.whole import Manifest, check_output_folder, write_site

if TYPE_CHECKING:
    from pmgen.pages.assemble import Assembled


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
    shards: dict[str, str]  # search shard → digest of its pages (empty: no search bundle)
    listings: str = ""  # the key of what the listing pages show (see `listings_key`)
    listing_files: frozenset[str] = frozenset()  # the files written with the listings


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
    # Keyed by pmgen's code too (as every digest is): another pmgen's record is never read.
    last = cache.get("build", digest(str(output)))
    last = last if isinstance(last, LastBuild) else None  # none, or another pmgen's
    if last is not None and last.fingerprint == fingerprint and _unchanged(output, last, search):
        return replace(last.result, output=options.output, files_written=0, up_to_date=True)
    with contextlib.ExitStack() as stack:
        if cache.enabled:
            store = cache
        else:  # no cache: the rendered bodies wait in a private spill file instead
            spill = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pmgen-")))
            store = stack.enter_context(contextlib.closing(Cache(spill / "fragments.sqlite3")))
        return _stages(config, options, cwd, today, progress, cache, store, last, fingerprint)


def _stages(
    config: Config,
    options: BuildOptions,
    cwd: Path,
    today: dt.date,
    progress: Callable[[int, int], None] | None,
    cache: Cache,
    store: Cache,
    last: LastBuild | None,
    fingerprint: str,
) -> BuildResult:
    """Every stage of a build that is not a no-op."""
    # Imported here, past the no-op check: parsing and rendering bring markdown-it, Jinja, Babel.
    from pmgen.commands.parse import StoredFragments, parse_files
    from pmgen.commands.stages import check, render_context, site_settings
    from pmgen.pages.assemble import assemble, listings_key, plan_pages
    from pmgen.pages.library import build_library

    output = options.output.resolve()
    search = options.search and config.search and search_available()
    used: set[str] = set()
    run = parse_files(
        [options.source], config, cwd, cache=cache, render=True, used=used, store=store.path
    )
    checked = check(run.results, config, options.drafts, options.strict, today)
    diagnostics, published = checked.diagnostics, checked.published
    if checked.blocking:
        return BuildResult(diagnostics, checked.blocking, options.output, processes=run.processes)
    library = build_library([item.postmortem for item in published])
    # An empty site is a valid site; Pagefind refuses a folder without pages to index.
    indexed = search and bool(library.entries)
    reusable = (
        last if last is not None and output.is_dir() and intact(output, last.manifest) else None
    )
    site = site_settings(config, options.site_url, today, indexed)
    rendered = {item.path: (item.key, item.rendered) for item in published}
    stored = StoredFragments(store, {item.path: item for item in published}, config, cwd)
    context = render_context(config, cwd)
    previous = reusable.page_keys if reusable else {}
    plan = plan_pages(library, rendered, stored, site, context, previous)
    # The site's settings too: `--base-url` changes the feed and sitemap, not the config.
    listings = listings_key(
        library, plan.summaries, digest(context, repr(site), str(options.updated))
    )
    # An edit that changes nothing the listings show rewrites its own page only.
    same_listings = reusable is not None and reusable.listings == listings
    built = assemble(
        library,
        plan,
        site,
        config.root / "templates",
        options.updated,
        progress,
        listings=not same_listings,
    )
    rendered_pages = {f"{url}index.html" for url in plan.fragments}
    kept = frozenset(path for path in plan.keys if path not in rendered_pages)
    if same_listings and reusable is not None:
        kept |= reusable.listing_files
    manifest, shards, written = _write(
        output, built, reusable, kept, frozenset(plan.keys), indexed, config.lang
    )
    not_listings = set(plan.keys) | {copy.path for copy in built.copies}
    listing_files = frozenset(path for path in manifest if path not in not_listings)
    notices = (*built.notices, *_notices(config, options, run.fallback))
    result = BuildResult(
        diagnostics,
        (),
        options.output,
        len(published),
        checked.drafts_left_out,
        written,
        notices,
        processes=run.processes,
    )
    last_build = LastBuild(
        fingerprint, manifest, result, plan.keys, shards, listings, listing_files
    )
    _remember(cache, output, last_build, used)
    return result


def _notices(config: Config, options: BuildOptions, fallback: str | None) -> tuple[str, ...]:
    """What the user should know about how the site was built."""
    notices = []
    if fallback:
        notices.append(f"parsed in one process (no worker processes: {fallback}).")
    if options.search and config.search and not search_available():
        notices.append("search skipped: Pagefind is not installed (pip install 'pagefind[bin]').")
    return tuple(notices)


def _remember(cache: Cache, output: Path, last: LastBuild, used: set[str]) -> None:
    """Record the build, and keep the cache to what this content needs now (edits would
    otherwise pile up)."""
    cache.put("build", digest(str(output)), last)
    cache.flush()
    for space in ("file", "lint", "fragments"):
        cache.keep_only(space, used)


def _write(
    output: Path,
    built: Assembled,
    last: LastBuild | None,
    kept: frozenset[str],
    pages: frozenset[str],
    search: bool,
    lang: str,
) -> tuple[Manifest, dict[str, str], int]:
    """Update the site in place when pmgen's last build of it is intact (`last` given), else
    write it whole; `kept` are pages not rendered again because nothing they show changed.
    Returns the manifest, the search shards' digests and how many files were written."""
    shards: dict[str, str] = {}
    if last is not None:

        def reindex(stage: Path, staged: dict[str, Path], hashes: dict[str, str]) -> SearchSwap:
            if not search:
                return SearchSwap(remove=(SEARCH_BUNDLE,) if last.shards else ())
            hashed = {page: hashes[page] for page in pages if page in hashes}
            swap, now = reindex_changes(stage, output, hashed, staged, last.shards, lang)
            shards.update(now)
            return swap

        manifest, written = update_site(
            output, built.files, built.copies, last.manifest, kept, reindex
        )
        return manifest, shards, written

    def finish(staging: Path, manifest: Manifest) -> None:
        if search:
            hashes = {page: manifest[page][0] for page in pages if page in manifest}
            shards.update(index_whole(staging, hashes, lang))

    manifest = write_site(output, built.files, built.copies, finish)
    return manifest, shards, len(manifest)


def _unchanged(output: Path, last: LastBuild, search: bool) -> bool:
    """The site on disk is exactly what the last build wrote (search bundle included)."""
    listing = output / SEARCH_BUNDLE / LISTING
    return intact(output, last.manifest) and (not search or not last.shards or listing.is_file())


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
        if folder.is_dir():
            parts += _stamps(str(folder))
    return digest(*parts)


def _stamps(folder: str) -> Iterator[str]:
    """`path:stamp` for every file under `folder`, dot-files and dot-folders aside, in name
    order; folders reached through a symbolic link are not entered (as `os.walk` does not)."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not e.name.startswith(".")), key=_name)
    except OSError:
        return
    for entry in entries:
        try:
            is_folder = entry.is_dir()  # the file type comes with the listing: no system call
        except OSError:
            is_folder = False
        if is_folder:
            if not entry.is_symlink():
                yield from _stamps(entry.path)
            continue
        try:
            stamp: Stamp | None = stamp_of(entry.stat())
        except OSError:
            stamp = None
        yield f"{entry.path}:{stamp}"


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name
