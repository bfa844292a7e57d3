"""The parse stage over many files: read, parse and check each one, across processes when there
are many, reusing the cache for files whose inputs did not change."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from pmgen.cache import Cache, digest
from pmgen.config import Config
from pmgen.diagnostics import Diagnostic
from pmgen.lint import Context, inline_disabled, lint_postmortem
from pmgen.model import Postmortem
from pmgen.read.files import MAX_BYTES, discover, display_path, read_document
from pmgen.read.linked import Targets, named_path
from pmgen.read.postmortem import load_postmortem


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """One file after reading, parsing and checking: its postmortem (if usable), the findings
    of reading it, and every raw lint finding that does not depend on the day (PM105 does)."""

    path: Path
    postmortem: Postmortem | None
    diagnostics: tuple[Diagnostic, ...]
    findings: tuple[Diagnostic, ...] = ()
    disabled: tuple[str, ...] = ()
    # What the day-dependent check (PM105) and draft relaxation need, without the postmortem.
    date: dt.date | None = None
    date_line: int = 1
    draft: bool = False
    shown: str = ""

    def lint_only(self) -> ParsedFile:
        """The same file reduced to what lint needs (small and fast to load from the cache)."""
        return replace(self, postmortem=None)


# Work done right after parsing a file, in the process that parsed it (see build.py): it gets
# the full postmortem, tokens included, and what it returns is kept; the tokens are not.
AfterParse = Callable[[ParsedFile], Any]
# Given the files found in the cache and those left to parse, the work to do after parsing.
AfterFactory = Callable[[dict[Path, ParsedFile], list[tuple[Path, Path]]], AfterParse | None]


def parse_files(
    paths: Sequence[Path],
    config: Config,
    cwd: Path,
    only: frozenset[Path] | None = None,
    cache: Cache | None = None,
    lint_only: bool = False,
    after: AfterFactory | None = None,
    extras: dict[Path, Any] | None = None,
    used: set[str] | None = None,
) -> list[ParsedFile]:
    """Read, parse and check every Markdown file under `paths` (restricted to `only`).

    With a cache, a file whose bytes, configuration and dependencies (linked files, chart data)
    are unchanged is not parsed again; the postmortem then comes back without its tokens.
    Files to parse are spread over processes when there are enough of them. With `after`, each
    parsed file also goes through the work it returns (results in `extras`, by path), and comes
    back without its tokens.
    """
    found = [
        (path, _content_root(path, root, config))
        for path, root in discover(paths, config.exclude)
        if only is None or path in only
    ]
    context = digest(repr(config), str(cwd))
    results: dict[Path, ParsedFile] = {}
    keys: dict[Path, str] = {}
    for path, root in found:
        key = _parse_key(path, root, context) if cache is not None else None
        if key is None:
            continue
        keys[path] = key
        if used is not None:
            used.add(key)
        cached = cache.get("lint" if lint_only else "parse", key) if cache is not None else None
        if _usable(cached):
            results[path] = cached[0]
    todo = [(path, root) for path, root in found if path not in results]
    work = after(dict(results), todo) if after is not None and todo else None
    for item, extra in _parse_all(todo, config, cwd, work):
        results[item.path] = item
        if extras is not None and extra is not None:
            extras[item.path] = extra
        if cache is not None and item.path in keys:
            dependencies = _dependencies(item)
            cache.put("parse", keys[item.path], (slim(item), dependencies))
            cache.put("lint", keys[item.path], (item.lint_only(), dependencies))
    if cache is not None:
        cache.flush()
    return [results[path] for path, _ in found]


PARALLEL_FROM = 48  # below this, starting processes costs more than it saves
_WORKER: dict[str, Any] = {}  # what each worker process was started with


def _parse_all(
    todo: list[tuple[Path, Path]], config: Config, cwd: Path, work: AfterParse | None
) -> list[tuple[ParsedFile, Any]]:
    """Parse files, across processes when there are many and more than one core."""
    workers = min(os.cpu_count() or 1, 8)
    if len(todo) >= PARALLEL_FROM and workers >= 2:
        try:
            with ProcessPoolExecutor(
                workers,
                mp_context=get_context("fork"),
                initializer=_start_worker,
                initargs=(config, cwd, work),
            ) as pool:
                chunk = max(1, len(todo) // (workers * 8))
                return list(pool.map(_parse_one, todo, chunksize=chunk))
        except (OSError, BrokenProcessPool, ValueError):
            pass  # no processes here: parse in this one
    _start_worker(config, cwd, work)
    return [_parse_one(item) for item in todo]


def _start_worker(config: Config, cwd: Path, work: AfterParse | None) -> None:
    _WORKER.update(config=config, cwd=cwd, work=work)


def _parse_one(item: tuple[Path, Path]) -> tuple[ParsedFile, Any]:
    """One unit of parallel work (module-level so it pickles)."""
    parsed = parse_file(item[0], item[1], _WORKER["config"], _WORKER["cwd"])
    work = _WORKER["work"]
    if work is None:
        return parsed, None
    return slim(parsed), work(parsed)


def slim(item: ParsedFile) -> ParsedFile:
    """The parsed file without its token stream and chart data (what the cache keeps)."""
    if item.postmortem is None:
        return item
    # Chart blocks keep the path of their data file (a dependency), not the chart itself.
    charts = tuple(replace(block, chart=None) for block in item.postmortem.charts)
    return replace(item, postmortem=replace(item.postmortem, tokens=(), charts=charts))


def _parse_key(path: Path, root: Path, context: str) -> str | None:
    """The cache key of a file: its bytes, where it is, and the configuration."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return digest(context, str(path), str(root), data)


def _fingerprint(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


def _dependencies(item: ParsedFile) -> tuple[tuple[str, tuple[int, int] | None], ...]:
    """Files whose presence or content the findings depend on: link targets, chart data."""
    postmortem = item.postmortem
    if postmortem is None:
        return ()
    folder = postmortem.document.path.parent
    targets = Targets(folder)
    paths: set[Path] = set()
    for href in postmortem.links:
        target = named_path(href, folder, targets)
        if target is not None:
            paths.add(target)
    paths.update(block.data for block in postmortem.charts if block.data is not None)
    return tuple((str(path), _fingerprint(path)) for path in sorted(paths))


def _usable(cached: Any) -> bool:
    """A cached (ParsedFile, dependencies) pair of the right shape whose dependencies hold."""
    if not (
        isinstance(cached, tuple)
        and len(cached) == 2
        and isinstance(cached[0], ParsedFile)
        and isinstance(cached[1], tuple)
    ):
        return False
    try:
        return all(_fingerprint(Path(path)) == stamp for path, stamp in cached[1])
    except (TypeError, ValueError):
        return False


def parse_file(path: Path, root: Path, config: Config, cwd: Path) -> ParsedFile:
    """Read and parse one file; an unreadable one keeps only its findings."""
    result = read_document(path, root, display_path(path, cwd))
    if result.document is None:
        return ParsedFile(path, None, result.diagnostics, result.diagnostics)
    postmortem = load_postmortem(result.document, config)
    # Checked as of the last representable day, so no finding depends on today's date.
    timeless = lint_postmortem(postmortem, Context(config, dt.date.max))
    return ParsedFile(
        path,
        postmortem,
        result.diagnostics,
        result.diagnostics + timeless,
        inline_disabled(postmortem),
        postmortem.fields.date,
        result.document.key_lines.get("date", 1),
        postmortem.fields.is_draft,
        result.document.display_path,
    )


def _content_root(path: Path, root: Path, config: Config) -> Path:
    """The configured content folder for files inside it, else the folder they were found in."""
    return config.content if path.is_relative_to(config.content) else root
