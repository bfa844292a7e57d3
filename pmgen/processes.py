"""Helper programs (git, Pagefind): the only module that starts a process.

Nothing in the project may change what runs or how: a program is found by absolute path (in
`PATH`'s absolute folders, or in an installed package, never in the working folder), and a
helper that reads configuration from its working folder runs in an empty private one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.machinery import PathFinder
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


def find_program(name: str) -> Path | None:
    """The absolute path of a program on `PATH`, skipping relative entries (`.`, empty): a
    file of the working folder (a committed `git`) never stands in for the real one."""
    folders = [
        entry
        for entry in os.environ.get("PATH", os.defpath).split(os.pathsep)
        if entry and os.path.isabs(entry)
    ]
    found = shutil.which(name, path=os.pathsep.join(folders)) if folders else None
    return Path(found) if found else None


def package_folders() -> list[str]:
    """Where installed packages live (site-packages): never the working folder, which
    `python -m` puts first on `sys.path` (a committed package would shadow the installed)."""
    paths = sysconfig.get_paths()
    found = [paths["purelib"], paths["platlib"]]
    with contextlib.suppress(KeyError):  # no per-user scheme on some platforms
        found.append(sysconfig.get_path("purelib", f"{os.name}_user"))
    found += [entry for entry in sys.path if entry.endswith(("site-packages", "dist-packages"))]
    return list(dict.fromkeys(os.path.abspath(entry) for entry in found))


def installed_file(package: str, names: Sequence[str]) -> Path | None:
    """The first of `names` inside an installed package's folder, found without importing it."""
    spec = PathFinder.find_spec(package, package_folders())
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        for name in names:
            candidate = Path(folder, name)
            if candidate.is_file():
                return candidate
    return None


@contextmanager
def private_folder() -> Iterator[Path]:
    """An empty folder only this process can read, removed afterwards: a working folder
    where a helper finds no configuration file of the project's."""
    folder = Path(tempfile.mkdtemp(prefix="pmgen-helper-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def clean_environment(keep: Sequence[str] = ()) -> dict[str, str]:
    """A minimal environment for a helper: the search path, locale and home (an empty one),
    plus the variables named in `keep`; nothing else of the caller's (`PAGEFIND_*`…)."""
    env = {"PATH": os.environ.get("PATH", os.defpath), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    env.update({name: os.environ[name] for name in keep if name in os.environ})
    return env


def run_program(
    argv: Sequence[str],
    cwd: Path,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> Finished:
    """Run a program to completion and capture its output (UTF-8, undecodable bytes kept as
    surrogate escapes so that file names survive). `argv[0]` is an absolute path."""
    if not os.path.isabs(argv[0]):
        raise ProgramMissing(f"{argv[0]}: helper programs are run by absolute path only")
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
