"""What every command shares: exit codes, the error wrapper, the --config option."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from pmgen.config import Config, load_config
from pmgen.errors import PmgenError
from pmgen.lint.formatters import printable

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def reported(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn pmgen's own errors into one message and exit 2; never show a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PmgenError as error:
            click.echo(f"pmgen: {shown(error)}", err=True)
            sys.exit(EXIT_ERROR)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as error:  # a bug: say so plainly, keep the exit code contract
            click.echo(
                f"pmgen: internal error: {type(error).__name__}: {printable(str(error))}\n"
                "Please report this with the file that triggered it.",
                err=True,
            )
            sys.exit(EXIT_ERROR)

    return wrapper


def shown(value: object) -> str:
    """A message or path as printed: control characters escaped, its own line breaks kept
    (a file name cannot inject a line, a `::error` command or a terminal sequence)."""
    return printable(str(value), keep="\n")


config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Configuration file (default: pmgen.toml or [tool.pmgen] found upwards).",
)


def project_config(config_file: Path | None) -> Config:
    """The configuration: the given file, or the one found upwards from the working directory."""
    return load_config(Path.cwd(), config_file)


def source_date_epoch() -> dt.datetime | None:
    """The `updated` time for reproducible builds, from SOURCE_DATE_EPOCH when it is set."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return None
    try:
        return dt.datetime.fromtimestamp(int(value), dt.UTC)
    except (ValueError, OverflowError, OSError):
        message = f"SOURCE_DATE_EPOCH must be a number of seconds, not {value!r}."
        raise PmgenError(message) from None
