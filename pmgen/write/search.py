"""Full-text search: index the staged site with Pagefind (its PyPI package ships the binary)."""

from __future__ import annotations

import sys
from importlib.util import find_spec
from pathlib import Path

from pmgen.errors import PmgenError
from pmgen.pauses import pause_point
from pmgen.processes import run_program

# Pagefind indexes pages in their own language by default; a postmortem site mixes French and
# English pages, and one index per site is what a reader searching "have we seen this?" needs.
BUNDLE = "pagefind"
# Only postmortem pages are indexed (they alone carry data-pagefind-body); telling Pagefind
# spares it parsing the listing pages, a quarter of its time, for the same bundle.
PAGES = "[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*/index.html"
TIMEOUT_SECONDS = 600


def available() -> bool:
    """True when the Pagefind binary package is installed."""
    return find_spec("pagefind_bin") is not None


def index_site(folder: Path, lang: str, bundle: Path | None = None) -> None:
    """Write the search bundle into `folder/pagefind/` (or `bundle`); PmgenError on failure."""
    where = ["--output-path", str(bundle)] if bundle else ["--output-subdir", BUNDLE]
    command = [
        sys.executable,
        "-m",
        "pagefind_bin",
        "--site",
        str(folder),
        *where,
        "--force-language",
        lang,
        "--glob",
        PAGES,
        "--quiet",
    ]
    pause_point("search")
    try:
        result = run_program(command, folder.parent, timeout=TIMEOUT_SECONDS)
    except OSError as error:
        raise PmgenError(f"search indexing failed: {error}") from None
    if result.code != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise PmgenError(f"search indexing (Pagefind) failed: {detail[0]}")
