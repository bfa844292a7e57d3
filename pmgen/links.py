"""Where links and images of a postmortem point on the built site, and which files to copy."""

from __future__ import annotations

import functools
import re
import urllib.parse
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath

from pmgen.library import Entry, Library
from pmgen.model import AssetCopy
from pmgen.sanitize import active_file_reason

Rewriter = Callable[[str], str]
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
MARKDOWN_SUFFIXES = (".md", ".markdown")


def _split(href: str) -> tuple[str, str]:
    """Path and the `?query#fragment` tail of a relative href."""
    match = re.search(r"[?#]", href)
    return (href[: match.start()], href[match.start() :]) if match else (href, "")


def local_file(href: str, entry: Entry) -> Path | None:
    """The file inside the content root that a relative href names, else None."""
    if not href or href.startswith(("#", "/", "?")) or _SCHEME.match(href):
        return None
    path_text = urllib.parse.unquote(_split(href)[0]).replace("\\", "/")
    if not path_text or path_text.startswith("/"):
        return None
    document = entry.postmortem.document
    return _inside_root(str(document.path.parent), path_text, str(document.root))


@functools.lru_cache(maxsize=65536)
def _inside_root(folder: str, path_text: str, root: str) -> Path | None:
    """The resolved file, if it is a file inside the root (memoised: asked for each page's
    links by the fragment keys, the rewriter and the copies of one build)."""
    resolved = (Path(folder) / path_text).resolve()
    if not resolved.is_relative_to(_resolved(root)) or not resolved.is_file():
        return None
    return resolved


@functools.lru_cache(maxsize=1024)
def _resolved(folder: str) -> Path:
    return Path(folder).resolve()


def asset_path(source: Path, entry: Entry) -> str:
    """Where a referenced file lands: beside the page, or under `_files/` when it was above."""
    document = entry.postmortem.document
    folder = _resolved(str(document.path.parent))
    if source.is_relative_to(folder):
        return entry.url + source.relative_to(folder).as_posix()
    return entry.url + "_files/" + source.relative_to(_resolved(str(document.root))).as_posix()


def site_target(href: str, entry: Entry, urls: Mapping[Path, str]) -> str | None:
    """The site-root-relative path an href should point to, or None to leave it as written.

    `urls` maps each published postmortem's resolved source path to its page URL."""
    source = local_file(href, entry)
    if source is None:
        return None
    tail = _split(href)[1]
    if source in urls:
        return urls[source] + "index.html" + tail
    if source.suffix.lower() in MARKDOWN_SUFFIXES or active_file_reason(source):
        return None  # a draft's source, or a file that would run code (PM308): not published
    return asset_path(source, entry) + tail


def page_urls(library: Library) -> dict[Path, str]:
    """Resolved source path → page URL, for every published postmortem."""
    return {entry.postmortem.document.path.resolve(): entry.url for entry in library.entries}


def make_rewriter(urls: Mapping[Path, str]) -> Callable[[Entry, str, bool], Rewriter]:
    """A factory of href rewriters: for an entry, seen from a page at `root`."""
    pages = urls

    def rewriter_for(entry: Entry, root: str, own_page: bool) -> Rewriter:
        def rewrite(href: str) -> str:
            if href.startswith("#"):
                return href if own_page else f"{root}{entry.url}index.html{href}"
            target = site_target(href, entry, pages)
            if target is None:
                return href
            path, tail = _split(target)
            return root + urllib.parse.quote(path) + tail

        return rewrite

    return rewriter_for


def asset_copies(library: Library) -> list[AssetCopy]:
    """Every referenced file to copy into the site, each destination once, sorted."""
    pages = set(page_urls(library))
    copies: dict[str, AssetCopy] = {}
    for entry in library.entries:
        for target in entry.postmortem.links:
            source = local_file(target, entry)
            if (
                source is None
                or source in pages
                or source.suffix.lower() in MARKDOWN_SUFFIXES
                or active_file_reason(source) is not None
            ):
                continue
            destination = str(PurePosixPath(asset_path(source, entry)))
            copies.setdefault(destination, AssetCopy(source, destination))
    return [copies[key] for key in sorted(copies)]
