"""The site `pmgen serve` shows: built once into a private folder, then brought up to date one
saved file at a time, with everything else kept in memory.

An update runs in steps, each naming the site paths it rewrote, so that the browser can be told
as soon as its page is ready: first the pages of the postmortems that changed, then, when what
they show changed, the listings (index, terms, actions, stats, index.json…), and last the
search shards those pages belong to.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pmgen.atomic import write_atomically
from pmgen.cache import Cache, file_stamp
from pmgen.commands.parse import FileResult, StoredFragments, parse_and_render, parse_files
from pmgen.commands.stages import check, render_context, site_settings
from pmgen.config import Config, load_config
from pmgen.diagnostics import Diagnostic
from pmgen.errors import PmgenError
from pmgen.model import AssetCopy, OutputFile
from pmgen.pages.assemble import PagePlan, assemble, listing_files, listings_key, plan_pages
from pmgen.pages.context import SiteInfo
from pmgen.pages.library import Library, build_library
from pmgen.pages.templates import forget_environments
from pmgen.read.files import MARKDOWN_SUFFIXES, skipped
from pmgen.write.search import BUNDLE, available
from pmgen.write.shards import reindex_changes
from pmgen.write.whole import sha


@dataclass(frozen=True, slots=True)
class Step:
    """One step of an update: the site paths rewritten (`*`: reload everything)."""

    paths: frozenset[str]
    kind: str  # "pages", "listings", "search" or "error"


@dataclass
class Shown:
    """What the server shows besides the files: the findings per page, or why nothing builds."""

    banners: dict[str, list[Diagnostic]] = field(default_factory=dict)
    error: tuple[Diagnostic, ...] | str | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    postmortems: int = 0


class LiveSite:
    """The preview's state between saves; every method runs on one thread (the watcher's)."""

    def __init__(
        self,
        folder: Path,
        cwd: Path,
        config_file: Path | None = None,
        source: Path | None = None,
        drafts: bool = True,
        strict: bool = False,
    ) -> None:
        self.folder, self.cwd, self.config_file = folder, cwd, config_file
        self.source, self.drafts, self.strict = source, drafts, strict
        self.shown = Shown()
        self.config: Config | None = None
        self.results: dict[Path, FileResult] = {}
        self.hashes: dict[str, str] = {}  # site path → SHA-256 of what is in the folder
        self.keys: dict[str, str] = {}  # postmortem page → key of what it shows
        self.listings = ""
        self.listing_paths: set[str] = set()  # the listing files now in the folder
        self.pages: set[str] = set()  # the postmortem pages now in the folder
        self.whole_next = False  # the last update failed half-way: read everything again
        self.shards: dict[str, str] = {}
        folder.mkdir(parents=True, exist_ok=True)
        self.store = Cache(folder.parent / "fragments.sqlite3")

    def close(self) -> None:
        """Release the fragment store (the folder is the caller's to remove)."""
        self.store.close()

    @property
    def content(self) -> Path:
        """The content folder being previewed."""
        assert self.config is not None
        return self.source or self.config.content

    def watched(self) -> list[Path]:
        """The folders and files whose changes matter: content, site templates, configuration."""
        if self.config is None:
            return [self.cwd]
        paths = [self.content, self.config.root / "templates"]
        if self.config.source is not None:
            paths.append(self.config.source)
        return [path for path in paths if path.exists()]

    def update(self, changed: Iterable[Path] | None = None) -> Iterator[Step]:
        """Bring the site up to date; `None` (the first time, or a changed configuration or
        theme) reads everything again. Yields each step as soon as its files are written."""
        try:
            config = load_config(self.cwd, self.config_file)
        except PmgenError as error:
            self.shown.error = str(error)
            yield Step(frozenset({"*"}), "error")
            return
        full = (
            changed is None
            or self.whole_next
            or config != self.config
            or self._touches_theme(config, changed)
            or self._touches_folders(changed)
        )
        if full:
            forget_environments()  # a site template may have come or gone
        self.config = config
        if full:
            self._read_all(config)
        else:
            self._read_changed(config, changed or ())
        yield from self._render(config, full)

    def _touches_theme(self, config: Config, changed: Iterable[Path]) -> bool:
        templates = config.root / "templates"
        return any(path.is_relative_to(templates) or path == config.source for path in changed)

    def _touches_folders(self, changed: Iterable[Path]) -> bool:
        """A folder moved in, out or away (`mv postmortems/2023 …`): its files are not named
        one by one, so everything is read again."""
        return any(
            path.is_dir() or any(known.is_relative_to(path) for known in self.results)
            for path in changed
            if path.suffix.lower() not in MARKDOWN_SUFFIXES and not path.is_file()
        )

    def _read_all(self, config: Config) -> None:
        if not self.content.is_dir():
            raise PmgenError(f"{self.content}: the content folder does not exist.")
        run = parse_files([self.content], config, self.cwd, render=True, store=self.store.path)
        self.results = {item.path: item for item in run.results}
        self.keys, self.listings = {}, ""

    def _read_changed(self, config: Config, changed: Iterable[Path]) -> None:
        """Parse again the Markdown files that changed and the ones linking a changed file."""
        again: set[Path] = set()
        for path in changed:
            if path.suffix.lower() in MARKDOWN_SUFFIXES and path.is_relative_to(self.content):
                again.add(path)
            # Pages that link the file see it come or go (a link to a postmortem not yet
            # written, an image deleted: their links and findings change too).
            again.update(self._linking(path))
        for path in sorted(again):
            relative = path.relative_to(self.content) if path.is_relative_to(self.content) else None
            if relative is None or skipped(relative, config.exclude) or not path.is_file():
                self.results.pop(path, None)
                continue
            key = f"live:{path}:{file_stamp(path)}"
            result, fragments = parse_and_render(path, self.content, config, self.cwd, key)
            self.results[path] = result
            if fragments is not None:
                self.store.put("fragments", key, fragments)
        self.store.flush()

    def _linking(self, changed: Path) -> set[Path]:
        """The postmortems whose links or charts name this file."""
        found = set()
        for path, item in self.results.items():
            postmortem = item.postmortem
            if postmortem is None:
                continue
            named = {link.named for link in postmortem.links}
            named |= {block.data for block in postmortem.charts}
            if changed in named:
                found.add(path)
        return found

    def _render(self, config: Config, full: bool) -> Iterator[Step]:
        results = [self.results[path] for path in sorted(self.results)]
        checked = check(results, config, self.drafts, self.strict, dt.date.today())
        self.shown.diagnostics = checked.diagnostics
        if checked.blocking:
            self.shown.error = checked.blocking
            yield Step(frozenset({"*"}), "error")
            return
        was_error = self.shown.error is not None
        self.shown.error = None
        published = checked.published
        library = build_library([item.postmortem for item in published])
        self.shown.postmortems = len(library.entries)
        search = config.search and available() and bool(library.entries)
        site = site_settings(config, "", dt.date.today(), search)
        context = render_context(config, self.cwd)
        rendered = {item.path: (item.key, item.rendered) for item in published}
        stored = StoredFragments(
            self.store, {item.path: item for item in published}, config, self.cwd
        )
        plan = plan_pages(library, rendered, stored, site, context, self.keys)
        self.shown.banners = _banners(library, checked.diagnostics)
        built = assemble(library, plan, site, config.root / "templates", None, listings=False)
        pages = self._write(built.files) | self._copy(built.copies)
        pages |= self._remove(self.pages - set(plan.keys))
        self.keys, self.pages = plan.keys, set(plan.keys)
        yield Step(frozenset({"*"}) if full or was_error else frozenset(pages), "pages")
        listings = listings_key(library, plan.summaries, context)
        if listings != self.listings:
            self.listings = listings
            files = list(_listing(library, plan, site, config))
            written = self._write(files)
            # A year, service or tag no postmortem has any more: its page goes too.
            now = {item.path for item in files}
            written |= self._remove(self.listing_paths - now)
            self.listing_paths = now
            yield Step(frozenset(written), "listings")
        if search:
            yield Step(frozenset(self._reindex(plan, config.lang)), "search")

    def _write(self, files: Iterable[OutputFile]) -> set[str]:
        """Write the files whose bytes changed (each replaced at once: the server may be
        reading it); return their paths."""
        written = set()
        for item in files:
            digest = sha(item.data)
            if self.hashes.get(item.path) == digest:
                continue
            target = self.folder / item.path
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, item.data, 0o644)
            self.hashes[item.path] = digest
            written.add(item.path)
        return written

    def _copy(self, copies: Iterable[AssetCopy]) -> set[str]:
        files = []
        for copy in copies:
            try:
                files.append(OutputFile(copy.path, copy.source.read_bytes()))
            except OSError:
                continue  # gone meanwhile: the next change of it brings it back
        return self._write(files)

    def _remove(self, pages: set[str]) -> set[str]:
        """Remove pages that are no longer part of the site."""
        for page in pages:
            (self.folder / page).unlink(missing_ok=True)
            self.hashes.pop(page, None)
        return pages

    def _reindex(self, plan: PagePlan, lang: str) -> set[str]:
        """Index again the search shards whose pages changed, then swap them in."""
        pages = {page: self.hashes[page] for page in plan.keys if page in self.hashes}
        stage = Path(tempfile.mkdtemp(dir=self.folder.parent, prefix="search-"))
        try:
            swap, self.shards = reindex_changes(stage, self.folder, pages, {}, self.shards, lang)
            for relative in (*swap.replace, *swap.remove):
                target = self.folder / relative
                if target.is_dir():
                    shutil.rmtree(target)
                else:
                    target.unlink(missing_ok=True)
            for relative, staged in swap.replace.items():
                (self.folder / relative).parent.mkdir(parents=True, exist_ok=True)
                os.rename(staged, self.folder / relative)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        return {f"{BUNDLE}/"} if swap.replace or swap.remove else set()


def _listing(
    library: Library, plan: PagePlan, site: SiteInfo, config: Config
) -> Iterator[OutputFile]:
    return listing_files(library, plan, site, config.root / "templates", None)


def _banners(library: Library, diagnostics: tuple[Diagnostic, ...]) -> dict[str, list[Diagnostic]]:
    """Each postmortem page's findings, by page path."""
    by_file: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_file.setdefault(diagnostic.path, []).append(diagnostic)
    return {
        f"{entry.url}index.html": by_file.get(entry.postmortem.document.display_path, [])
        for entry in library.entries
    }
