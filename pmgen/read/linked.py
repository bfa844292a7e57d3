"""Where a link or image of a postmortem points, resolved once: a web address or an anchor (left
alone), or a file inside the content folder; why a relative link is broken. Whether a linked
file may be published is `read.publishable`'s answer, re-exported here."""

from __future__ import annotations

import os
import re
import stat
import urllib.parse
from collections.abc import Iterable
from pathlib import Path

from pmgen.model import LinkedFile
from pmgen.read.files import MARKDOWN_SUFFIXES
from pmgen.read.publishable import publish_refusal

__all__ = [
    "Targets",
    "link_problem",
    "linked_file",
    "named_path",
    "publish_refusal",
    "resolve_links",
    "split_tail",
]

# Two letters at least: `c:/x` is a Windows drive, reported as an absolute path.
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]+):")
_DRIVE = re.compile(r"^[a-zA-Z]:/")
_LETTER_DRIVE = re.compile(r"^[a-zA-Z]:")
_TAIL = re.compile(r"[?#]")


def split_tail(href: str) -> tuple[str, str]:
    """The path of a relative href and its `?query#fragment` tail."""
    match = _TAIL.search(href)
    return (href[: match.start()], href[match.start() :]) if match else (href, "")


def _path_text(href: str) -> str | None:
    """The relative file path an href names (decoded, `/` separators), None for anything else."""
    if not href or href.startswith(("#", "?", "//", "/")) or _SCHEME.match(href):
        return None
    text = urllib.parse.unquote(split_tail(href)[0]).replace("\\", "/")
    if not text or text.startswith("/") or _LETTER_DRIVE.match(text):
        return None
    return text


class Targets:
    """Where the relative links written in one folder lead, each worked out once: a postmortem
    may hold tens of thousands of links, and `Path.resolve` looks up every folder above."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self._resolved: dict[str, Path] = {}
        self._roots: dict[Path, Path] = {}

    def resolve(self, text: str) -> Path:
        """`(folder / text).resolve()`, looking up only the parts of `text`."""
        found = self._resolved.get(text)
        if found is None:
            found = self._resolved[text] = _resolve_below(self.folder, text)
        return found

    def root(self, root: Path) -> Path:
        """The content folder, resolved (once)."""
        found = self._roots.get(root)
        if found is None:
            found = self._roots[root] = root.resolve()
        return found


def _resolve_below(folder: Path, text: str) -> Path:
    """`(folder / text).resolve()` for a folder already resolved (same rules as realpath:
    symbolic links followed, missing parts kept as written)."""
    path = "/" if text.startswith("/") else str(folder)
    for part in text.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            path = os.path.dirname(path)
            continue
        joined = os.path.join(path, part)
        try:
            link = stat.S_ISLNK(os.lstat(joined).st_mode)
        except OSError:
            link = False
        path = os.path.realpath(joined) if link else joined
    return Path(path)


def linked_file(href: str, folder: Path, root: Path, targets: Targets | None = None) -> Path | None:
    """The existing file inside `root` that a relative href written in `folder` names, else
    None (web addresses, anchors, absolute paths, missing files, anything outside `root`)."""
    text = _path_text(href)
    if text is None:
        return None
    targets = targets or Targets(folder)
    resolved = targets.resolve(text)
    if not resolved.is_relative_to(targets.root(root)) or not resolved.is_file():
        return None
    return resolved


def named_path(href: str, folder: Path, targets: Targets | None = None) -> Path | None:
    """The resolved path a relative href names, existing or not (a build depends on it)."""
    text = _path_text(href)
    return None if text is None else (targets or Targets(folder)).resolve(text)


def resolve_links(hrefs: Iterable[str], folder: Path, root: Path) -> tuple[LinkedFile, ...]:
    """Each distinct href resolved once: what it names, the file it reaches inside `root`,
    and why that file is never published (PM308), in first-seen order."""
    resolved: dict[str, LinkedFile] = {}
    targets = Targets(folder)
    inside = targets.root(root)
    for href in hrefs:
        if href in resolved:
            continue
        text = _path_text(href)
        named = targets.resolve(text) if text is not None else None
        path = named if named is not None and named.is_relative_to(inside) else None
        path = path if path is not None and path.is_file() else None
        refusal = None
        if path is not None and path.suffix.lower() not in MARKDOWN_SUFFIXES:
            refusal = publish_refusal(path, inside)
        resolved[href] = LinkedFile(href, named, path, refusal)
    return tuple(resolved.values())


def link_problem(
    href: str, source: Path, root: Path, shown: str | None = None, targets: Targets | None = None
) -> str | None:
    """Why a link target is broken (PM301), or None for a working relative path or a web URL."""
    if not href or href.startswith(("#", "?", "//")):
        return None
    what = f"`{shown or href}`"
    scheme = _SCHEME.match(href)
    if scheme:
        return (
            f"{what}: `file:` URLs are never followed"
            if scheme.group(1).lower() == "file"
            else None
        )
    path_text = urllib.parse.unquote(split_tail(href)[0]).replace("\\", "/")
    if path_text.startswith("/") or _DRIVE.match(path_text):
        return f"{what} is an absolute path; a relative path keeps working under any sub-path"
    targets = targets or Targets(source.parent)
    resolved = targets.resolve(path_text)
    if not resolved.is_relative_to(targets.root(root)):
        return f"{what} points outside the content folder ({root.name}/)"
    if not resolved.exists():
        return f"{what} does not exist"
    return None
