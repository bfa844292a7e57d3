"""Update a built site in place: write only the files whose bytes change, in an order where
every link keeps working, and remove the pages of deleted postmortems last.

Each file is replaced atomically (written beside it, then renamed over it), so an interrupted
update leaves every file either as it was or as it should be. New files are written first,
then changed ones, then removed ones are deleted: a page never links to a page that is not
there yet, nor to one already deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from pmgen.errors import PmgenError
from pmgen.model import AssetCopy, OutputFile
from pmgen.output import MARKER, exchange_folders

# path under the output folder -> (sha256, size, mtime_ns) as last written by pmgen
Manifest = dict[str, tuple[str, int, int]]
SEARCH_BUNDLE = "pagefind"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def planned(files: Sequence[OutputFile], copies: Sequence[AssetCopy]) -> dict[str, bytes]:
    """Every file the site should hold, with its bytes (copies read from their source)."""
    wanted = {item.path: item.data for item in files}
    for copy in copies:
        wanted[copy.path] = copy.source.read_bytes()
    return wanted


def record(output: Path, wanted: dict[str, bytes]) -> Manifest:
    """The manifest of a site just written: content hash plus size and time on disk."""
    manifest: Manifest = {}
    for path, data in wanted.items():
        info = (output / path).stat()
        manifest[path] = (_sha(data), info.st_size, info.st_mtime_ns)
    return manifest


def intact(output: Path, manifest: Manifest) -> bool:
    """True when every file pmgen wrote last time is still there, untouched."""
    if not (output / MARKER).is_file():
        return False
    for path, (_, size, mtime) in manifest.items():
        try:
            info = (output / path).stat()
        except OSError:
            return False
        if (info.st_size, info.st_mtime_ns) != (size, mtime):
            return False
    return True


def update_site(
    output: Path,
    wanted: dict[str, bytes],
    previous: Manifest,
    reindex: Callable[[Path, Path], None] | None = None,
    kept: frozenset[str] = frozenset(),
) -> tuple[Manifest, int]:
    """Bring an intact site up to date; return its new manifest and how many files changed.

    `kept` are files known to be up to date without being rendered again: left as they are.
    """
    added = sorted(path for path in wanted if path not in previous)
    changed = sorted(
        path for path in wanted if path in previous and previous[path][0] != _sha(wanted[path])
    )
    removed = sorted(path for path in previous if path not in wanted and path not in kept)
    try:
        for path in (*added, *changed):
            _replace(output, path, wanted[path])
        touched_pages = any(p.endswith(".html") for p in (*added, *changed, *removed))
        if reindex is not None and (touched_pages or not (output / SEARCH_BUNDLE).is_dir()):
            _reindex(output, reindex)
        elif reindex is None and (output / SEARCH_BUNDLE).is_dir():
            shutil.rmtree(output / SEARCH_BUNDLE)
        for path in removed:
            with contextlib.suppress(FileNotFoundError):
                (output / path).unlink()
            _prune_empty(output, (output / path).parent)
    except OSError as error:
        raise PmgenError(
            f"cannot update the site in {output}: {error.strerror or error} "
            f"({error.filename or output}); every file is either as it was or "
            "as it should be, and the next build finishes the update."
        ) from None
    manifest = {path: stamp for path, stamp in previous.items() if path in wanted or path in kept}
    for path in (*added, *changed):
        info = (output / path).stat()
        manifest[path] = (_sha(wanted[path]), info.st_size, info.st_mtime_ns)
    return manifest, len(added) + len(changed) + len(removed)


def _replace(output: Path, relative: str, data: bytes) -> None:
    """Write one file beside its target and rename it over, so it is never half-written."""
    target = (output / relative).resolve()
    if not target.is_relative_to(output.resolve()) or target == output.resolve():
        raise PmgenError(f"refusing to write {relative!r} outside the output folder.")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _reindex(output: Path, reindex: Callable[[Path, Path], None]) -> None:
    """Build the search bundle beside the site, then swap it in as one folder."""
    staging = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.search-"))
    try:
        bundle = staging / SEARCH_BUNDLE
        reindex(output, bundle)
        current = output / SEARCH_BUNDLE
        if current.is_dir() and exchange_folders(bundle, current):
            return
        if current.is_dir():
            shutil.rmtree(current)
        os.rename(bundle, current)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _prune_empty(output: Path, folder: Path) -> None:
    """Remove folders left empty by deleted pages, up to the output folder."""
    root = output.resolve()
    while folder.resolve() != root and folder.resolve().is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
