"""Update a built site: write only the files whose bytes change, then move them in at once.

The new files are written into a private folder beside the site (nothing in the site is touched
while pages are rendered, copied or indexed), then one short commit renames each into place,
removes the pages of deleted postmortems and swaps the changed search shards. The commit holds
Ctrl-C and termination signals until it is done, and undoes itself if a rename fails: an
interrupted or failed update leaves the previous site exactly as it was. Unchanged files are
never touched (same inode, same time), and the bytes always equal a cold build's.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pmgen.atomic import write_atomically
from pmgen.cache import file_stamp
from pmgen.errors import PmgenError
from pmgen.model import AssetCopy, OutputFile
from pmgen.pauses import pause_point
from pmgen.write.whole import MARKER, Manifest, read_linked, sha, staged_site

# Given the stage, where the changed files' new bytes are (site path → staged file) and the
# hash of every file the site will hold, index what changed into the stage; return the paths
# under the site to replace with staged folders or files, and those to remove.
Reindex = Callable[[Path, dict[str, Path], dict[str, str]], "SearchSwap"]


@dataclass(frozen=True, slots=True)
class SearchSwap:
    """Search bundle changes: site path → new folder or file in the stage, and paths to drop."""

    replace: dict[str, Path] = field(default_factory=dict)
    remove: tuple[str, ...] = ()


def intact(output: Path, manifest: Manifest) -> bool:
    """True when every file pmgen wrote last time is still there, untouched."""
    if not (output / MARKER).is_file():
        return False
    base = f"{output}{os.sep}"  # strings, not Path objects: 10,000 joins at N=5,000 add up
    return all(
        file_stamp(base + path) == (size, mtime) for path, (_, size, mtime) in manifest.items()
    )


def update_site(
    output: Path,
    files: Iterable[OutputFile],
    copies: Iterable[AssetCopy],
    previous: Manifest,
    kept: frozenset[str] = frozenset(),
    reindex: Reindex | None = None,
) -> tuple[Manifest, int]:
    """Bring an intact site up to date; return its new manifest and how many files changed.

    `kept` are files known to be up to date without being rendered again: left as they are.
    """
    output = output.resolve()
    with staged_site(output, "update the site in") as stage:
        try:
            written: dict[str, tuple[Path, str]] = {}  # site path → (staged file, its hash)
            seen = set(kept)
            for path, data in _contents(files, copies):
                seen.add(path)
                digest = sha(data)
                if previous.get(path, ("",))[0] != digest:
                    written[path] = (_replace(stage, path, data, len(written)), digest)
            removed = sorted(path for path in previous if path not in seen)
            hashes = {path: previous[path][0] for path in seen if path in previous}
            hashes.update((path, digest) for path, (_, digest) in written.items())
            staged = {path: file for path, (file, _) in written.items()}
            search = reindex(stage, staged, hashes) if reindex is not None else SearchSwap()
            if not (written or removed or search.replace or search.remove):
                return dict(previous), 0
            pause_point("write")
            with _signals_held():
                _commit(output, stage, written, removed, search)
        finally:
            shutil.rmtree(stage, ignore_errors=True)  # the staged files and the old versions
    manifest = {path: stamp for path, stamp in previous.items() if path in seen}
    for path, (_, digest) in written.items():
        stamp = file_stamp(output / path)
        if stamp is None:
            raise PmgenError(f"{output / path} vanished right after it was written.")
        manifest[path] = (digest, *stamp)
    return manifest, len(written) + len(removed)


def _contents(
    files: Iterable[OutputFile], copies: Iterable[AssetCopy]
) -> Iterator[tuple[str, bytes]]:
    for item in files:
        yield item.path, item.data
    for copy in copies:
        yield copy.path, read_linked(copy)


def _replace(stage: Path, relative: str, data: bytes, number: int) -> Path:
    """Write one changed file into the stage (flat: its place in the site comes at commit)."""
    if relative.startswith("/") or ".." in relative.split("/") or not relative:
        raise PmgenError(f"refusing to write {relative!r} outside the output folder.")
    staged = stage / f"{number}.new"
    write_atomically(staged, data, 0o644)
    return staged


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM for the few renames of a commit; they arrive right after."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError, OSError):  # no signal masks here (or not main thread)
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _commit(
    output: Path,
    stage: Path,
    written: dict[str, tuple[Path, str]],
    removed: list[str],
    search: SearchSwap,
) -> None:
    """Move the staged files into the site; on any failure, put every moved file back."""
    backups = stage / "previous"
    backups.mkdir()
    done: list[tuple[Path, Path | None]] = []  # (site path, its previous version or None)
    moves = [(path, staged) for path, (staged, _) in sorted(written.items())]
    moves += sorted(search.replace.items())
    try:
        for number, (relative, staged) in enumerate(moves):
            target = _inside(output, relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            backup = _set_aside(target, backups / str(number))
            done.append((target, backup))
            os.rename(staged, target)
        for number, relative in enumerate((*removed, *search.remove), start=len(moves)):
            target = _inside(output, relative)
            backup = _set_aside(target, backups / str(number))
            if backup is not None:
                done.append((target, backup))
    except OSError as error:
        _undo(done)
        raise PmgenError(
            f"cannot update the site in {output}: {error.strerror or error} "
            f"({error.filename or output}); the previous site is unchanged."
        ) from None
    for relative in removed:
        _prune_empty(output, (output / relative).parent)


def _set_aside(target: Path, backup: Path) -> Path | None:
    """Move what is at `target` (file or folder) to `backup`; None when there was nothing."""
    try:
        os.rename(target, backup)
    except FileNotFoundError:
        return None
    return backup


def _undo(done: list[tuple[Path, Path | None]]) -> None:
    """Put back what a failed commit moved, newest first."""
    for target, backup in reversed(done):
        with contextlib.suppress(OSError):
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
            if backup is not None:
                os.rename(backup, target)


def _inside(output: Path, relative: str) -> Path:
    """The site path, refusing anything that would land outside the output folder."""
    target = output / relative
    if not target.resolve().is_relative_to(output) or target.resolve() == output:
        raise PmgenError(f"refusing to write {relative!r} outside the output folder.")
    return target


def _prune_empty(output: Path, folder: Path) -> None:
    """Remove folders left empty by deleted pages, up to the output folder."""
    while folder != output and folder.is_relative_to(output):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
