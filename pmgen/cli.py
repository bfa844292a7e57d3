"""The command line: turn options into a configuration, call one core function, map the result."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from pmgen import __version__
from pmgen.check import run_lint
from pmgen.config import Config, load_config
from pmgen.diagnostics import Severity
from pmgen.errors import PmgenError
from pmgen.formatters import FORMATS, RENDERERS, format_rule, format_rules, github_step_summary
from pmgen.gitchanges import changed_paths
from pmgen.lint import Selection
from pmgen.rules import find_rule

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _reported(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn pmgen's own errors into one message and exit 2; never show a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PmgenError as error:
            click.echo(f"pmgen: {error}", err=True)
            sys.exit(EXIT_ERROR)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as error:  # a bug: say so plainly, keep the exit code contract
            click.echo(
                f"pmgen: internal error: {type(error).__name__}: {error}\n"
                "Please report this with the file that triggered it.",
                err=True,
            )
            sys.exit(EXIT_ERROR)

    return wrapper


def _config(config_file: Path | None) -> Config:
    return load_config(Path.cwd(), config_file)


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(
        code.strip().upper() for value in values for code in value.split(",") if code.strip()
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pmgen")
def main() -> None:
    """pmgen: incident postmortems in Markdown, validated and published as a static site."""


config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Configuration file (default: pmgen.toml or [tool.pmgen] found upwards).",
)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--select", multiple=True, help="Only these code prefixes (e.g. PM2,PM301).")
@click.option("--ignore", multiple=True, help="Skip these code prefixes.")
@click.option(
    "--changed-since", metavar="REF", help="Only files changed between REF and the working tree."
)
@click.option("--fix", is_flag=True, help="Insert missing required section headings.")
@config_option
@_reported
def lint(
    paths: tuple[Path, ...],
    output_format: str,
    strict: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    changed_since: str | None,
    fix: bool,
    config_file: Path | None,
) -> None:
    """Check postmortems (default: the configured content folder)."""
    config = _config(config_file)
    targets = list(paths) or [config.content]
    only = changed_paths(changed_since, Path.cwd()) if changed_since else None
    selection = Selection(_codes(select) or None, _codes(ignore))
    report = run_lint(targets, config, Path.cwd(), dt.date.today(), selection, only, fix)
    for path in report.fixed:
        click.echo(f"fixed {path}", err=True)
    click.echo(RENDERERS[output_format](report.diagnostics, report.files), nl=False)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if output_format == "github" and summary_file:
        with open(summary_file, "a", encoding="utf-8") as stream:
            stream.write(github_step_summary(report.diagnostics, report.files))
    threshold = Severity.WARNING if strict else Severity.ERROR
    failed = any(d.severity >= threshold for d in report.diagnostics)
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


@main.command(name="rules")
def list_rules() -> None:
    """List every rule: code, name, default severity, summary."""
    click.echo(format_rules(), nl=False)


@main.command(name="rule")
@click.argument("code")
def explain_rule(code: str) -> None:
    """Explain one rule (by code or name): what, why, example, how to fix."""
    rule = find_rule(code)
    if rule is None:
        click.echo(f"pmgen: no rule {code!r}; `pmgen rules` lists them.", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(format_rule(rule.code), nl=False)
