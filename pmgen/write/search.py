"""Full-text search: index the staged site with Pagefind (its PyPI package ships the binary).

The binary is run by its absolute path in the installed `pagefind_bin` package (not through
`python -m pagefind_bin`, which a `pagefind_bin/` folder of the project would replace), from an
empty private folder (Pagefind reads `pagefind.yml`, `.toml` or `.json` from its working
folder) and with a clean environment (no `PAGEFIND_*` setting of the caller's).
"""

from __future__ import annotations

import platform
from pathlib import Path

from pmgen.errors import PmgenError
from pmgen.pauses import pause_point
from pmgen.processes import clean_environment, installed_file, private_folder, run_program

# Pagefind indexes pages in their own language by default; a postmortem site mixes French and
# English pages, and one index per site is what a reader searching "have we seen this?" needs.
BUNDLE = "pagefind"
# Only postmortem pages are indexed (they alone carry data-pagefind-body); telling Pagefind
# spares it parsing the listing pages, a quarter of its time, for the same bundle. Dated
# pages live under `YYYY/MM/DD/<slug>/`, the others under `undated/<slug>/` (pages/library.py).
PAGES = "{[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9],undated}/*/index.html"
TIMEOUT_SECONDS = 600


BINARIES = ("pagefind_extended", "pagefind")


def pagefind_binary() -> Path | None:
    """The Pagefind executable shipped by the installed `pagefind_bin` package, if any."""
    windows = platform.system().lower() == "windows"
    names = [f"{name}.exe" for name in BINARIES] if windows else list(BINARIES)
    return installed_file("pagefind_bin", names)


def available() -> bool:
    """True when the Pagefind binary package is installed."""
    return pagefind_binary() is not None


def index_site(folder: Path, lang: str, bundle: Path | None = None) -> None:
    """Write the search bundle into `folder/pagefind/` (or `bundle`); PmgenError on failure."""
    binary = pagefind_binary()
    if binary is None:
        raise PmgenError("search indexing failed: the Pagefind binary is not installed")
    where = ["--output-path", str(bundle.resolve())] if bundle else ["--output-subdir", BUNDLE]
    command = [
        str(binary),
        "--site",
        str(folder.resolve()),
        *where,
        "--force-language",
        lang,
        "--glob",
        PAGES,
        "--quiet",
    ]
    pause_point("search")
    try:
        with private_folder() as empty:
            result = run_program(command, empty, env=clean_environment(), timeout=TIMEOUT_SECONDS)
    except OSError as error:
        raise PmgenError(f"search indexing failed: {error}") from None
    if result.code != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise PmgenError(f"search indexing (Pagefind) failed: {detail[0]}")
