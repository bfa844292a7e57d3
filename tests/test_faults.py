"""Faults: a killed build, a full disk, a read-only or vanishing folder, a broken configuration.

Each ends with one clear message and a documented exit code (0 built, 1 findings or a build
that cannot render a postmortem, 2 usage, configuration, output or internal error), and the
previous site exactly as it was. `pmgen publish` interrupted before the push is covered by
tests/test_publish.py (test_interrupted_before_the_push_changes_nothing and
test_killed_during_the_push_leaves_the_local_refs). `pmgen lint --fix` never loses a line.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pmgen.commands.parse
from pmgen.cli import main
from pmgen.commands.lint import run_lint
from pmgen.config import build_config
from pmgen.read.markdown import split_lines

SECTIONS = ("Contexte", "Chronologie", "Enseignements", "Analyse", "Travaux restants")
SITE_URL = "https://postmortems.example.org"


def postmortem(number: int, title: str = "") -> str:
    day = dt.date(2020, 1, 1) + dt.timedelta(days=number * 3)
    body = "".join(
        f"## {name}\n\n"
        + (
            "* 10:00 — Début.\n* 10:20 — Détection.\n* 11:30 — Fin.\n"
            if name == "Chronologie"
            else f"{name} de l'incident {number}. " * 12
        )
        + "\n\n"
        for name in SECTIONS
    )
    return (
        f"---\ntitle: {title or f'Incident {number}'}\ndate: {day}\nseverity: SEV{number % 4 + 1}\n"
        f"services: [svc-{number % 13}, web]\ntags: [t{number % 7}]\n---\n\n"
        f"Résumé de l'incident {number}.\n\n<!-- more -->\n\n{body}"
    )


def file_name(number: int) -> str:
    return f"{dt.date(2020, 1, 1) + dt.timedelta(days=number * 3)}-incident-{number:03d}.md"


def tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under a folder with the SHA-256 of its bytes (top folders in `skip` left out)."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).parts[0] not in skip
    }


def leftovers(output: Path) -> list[str]:
    """Staging or displaced folders of earlier builds beside the output folder."""
    return sorted(p.name for p in output.parent.glob(f".{output.name}.*"))


# --- SIGKILL at many moments of a real build ---------------------------------------------
#
# pmgen writes a site in one of two ways (pmgen/build.py): whole, into a staging folder swapped
# in at once (a first build, `--no-cache`, or a site someone touched), or in place, file by
# file (a later build of a site pmgen wrote and nobody touched: pmgen/sitefiles.py).

POSTMORTEMS = 400
MOMENTS = 10  # 2 while parsing and rendering, 8 spread over writing, indexing and the swap
WHOLE = ["build", "--no-cache"]


def start_build(project: Path, args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "pmgen", *args],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so SIGKILL reaches Pagefind and the parsing workers too
    )


def run_build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "pmgen", "build", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


def kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def staging(project: Path) -> list[Path]:
    return list(project.glob(".site.tmp-*"))


def timed_build(project: Path) -> tuple[float, float]:
    """Run a whole build; (seconds until its staging folder appears, seconds in all)."""
    process = start_build(project, WHOLE)
    started, appeared = time.monotonic(), None
    while process.poll() is None:
        if appeared is None and staging(project):
            appeared = time.monotonic() - started
        time.sleep(0.005)
    total = time.monotonic() - started
    assert process.returncode == 0
    assert appeared is not None, "the build never staged its site beside the output"
    return appeared, total


def kill_at(project: Path, moment: float, write_start: float) -> str:
    """Start a whole build and SIGKILL it `moment` seconds in (counted from the appearance of
    its staging folder when `moment` is past `write_start`); what it was doing then."""
    left = set(staging(project))  # what an earlier killed build left (this one removes it)

    def writing() -> bool:
        return bool(set(staging(project)) - left)

    process = start_build(project, WHOLE)
    started = time.monotonic()
    try:
        if moment >= write_start:
            while not writing() and process.poll() is None:
                time.sleep(0.002)
            time.sleep(moment - write_start)
        else:
            time.sleep(moment)
        state = "finished before the kill" if process.poll() is not None else "killed"
        if state == "killed":
            state += f" after {time.monotonic() - started:.2f} s" + (
                " while writing" if writing() else " with no staging folder (before or after)"
            )
    finally:
        kill(process)
    return state


@pytest.fixture(scope="module")
def big_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = tmp_path_factory.mktemp("big") / "postmortems"
    content.mkdir()
    for number in range(POSTMORTEMS):
        (content / file_name(number)).write_text(postmortem(number), encoding="utf-8")
    return content


@pytest.fixture
def big_project(big_content: Path, tmp_path: Path) -> Path:
    """A project of 400 postmortems (its own copy), with search, not built yet."""
    (tmp_path / "pmgen.toml").write_text(f'site_url = "{SITE_URL}"\n', encoding="utf-8")
    shutil.copytree(big_content, tmp_path / "postmortems")
    return tmp_path


@pytest.fixture
def mid_project(big_content: Path, tmp_path: Path) -> Path:
    """The first 120 of them: enough for an update (pages, then the search index) that lasts."""
    (tmp_path / "pmgen.toml").write_text(f'site_url = "{SITE_URL}"\n', encoding="utf-8")
    (tmp_path / "postmortems").mkdir()
    for number in range(120):
        shutil.copy(big_content / file_name(number), tmp_path / "postmortems")
    return tmp_path


def edit_every_postmortem(project: Path) -> None:
    """New content for every page, so an update rewrites the whole site in place."""
    for path in sorted((project / "postmortems").glob("*.md")):
        path.write_text(path.read_text(encoding="utf-8") + "\nUne ligne ajoutée.\n")


@pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGKILL")
def test_sigkill_during_a_whole_build_keeps_the_previous_site(big_project: Path) -> None:
    """Kill a real `pmgen build` of 400 postmortems at 10 moments, from parsing to the swap.

    After each kill the site is byte for byte the previous one, or (a kill that came after
    the atomic swap) the complete new one; the next build starts from what the killed one
    left behind, and the last one succeeds and leaves no staging folder.
    """
    project, site = big_project, big_project / "site"
    write_start, total = timed_build(project)
    assert total > 1, f"the build took {total:.2f} s: too quick to be killed mid-way"
    previous = tree(site)
    # The killed builds build new content: a changed title, so the two sites differ.
    (project / "postmortems" / file_name(0)).write_text(
        postmortem(0, "Incident zéro, titre corrigé"), encoding="utf-8"
    )
    moments = [write_start * 0.3, write_start * 0.8] + [
        write_start + (total - write_start) * (step + 0.5) / (MOMENTS - 2)
        for step in range(MOMENTS - 2)
    ]
    seen = [(kill_at(project, moment, write_start), tree(site)) for moment in moments]
    run_build(project, *WHOLE[1:])
    assert leftovers(site) == [], "the next build left staging folders behind"
    new = tree(site, skip=("pagefind",))  # Pagefind's bytes differ from one run to the next
    killed = [state for state, _ in seen if state.startswith("killed")]
    assert len(killed) >= MOMENTS // 2, f"too few kills landed: {[s for s, _ in seen]}"
    assert any("while writing" in state for state in killed), killed
    for state, found in seen:
        after_swap = {k: v for k, v in found.items() if not k.startswith("pagefind/")} == new
        assert found == previous or after_swap, f"{state}: the site is neither old nor new"
        if found != previous:
            previous = found  # the kill came after the swap: the new site is now the old one


def kill_mid_update(project: Path, delay: float | None = None) -> dict[str, str]:
    """Build, edit every postmortem, start the update and SIGKILL it: after `delay` seconds,
    or as soon as its staging folder appears; the site's tree before the update."""
    site = project / "site"
    run_build(project)
    previous = tree(site)
    edit_every_postmortem(project)
    process = start_build(project, ["build"])
    try:
        deadline = time.monotonic() + 120
        if delay is not None:
            time.sleep(delay)
        else:
            while not staging(project) and process.poll() is None:
                assert time.monotonic() < deadline, "the update never staged its site"
                time.sleep(0.001)
    finally:
        kill(process)
    return previous


@pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGKILL")
@pytest.mark.parametrize("delay", [None, 0.3, 0.8, 1.5, 3.0])
def test_sigkill_during_an_update_leaves_the_previous_or_the_new_site(
    mid_project: Path, tmp_path_factory: pytest.TempPathFactory, delay: float | None
) -> None:
    """An update stages the new site beside the old one and swaps it in whole: killed at any
    moment, the site is byte for byte the previous one, or the complete new one."""
    previous = kill_mid_update(mid_project, delay)
    now = tree(mid_project / "site")
    if now != previous:
        fresh = tmp_path_factory.mktemp("fresh")
        shutil.copytree(mid_project / "postmortems", fresh / "postmortems")
        shutil.copy(mid_project / "pmgen.toml", fresh / "pmgen.toml")
        run_build(fresh, "--no-cache")
        assert now == tree(fresh / "site"), "the site is neither the previous nor the new one"


@pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGKILL")
def test_the_build_after_a_killed_update_repairs_the_site(mid_project: Path) -> None:
    """Whatever a killed update left, the next build gives the same site as a cold build."""
    kill_mid_update(mid_project)
    run_build(mid_project)
    assert leftovers(mid_project / "site") == []
    run_build(mid_project, "--no-cache", "--out", "cold")
    assert tree(mid_project / "site", skip=("pagefind",)) == tree(
        mid_project / "cold", skip=("pagefind",)
    )


# --- faults reported through the CLI -----------------------------------------------------
#
# Each fault is tried on both ways of writing: "whole" (`--no-cache`: staging, then swap) and
# "update" (in place). The site was built once; one postmortem's title changed since, so every
# page that lists it must be written again.

MODES = {"whole": ["build", "--no-cache"], "update": ["build"]}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small built project (the working folder) with an image; then one title changes."""
    (tmp_path / "pmgen.toml").write_text(
        f'site_url = "{SITE_URL}"\nsearch = false\n', encoding="utf-8"
    )
    content = tmp_path / "postmortems"
    content.mkdir()
    for number in range(6):
        text = postmortem(number)
        if number == 0:
            text += "\n![Le graphique](graphique.png)\n"
        (content / file_name(number)).write_text(text, encoding="utf-8")
    (content / "graphique.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    (content / file_name(1)).write_text(postmortem(1, "Incident un, renommé"), encoding="utf-8")
    return tmp_path


def build_fails_cleanly(project: Path, args: list[str], code: int, *expected: str) -> str:
    """`pmgen ARGS` exits with `code`, says each expected text, shows no traceback and
    leaves the previous site byte for byte (and no staging folder)."""
    site = project / "site"
    before = tree(site)
    result = CliRunner().invoke(main, args)
    output = result.output
    assert result.exit_code == code, output
    assert "Traceback" not in output and "internal error" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    for text in expected:
        assert text in output, output
    assert leftovers(site) == []
    assert tree(site) == before, "the previous site changed"
    return output


def probe_read_only(folder: Path) -> bool:
    """True when creating a file in `folder` is refused (chmod does not stop root)."""
    try:
        (folder / ".probe").write_bytes(b"")
    except OSError:
        return True
    (folder / ".probe").unlink()
    return False


def unshare_read_only() -> list[str] | None:
    """A command prefix that runs a command with its working folder mounted read-only (a
    private mount namespace, no privileges needed), or None where that is not possible."""
    if not shutil.which("unshare"):
        return None
    with tempfile.TemporaryDirectory() as folder:
        probe = subprocess.run(
            [
                "unshare",
                "-rm",
                "sh",
                "-c",
                'mount --bind -o ro "$0" "$0" && ! touch "$0/x"',
                folder,
            ],
            capture_output=True,
            check=False,
        )
    if probe.returncode != 0:
        return None
    return ["unshare", "-rm", "sh", "-c", 'mount --bind -o ro "$PWD" "$PWD" && exec "$0" "$@"']


def test_read_only_project(project: Path) -> None:
    """Really read-only: chmod 555 (not as root), else a read-only bind mount (unshare)."""
    site = project / "site"
    before = tree(site)
    project.chmod(0o555)
    try:
        if probe_read_only(project):
            prefix: list[str] = []
        else:
            project.chmod(0o755)
            found = unshare_read_only()
            if found is None:
                pytest.skip("running as root without mount namespaces: chmod stops nothing")
            prefix = found
        done = subprocess.run(
            [*prefix, sys.executable, "-m", "pmgen", "build"],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    finally:
        project.chmod(0o755)
    assert tree(site) == before
    assert leftovers(site) == []
    assert "Traceback" not in done.stderr
    assert done.returncode == 2, done.stderr
    assert "internal error" not in done.stderr, done.stderr
    assert f"cannot write the site to {site}: Read-only file system" in done.stderr


def fail_after(after: int, error: int) -> Callable[[Any], Any]:
    """Wrap a function that writes one file so that it fails with `error` from call
    `after + 1` on (after `after` files were written)."""

    def wrap(real: Any) -> Any:
        calls = {"n": 0}

        def failing(*args: Any, **kwargs: Any) -> Any:
            calls["n"] += 1
            if calls["n"] > after:
                raise OSError(error, os.strerror(error), str(args[1]))
            return real(*args, **kwargs)

        return failing

    return wrap


def patch_writes(monkeypatch: pytest.MonkeyPatch, after: int, error: int) -> None:
    """Make the write of one site file fail after `after` files, on both ways of writing."""
    import pmgen.write.incremental
    import pmgen.write.whole

    monkeypatch.setattr(
        pmgen.write.whole, "_write", fail_after(after, error)(pmgen.write.whole._write)
    )
    monkeypatch.setattr(
        pmgen.write.incremental,
        "_replace",
        fail_after(after, error)(pmgen.write.incremental._replace),
    )


MESSAGES = {
    "whole": "the previous site is unchanged",
    "update": "the previous site is unchanged",
}


@pytest.mark.parametrize(
    ("mode", "after"),
    [
        ("whole", 0),
        ("whole", 5),
        ("whole", 20),
        ("update", 0),
        pytest.param("update", 3, marks=()),
    ],
)
def test_full_disk(project: Path, monkeypatch: pytest.MonkeyPatch, mode: str, after: int) -> None:
    """ENOSPC once `after` files were written: one clear message, exit 2, the site intact."""
    patch_writes(monkeypatch, after, errno.ENOSPC)
    build_fails_cleanly(project, MODES[mode], 2, "No space left on device", MESSAGES[mode])


@pytest.mark.parametrize("mode", MODES)
def test_read_only_output_from_the_start(
    project: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """EROFS on the first file, as a read-only mount gives (simulated: root writes anywhere)."""
    patch_writes(monkeypatch, 0, errno.EROFS)
    build_fails_cleanly(project, MODES[mode], 2, "Read-only file system", MESSAGES[mode])


def test_read_only_output_parent_simulated(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """EROFS on every folder created beside the site (the staging folder), as a read-only
    mount of the parent gives."""
    real = os.mkdir

    def mkdir(path: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(os.fsdecode(path)).parent == project and ".site." in os.fsdecode(path):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fsdecode(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", mkdir)
    build_fails_cleanly(
        project, MODES["whole"], 2, f"cannot write the site to {project / 'site'}: Read-only"
    )


def test_swap_refused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The finished site cannot be put in place (renameat2 and rename refused)."""
    import pmgen.write.whole

    real = os.rename

    def rename(source: Any, target: Any) -> Any:
        if ".site.tmp-" in os.fsdecode(source):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fsdecode(source))
        return real(source, target)

    monkeypatch.setattr(pmgen.write.whole, "exchange_folders", lambda first, second: False)
    monkeypatch.setattr(os, "rename", rename)
    build_fails_cleanly(
        project, MODES["whole"], 2, "Read-only file system", "the previous site is unchanged"
    )


@pytest.mark.parametrize("mode", MODES)
def test_content_file_deleted_after_discovery(
    project: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """A postmortem that vanishes mid-build is PM001; the build stops with exit 1."""
    real = pmgen.commands.parse.discover
    victim = project / "postmortems" / file_name(3)

    def discover_then_delete(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        victim.unlink(missing_ok=True)
        return found

    monkeypatch.setattr(pmgen.commands.parse, "discover", discover_then_delete)
    build_fails_cleanly(
        project,
        MODES[mode],
        1,
        f"postmortems/{file_name(3)}:1:1: PM001 [unreadable-file] cannot read the file: "
        "No such file or directory",
        "build failed (these postmortems cannot be rendered); the previous site is unchanged",
    )


@pytest.mark.parametrize("mode", MODES)
def test_content_file_made_unreadable_mid_build(
    project: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """Permission refused on one postmortem (simulated: root reads any file): PM001, exit 1."""
    real = Path.read_bytes
    victim = (project / "postmortems" / file_name(2)).resolve()

    def read_bytes(self: Path) -> bytes:
        if self.resolve() == victim:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    (project / "postmortems" / file_name(2)).write_text(postmortem(2, "Deux"), encoding="utf-8")
    build_fails_cleanly(
        project,
        MODES[mode],
        1,
        f"postmortems/{file_name(2)}:1:1: PM001 [unreadable-file] cannot read the file: "
        "Permission denied",
    )


@pytest.mark.parametrize("mode", MODES)
def test_image_deleted_before_it_is_copied(
    project: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """The image a postmortem shows disappears after its page was rendered."""
    import pmgen.pages.assemble

    image = project / "postmortems" / "graphique.png"
    real = pmgen.pages.assemble.assemble

    def assemble_then_delete(*args: Any, **kwargs: Any) -> Any:
        built = real(*args, **kwargs)
        image.unlink()
        return built

    monkeypatch.setattr(pmgen.pages.assemble, "assemble", assemble_then_delete)
    build_fails_cleanly(project, MODES[mode], 2, "No such file or directory", "graphique.png")


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('site_url = "https://x.example\n', "the configuration is not valid TOML"),
        ("site_url = https://x.example\n", "the configuration is not valid TOML"),
        ("[lint\n", "the configuration is not valid TOML"),
        ("title = 'a'\ntitle = 'b'\n", "the configuration is not valid TOML"),
        (b"title = '\xff'\n", "the configuration is not valid TOML"),
        ("sortie = 'site'\n", "unknown key"),
        ("html = 'raw'\n", "`html` must be one of"),
    ],
    ids=[
        "unclosed-string",
        "bare-value",
        "unclosed-table",
        "duplicate-key",
        "not-utf8",
        "unknown-key",
        "bad-value",
    ],
)
def test_broken_configuration(project: Path, config: str | bytes, expected: str) -> None:
    """One line naming the file, exit 2, the site untouched."""
    path = project / "pmgen.toml"
    path.write_bytes(config if isinstance(config, bytes) else config.encode())
    output = build_fails_cleanly(project, ["build"], 2, f"pmgen: {path}", expected)
    assert output.count("\n") == 1, output


def test_bad_source_date_epoch(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "demain")
    build_fails_cleanly(
        project, ["build"], 2, "pmgen: SOURCE_DATE_EPOCH must be a number of seconds, not 'demain'."
    )


@pytest.mark.parametrize("mode", ["whole", pytest.param("update", marks=())])
def test_interrupted_build_leaves_the_previous_site(
    project: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """Ctrl-C in the middle of writing: the staging folder goes, the site stays."""
    import pmgen.write.incremental
    import pmgen.write.whole

    def interrupt_after(real: Any) -> Any:
        calls = {"n": 0}

        def write(*args: Any, **kwargs: Any) -> Any:
            calls["n"] += 1
            if calls["n"] > 3:
                raise KeyboardInterrupt
            return real(*args, **kwargs)

        return write

    monkeypatch.setattr(pmgen.write.whole, "_write", interrupt_after(pmgen.write.whole._write))
    monkeypatch.setattr(
        pmgen.write.incremental, "_replace", interrupt_after(pmgen.write.incremental._replace)
    )
    site = project / "site"
    before = tree(site)
    result = CliRunner().invoke(main, MODES[mode])
    assert (result.exit_code, result.output) == (1, "\nAborted!\n")  # click's Ctrl-C
    assert leftovers(site) == []
    assert tree(site) == before


# --- lint --fix never loses content ------------------------------------------------------

HEADINGS = (
    "Contexte",
    "Context",
    "Chronologie",
    "Timeline",
    "Enseignements",
    "Lessons learned",
    "Analyse",
    "Analysis",
    "Travaux restants",
    "Action items",
    "1. Contexte :",
    "**Analyse**",
    "Chronologie (CEST)",
)
LINES = st.one_of(
    st.builds(
        lambda level, text: f"{'#' * level} {text}",
        st.integers(1, 4),
        st.sampled_from(HEADINGS),
    ),
    st.sampled_from(
        [
            "",
            "Un paragraphe.",
            "* une puce",
            "* [ ] une action @alice",
            "```",
            "~~~",
            "    du code indenté",
            "<!-- un commentaire -->",
            "<!--",
            "-->",
            "> une citation",
            "---",
            "Titre souligné",
            "===",
            "| a | b |",
            "|---|---|",
            "<details>",
            "</details>",
            "\t",
            " ",
        ]
    ),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=30),
)
FRONT = st.sampled_from(
    [
        "",
        "---\ntitle: Panne\ndate: 2024-01-01\n---\n",
        "---\ntitle: Outage\ndate: 2024-01-01\nlang: en\n---\n",
        "---\ntitle: Panne\ndate: 2024-01-01\nstatus: draft\n---\n",
        '+++\ntitle = "Panne"\ndate = 2024-01-01\n+++\n',
        "---\ntitle: [cassé\n---\n",
    ]
)


@st.composite
def documents(draw: Any) -> bytes:
    """A postmortem-like document: front matter, headings of the five sections in any order
    and presence, prose and traps (fences, comments), LF, CRLF or CR, perhaps a BOM and no
    final line ending."""
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    lines = draw(FRONT).split("\n")[:-1] + draw(st.lists(LINES, max_size=25))
    mixed = draw(st.booleans())
    text = ""
    for line in lines:
        text += line + (draw(st.sampled_from(["\n", "\r\n"])) if mixed else ending)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    bom = b"\xef\xbb\xbf" if draw(st.booleans()) else b""
    return bom + text.encode("utf-8")


def contains_in_order(haystack: list[str], needles: list[str]) -> bool:
    position = 0
    for needle in needles:
        try:
            position = haystack.index(needle, position) + 1
        except ValueError:
            return False
    return True


@pytest.fixture(scope="module")
def fix_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("fix")


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(documents())
def test_lint_fix_never_loses_a_line(fix_folder: Path, data: bytes) -> None:
    """The fixed file holds every line of the original, in order, and keeps its BOM."""
    path = fix_folder / "2024-01-01-panne.md"
    path.write_bytes(data)
    config = build_config({"content": "."}, fix_folder, None)
    run_lint([path], config, fix_folder, dt.date(2024, 6, 1), fix=True)
    fixed = path.read_bytes()
    assert fixed.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
    before = split_lines(data.decode("utf-8-sig"))
    after = split_lines(fixed.decode("utf-8-sig"))
    if before and before[-1] == "":
        before = before[:-1]  # the empty "line" after a final line ending
    assert contains_in_order(after, before), (before, after)


def test_lint_fix_twice_changes_nothing_after_an_unclosed_fence(tmp_path: Path) -> None:
    path = tmp_path / "2024-01-01-panne.md"
    path.write_bytes(b"---\ntitle: Panne\ndate: 2024-01-01\n---\n\n```\nune trace\n")
    config = build_config({"content": "."}, tmp_path, None)
    report = run_lint([path], config, tmp_path, dt.date(2024, 6, 1), fix=True)
    once = path.read_bytes()
    run_lint([path], config, tmp_path, dt.date(2024, 6, 1), fix=True)
    assert path.read_bytes() == once, "a second --fix inserted the sections again"
    assert not [d for d in report.diagnostics if d.code == "PM201"]
