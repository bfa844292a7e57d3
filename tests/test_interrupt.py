"""Ctrl-C, for real: SIGINT sent to a `pmgen` process group (as a terminal does) at each
moment of a build, and during publish; and the progress bar, on a pseudo-terminal only.

A moment is reached through pmgen's pause points (PMGEN_PAUSE_AT, see pmgen/pauses.py): the
process creates a marker file there and waits, so the signal lands exactly at that stage.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from realcli import COMMAND, POSTMORTEM, environment, git, pmgen, tree, write

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and terminals")

WAIT_SECONDS = 60


def corpus(folder: Path, count: int) -> None:
    for number in range(count):
        day = f"2021-{number // 28 + 1:02d}-{number % 28 + 1:02d}"
        write(
            folder / f"{day}-panne-{number}.md",
            POSTMORTEM.format(title=f"Panne {number}", date=day),
        )


def interrupted_at(
    cwd: Path,
    point: str,
    *args: str,
    seconds: float = 30,
    alone: bool = False,
    **extra: str,
) -> subprocess.CompletedProcess[str]:
    """Run `pmgen ARGS` until it reaches `point`, then Ctrl-C its whole process group (as a
    terminal does), or, `alone`, SIGTERM to its own process (as `timeout` or CI does)."""
    marker = cwd.parent / f"reached-{point}"
    marker.unlink(missing_ok=True)
    env = environment(
        cwd,
        PMGEN_PAUSE_AT=point,
        PMGEN_PAUSE_FILE=str(marker),
        PMGEN_PAUSE_SECONDS=str(seconds),
        **extra,
    )
    process = subprocess.Popen(
        [*COMMAND, *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own group, like a foreground job in a terminal
    )
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert marker.exists(), f"never reached {point}: {process.communicate()}"
        if alone:
            process.terminate()
        else:
            os.killpg(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate(timeout=WAIT_SECONDS)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    write(root / "pmgen.toml", "")
    corpus(root / "postmortems", 3)
    return root


def leftovers(root: Path) -> list[str]:
    """Staging or displaced folders an interrupted build could leave beside the site."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith((".site.", "site.")))


@pytest.mark.parametrize("point", ["startup", "parse", "render", "write", "search"])
def test_ctrl_c_during_a_first_build_leaves_no_site(project: Path, point: str) -> None:
    result = interrupted_at(project, point, "build")
    assert (result.returncode, result.stdout, result.stderr) == (130, "", "Interrupted.\n")
    assert not (project / "site").exists()
    assert leftovers(project) == []


@pytest.mark.parametrize("point", ["parse", "render", "write", "search"])
def test_ctrl_c_during_an_update_leaves_the_site_untouched(project: Path, point: str) -> None:
    assert pmgen(project, "build").returncode == 0
    before = tree(project / "site")
    write(
        project / "postmortems" / "2021-01-01-panne-0.md",
        POSTMORTEM.format(title="Panne renommée", date="2021-01-01"),
    )
    result = interrupted_at(project, point, "build")
    assert (result.returncode, result.stdout, result.stderr) == (130, "", "Interrupted.\n")
    assert tree(project / "site") == before
    assert leftovers(project) == []
    rebuilt = pmgen(project, "build")  # and the next build is a normal one
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "Panne renommée" in (project / "site" / "index.html").read_text(encoding="utf-8")


def test_ctrl_c_while_worker_processes_parse(project: Path) -> None:
    """Enough files to parse in several processes: none of them prints a traceback."""
    corpus(project / "postmortems", 60)
    result = interrupted_at(project, "parse", "build", "--no-cache", seconds=2)
    assert (result.returncode, result.stdout, result.stderr) == (130, "", "Interrupted.\n")
    assert not (project / "site").exists()


def test_ctrl_c_before_the_push_publishes_nothing(tmp_path: Path, project: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    write(project / "pmgen.toml", 'site_url = "https://pm.example.org"\n')
    git(project, "init", "--quiet", "--initial-branch=main")
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "Postmortems")
    git(project, "remote", "add", "origin", str(remote))
    refs = git(project, "for-each-ref")
    result = interrupted_at(project, "push", "publish")
    assert result.returncode == 130
    assert result.stderr.endswith(f"Pushing to origin gh-pages ({remote})…\nInterrupted.\n")
    assert git(project, "for-each-ref") == refs
    assert git(remote, "for-each-ref") == ""


# --- the progress bar -----------------------------------------------------------------------


def on_a_terminal(project: Path, **extra: str) -> tuple[int, str, str]:
    """`pmgen build` with its stderr on a pseudo-terminal: exit code, stdout, terminal."""
    import pty

    master, slave = pty.openpty()
    process = subprocess.Popen(
        [*COMMAND, "build", "--no-cache"],
        cwd=project,
        env=environment(project, **extra),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    stdout = process.stdout.read().decode() if process.stdout else ""
    process.wait(timeout=WAIT_SECONDS)
    return process.returncode, stdout, seen.decode()


def test_a_long_build_shows_a_progress_bar_on_a_terminal(project: Path) -> None:
    corpus(project / "postmortems", 60)
    code, stdout, terminal = on_a_terminal(project)
    assert code == 0, terminal
    assert "\r[##############################] 60/60 pages\r\n" in terminal
    assert stdout.startswith("Built 60 postmortems into site/")


def test_no_progress_bar_in_pipes_or_ci(project: Path) -> None:
    corpus(project / "postmortems", 60)
    piped = pmgen(project, "build", "--no-cache")
    assert piped.returncode == 0
    assert "pages" not in piped.stderr and "\r" not in piped.stderr
    code, _, terminal = on_a_terminal(project, CI="true")
    assert code == 0
    assert "pages" not in terminal


@pytest.mark.parametrize("point", ["parse", "render", "write"])
def test_sigterm_to_the_command_alone_cleans_up_like_ctrl_c(
    tmp_path: Path, project: Path, point: str
) -> None:
    """A cancelled CI job or `timeout` signals pmgen's own process, not its group: the same
    one line and exit code, and no staging folder, spill file or worker left behind."""
    corpus(project / "postmortems", 60)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    result = interrupted_at(project, point, "build", "--no-cache", alone=True, TMPDIR=str(scratch))
    assert (result.returncode, result.stdout, result.stderr) == (130, "", "Interrupted.\n")
    assert not (project / "site").exists()
    assert leftovers(project) == []
    assert sorted(path.name for path in scratch.iterdir()) == []
