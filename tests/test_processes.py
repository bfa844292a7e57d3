"""Helper programs run as installed, whatever the project holds (issue 10, item 1).

A pull request can commit any file at the root of the repository pmgen builds: a Python
package named like the one that ships Pagefind, Pagefind's own configuration files, a program
named `git`. None of them may change what runs, or how.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pmgen.processes import (
    ProgramMissing,
    clean_environment,
    find_program,
    installed_file,
    run_program,
)
from pmgen.write.search import available, pagefind_binary

POSTMORTEM = "---\ntitle: Panne du site\ndate: 2024-01-15\n---\n\nLe site était lent.\n"
needs_pagefind = pytest.mark.skipif(not available(), reason="Pagefind is not installed")


def project(tmp_path: Path) -> Path:
    """A project with one postmortem, search on (the default)."""
    root = tmp_path / "projet"
    (root / "postmortems").mkdir(parents=True)
    (root / "postmortems" / "2024-01-15-panne.md").write_text(POSTMORTEM, encoding="utf-8")
    return root


def pmgen(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python -m pmgen ARGS` in the project, as CI runs it (the project folder on sys.path)."""
    return subprocess.run(
        [sys.executable, "-m", "pmgen", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def search_bundle_built(site: Path) -> bool:
    """The search index is where the search page reads it: every shard listed has a bundle."""
    listing = site / "pagefind" / "shards.json"
    if not listing.is_file():
        return False
    shards = json.loads(listing.read_text(encoding="utf-8"))["shards"]
    return bool(shards) and all(
        (site / "pagefind" / shard / "pagefind-entry.json").is_file() for shard in shards
    )


def outside(tmp_path: Path) -> list[str]:
    """Whatever appeared beside the project."""
    return sorted(p.name for p in tmp_path.iterdir() if p.name != "projet")


@needs_pagefind
@pytest.mark.parametrize("shape", ["package", "module"])
def test_a_committed_pagefind_bin_never_runs(tmp_path: Path, shape: str) -> None:
    """Before: `python -m pagefind_bin` ran from the project, so the committed one ran."""
    root = project(tmp_path)
    marker = tmp_path / "executed"
    code = f"import pathlib; pathlib.Path({str(marker)!r}).write_text('ran')\n"
    if shape == "package":
        (root / "pagefind_bin").mkdir()
        (root / "pagefind_bin" / "__init__.py").write_text(code, encoding="utf-8")
        (root / "pagefind_bin" / "__main__.py").write_text(code, encoding="utf-8")
    else:
        (root / "pagefind_bin.py").write_text(code, encoding="utf-8")
    built = pmgen(root, "build")
    assert built.returncode == 0, built.stderr
    assert not marker.exists(), "a package committed in the project ran during the build"
    assert search_bundle_built(root / "site")


PAGEFIND_CONFIGS = {
    "pagefind.yml": "output_path: {elsewhere}\nlogfile: {log}\n",
    "pagefind.yaml": "output_subdir: moved\n",
    "pagefind.toml": 'output_path = "{elsewhere}"\nlogfile = "{log}"\n',
    "pagefind.json": json.dumps({"output_path": "{elsewhere}", "logfile": "{log}"}),
}


@needs_pagefind
@pytest.mark.parametrize("name", sorted(PAGEFIND_CONFIGS))
def test_pagefind_takes_no_configuration_from_the_project(tmp_path: Path, name: str) -> None:
    """Before: a committed pagefind.yml moved the bundle out of the site and wrote a log."""
    root = project(tmp_path)
    text = (
        PAGEFIND_CONFIGS[name]
        .replace("{elsewhere}", str(tmp_path / "elsewhere"))
        .replace("{log}", str(tmp_path / "log"))
    )
    (root / name).write_text(text, encoding="utf-8")
    built = pmgen(root, "build")
    assert built.returncode == 0, built.stderr
    assert outside(tmp_path) == []
    assert search_bundle_built(root / "site")
    assert not (root / "site" / "moved").exists()


@needs_pagefind
def test_a_committed_serve_setting_does_not_hang_the_build(tmp_path: Path) -> None:
    """`serve: true` would keep Pagefind serving forever after indexing."""
    root = project(tmp_path)
    (root / "pagefind.yml").write_text("serve: true\n", encoding="utf-8")
    started = time.monotonic()
    built = pmgen(root, "build")
    assert built.returncode == 0, built.stderr
    assert time.monotonic() - started < 60


@needs_pagefind
def test_pagefind_settings_in_the_environment_are_not_passed_on(tmp_path: Path) -> None:
    """A variant: `PAGEFIND_*` variables of the caller (a CI step) change nothing either."""
    root = project(tmp_path)
    env = {
        **os.environ,
        "PAGEFIND_OUTPUT_PATH": str(tmp_path / "elsewhere"),
        "PAGEFIND_LOGFILE": str(tmp_path / "log"),
    }
    built = pmgen(root, "build", env=env)
    assert built.returncode == 0, built.stderr
    assert outside(tmp_path) == []
    assert search_bundle_built(root / "site")


def fake_git(folder: Path, marker: Path) -> None:
    script = folder / "git"
    script.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


@pytest.mark.parametrize("entry", [".", ""])
def test_a_committed_git_never_runs(tmp_path: Path, entry: str) -> None:
    """A variant: with `.` (or an empty entry, which means the same) on PATH, a `git` file in
    the project would have run instead of git."""
    root = project(tmp_path)
    marker = tmp_path / "executed"
    fake_git(root, marker)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    env = {**os.environ, "PATH": entry + os.pathsep + os.environ["PATH"]}
    linted = pmgen(root, "lint", "--changed-since", "HEAD", env=env)
    assert "Traceback" not in linted.stderr
    assert not marker.exists(), "a `git` file of the project ran"


def test_programs_are_found_only_in_absolute_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_git(tmp_path, tmp_path / "executed")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", ".")
    assert find_program("git") is None
    monkeypatch.setenv("PATH", os.pathsep.join(["", str(Path("/usr/bin"))]))
    found = find_program("git")
    assert found is None or found.parent == Path("/usr/bin")


def test_a_relative_program_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProgramMissing, match="absolute path"):
        run_program(["git", "--version"], tmp_path)


def test_installed_packages_are_not_shadowed_by_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pagefind_bin").mkdir()
    (tmp_path / "pagefind_bin" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "pagefind_bin" / "pagefind").write_text("#!/bin/sh\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend("")
    found = installed_file("pagefind_bin", ["pagefind"])
    assert found is None or not found.is_relative_to(tmp_path)
    binary = pagefind_binary()
    assert binary is None or not binary.is_relative_to(tmp_path)


def test_the_helper_environment_is_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGEFIND_SERVE", "true")
    monkeypatch.setenv("SECRET_TOKEN", "abc")
    env = clean_environment()
    assert set(env) == {"PATH", "LC_ALL", "LANG"}
