"""Run the real `pmgen` entry point (the installed console script) in temporary projects."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent / "pmgen"
# The console script when installed (make test), else the same entry point through -m.
COMMAND = [str(BIN)] if BIN.is_file() else [sys.executable, "-m", "pmgen"]

POSTMORTEM = """---
title: {title}
date: {date}
severity: SEV2
---

Le site a renvoyé des erreurs pendant vingt minutes.

## Contexte

Le site est servi par deux instances web.

## Chronologie

* 16:00 — les connexions échouent.
* 16:20 — retour à la normale.

## Enseignements

La mémoire des instances était trop juste.

## Analyse

Les instances swappaient en pointe.

## Travaux restants

* [ ] Passer sur des instances plus grandes @camille
"""


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A clean environment: no git or CI state of the caller, a git identity, no repository
    above `tmp_path`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "PMGEN_"))
        and key not in ("CI", "SOURCE_DATE_EPOCH", "GITHUB_STEP_SUMMARY")
    }
    env.update(
        GIT_CEILING_DIRECTORIES=str(tmp_path),
        GIT_AUTHOR_NAME="Test Writer",
        GIT_AUTHOR_EMAIL="writer@example.org",
        GIT_COMMITTER_NAME="Test Writer",
        GIT_COMMITTER_EMAIL="writer@example.org",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def pmgen(
    cwd: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`pmgen ARGS` in `cwd`, its output captured."""
    return subprocess.run(
        [*COMMAND, *args],
        cwd=cwd,
        env=env if env is not None else environment(cwd),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """`git ARGS`, which must succeed; its output."""
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=env if env is not None else environment(cwd),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
