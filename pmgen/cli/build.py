"""`pmgen build`: validate and render the postmortems into a static site."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from pmgen.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    config_option,
    project_config,
    reported,
    shown,
    source_date_epoch,
)
from pmgen.commands.build import BuildOptions, BuildResult, build_site
from pmgen.diagnostics import Severity, count_by_severity
from pmgen.errors import PmgenError
from pmgen.lint.formatters import format_text

SHOWN_FINDINGS = 5


@click.command()
@click.option(
    "--src",
    type=click.Path(file_okay=False, path_type=Path),
    help="Content folder (default: `content` in the configuration, postmortems/).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Output folder (default: `output` in the configuration, site/).",
)
@click.option("--base-url", help="Absolute URL the site is published at (overrides site_url).")
@click.option("--drafts", is_flag=True, help="Include postmortems marked `status: draft`.")
@click.option("--strict", is_flag=True, help="Fail on any error-severity finding.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Build from scratch: no .pmgen-cache/, the whole site rewritten.",
)
@config_option
@reported
def build(
    src: Path | None,
    out: Path | None,
    base_url: str | None,
    drafts: bool,
    strict: bool,
    no_cache: bool,
    config_file: Path | None,
) -> None:
    """Validate and render the postmortems into a static site."""
    config = project_config(config_file)
    options = BuildOptions(
        source=(src or config.content).resolve(),
        output=Path(os.path.abspath(out or config.output)),  # checked, then resolved
        site_url=(base_url if base_url is not None else config.site_url).rstrip("/"),
        drafts=drafts,
        strict=strict,
        updated=source_date_epoch(),
        cache=not no_cache,
    )
    if not options.source.is_dir():
        raise PmgenError(f"{options.source}: the content folder does not exist.")
    result = build_site(config, options, Path.cwd(), dt.date.today(), _progress())
    _report_build(result, strict)
    sys.exit(EXIT_OK if result.ok else EXIT_FINDINGS)


def _progress() -> Callable[[int, int], None] | None:
    """A progress bar on an interactive terminal for large sites; silent in pipes and CI."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None

    def show(done: int, total: int) -> None:
        if total < 50:
            return
        width = 30
        filled = width * done // total
        end = "\n" if done == total else ""
        click.echo(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} pages", err=True, nl=False
        )
        if end:
            click.echo("", err=True)

    return show


def _report_build(result: BuildResult, strict: bool) -> None:
    """Summarise findings and say what was built, or why nothing was."""
    if result.diagnostics:
        counts = count_by_severity(result.diagnostics)
        click.echo(
            f"lint: {counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} "
            f"warning(s), {counts[Severity.INFO]} info",
            err=True,
        )
        first = result.diagnostics[:SHOWN_FINDINGS]
        click.echo(format_text(first, 0).rsplit("\n", 2)[0], err=True)
        if len(result.diagnostics) > SHOWN_FINDINGS:
            click.echo(
                f"… and {len(result.diagnostics) - SHOWN_FINDINGS} more: run "
                "`pmgen lint` for the full list.",
                err=True,
            )
    for notice in result.notices:
        click.echo(f"note: {shown(notice)}", err=True)
    if not result.ok:
        reason = (
            "--strict: error findings"
            if strict
            and not any(d.code in ("PM001", "PM002", "PM101", "PM102") for d in result.blocking)
            else "these postmortems cannot be rendered"
        )
        click.echo(f"build failed ({reason}); the previous site is unchanged:", err=True)
        click.echo(format_text(result.blocking, 0).rsplit("\n", 2)[0], err=True)
        return
    drafts = (
        f" ({result.drafts_skipped} draft(s) left out; --drafts includes them)"
        if result.drafts_skipped
        else ""
    )
    if result.up_to_date:
        click.echo(f"Up to date: nothing changed since the last build of {shown(result.output)}")
    else:
        click.echo(
            f"Built {result.postmortems} postmortem(s){drafts} into {shown(result.output)} "
            f"({result.files_written} file(s) written)"
        )
    click.echo(f"Open {shown(result.output / 'index.html')}")
