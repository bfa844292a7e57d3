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

from pmgen.config import Config, load_config, site_url_problem
from pmgen.errors import PmgenError
from pmgen.lint.formatters import printable
from pmgen.read.files import display_path

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE: what shells report for `yes | head`


def reported(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn pmgen's own errors into one message and exit 2; never show a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PmgenError as error:
            click.echo(f"pmgen: {printed(error)}", err=True)
            sys.exit(EXIT_ERROR)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:
            # The reader of our output left (`pmgen lint | head`): nothing more to print or
            # say. Builds print after writing; publish prints before it pushes, and stops.
            _silence_stdout()
            sys.exit(EXIT_PIPE_CLOSED)
        except OSError as error:
            # The system refused (read-only disk, a file where a folder must be, no space):
            # not a bug of pmgen's, so no "please report"; the path and the reason.
            click.echo(f"pmgen: {printed(_system_error(error))}", err=True)
            sys.exit(EXIT_ERROR)
        except Exception as error:  # a bug: say so plainly, keep the exit code contract
            click.echo(
                f"pmgen: internal error: {type(error).__name__}: {printable(str(error))}\n"
                "Please report this with the file that triggered it.",
                err=True,
            )
            sys.exit(EXIT_ERROR)

    return wrapper


def _system_error(error: OSError) -> str:
    """`path: reason` (both paths of a rename), as the system gave them."""
    reason = error.strerror or str(error)
    names = [str(name) for name in (error.filename, error.filename2) if name is not None]
    return f"{' → '.join(names)}: {reason}" if names else reason


def _silence_stdout() -> None:
    """Point standard output at /dev/null so that the flush at exit does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file behind sys.stdout (a test runner's)
        pass
    finally:
        os.close(devnull)


def printed(value: object) -> str:
    """A message or path as printed: control characters escaped, its own line breaks kept
    (a file name cannot inject a line, a `::error` command or a terminal sequence)."""
    return printable(str(value), keep="\n")


def checked_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A `--base-url`/`--site-url` value: empty, or an absolute http(s) address."""
    problem = site_url_problem(value) if value else None
    if problem:
        raise click.BadParameter(problem)
    return value


config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Configuration file (default: pmgen.toml or [tool.pmgen] found upwards).",
)


src_option = click.option(
    "--src",
    type=click.Path(file_okay=False, path_type=Path),
    help="Content folder (default: `content` in the configuration, postmortems/).",
)
strict_option = click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1, nothing written) on any warning or error finding.",
)
drafts_option = click.option(
    "--drafts", is_flag=True, help="Include postmortems marked `status: draft`."
)


def plural(count: int, word: str) -> str:
    """`1 draft`, `2 drafts`."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def shown(path: Path, cwd: Path, root: Path) -> str:
    """A path as the user should read it: relative to where they stand when it is in the
    project or below them (`../site/index.html` from docs/), else absolute."""
    path = path.resolve()
    if path.is_relative_to(cwd.resolve()) or path.is_relative_to(root.resolve()):
        return printed(display_path(path, cwd))
    return printed(path)


def missing_content(folder: Path, config: Config, other: str = "pass --src") -> PmgenError:
    """The error for a content folder that is not there, saying where pmgen looked and why;
    `other` is the command's own way to name another folder."""
    where = shown(folder, Path.cwd(), config.root)
    found = (
        f"the configuration is {shown(config.source, Path.cwd(), config.root)}"
        if config.source is not None
        else "no pmgen.toml was found here or above"
    )
    return PmgenError(
        f"no content folder {where}/ ({found}). Run pmgen inside your project, {other}, "
        "or start a project with `pmgen init`."
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
