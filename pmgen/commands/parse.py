"""The per-file stages over many files: each file is read, parsed, checked and (for a build)
rendered into fragments in one go, where its tokens are at hand; then the tokens are dropped.

Files are spread over processes when there are many, and a file whose inputs did not change
(its bytes, where it is, the configuration, pmgen's code, the files it links to) comes from
the cache instead.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from pmgen.cache import Cache, Stamp, digest, file_stamp
from pmgen.config import Config
from pmgen.diagnostics import Diagnostic
from pmgen.lint.run import Context, inline_disabled, lint_postmortem
from pmgen.model import Postmortem
from pmgen.pages.fragments import Fragments, Rendered, render_fragments
from pmgen.read.files import MAX_BYTES, discover, display_path, read_document
from pmgen.read.postmortem import parse_document

PARALLEL_FROM = 48  # below this, starting processes costs more than it saves
# A file's dependencies, as (path, (size, mtime_ns) or None when absent) pairs.
Dependencies = tuple[tuple[str, Stamp | None], ...]


@dataclass(frozen=True, slots=True)
class FileResult:
    """One file after the per-file stages: its postmortem (if usable, without tokens), the
    findings of reading it, every lint finding that does not depend on the day (PM105 does),
    and for a build its rendered fragments."""

    path: Path
    postmortem: Postmortem | None
    diagnostics: tuple[Diagnostic, ...]
    findings: tuple[Diagnostic, ...] = ()
    disabled: tuple[str, ...] = ()
    rendered: Rendered | None = None
    # What the day-dependent check (PM105) and draft relaxation need, without the postmortem.
    date: dt.date | None = None
    date_line: int = 1
    draft: bool = False
    shown: str = ""
    key: str = ""  # the digest of every input of this result (see `_input_key`)

    def lint_only(self) -> FileResult:
        """The same file reduced to what lint needs (small and fast to load from the cache)."""
        return replace(self, postmortem=None, rendered=None)


@dataclass(frozen=True, slots=True)
class ParseRun:
    """The results in discovery order, and how the work was done."""

    results: list[FileResult]
    processes: int  # 1 when everything ran in this process
    fallback: str | None = None  # why processes were wanted but not used


def parse_files(
    paths: Sequence[Path],
    config: Config,
    cwd: Path,
    only: frozenset[Path] | None = None,
    cache: Cache | None = None,
    render: bool = False,
    used: set[str] | None = None,
    store: Path | None = None,
    whole: bool = False,
) -> ParseRun:
    """Read, parse and check every Markdown file under `paths` (restricted to `only`); with
    `render`, also render each one, its body and timeline chart going to the `store` (a cache
    file, see `StoredFragments`). Results taken from the cache are lint's reduced ones (no
    postmortem) unless `render` or `whole` asks for the postmortems. `used` collects the cache
    keys in use."""
    found = [
        (path, _content_root(path, root, config))
        for path, root in discover(paths, config.exclude, config.content)
        if only is None or path in only
    ]
    context = digest(repr(config), str(cwd))
    results: dict[Path, FileResult] = {}
    keys: dict[Path, str] = {}
    for path, root in found:
        key = _input_key(path, root, context)
        if key is None:
            continue
        keys[path] = key
        if used is not None:
            used.add(key)
        cached = _from_cache(cache, key, render, whole) if cache is not None else None
        if cached is not None:
            results[path] = cached
    todo = [(path, root, keys.get(path, "")) for path, root in found if path not in results]
    parsed, processes, fallback = _parse_all(todo, config, cwd, render, store)
    for item in parsed:
        results[item.path] = item
        if cache is not None and item.key:
            dependencies = _dependencies(item.postmortem)
            if render:
                cache.put("file", item.key, (item, dependencies))
            cache.put("lint", item.key, (item.lint_only(), dependencies))
    if cache is not None:
        cache.flush()
    return ParseRun([results[path] for path, _ in found], processes, fallback)


def _from_cache(cache: Cache, key: str, render: bool, whole: bool) -> FileResult | None:
    """A cached result whose dependencies still hold: a rendered one for a build or for whoever
    needs the postmortem (a lint-only one has none), any for lint."""
    for space in ("file",) if render or whole else ("lint", "file"):
        cached = cache.get(space, key)
        if _usable(cached):
            return cached[0] if render or whole else cached[0].lint_only()
    return None


def _parse_all(
    todo: list[tuple[Path, Path, str]],
    config: Config,
    cwd: Path,
    render: bool,
    store: Path | None,
) -> tuple[list[FileResult], int, str | None]:
    """Parse files, across processes when there are many and more than one core."""
    workers = min(os.cpu_count() or 1, 8)
    fallback = None
    if len(todo) >= PARALLEL_FROM and workers >= 2:
        _leave_ctrl_c_to_the_parent()
        try:
            pool = ProcessPoolExecutor(
                workers,
                mp_context=get_context("fork"),
                initializer=_start_worker,
                initargs=(config, cwd, render, store),
            )
            try:
                chunk = max(1, len(todo) // (workers * 8))
                return list(pool.map(_parse_one, todo, chunksize=chunk)), workers, None
            finally:
                # Interrupted: drop the queued files rather than parse them all first.
                pool.shutdown(cancel_futures=True)
        except (OSError, BrokenProcessPool) as error:
            # No processes here (a sandbox, a container without /dev/shm): parse in this one.
            fallback = f"{type(error).__name__}: {error}"
    _start_worker(config, cwd, render, store)
    try:
        return [_parse_one(item) for item in todo], 1, fallback
    finally:
        _close_store()


_WORKER: dict[str, Any] = {}  # what each worker process was started with
_FORK_HOOKED: list[bool] = []


def _leave_ctrl_c_to_the_parent() -> None:
    """Worker processes ignore SIGINT (a Ctrl-C reaches the whole process group): the main
    process stops the pool, and no worker prints a traceback of its own; SIGTERM simply ends
    a worker (the parent's handler, inherited by fork, would raise in it). Set in the child
    right after fork, before it runs any code that a signal could interrupt."""
    if not _FORK_HOOKED:
        os.register_at_fork(after_in_child=_worker_signals)
        _FORK_HOOKED.append(True)


def _worker_signals() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _start_worker(config: Config, cwd: Path, render: bool, store: Path | None) -> None:
    _WORKER.update(config=config, cwd=cwd, render=render, store_path=store, store=None)


def _store() -> Cache | None:
    """This process's own connection to the fragment store (opened after fork, on first use)."""
    if _WORKER.get("store") is None and _WORKER.get("store_path") is not None:
        _WORKER["store"] = Cache(_WORKER["store_path"])
    return _WORKER.get("store")


def _close_store() -> None:
    store = _WORKER.pop("store", None)
    if store is not None:
        store.close()


def _parse_one(item: tuple[Path, Path, str]) -> FileResult:
    """One unit of parallel work (module-level so it pickles): the body and timeline chart go
    to the store at once, only the small result travels back."""
    path, root, key = item
    config, cwd = _WORKER["config"], _WORKER["cwd"]
    if not _WORKER["render"]:
        return parse_file(path, root, config, cwd, key=key)
    result, fragments = parse_and_render(path, root, config, cwd, key)
    store = _store()
    if store is not None and fragments is not None and key:
        store.put("fragments", key, fragments)
        store.flush()  # a worker has no last word: each result is written when it is made
    return result


def parse_file(path: Path, root: Path, config: Config, cwd: Path, key: str = "") -> FileResult:
    """Read, parse and check one file; an unreadable one keeps only its findings."""
    return _parse(path, root, config, cwd, key, render=False)[0]


def parse_and_render(
    path: Path, root: Path, config: Config, cwd: Path, key: str = ""
) -> tuple[FileResult, Fragments | None]:
    """Read, parse, check and render one file: the result, and its body and timeline chart."""
    return _parse(path, root, config, cwd, key, render=True)


def _parse(
    path: Path, root: Path, config: Config, cwd: Path, key: str, render: bool
) -> tuple[FileResult, Fragments | None]:
    result = read_document(path, root, display_path(path, cwd))
    if result.document is None:
        return FileResult(path, None, result.diagnostics, result.diagnostics, key=key), None
    parsed = parse_document(result.document, config)
    # Checked as of the last representable day, so no finding depends on today's date.
    timeless = lint_postmortem(parsed, Context(config, dt.date.max))
    rendered, fragments = (
        render_fragments(parsed, config.html == "escape") if render else (None, None)
    )
    postmortem = parsed.postmortem
    item = FileResult(
        path,
        postmortem,
        result.diagnostics,
        result.diagnostics + timeless,
        inline_disabled(parsed),
        rendered,
        postmortem.fields.date,
        result.document.key_lines.get("date", 1),
        postmortem.fields.is_draft,
        result.document.display_path,
        key,
    )
    return item, fragments


class StoredFragments(Mapping[Path, Fragments]):
    """The body and timeline chart of each rendered file, read from the store when its page is
    written; a file whose entry is missing (pruned, unreadable) is rendered again."""

    def __init__(
        self, store: Cache, results: Mapping[Path, FileResult], config: Config, cwd: Path
    ) -> None:
        self._store, self._results, self._config, self._cwd = store, results, config, cwd

    def __getitem__(self, path: Path) -> Fragments:
        item = self._results[path]
        found = self._store.get("fragments", item.key) if item.key else None
        if isinstance(found, Fragments):
            return found
        root = item.postmortem.document.root if item.postmortem else path.parent
        _, fragments = parse_and_render(path, root, self._config, self._cwd, item.key)
        if fragments is None:
            raise KeyError(path)
        return fragments

    def __iter__(self) -> Iterator[Path]:
        return iter(self._results)

    def __len__(self) -> int:
        return len(self._results)


def _input_key(path: Path, root: Path, context: str) -> str | None:
    """The digest of a file's own inputs: its bytes, where it is, and the configuration (pmgen's
    code and its dependencies' versions are in every digest)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return digest(context, str(path), str(root), data)


def _dependencies(postmortem: Postmortem | None) -> Dependencies:
    """Files whose presence or content the result depends on: link targets, chart data."""
    if postmortem is None:
        return ()
    paths = {link.named for link in postmortem.links if link.named is not None}
    paths.update(block.data for block in postmortem.charts if block.data is not None)
    return tuple((str(path), file_stamp(path)) for path in sorted(paths))


def _usable(cached: Any) -> bool:
    """A cached (FileResult, dependencies) pair of the right shape whose dependencies hold."""
    if not (
        isinstance(cached, tuple)
        and len(cached) == 2
        and isinstance(cached[0], FileResult)
        and isinstance(cached[1], tuple)
    ):
        return False
    try:
        return all(file_stamp(Path(path)) == stamp for path, stamp in cached[1])
    except (TypeError, ValueError):
        return False


def _content_root(path: Path, root: Path, config: Config) -> Path:
    """The configured content folder for files inside it, else the folder they were found in."""
    return config.content if path.is_relative_to(config.content) else root
