"""`pmgen export`: print the postmortems' records (as in the site's `index.json`) as JSON or
CSV, without building."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pmgen.cache import open_cache
from pmgen.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    config_option,
    missing_content,
    printed,
    project_config,
    reported,
)
from pmgen.commands.export import FORMATS, export_records
from pmgen.errors import PmgenError


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="json",
    show_default=True,
    help="JSON (the schema of index.json, docs/data.md) or CSV (one row per postmortem).",
)
@click.option("--drafts", is_flag=True, help="Include postmortems marked `status: draft`.")
@click.option("--no-cache", is_flag=True, help="Parse every file again (ignore .pmgen-cache/).")
@config_option
@reported
def export(
    paths: tuple[Path, ...],
    output_format: str,
    drafts: bool,
    no_cache: bool,
    config_file: Path | None,
) -> None:
    """Print the postmortems' data (default: the configured content folder)."""
    config = project_config(config_file)
    targets = list(paths) or [config.content]
    # Checked before the cache is opened: a mistaken folder leaves no .pmgen-cache/ behind.
    if not paths and not config.content.is_dir():
        raise missing_content(config.content, config, "name the files or folders to export")
    for path in paths:
        if not path.exists():
            raise PmgenError(f"{printed(path)}: no such file or folder.")
    cache = open_cache(config.root, enabled=not no_cache)
    try:
        result = export_records(targets, config, Path.cwd(), output_format, drafts, cache)
    finally:
        cache.close()
    for finding in result.unreadable:
        click.echo(
            f"{finding.path}:{finding.line}:{finding.column}: {finding.code} "
            f"{finding.message} (left out)",
            err=True,
        )
    click.echo(result.text, nl=False)
    # The records are printed either way; a file left out is an error finding, as in lint.
    sys.exit(EXIT_FINDINGS if result.unreadable else EXIT_OK)
