"""The files the site links to: which linked files are copied beside their page, and where."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from pmgen.model import AssetCopy
from pmgen.pages.fragments import asset_name
from pmgen.pages.library import Library
from pmgen.read.files import MARKDOWN_SUFFIXES


def page_urls(library: Library) -> dict[Path, str]:
    """Resolved source path → page URL, for every published postmortem."""
    return {entry.postmortem.document.path.resolve(): entry.url for entry in library.entries}


def asset_copies(library: Library) -> list[AssetCopy]:
    """Every linked file to copy into the site, each destination once, sorted: files inside
    the content folder that are neither postmortems nor refused (PM308)."""
    copies: dict[str, AssetCopy] = {}
    resolved: dict[Path, Path] = {}  # folder → resolved (most postmortems share a few)
    for entry in library.entries:
        document = entry.postmortem.document
        if not any(link.path is not None for link in entry.postmortem.links):
            continue
        for place in (document.path.parent, document.root):
            if place not in resolved:
                resolved[place] = place.resolve()
        folder, content = resolved[document.path.parent], resolved[document.root]
        for link in entry.postmortem.links:
            source = link.path
            if (
                source is None
                or link.refusal is not None
                or source.suffix.lower() in MARKDOWN_SUFFIXES
            ):
                continue
            destination = str(PurePosixPath(entry.url + asset_name(source, folder, content)))
            copies.setdefault(destination, AssetCopy(source, destination))
    return [copies[key] for key in sorted(copies)]
