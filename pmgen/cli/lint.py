"""`pmgen lint`, `pmgen rules` and `pmgen rule`: check postmortems, explain the rules."""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import replace
from pathlib import Path

import click

from pmgen.cache import open_cache
from pmgen.cli.common import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    config_option,
    missing_content,
    printed,
    project_config,
    reported,
)
from pmgen.commands.git import changed_paths
from pmgen.commands.lint import run_lint
from pmgen.diagnostics import Diagnostic, Severity
from pmgen.lint import Selection
from pmgen.lint.formatters import FORMATS, RENDERERS, format_rule, format_rules, github_step_summary
from pmgen.read.files import display_path
from pmgen.rules import find_rule, unknown_prefix


def _codes(values: tuple[str, ...], option: str) -> tuple[str, ...]:
    """Code prefixes from repeated, comma-separated options, upper-cased; a prefix that
    matches no rule is a usage error (a typo must not switch linting off)."""
    codes = [code.strip() for value in values for code in value.split(",") if code.strip()]
    for code in codes:
        problem = unknown_prefix(code)
        if problem:
            raise click.BadParameter(problem, param_hint=f"'{option}'")
    return tuple(code.upper() for code in codes)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--strict", is_flag=True, help="Fail (exit 1) on any warning or error finding, not only errors."
)
@click.option("--select", multiple=True, help="Only these code prefixes (e.g. PM2,PM301).")
@click.option("--ignore", multiple=True, help="Skip these code prefixes.")
@click.option(
    "--min-severity",
    type=click.Choice([s.label for s in Severity]),
    help="Report findings from this severity up (default: warning; info is opt-in).",
)
@click.option(
    "--changed-since", metavar="REF", help="Only files changed between REF and the working tree."
)
@click.option("--fix", is_flag=True, help="Insert missing required section headings.")
@click.option("--no-cache", is_flag=True, help="Parse every file again (ignore .pmgen-cache/).")
@config_option
@reported
def lint(
    paths: tuple[Path, ...],
    output_format: str,
    strict: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    min_severity: str | None,
    changed_since: str | None,
    fix: bool,
    no_cache: bool,
    config_file: Path | None,
) -> None:
    """Check postmortems (default: the configured content folder)."""
    config = project_config(config_file)
    if not paths and not config.content.is_dir():
        raise missing_content(config.content, config, "name the files or folders to lint")
    targets = list(paths) or [config.content]
    only = changed_paths(changed_since, Path.cwd()) if changed_since else None
    least = Severity.parse(min_severity) if min_severity else None
    selection = Selection(_codes(select, "--select") or None, _codes(ignore, "--ignore"), least)
    cache = open_cache(config.root, enabled=not no_cache)
    try:
        report = run_lint(targets, config, Path.cwd(), dt.date.today(), selection, only, fix, cache)
    finally:
        cache.close()
    for path in report.fixed:
        click.echo(f"fixed {printed(path)}", err=True)
    diagnostics = report.diagnostics
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace and output_format in ("github", "sarif"):
        # GitHub places annotations and code-scanning alerts by their path from the
        # repository's root, whatever folder the step runs in (`working-directory:`).
        diagnostics = tuple(_from(Path(workspace), d) for d in diagnostics)
    click.echo(RENDERERS[output_format](diagnostics, report.files), nl=False)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if output_format == "github" and summary_file:
        with open(summary_file, "a", encoding="utf-8") as stream:
            stream.write(github_step_summary(diagnostics, report.files))
    threshold = Severity.WARNING if strict else Severity.ERROR
    failed = any(d.severity >= threshold for d in report.diagnostics)
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


def _from(workspace: Path, diagnostic: Diagnostic) -> Diagnostic:
    """The finding with its path relative to `workspace` (when the file is inside it)."""
    absolute = Path(os.path.abspath(diagnostic.path))
    if not absolute.is_relative_to(os.path.abspath(workspace)):
        return diagnostic
    return replace(diagnostic, path=display_path(absolute, Path(os.path.abspath(workspace))))


@click.command(name="rules")
def list_rules() -> None:
    """List every rule: code, name, default severity, summary."""
    click.echo(format_rules(), nl=False)


@click.command(name="rule")
@click.argument("code")
def explain_rule(code: str) -> None:
    """Explain one rule (by code or name): what, why, example, how to fix."""
    rule = find_rule(code)
    if rule is None:
        click.echo(f"pmgen: no rule {code!r}; `pmgen rules` lists them.", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(format_rule(rule.code), nl=False)
