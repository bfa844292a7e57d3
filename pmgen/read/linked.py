"""Where a link or image of a postmortem points, resolved once: a web address or an anchor (left
alone), or a file inside the content folder; why a relative link is broken; and whether a
linked file may be published."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable
from pathlib import Path

from pmgen.model import LinkedFile

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


def linked_file(href: str, folder: Path, root: Path) -> Path | None:
    """The existing file inside `root` that a relative href written in `folder` names, else
    None (web addresses, anchors, absolute paths, missing files, anything outside `root`)."""
    text = _path_text(href)
    if text is None:
        return None
    resolved = (folder / text).resolve()
    if not resolved.is_relative_to(root.resolve()) or not resolved.is_file():
        return None
    return resolved


def named_path(href: str, folder: Path) -> Path | None:
    """The resolved path a relative href names, existing or not (a build depends on it)."""
    text = _path_text(href)
    return None if text is None else (folder / text).resolve()


def resolve_links(hrefs: Iterable[str], folder: Path, root: Path) -> tuple[LinkedFile, ...]:
    """Each distinct href resolved once: what it names, the file it reaches inside `root`,
    and why that file is never published (PM308), in first-seen order."""
    resolved: dict[str, LinkedFile] = {}
    inside = root.resolve()
    for href in hrefs:
        if href in resolved:
            continue
        text = _path_text(href)
        named = (folder / text).resolve() if text is not None else None
        path = named if named is not None and named.is_relative_to(inside) else None
        path = path if path is not None and path.is_file() else None
        refusal = publish_refusal(path) if path is not None else None
        resolved[href] = LinkedFile(href, named, path, refusal)
    return tuple(resolved.values())


def link_problem(href: str, source: Path, root: Path, shown: str | None = None) -> str | None:
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
    resolved = (source.parent / path_text).resolve()
    if not resolved.is_relative_to(root.resolve()):
        return f"{what} points outside the content folder ({root.name}/)"
    if not resolved.exists():
        return f"{what} does not exist"
    return None


# Linked files a browser would run as a page or a script if a reader opened them: publishing
# one from a pull request would run its code on the site's origin (stored XSS).
ACTIVE_SUFFIXES = frozenset(
    {
        ".html",
        ".htm",
        ".xhtml",
        ".xht",
        ".shtml",
        ".xml",
        ".xsl",
        ".xslt",
        ".js",
        ".mjs",
        ".swf",
        ".svgz",
        ".mht",
        ".mhtml",
    }
)
# An SVG image is fine in <img>, where nothing in it runs; opened directly it is a document.
# These constructs let it run code or pull other documents in, so such an SVG is refused.
_ACTIVE_SVG = re.compile(
    rb"<\s*script|<\s*foreignobject|\bon[a-z]+\s*=|javascript:|<\s*iframe|<\s*embed|"
    rb"<\s*object|<!entity|(?:xlink:)?href\s*=\s*[\"']?\s*(?!#)",
    re.IGNORECASE,
)


def publish_refusal(path: Path) -> str | None:
    """Why publishing this linked file would let it run code on the site (PM308), or None."""
    suffix = path.suffix.lower()
    if suffix in ACTIVE_SUFFIXES:
        return f"a {suffix} file runs as a page or script when opened"
    if suffix == ".svg":
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if _ACTIVE_SVG.search(data):
            return "this SVG holds scripts, event handlers or links that run when it is opened"
    return None
