"""Files changed since a git revision: committed, staged, unstaged and untracked."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pmgen.errors import PmgenError


def changed_paths(ref: str, cwd: Path) -> frozenset[Path]:
    """Absolute paths of files that differ between `ref` and the working tree."""
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    _git(
        ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        cwd,
        f"`{ref}` is not a commit in this repository.",
    )
    names = _git(["diff", "--name-only", "-z", "--no-renames", ref, "--"], cwd)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z", "--full-name"], top)
    return frozenset((top / name).resolve() for name in (names + untracked).split("\0") if name)


def _git(args: list[str], cwd: Path, failure: str | None = None) -> str:
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise PmgenError("--changed-since needs git, which is not installed.") from None
    if result.returncode != 0:
        detail = failure or result.stderr.strip() or f"git {args[0]} failed"
        raise PmgenError(f"--changed-since: {detail}")
    return result.stdout


def git_user_name(cwd: Path) -> str | None:
    """`git config user.name`, or None when git or the setting is missing."""
    try:
        result = subprocess.run(
            ["git", "config", "user.name"], cwd=cwd, capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    name = result.stdout.strip()
    return name if result.returncode == 0 and name else None
