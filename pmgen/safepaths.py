"""Folders pmgen writes to, checked against the symbolic links a pull request can commit.

A committed `site -> ../elsewhere` or `.pmgen-cache -> ../elsewhere` would make a build write
outside the project. A path the owner chose outside the project (`--out /srv/www`) is theirs;
a path inside the project must reach its place without following any symbolic link.
"""

from __future__ import annotations

import os
from pathlib import Path

from pmgen.errors import PmgenError


def symlink_problem(path: Path, project: Path) -> str | None:
    """Why writing at `path` could land elsewhere than it says, or None when it cannot."""
    target = Path(os.path.abspath(path))
    if target.is_symlink():
        return f"it is a symbolic link (to {os.readlink(target)})"
    base = Path(os.path.abspath(project))
    if not target.is_relative_to(base):
        return None  # chosen outside the project, by whoever runs pmgen
    current = base
    for part in target.relative_to(base).parts:
        current = current / part
        if current.is_symlink():
            return f"{current} is a symbolic link (to {os.readlink(current)})"
    if not target.resolve().is_relative_to(base.resolve()):
        return f"it resolves outside the project {base}"
    return None


def check_writable_place(path: Path, project: Path, what: str) -> None:
    """Raise a clear PmgenError when `path` (`what`: the output folder…) is not safe."""
    problem = symlink_problem(path, project)
    if problem is not None:
        raise PmgenError(
            f"refusing to use {path} as {what}: {problem}. pmgen never writes through a "
            "symbolic link inside the project (one can come from a pull request); delete the "
            "link, or choose the folder explicitly (--out, or `output` in pmgen.toml)."
        )
