"""git, as pmgen uses it: files changed since a revision, the user's name, and the plumbing
that `publish` needs. The one module that runs git: by its absolute path (a `git` file in the
working folder never runs), never waiting for a password on a terminal (CI would hang)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pmgen.errors import PmgenError
from pmgen.processes import Finished, ProgramMissing, find_program, run_program


def _git(
    args: list[str], cwd: Path, stdin: str | None = None, env: Mapping[str, str] | None = None
) -> Finished:
    """Run `git ARGS` from PATH's absolute folders; ProgramMissing when there is none."""
    program = find_program("git")
    if program is None:
        raise ProgramMissing("git is not installed")
    settings = dict(env if env is not None else os.environ)
    settings.update(GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    return run_program([str(program), *args], cwd, stdin, settings)


def run_git(
    args: list[str], cwd: Path, stdin: str | None = None, env: Mapping[str, str] | None = None
) -> Finished:
    """Run `git ARGS`; PmgenError when git is not installed."""
    try:
        return _git(args, cwd, stdin, env)
    except ProgramMissing:
        raise PmgenError("this needs git, which is not installed.") from None


def git_output(
    args: list[str], cwd: Path, stdin: str | None = None, env: Mapping[str, str] | None = None
) -> str:
    """The output of `git ARGS`; PmgenError with git's message when it fails."""
    result = run_git(args, cwd, stdin, env)
    if result.code != 0:
        command = next(a for a in args if not a.startswith("--"))
        raise PmgenError(f"`git {command}` failed:\n{result.stderr.rstrip()}")
    return result.stdout


def changed_paths(ref: str, cwd: Path) -> frozenset[Path]:
    """Absolute paths of files that differ between `ref` and the working tree."""
    top = Path(_changed_git(["rev-parse", "--show-toplevel"], cwd).strip())
    _changed_git(
        ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        cwd,
        f"`{ref}` is not a commit in this repository.",
    )
    # From the top, `--no-relative`: with `diff.relative` set, a diff run from a subfolder
    # would list only that folder's changes, relative to it.
    names = _changed_git(
        ["diff", "--name-only", "-z", "--no-renames", "--no-relative", ref, "--"], top
    )
    untracked = _changed_git(
        ["ls-files", "--others", "--exclude-standard", "-z", "--full-name"], top
    )
    return frozenset((top / name).resolve() for name in (names + untracked).split("\0") if name)


def _changed_git(args: list[str], cwd: Path, failure: str | None = None) -> str:
    try:
        result = _git(args, cwd)
    except ProgramMissing:
        raise PmgenError("--changed-since needs git, which is not installed.") from None
    if result.code != 0:
        detail = failure or result.stderr.strip() or f"git {args[0]} failed"
        raise PmgenError(f"--changed-since: {detail}")
    return result.stdout


def git_user_name(cwd: Path) -> str | None:
    """`git config user.name`, or None when git or the setting is missing."""
    try:
        result = _git(["config", "user.name"], cwd)
    except ProgramMissing:
        return None
    name = result.stdout.strip()
    return name if result.code == 0 and name else None
