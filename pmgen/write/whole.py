"""Safe output: refuse dangerous folders, write the whole site aside, then swap it in."""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pmgen.errors import PmgenError
from pmgen.model import AssetCopy, OutputFile
from pmgen.pauses import pause_point

# path under the output folder -> (sha256, size, mtime_ns) as last written by pmgen
Manifest = dict[str, tuple[str, int, int]]
MARKER = ".pmgen-site"
MARKER_TEXT = b"This folder is a site built by pmgen; pmgen replaces it on each build.\n"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def check_output_folder(output: Path, content: Path) -> None:
    """Refuse an output folder whose replacement could destroy something that is not a site."""
    output, content = output.resolve(), content.resolve()
    why = None
    if output == Path(output.anchor):
        why = "it is the root of the file system"
    elif output == Path.home().resolve():
        why = "it is your home folder"
    elif content == output or content.is_relative_to(output):
        why = f"it contains the content folder {content}"
    elif output.is_relative_to(content):
        why = f"it is inside the content folder {content}"
    elif output.exists() and not output.is_dir():
        why = "it is a file, not a folder"
    elif output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        why = (
            f"it is not empty and was not built by pmgen (no {MARKER} file); empty it or "
            "choose another --out"
        )
    if why:
        raise PmgenError(f"refusing to write the site to {output}: {why}.")


@contextlib.contextmanager
def staged_site(output: Path, doing: str) -> Iterator[Path]:
    """A fresh staging folder beside `output`, for a site to be swapped in whole.

    Any failure removes the stage and leaves the previous site exactly as it was; an OS error
    becomes one clear message ("cannot <doing> <output>: …").
    """
    staging: Path | None = None
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(output)
        staging = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.tmp-"))
        staging.chmod(0o755)
        yield staging
    except OSError as error:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise PmgenError(
            f"cannot {doing} {output}: {error.strerror or error} "
            f"({error.filename or output}); the previous site is unchanged."
        ) from None
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise


def write_site(
    output: Path,
    files: Iterable[OutputFile],
    copies: Iterable[AssetCopy],
    finish: Callable[[Path, Manifest], None] | None = None,
) -> Manifest:
    """Write every file, as it comes, into a fresh folder beside `output`, then put it in place
    at once; return the manifest of what was written.

    A failure at any point leaves the previous site exactly as it was.
    """
    output = output.resolve()
    manifest: Manifest = {}
    with staged_site(output, "write the site to") as staging:
        folders: set[Path] = {staging}
        for item in files:
            target = _write(staging, item.path, item.data, folders)
            manifest[item.path] = (sha(item.data), *_stamp(target))
        for copy in copies:
            data = read_linked(copy)
            target = _write(staging, copy.path, data, folders)
            manifest[copy.path] = (sha(data), *_stamp(target))
        if finish is not None:
            finish(staging, manifest)  # e.g. the search index, over the complete staged site
        (staging / MARKER).write_bytes(MARKER_TEXT)
        swap_in(staging, output)
    return manifest


def sha(data: bytes) -> str:
    """The content hash a manifest records."""
    return hashlib.sha256(data).hexdigest()


def read_linked(copy: AssetCopy) -> bytes:
    """The bytes of a file a postmortem links to; a clear error when it cannot be read."""
    try:
        return copy.source.read_bytes()
    except OSError as error:
        raise PmgenError(
            f"cannot read {copy.source} (linked from a postmortem): "
            f"{error.strerror or error}; the previous site is unchanged."
        ) from None


def _stamp(path: Path) -> tuple[int, int]:
    info = path.stat()
    return (info.st_size, info.st_mtime_ns)


def _inside(staging: Path, relative: str) -> Path:
    """The target path, refusing anything that would land outside the staging folder."""
    target = (staging / relative).resolve()
    if not target.is_relative_to(staging.resolve()) or target == staging.resolve():
        raise PmgenError(f"refusing to write {relative!r} outside the output folder.")
    return target


def _write(staging: Path, relative: str, data: bytes, folders: set[Path] | None = None) -> Path:
    """Write one file of the staged site; `folders` remembers the folders made (a mkdir costs
    about as much as a small write here, and most files share their folder's parents)."""
    target = _inside(staging, relative)
    if folders is None or target.parent not in folders:
        target.parent.mkdir(parents=True, exist_ok=True)
        if folders is not None:
            folders.update(target.parents)
    target.write_bytes(data)
    return target


def swap_in(staging: Path, output: Path) -> None:
    """Exchange the folders atomically where the OS can; else two renames."""
    pause_point("write")
    if not output.exists():
        os.rename(staging, output)
        return
    if exchange_folders(staging, output):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous site
        return
    old = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.old-"))
    old.rmdir()
    os.rename(output, old)
    try:
        os.rename(staging, output)
    except OSError:
        os.rename(old, output)
        raise
    shutil.rmtree(old, ignore_errors=True)


def exchange_folders(first: Path, second: Path) -> bool:
    """Linux `renameat2(RENAME_EXCHANGE)`: swap two paths in one step. False if unavailable."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    return result == 0


def remove_leftovers(output: Path) -> None:
    """Clean up after an interrupted build: restore a displaced site, drop staging folders."""
    for leftover in sorted(output.parent.glob(f".{output.name}.old-*")):
        if leftover.is_symlink():  # never ours (a committed one): never followed
            leftover.unlink()
        elif not output.exists() and (leftover / MARKER).is_file():
            os.rename(leftover, output)  # killed between the two renames: put the site back
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in output.parent.glob(f".{output.name}.tmp-*"):
        if leftover.is_symlink():
            leftover.unlink()
        else:
            shutil.rmtree(leftover, ignore_errors=True)
