"""Search in shards: the postmortem pages are split by a hash of their path into a few
independent Pagefind bundles, which the search page merges at query time. An edit re-indexes
only its page's shard; the split depends only on the pages, so a cold build and an update give
the same bundles.

Layout under the site: `pagefind/shards.json` (the list the search page reads) and one bundle
per non-empty shard, `pagefind/s00/`, `pagefind/s01/`…
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from pmgen.write.incremental import SearchSwap
from pmgen.write.search import BUNDLE, index_site

# About this many pages per shard: small enough that re-indexing one is quick, few enough that
# the search page does not merge too many bundles.
SHARD_PAGES = 32
MAX_SHARDS = 64
LISTING = "shards.json"
# Pagefind's ready-made interfaces: pmgen's search page has its own, so they are not published.
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
)


def shard_count(pages: int) -> int:
    """A power of two, so that growing past a size re-splits every shard at once, not often."""
    count = 1
    while count * SHARD_PAGES < pages and count < MAX_SHARDS:
        count *= 2
    return count


def shard_of(page: str, count: int) -> str:
    """The shard a page belongs to, from its path alone."""
    number = int(hashlib.sha256(page.encode()).hexdigest()[:8], 16) % count
    return f"s{number:02d}"


def group(pages: Mapping[str, str]) -> dict[str, str]:
    """Each non-empty shard's digest: its pages and their content hashes (`pages` maps a page
    path to the SHA-256 of its bytes)."""
    count = shard_count(len(pages))
    members: dict[str, list[str]] = {}
    for page in sorted(pages):
        members.setdefault(shard_of(page, count), []).append(f"{page}\0{pages[page]}")
    return {
        name: hashlib.sha256("\n".join(lines).encode()).hexdigest()
        for name, lines in sorted(members.items())
    }


def build_shards(names: Iterable[str], sources: Mapping[str, Path], lang: str, into: Path) -> None:
    """Index each named shard into `into/<name>/`, from a private view of its pages (hard links
    to `sources`, which maps every page path to the file holding its new bytes)."""
    wanted = set(names)
    count = shard_count(len(sources))
    for name in sorted(wanted):
        view = Path(tempfile.mkdtemp(dir=into, prefix=f".view-{name}-"))
        try:
            for page, source in sources.items():
                if shard_of(page, count) == name:
                    target = view / page
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.link(source, target)
            index_site(view, lang, into / name)
        finally:
            shutil.rmtree(view, ignore_errors=True)
        for unused in UNUSED:
            (into / name / unused).unlink(missing_ok=True)


def listing(names: Iterable[str]) -> bytes:
    """`shards.json`: the bundles to merge, the first one loaded as Pagefind's primary."""
    return (json.dumps({"shards": sorted(names)}) + "\n").encode()


def bundle_path(name: str) -> str:
    """Where a shard's bundle lives under the site."""
    return f"{BUNDLE}/{name}"


def index_whole(staging: Path, pages: Mapping[str, str], lang: str) -> dict[str, str]:
    """Index every shard of a site written whole (into `staging/pagefind/`); `pages` maps each
    postmortem page to its content hash. Returns the shards' digests, for the next update."""
    digests = group(pages)
    if not digests:
        return {}
    into = staging / BUNDLE
    into.mkdir()
    build_shards(digests, {page: staging / page for page in pages}, lang, into)
    (into / LISTING).write_bytes(listing(digests))
    return digests


def reindex_changes(
    stage: Path,
    output: Path,
    pages: Mapping[str, str],
    staged: Mapping[str, Path],
    before: Mapping[str, str],
    lang: str,
) -> tuple[SearchSwap, dict[str, str]]:
    """Index only the shards whose pages changed (`staged` holds the new bytes of changed
    files, the others are read from the live site); also the shards' new digests."""
    now = group(pages)
    changed = [name for name in now if before.get(name) != now[name]]
    gone = tuple(bundle_path(name) for name in sorted(before) if name not in now)
    if not changed and not gone:
        return SearchSwap(), now
    into = stage / "search"
    into.mkdir()
    sources = {page: staged.get(page, output / page) for page in pages}
    build_shards(changed, sources, lang, into)
    replace = {bundle_path(name): into / name for name in changed}
    if now:
        (into / LISTING).write_bytes(listing(now))
        replace[f"{BUNDLE}/{LISTING}"] = into / LISTING
    else:
        gone += (f"{BUNDLE}/{LISTING}",)
    return SearchSwap(replace, gone), now
