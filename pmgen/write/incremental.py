"""Update a built site: write only the files whose bytes change, and swap the result in whole.

The new site is staged beside the output as hard links to the current files (cheap: no data is
copied), the files whose bytes change are written into the stage (each as a new file, so the
current site's files are never touched), the pages of deleted postmortems are removed from it,
and the stage is exchanged with the output in one step. An interrupted or failed update leaves
the previous site exactly as it was; unchanged files keep their inode and time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pmgen.atomic import write_atomically
from pmgen.cache import file_stamp
from pmgen.errors import PmgenError
from pmgen.model import AssetCopy, OutputFile
from pmgen.write.search import BUNDLE as SEARCH_BUNDLE
from pmgen.write.whole import MARKER, staged_site, swap_in

# path under the output folder -> (sha256, size, mtime_ns) as last written by pmgen
Manifest = dict[str, tuple[str, int, int]]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def planned(files: Sequence[OutputFile], copies: Sequence[AssetCopy]) -> dict[str, bytes]:
    """Every file the site should hold, with its bytes (copies read from their source)."""
    wanted = {item.path: item.data for item in files}
    for copy in copies:
        try:
            wanted[copy.path] = copy.source.read_bytes()
        except OSError as error:
            raise PmgenError(
                f"cannot read {copy.source} (linked from a postmortem): "
                f"{error.strerror or error}; the previous site is unchanged."
            ) from None
    return wanted


def record(output: Path, wanted: dict[str, bytes]) -> Manifest:
    """The manifest of a site just written: content hash plus size and time on disk."""
    manifest: Manifest = {}
    for path, data in wanted.items():
        stamp = file_stamp(output / path)
        if stamp is None:
            raise PmgenError(f"{output / path} vanished right after it was written.")
        manifest[path] = (_sha(data), *stamp)
    return manifest


def intact(output: Path, manifest: Manifest) -> bool:
    """True when every file pmgen wrote last time is still there, untouched."""
    if not (output / MARKER).is_file():
        return False
    return all(
        file_stamp(output / path) == (size, mtime) for path, (_, size, mtime) in manifest.items()
    )


@dataclass(frozen=True, slots=True)
class Changes:
    """How the wanted site differs from the one on disk, each list sorted."""

    added: list[str]
    changed: list[str]
    removed: list[str]

    @property
    def written(self) -> list[str]:
        """The files to write: new ones and changed ones."""
        return [*self.added, *self.changed]

    @property
    def touches_pages(self) -> bool:
        """True when an HTML page is added, changed or removed (search must follow)."""
        return any(p.endswith(".html") for p in (*self.written, *self.removed))


def changes(wanted: dict[str, bytes], previous: Manifest, kept: frozenset[str]) -> Changes:
    """Compare the wanted files with the last manifest; `kept` files are known up to date."""
    return Changes(
        sorted(path for path in wanted if path not in previous),
        sorted(p for p in wanted if p in previous and previous[p][0] != _sha(wanted[p])),
        sorted(path for path in previous if path not in wanted and path not in kept),
    )


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
    diff = changes(wanted, previous, kept)
    has_bundle = (output / SEARCH_BUNDLE).is_dir()
    search_stale = reindex is not None and (diff.touches_pages or not has_bundle)
    drop_search = reindex is None and has_bundle
    if not (diff.written or diff.removed or search_stale or drop_search):
        return dict(previous), 0
    with staged_site(output, "update the site in") as staging:
        _link_tree(output, staging)
        for path in diff.written:
            _replace(staging, path, wanted[path])
        for path in diff.removed:
            with contextlib.suppress(FileNotFoundError):
                (staging / path).unlink()
            _prune_empty(staging, (staging / path).parent)
        if search_stale and reindex is not None:
            _reindex(staging, reindex)
        elif drop_search:
            shutil.rmtree(staging / SEARCH_BUNDLE)
        swap_in(staging, output)
    manifest = {path: stamp for path, stamp in previous.items() if path in wanted or path in kept}
    manifest.update(record(output, {path: wanted[path] for path in diff.written}))
    return manifest, len(diff.written) + len(diff.removed)


def _link_tree(source: Path, target: Path) -> None:
    """Mirror a site into `target` with hard links (a copy where links are not possible):
    cheap, and writing the new version of a file never touches the previous site's."""
    top, length = str(source), len(str(source))
    for folder, folders, files in os.walk(top):
        into = str(target) + folder[length:]
        for name in folders:
            os.mkdir(os.path.join(into, name))
        for name in files:
            origin, copy = os.path.join(folder, name), os.path.join(into, name)
            try:
                os.link(origin, copy)
            except OSError:
                shutil.copy2(origin, copy)


def _replace(output: Path, relative: str, data: bytes) -> None:
    """Write one file of the staged site (never into an inode it shares with the live site)."""
    target = (output / relative).resolve()
    if not target.is_relative_to(output.resolve()) or target == output.resolve():
        raise PmgenError(f"refusing to write {relative!r} outside the output folder.")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, data, 0o644)


def _reindex(site: Path, reindex: Callable[[Path, Path], None]) -> None:
    """Build the search bundle of the staged site beside it, then move it in."""
    scratch = Path(tempfile.mkdtemp(dir=site.parent, prefix=f"{site.name}.search-"))
    try:
        bundle = scratch / SEARCH_BUNDLE
        reindex(site, bundle)
        if (site / SEARCH_BUNDLE).is_dir():
            shutil.rmtree(site / SEARCH_BUNDLE)
        os.rename(bundle, site / SEARCH_BUNDLE)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _prune_empty(output: Path, folder: Path) -> None:
    """Remove folders left empty by deleted pages, up to the output folder."""
    root = output.resolve()
    while folder.resolve() != root and folder.resolve().is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
