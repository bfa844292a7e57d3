"""Helper programs (git, Pagefind): the only module that starts a process."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Finished:
    """What a helper program returned: its exit code and its output as text."""

    code: int
    stdout: str
    stderr: str


class ProgramMissing(OSError):
    """The program could not be started (not installed, not executable)."""


class ProgramTimedOut(OSError):
    """The program ran longer than it was allowed to, and was stopped."""


def run_program(
    argv: Sequence[str],
    cwd: Path,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> Finished:
    """Run a program to completion and capture its output (UTF-8, undecodable bytes kept as
    surrogate escapes so that file names survive)."""
    try:
        result = subprocess.run(
            list(argv),
            cwd=cwd,
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            env=dict(env) if env is not None else None,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ProgramTimedOut(f"{argv[0]} ran longer than {timeout} s") from None
    except OSError as error:
        raise ProgramMissing(f"cannot run {argv[0]}: {error.strerror or error}") from None
    return Finished(result.returncode, result.stdout, result.stderr)
