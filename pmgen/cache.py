"""A content-addressed cache in one SQLite file: parsed postmortems, rendered fragments, and
what the last build wrote. A cache that cannot be opened or read is simply not used.

The cache file lives in the project, where a pull request could commit a crafted one, and its
values are pickles: so every value is signed with a key kept outside the project (in the
user's cache folder), and a value whose signature does not match is never unpickled.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import pickle
import secrets
import sqlite3
import sys
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pmgen import __version__
from pmgen.atomic import write_atomically
from pmgen.safepaths import check_writable_place

FOLDER = ".pmgen-cache"
FILE = "cache.sqlite3"
# Bump when the shape of cached values changes (pmgen's code is part of every key anyway).
SCHEMA = 2
# The libraries whose versions change what pmgen writes.
DEPENDENCIES = ("markdown-it-py", "mdit-py-plugins", "Jinja2", "nh3", "Babel", "PyYAML", "tzdata")
# Files SQLite creates beside the database; a link planted as one would be followed.
SQLITE_SIDES = ("-wal", "-shm", "-journal")


@functools.cache
def code_digest() -> str:
    """pmgen's own code (every source file of the package, by content) and its dependencies'
    versions, computed once per process: editing any module or upgrading a library changes
    every key, so a cached result never outlives the code that made it."""
    hasher = hashlib.sha256(f"pmgen {__version__} schema {SCHEMA}".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        hasher.update(path.relative_to(package).as_posix().encode())
        hasher.update(path.read_bytes())
    installed = _installed_versions()
    for name in DEPENDENCIES:
        hasher.update(f"{name} {installed.get(_normalised(name), 'absent')}".encode())
    return hasher.hexdigest()


def _normalised(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def _installed_versions() -> dict[str, str]:
    """Distribution name → version, read off the `NAME-VERSION.dist-info` folder names on the
    path (what importlib.metadata reads too, without parsing every METADATA file: ~20 ms)."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and "-" in name:
                distribution, version = name[: -len(".dist-info")].rsplit("-", 1)
                found.setdefault(_normalised(distribution), version)
    return found


Stamp = tuple[int, int]  # (size, modification time in ns): what stands for content


def file_stamp(path: Path | str) -> Stamp | None:
    """A file's size and modification time, None when it is absent or unreadable: the cheap
    fingerprint that tells whether a file may have changed (content hashes decide after)."""
    try:
        return stamp_of(os.stat(path))
    except OSError:
        return None


def stamp_of(info: os.stat_result) -> Stamp:
    """The stamp of a file whose status is already at hand (a directory listing's)."""
    return (info.st_size, info.st_mtime_ns)


def digest(*parts: bytes | str) -> str:
    """A SHA-256 hex digest of the parts, each length-prefixed so boundaries count; pmgen's
    code digest comes first in every one."""
    hasher = hashlib.sha256(code_digest().encode())
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


class Cache:
    """Namespaced key → value store; values are pickled and compressed."""

    def __init__(self, path: Path | None, key: bytes | None = None) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str, bytes]] = []
        self._key = key if key is not None else (signing_key() if path is not None else None)
        if path is None or self._key is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            ignore = path.parent / ".gitignore"
            if not ignore.exists():  # like .ruff_cache: git never shows the cache
                ignore.write_text(
                    "# Created by pmgen: this folder is a cache.\n*\n", encoding="utf-8"
                )
            db = sqlite3.connect(path, timeout=5, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS entries (space TEXT, key TEXT, value BLOB, "
                "PRIMARY KEY (space, key))"
            )
            self._db = db
        except (OSError, sqlite3.Error):
            self._db = None

    @property
    def enabled(self) -> bool:
        """False when the cache could not be opened (builds still work, only slower)."""
        return self._db is not None

    def get(self, space: str, key: str) -> Any | None:
        """The value stored under the key, or None (missing, unreadable or stale)."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT value FROM entries WHERE space = ? AND key = ?", (space, key)
            ).fetchone()
            if row is None or self._key is None:
                return None
            signature, data = bytes(row[0][:32]), bytes(row[0][32:])
            if not hmac.compare_digest(signature, hmac.new(self._key, data, "sha256").digest()):
                return None  # not written by this user's pmgen: never unpickled
            return pickle.loads(zlib.decompress(data))
        except (
            sqlite3.Error,
            zlib.error,
            pickle.UnpicklingError,
            EOFError,
            AttributeError,
            ImportError,
            TypeError,
            ValueError,
        ):
            return None

    def put(self, space: str, key: str, value: Any) -> None:
        """Store a value (written on `flush`)."""
        if self._db is not None and self._key is not None:
            try:
                pickled = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            except (RecursionError, pickle.PicklingError, TypeError, AttributeError):
                return  # a value too deep or odd to keep is parsed again next time
            data = zlib.compress(pickled, 1)
            signature = hmac.new(self._key, data, "sha256").digest()
            self._pending.append((space, key, signature + data))

    def flush(self) -> None:
        """Write the pending values in one transaction."""
        if self._db is None or not self._pending:
            self._pending.clear()
            return
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany(
                    "INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", self._pending
                )
        except sqlite3.Error:
            pass  # a cache that cannot be written only costs time on the next run
        self._pending.clear()

    def keep_only(self, space: str, keys: Iterable[str]) -> None:
        """Drop the entries of a namespace that are not among `keys` (cache stays bounded)."""
        if self._db is None:
            return
        wanted = set(keys)
        with contextlib.suppress(sqlite3.Error):
            stored = [
                row[0]
                for row in self._db.execute("SELECT key FROM entries WHERE space = ?", (space,))
            ]
            stale = [(space, key) for key in stored if key not in wanted]
            if stale:
                with self._db:
                    self._db.execute("BEGIN")
                    self._db.executemany("DELETE FROM entries WHERE space = ? AND key = ?", stale)

    def close(self) -> None:
        """Write what is pending and close the database."""
        self.flush()
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def signing_key() -> bytes | None:
    """This user's secret for signing cache values (created on first use), or None."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / "pmgen" / "cache-key"
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole (a temporary file, readable by this user only, then renamed), and read
        # back: when two processes race, both use the key that won.
        write_atomically(path, secrets.token_bytes(32), 0o600)
        key = path.read_bytes()
    except OSError:
        return None  # no private place for a key: no cache
    return key if len(key) == 32 else None


def open_cache(root: Path, enabled: bool = True) -> Cache:
    """The project's cache (`.pmgen-cache/cache.sqlite3` beside the configuration); a
    PmgenError when a symbolic link (committed, perhaps) stands for it or one of its files."""
    if not enabled:
        return Cache(None)
    for name in ("", FILE, *(FILE + suffix for suffix in SQLITE_SIDES), ".gitignore"):
        check_writable_place(root / FOLDER / name, root, "the cache (try --no-cache)")
    return Cache(root / FOLDER / FILE)
