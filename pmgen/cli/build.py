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
    checked_url,
    config_option,
    drafts_option,
    missing_content,
    plural,
    printed,
    project_config,
    reported,
    shown,
    source_date_epoch,
    src_option,
    strict_option,
)
from pmgen.commands.build import BuildOptions, BuildResult, build_site
from pmgen.diagnostics import Severity, count_by_severity
from pmgen.rules import FATAL_CODES

SHOWN_FINDINGS = 5


@click.command()
@src_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Output folder (default: `output` in the configuration, site/).",
)
@click.option(
    "--base-url",
    callback=checked_url,
    help="Absolute URL the site is published at (overrides site_url).",
)
@drafts_option
@strict_option
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
        raise missing_content(options.source, config)
    result = build_site(config, options, Path.cwd(), dt.date.today(), _progress())
    _report_build(result, strict, Path.cwd(), config.root)
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


def _report_build(result: BuildResult, strict: bool, cwd: Path, root: Path) -> None:
    """Summarise findings (errors first) and say what was built, or why nothing was."""
    from pmgen.lint.formatters import format_text  # imported only for a build that reports

    if result.diagnostics:
        counts = count_by_severity(result.diagnostics)
        click.echo(
            f"lint: {plural(counts[Severity.ERROR], 'error')}, "
            f"{plural(counts[Severity.WARNING], 'warning')}, {counts[Severity.INFO]} info",
            err=True,
        )
        # The most serious first: an error must not hide behind five warnings.
        ranked = sorted(result.diagnostics, key=lambda d: -d.severity)
        click.echo(format_text(ranked[:SHOWN_FINDINGS], 0).rsplit("\n", 2)[0], err=True)
        if len(ranked) > SHOWN_FINDINGS:
            click.echo(
                f"… and {len(ranked) - SHOWN_FINDINGS} more: run `pmgen lint` for the full list.",
                err=True,
            )
    for notice in result.notices:
        click.echo(f"note: {printed(notice)}", err=True)
    if not result.ok:
        # Without --strict only files that cannot become a page block (PM001–PM003, no title).
        fatal = not strict or any(d.code in FATAL_CODES for d in result.blocking)
        reason = (
            "these postmortems cannot be rendered"
            if fatal
            else "--strict: warning or error findings"
        )
        click.echo(f"build failed ({reason}); the previous site is unchanged:", err=True)
        click.echo(format_text(result.blocking, 0).rsplit("\n", 2)[0], err=True)
        return
    output = shown(result.output, cwd, root)
    drafts = (
        f" ({plural(result.drafts_skipped, 'draft')} left out; --drafts includes "
        f"{'it' if result.drafts_skipped == 1 else 'them'})"
        if result.drafts_skipped
        else ""
    )
    if result.up_to_date:
        click.echo(f"Up to date: nothing changed since the last build of {output}/")
    else:
        click.echo(
            f"Built {plural(result.postmortems, 'postmortem')}{drafts} into {output}/ "
            f"({plural(result.files_written, 'file')} written)"
        )
    click.echo(f"Open {shown(result.output / 'index.html', cwd, root)}")
