"""The export use case: read postmortems and return their records (as in `index.json`) as
JSON or CSV text, without building the site."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pmgen.cache import Cache
from pmgen.commands.parse import parse_files
from pmgen.config import Config
from pmgen.diagnostics import Diagnostic, sort_diagnostics
from pmgen.pages.export import records, records_csv, records_json
from pmgen.pages.library import build_library

FORMATS = ("json", "csv")


@dataclass(frozen=True, slots=True)
class Export:
    """The exported text, how many postmortems it holds, and the files that could not be read."""

    text: str
    count: int
    unreadable: tuple[Diagnostic, ...] = ()


def export_records(
    paths: Sequence[Path],
    config: Config,
    cwd: Path,
    output_format: str = "json",
    drafts: bool = False,
    cache: Cache | None = None,
) -> Export:
    """The records of the postmortems under `paths` (drafts only with `drafts`), as the site's
    `index.json` would hold them (URLs included); files that cannot be read are left out and
    their findings returned."""
    if output_format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {output_format!r}")
    run = parse_files(paths, config, cwd, cache=cache, whole=True)
    usable = [item.postmortem for item in run.results if item.postmortem is not None]
    chosen = [p for p in usable if drafts or not p.fields.is_draft]
    unreadable = sort_diagnostics(
        [d for item in run.results if item.postmortem is None for d in item.diagnostics]
    )
    items = records(build_library(chosen))
    text = records_json(items).decode("utf-8") if output_format == "json" else records_csv(items)
    return Export(text, len(items), unreadable)
