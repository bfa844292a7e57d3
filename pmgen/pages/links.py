"""Where links and images of a postmortem point on the built site, and which files to copy."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath

from pmgen.model import AssetCopy
from pmgen.pages.library import Entry, Library
from pmgen.read.linked import Targets, linked_file, publish_refusal, split_tail

Rewriter = Callable[[str], str]
MARKDOWN_SUFFIXES = (".md", ".markdown")


def local_file(href: str, entry: Entry, targets: Targets | None = None) -> Path | None:
    """The file inside the content root that a relative href names, else None."""
    document = entry.postmortem.document
    return linked_file(href, document.path.parent, document.root, targets)


def folder_targets(memo: dict[Path, Targets], entry: Entry) -> Targets:
    """The link resolver of an entry's folder, made once per build step (`memo`)."""
    folder = entry.postmortem.document.path.parent
    found = memo.get(folder)
    if found is None:
        found = memo[folder] = Targets(folder)
    return found


def asset_path(source: Path, entry: Entry) -> str:
    """Where a referenced file lands: beside the page, or under `_files/` when it was above."""
    document = entry.postmortem.document
    folder = document.path.parent.resolve()
    if source.is_relative_to(folder):
        return entry.url + source.relative_to(folder).as_posix()
    return entry.url + "_files/" + source.relative_to(document.root.resolve()).as_posix()


def site_target(
    href: str, entry: Entry, urls: Mapping[Path, str], targets: Targets | None = None
) -> str | None:
    """The site-root-relative path an href should point to, or None to leave it as written.

    `urls` maps each published postmortem's resolved source path to its page URL."""
    source = local_file(href, entry, targets)
    if source is None:
        return None
    tail = split_tail(href)[1]
    if source in urls:
        return urls[source] + "index.html" + tail
    if source.suffix.lower() in MARKDOWN_SUFFIXES or publish_refusal(
        source, entry.postmortem.document.root
    ):
        return None  # a draft's source, or a file that would run code (PM308): not published
    return asset_path(source, entry) + tail


def page_urls(library: Library) -> dict[Path, str]:
    """Resolved source path → page URL, for every published postmortem."""
    return {entry.postmortem.document.path.resolve(): entry.url for entry in library.entries}


def make_rewriter(urls: Mapping[Path, str]) -> Callable[[Entry, str, bool], Rewriter]:
    """A factory of href rewriters: for an entry, seen from a page at `root`."""
    pages = urls
    memo: dict[Path, Targets] = {}

    def rewriter_for(entry: Entry, root: str, own_page: bool) -> Rewriter:
        targets = folder_targets(memo, entry)

        def rewrite(href: str) -> str:
            if href.startswith("#"):
                return href if own_page else f"{root}{entry.url}index.html{href}"
            target = site_target(href, entry, pages, targets)
            if target is None:
                return href
            path, tail = split_tail(target)
            return root + urllib.parse.quote(path) + tail

        return rewrite

    return rewriter_for


def asset_copies(library: Library) -> list[AssetCopy]:
    """Every referenced file to copy into the site, each destination once, sorted."""
    pages = set(page_urls(library))
    copies: dict[str, AssetCopy] = {}
    memo: dict[Path, Targets] = {}
    for entry in library.entries:
        for target in entry.postmortem.links:
            source = local_file(target, entry, folder_targets(memo, entry))
            if (
                source is None
                or source in pages
                or source.suffix.lower() in MARKDOWN_SUFFIXES
                or publish_refusal(source, entry.postmortem.document.root) is not None
            ):
                continue
            destination = str(PurePosixPath(asset_path(source, entry)))
            copies.setdefault(destination, AssetCopy(source, destination))
    return [copies[key] for key in sorted(copies)]
