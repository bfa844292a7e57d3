"""`pmgen publish` against a local bare repository as the remote (no network).

Each test builds a small git world in tmp_path: `remote.git` (bare), `work` (the user's
repository, with pmgen.toml and one clean postmortem), sometimes a second clone.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pmgen import __version__
from pmgen.cli import main
from pmgen.commands.publish import PublishOptions, publish_site
from pmgen.config import load_config

CLEAN = """---
title: Panne du site
date: 2021-09-22
---

## Contexte

Le site est servi par deux instances web.

## Chronologie

À 16:00 les connexions échouent.

## Enseignements

La mémoire des instances était trop juste.

## Analyse

Les instances swappaient en pointe.

## Travaux restants

Passer sur des instances plus grandes.
"""

CONFIG = 'site_url = "https://example.org/pm"\n'


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def configure(repo: Path) -> None:
    git(repo, "config", "user.name", "Test Writer")
    git(repo, "config", "user.email", "writer@example.org")
    git(repo, "config", "commit.gpgsign", "false")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def commit_all(repo: Path, message: str = "More postmortems") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", message)


def tip(repo: Path, ref: str) -> str:
    """The commit a ref points to, or "" when it does not exist."""
    result = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", ref],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip()


def files_on(repo: Path, ref: str) -> list[str]:
    return git(repo, "ls-tree", "-r", "--name-only", ref).splitlines()


@pytest.fixture(autouse=True)
def clean_git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)
    # Never find a repository above tmp_path (the "outside a repository" case relies on it).
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    return bare


@pytest.fixture
def work(tmp_path: Path, remote: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's repository on `main`, one commit, `origin` = the bare remote; cwd."""
    repo = tmp_path / "work"
    git(tmp_path, "init", "--quiet", "--initial-branch=main", str(repo))
    configure(repo)
    write(repo / "pmgen.toml", CONFIG)
    write(repo / "postmortems" / "2021-09-22-panne.md", CLEAN)
    write(repo / "README.md", "Nos postmortems.\n")
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "Postmortems")
    git(repo, "remote", "add", "origin", str(remote))
    monkeypatch.chdir(repo)
    return repo


def publish(*args: str) -> Result:
    return CliRunner().invoke(main, ["publish", *args], catch_exceptions=False)


def snapshot(repo: Path) -> tuple[str, bytes, str, str, str]:
    """What publish must never change: status, index bytes, HEAD, current branch, files."""
    index = (repo / ".git" / "index").read_bytes()  # read before anything could refresh it
    return (
        git(repo, "--no-optional-locks", "status", "--porcelain=v1", "--untracked-files=all"),
        index,
        tip(repo, "HEAD"),
        git(repo, "symbolic-ref", "HEAD"),
        git(repo, "diff", "HEAD"),
    )


# --- publishing -----------------------------------------------------------------------------


def test_first_publish_creates_the_branch_on_the_remote(work: Path, remote: Path) -> None:
    result = publish()
    assert result.exit_code == 0, result.output
    pushed = tip(remote, "refs/heads/gh-pages")
    assert pushed
    assert tip(work, "refs/heads/gh-pages") == pushed
    assert f"commit: {pushed}" in result.stdout
    assert "parent: none (new branch)" in result.stdout
    assert result.stdout.startswith("Published 1 postmortem, ")
    files = files_on(remote, "gh-pages")
    assert ".nojekyll" in files
    assert "index.html" in files
    assert "feed.xml" in files and "sitemap.xml" in files
    assert ".pmgen-site" not in files
    assert "CNAME" not in files
    assert not any(name.startswith(("postmortems/", "pmgen.toml", "README")) for name in files)
    assert git(remote, "log", "--format=%P%n%s%n%an", "gh-pages").splitlines() == [
        "",
        f"Publish postmortems (pmgen {__version__})",
        "Test Writer",
    ]
    feed = git(remote, "show", "gh-pages:feed.xml")
    assert "https://example.org/pm/" in feed
    assert not (work / "site").exists()  # built aside, not into the user's site/


def test_second_publish_adds_one_commit_on_top(work: Path, remote: Path) -> None:
    assert publish().exit_code == 0
    first = tip(remote, "refs/heads/gh-pages")
    write(work / "postmortems" / "2022-01-05-autre.md", CLEAN.replace("2021-09-22", "2022-01-05"))
    commit_all(work)
    result = publish("--message", "Deuxième publication")
    assert result.exit_code == 0, result.output
    second = tip(remote, "refs/heads/gh-pages")
    assert second != first
    assert git(remote, "rev-list", "--count", "gh-pages") == "2\n"
    assert git(remote, "rev-parse", f"{second}^") == f"{first}\n"
    assert git(remote, "log", "-1", "--format=%s", "gh-pages") == "Deuxième publication\n"
    assert f"parent: {first} (refs/heads/gh-pages)" in result.stdout
    assert tip(work, "refs/heads/gh-pages") == second
    assert result.stdout.startswith("Published 2 postmortems, ")


def test_nothing_changed_is_nothing_to_publish(work: Path, remote: Path) -> None:
    assert publish().exit_code == 0
    first = tip(remote, "refs/heads/gh-pages")
    refs_before = git(work, "for-each-ref")
    again = publish()
    assert again.exit_code == 0, again.output
    assert (
        again.stdout
        == f"Nothing to publish: origin gh-pages already holds this site ({first[:12]}).\n"
    )
    assert "Pushing" not in again.stderr
    assert git(remote, "rev-list", "--count", "gh-pages") == "1\n"  # no empty commit
    assert git(work, "for-each-ref") == refs_before


def test_same_content_gives_the_same_tree(work: Path, remote: Path) -> None:
    assert publish("--dry-run").exit_code == 0
    first = publish("--dry-run").stdout.split()[4]
    second = publish("--dry-run").stdout.split()[4]
    assert git(work, "rev-parse", f"{first}^{{tree}}") == git(
        work, "rev-parse", f"{second}^{{tree}}"
    )


def test_the_push_names_the_remote_and_branch_first(work: Path, remote: Path) -> None:
    result = publish()
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(f"Pushing to origin gh-pages ({remote})…\n")


def test_uncommitted_postmortems_are_listed_and_refused(
    work: Path, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(work / "postmortems" / "2022-01-05-autre.md", CLEAN.replace("2021-09-22", "2022-01-05"))
    write(work / "postmortems" / "2021-09-22-panne.md", CLEAN.replace("Panne", "Grosse panne"))
    write(work / "postmortems" / "images" / "graphe.png", "png")
    write(work / "postmortems" / "2022-03-01-brouillon.md", "---\nstatus: draft\n---\n")
    write(work / "postmortems" / ".DS_Store", "finder")
    write(work / "README.md", "Changed, not part of the site.\n")
    monkeypatch.chdir(work / "postmortems")  # paths are shown from where the user stands
    result = publish()
    assert result.exit_code == 2
    assert result.stderr == (
        "pmgen: publish builds the working tree, and these files differ from the last commit:\n"
        "  2021-09-22-panne.md (modified)\n"
        "  2022-01-05-autre.md (untracked)\n"
        "  images/graphe.png (untracked)\n"
        "Commit them first (the published site then matches the repository), or pass "
        "--include-uncommitted to publish them as they are.\n"
    )
    assert git(remote, "for-each-ref") == ""
    with_them = publish("--include-uncommitted")
    assert with_them.exit_code == 0, with_them.output
    assert with_them.stdout.startswith("Published 2 postmortems, ")


def test_a_deleted_postmortem_is_uncommitted_too(work: Path, remote: Path) -> None:
    (work / "postmortems" / "2021-09-22-panne.md").unlink()
    result = publish()
    assert result.exit_code == 2
    assert "  postmortems/2021-09-22-panne.md (deleted)\n" in result.stderr


def test_build_options_strict_drafts_and_src(work: Path, remote: Path) -> None:
    draft = CLEAN.replace("title: Panne du site", "title: Brouillon\nstatus: draft")
    write(
        work / "postmortems" / "2022-01-05-brouillon.md", draft.replace("2021-09-22", "2022-01-05")
    )
    write(work / "ailleurs" / "2023-01-01-autre.md", CLEAN.replace("2021-09-22", "2023-01-01"))
    write(work / "postmortems" / "2021-09-22-panne.md", CLEAN + "\nTODO\n")  # a warning
    commit_all(work)
    strict = publish("--strict")
    assert strict.exit_code == 1
    assert "build failed; nothing was committed or pushed" in strict.stderr
    assert "PM305" in strict.stderr
    assert git(remote, "for-each-ref") == ""
    drafts = publish("--drafts", "--dry-run")
    assert "  2 postmortems, " in drafts.stdout
    other = publish("--src", "ailleurs")
    assert other.exit_code == 0, other.output
    assert "2023/01/01/autre/index.html" in files_on(remote, "gh-pages")
    assert not any(name.startswith("2021/") for name in files_on(remote, "gh-pages"))


def test_a_changed_configuration_is_uncommitted_too(work: Path, remote: Path) -> None:
    write(work / "pmgen.toml", CONFIG + 'title = "Incidents"\n')
    result = publish()
    assert result.exit_code == 2
    assert "  pmgen.toml (modified)\n" in result.stderr


def test_publish_from_a_dirty_working_tree_touches_nothing(work: Path, remote: Path) -> None:
    write(work / "README.md", "Modifié, pas indexé.\n")
    write(work / "notes.txt", "non suivi\n")
    write(work / "postmortems" / "brouillon.md", CLEAN.replace("Panne", "Brouillon"))
    git(work, "add", "postmortems/brouillon.md")  # a staged change
    before = snapshot(work)
    assert " M README.md" in before[0] and "?? notes.txt" in before[0]
    assert "A  postmortems/brouillon.md" in before[0]
    result = publish("--include-uncommitted")
    assert result.exit_code == 0, result.output
    assert snapshot(work) == before
    assert (work / "notes.txt").read_text(encoding="utf-8") == "non suivi\n"
    assert tip(remote, "refs/heads/gh-pages")
    assert git(work, "branch", "--show-current") == "main\n"


def test_publish_from_a_subfolder(
    work: Path, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(work / "postmortems")
    result = publish()
    assert result.exit_code == 0, result.output
    assert "index.html" in files_on(remote, "gh-pages")


def test_cname_is_written(work: Path, remote: Path) -> None:
    result = publish("--cname", "pm.example.org")
    assert result.exit_code == 0, result.output
    assert "CNAME" in files_on(remote, "gh-pages")
    assert git(remote, "show", "gh-pages:CNAME") == "pm.example.org\n"


def test_a_cname_on_the_branch_is_kept(work: Path, remote: Path) -> None:
    assert publish("--cname", "pm.example.org").exit_code == 0
    write(work / "postmortems" / "2022-01-05-autre.md", CLEAN.replace("2021-09-22", "2022-01-05"))
    commit_all(work)
    result = publish()
    assert result.exit_code == 0, result.output
    assert "CNAME: pm.example.org" in result.stdout
    assert git(remote, "show", "gh-pages:CNAME") == "pm.example.org\n"
    assert publish("--cname", "incidents.example.org").exit_code == 0
    assert git(remote, "show", "gh-pages:CNAME") == "incidents.example.org\n"


def test_cname_must_be_a_domain(work: Path, remote: Path) -> None:
    result = publish("--cname", "https://pm.example.org/")
    assert result.exit_code == 2
    assert "bare domain" in result.stderr
    assert not tip(remote, "refs/heads/gh-pages")


def test_other_branch_and_remote_name(work: Path, remote: Path) -> None:
    git(work, "remote", "rename", "origin", "pages")
    result = publish("--remote", "pages", "--branch", "site")
    assert result.exit_code == 0, result.output
    assert tip(remote, "refs/heads/site") == tip(work, "refs/heads/site")
    assert not tip(remote, "refs/heads/gh-pages")


def test_a_fresh_clone_builds_on_the_remote_branch(
    work: Path, remote: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert publish().exit_code == 0
    first = tip(remote, "refs/heads/gh-pages")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(remote), str(clone))
    git(clone, "checkout", "--quiet", "-b", "main")
    configure(clone)
    write(clone / "pmgen.toml", CONFIG)
    write(clone / "postmortems" / "2021-09-22-panne.md", CLEAN)
    write(clone / "postmortems" / "2022-01-05-autre.md", CLEAN.replace("2021-09-22", "2022-01-05"))
    commit_all(clone)
    monkeypatch.chdir(clone)
    assert not tip(clone, "refs/heads/gh-pages")
    result = publish()
    assert result.exit_code == 0, result.output
    assert f"parent: {first} (refs/remotes/origin/gh-pages)" in result.stdout
    assert git(remote, "rev-parse", "gh-pages^") == f"{first}\n"


# --- dry run --------------------------------------------------------------------------------


def test_dry_run_pushes_nothing_and_moves_no_ref(work: Path, remote: Path) -> None:
    refs_before = git(work, "for-each-ref")
    before = snapshot(work)
    result = publish("--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Dry run: would push ")
    commit = result.stdout.split()[4]
    assert "to origin gh-pages" in result.stdout
    assert "parent: none (new branch)" in result.stdout
    assert "  1 postmortem, " in result.stdout
    assert "Nothing was pushed and no ref was updated." in result.stdout
    assert git(work, "cat-file", "-t", commit) == "commit\n"  # the object exists
    assert "index.html" in files_on(work, commit)
    assert git(work, "for-each-ref") == refs_before
    assert snapshot(work) == before
    assert git(remote, "for-each-ref") == ""


def test_dry_run_names_the_parent(work: Path, remote: Path) -> None:
    assert publish().exit_code == 0
    first = tip(work, "refs/heads/gh-pages")
    write(work / "postmortems" / "2022-01-05-autre.md", CLEAN.replace("2021-09-22", "2022-01-05"))
    commit_all(work)
    result = publish("--dry-run")
    assert result.exit_code == 0, result.output
    assert f"parent: {first} (refs/heads/gh-pages)" in result.stdout
    assert tip(work, "refs/heads/gh-pages") == first == tip(remote, "refs/heads/gh-pages")


# --- refusals and failures ------------------------------------------------------------------


def test_missing_site_url_is_refused(work: Path, remote: Path) -> None:
    write(work / "pmgen.toml", 'title = "Postmortems"\n')
    result = publish()
    assert result.exit_code == 2
    assert "site_url" in result.stderr
    assert "--base-url" in result.stderr
    assert not tip(remote, "refs/heads/gh-pages")
    assert not tip(work, "refs/heads/gh-pages")


def test_base_url_option_supplies_site_url(work: Path, remote: Path) -> None:
    write(work / "pmgen.toml", 'title = "Postmortems"\n')
    commit_all(work)
    result = publish("--base-url", "https://pm.example.com/incidents/")
    assert result.exit_code == 0, result.output
    assert "https://pm.example.com/incidents/" in git(remote, "show", "gh-pages:sitemap.xml")


def test_relative_site_url_is_refused(work: Path) -> None:
    result = publish("--base-url", "/pm")
    assert result.exit_code == 2
    assert "absolute http(s) URL" in result.stderr


def test_rejected_push_reports_git_and_keeps_the_local_ref(
    work: Path, remote: Path, tmp_path: Path
) -> None:
    assert publish().exit_code == 0
    stale = tip(work, "refs/heads/gh-pages")
    # Someone else publishes from another clone: the remote's branch moves on.
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", "--branch", "gh-pages", str(remote), str(other))
    configure(other)
    write(other / "extra.html", "<p>autre</p>\n")
    git(other, "add", "extra.html")
    git(other, "commit", "--quiet", "-m", "Someone else")
    git(other, "push", "--quiet", "origin", "gh-pages")
    theirs = tip(remote, "refs/heads/gh-pages")
    write(work / "postmortems" / "2022-01-05-autre.md", CLEAN.replace("2021-09-22", "2022-01-05"))
    commit_all(work)
    before = snapshot(work)
    result = publish()
    assert result.exit_code == 1
    assert "[rejected]" in result.stderr
    assert "failed to push some refs" in result.stderr
    assert "git fetch origin" in result.stderr
    assert "Traceback" not in result.output
    assert tip(work, "refs/heads/gh-pages") == stale
    assert tip(remote, "refs/heads/gh-pages") == theirs
    assert snapshot(work) == before
    # After a fetch, pmgen builds on top of their commit and the push goes through.
    git(work, "fetch", "--quiet", "origin")
    again = publish()
    assert again.exit_code == 0, again.output
    assert git(remote, "rev-parse", "gh-pages^") == f"{theirs}\n"
    assert tip(work, "refs/heads/gh-pages") == tip(remote, "refs/heads/gh-pages")


def test_build_failure_exits_1_and_pushes_nothing(work: Path, remote: Path) -> None:
    write(work / "postmortems" / "2022-02-02-casse.md", "---\ntitle: Sans fin\n\n## Contexte\n")
    refs_before = git(work, "for-each-ref")
    result = publish("--include-uncommitted")
    assert result.exit_code == 1
    assert "build failed; nothing was committed or pushed" in result.stderr
    assert "2022-02-02-casse.md" in result.stderr
    assert git(remote, "for-each-ref") == ""
    assert git(work, "for-each-ref") == refs_before


def test_outside_a_repository_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "plain"
    write(folder / "pmgen.toml", CONFIG)
    write(folder / "postmortems" / "2021-09-22-panne.md", CLEAN)
    monkeypatch.chdir(folder)
    result = publish()
    assert result.exit_code == 2
    assert "not inside a git repository" in result.stderr


def test_unknown_remote_is_refused(work: Path, remote: Path) -> None:
    result = publish("--remote", "upstream")
    assert result.exit_code == 2
    assert "no remote named 'upstream'" in result.stderr
    assert "remotes: origin" in result.stderr
    assert not tip(remote, "refs/heads/gh-pages")


def test_checked_out_branch_is_refused(work: Path, remote: Path) -> None:
    before = snapshot(work)
    result = publish("--branch", "main")
    assert result.exit_code == 2
    assert "checked out" in result.stderr
    assert snapshot(work) == before
    assert git(remote, "for-each-ref") == ""


@pytest.mark.parametrize("name", ["bad..name", "HEAD", "-x", "@{-1}", "a b", "x.lock"])
def test_invalid_branch_name_is_refused(work: Path, remote: Path, name: str) -> None:
    """Names git refuses for a branch, including those it takes as a ref (`HEAD` made every
    later git command ambiguous) and shorthands it would expand (`@{-1}`)."""
    git(work, "switch", "--quiet", "-c", "work")
    result = publish("--branch", name)
    assert result.exit_code == 2
    assert "not a valid branch name" in result.stderr
    assert git(remote, "for-each-ref") == ""
    assert git(work, "for-each-ref", "--format=%(refname)").split() == [
        "refs/heads/main",
        "refs/heads/work",
    ]


def test_a_branch_that_holds_the_postmortems_is_refused(work: Path, remote: Path) -> None:
    """`--branch main` from another branch would replace the sources with the site."""
    git(work, "push", "--quiet", "origin", "main")
    git(work, "switch", "--quiet", "-c", "work")
    before = (tip(work, "main"), tip(remote, "main"))
    result = publish("--branch", "main")
    assert result.exit_code == 2, result.output
    assert "holds this project's own files (pmgen.toml, postmortems)" in result.stderr
    assert (tip(work, "main"), tip(remote, "main")) == before
    assert publish().exit_code == 0  # gh-pages, a branch of its own, is fine
    assert publish("--branch", "gh-pages").exit_code == 0


def test_a_content_folder_outside_the_repository_is_uncommitted(
    work: Path, remote: Path, tmp_path: Path
) -> None:
    """Files outside the repository cannot be compared with a commit: refused like changes."""
    outside = tmp_path / "ailleurs"
    write(outside / "2024-05-01-secret.md", CLEAN)
    result = publish("--src", str(outside))
    assert result.exit_code == 2
    assert "(outside the repository)" in result.stderr
    assert git(remote, "for-each-ref") == ""
    assert publish("--src", str(outside), "--include-uncommitted").exit_code == 0


# --- interruptions --------------------------------------------------------------------------


def test_interrupted_before_the_push_changes_nothing(
    work: Path, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pmgen.commands.publish

    assert publish().exit_code == 0
    write(work / "postmortems" / "2022-01-05-autre.md", CLEAN.replace("2021-09-22", "2022-01-05"))
    commit_all(work)
    refs_before = git(work, "for-each-ref")
    remote_before = git(remote, "for-each-ref")
    before = snapshot(work)

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pmgen.commands.publish, "_push", interrupted)
    options = PublishOptions(site_url="https://example.org/pm")
    with pytest.raises(KeyboardInterrupt):
        publish_site(load_config(work), options, work, dt.date(2024, 1, 1))
    assert git(work, "for-each-ref") == refs_before
    assert git(remote, "for-each-ref") == remote_before
    assert snapshot(work) == before


@pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGKILL")
def test_killed_during_the_push_leaves_the_local_refs(work: Path, tmp_path: Path) -> None:
    """A real `pmgen publish` process, killed (SIGKILL) while git push talks to the remote."""
    started = tmp_path / "push-started"
    ssh = write(tmp_path / "slow-ssh", f"#!/bin/sh\ntouch '{started}'\nexec sleep 60\n")
    ssh.chmod(0o755)
    git(work, "remote", "add", "slow", "ssh://pages.invalid/site.git")
    refs_before = git(work, "for-each-ref")
    before = snapshot(work)
    env = {**os.environ, "GIT_SSH_COMMAND": str(ssh)}
    command = [sys.executable, "-m", "pmgen", "publish", "--remote", "slow"]
    process = subprocess.Popen(
        command,
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not started.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started.exists(), "git push never reached the remote"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert git(work, "for-each-ref") == refs_before
    assert snapshot(work) == before
    assert not tip(work, "refs/heads/gh-pages")
