"""The publish use case: build for the web, commit the site to a branch, push it.

As `mkdocs gh-deploy` does, the site becomes one new commit on top of the branch's history.
Only git plumbing is used (a temporary index, `hash-object`, `write-tree`, `commit-tree`,
`push`, `update-ref`), so the user's working tree, index and current branch are never touched.
The local branch moves only after the remote accepted the push: an interruption or a rejection
leaves every local ref as it was (at most a few unreferenced objects remain for `git gc`).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from pmgen import __version__
from pmgen.commands.build import BuildOptions, BuildResult, build_site
from pmgen.commands.git import git_output, run_git
from pmgen.config import Config, site_url_problem
from pmgen.errors import PmgenError
from pmgen.pauses import pause_point
from pmgen.processes import Finished
from pmgen.read.fields import read_fields
from pmgen.read.files import MARKDOWN_SUFFIXES, display_path, read_document
from pmgen.write.whole import MARKER

DEFAULT_MESSAGE = f"Publish postmortems (pmgen {__version__})"
# Written into every published tree: GitHub Pages must serve the files as they are.
NOJEKYLL = ".nojekyll"


@dataclass(frozen=True, slots=True)
class PublishOptions:
    """Where to publish and how."""

    site_url: str
    branch: str = "gh-pages"
    remote: str = "origin"
    message: str = DEFAULT_MESSAGE
    cname: str = ""
    dry_run: bool = False
    updated: dt.datetime | None = None
    source: Path | None = None  # default: the configured content folder
    drafts: bool = False
    strict: bool = False
    # Publish the working tree even where it differs from the last commit.
    include_uncommitted: bool = False


@dataclass(frozen=True, slots=True)
class PublishResult:
    """The build's outcome and, when it succeeded, the commit made (and pushed unless dry)."""

    build: BuildResult
    branch: str
    remote: str
    commit: str = ""
    parent: str = ""  # empty: the commit starts the branch
    parent_ref: str = ""  # the ref the parent was read from
    files: int = 0
    cname: str = ""  # the CNAME published, from --cname or kept from the branch
    pushed: bool = False
    unchanged: bool = False  # the branch already holds exactly this site: no commit made
    remote_url: str = ""

    @property
    def ok(self) -> bool:
        """True when the site was built (and committed)."""
        return self.build.ok


class PushRejected(PmgenError):
    """The remote refused the push (or could not be reached); git's message is included."""


class Uncommitted(PmgenError):
    """Files the site is built from differ from the last commit (see `uncommitted_files`)."""


@dataclass(frozen=True, slots=True)
class _Target:
    """The repository and branch being published to, checked before anything is built."""

    git_dir: Path
    ref: str  # refs/heads/<branch>
    tracking: str  # refs/remotes/<remote>/<branch>
    local_tip: str  # current value of `ref`, empty when the branch does not exist locally


def publish_site(
    config: Config, options: PublishOptions, cwd: Path, today: dt.date
) -> PublishResult:
    """Build the site aside, commit it on top of `options.branch` and push it."""
    prepared = prepare_publish(config, options, cwd, today)
    if not prepared.ok or prepared.unchanged or options.dry_run:
        return prepared
    return push_published(prepared, options, cwd)


def prepare_publish(
    config: Config, options: PublishOptions, cwd: Path, today: dt.date
) -> PublishResult:
    """Check, build aside and commit the site on top of `options.branch`; push nothing.

    No commit is made when the branch already holds exactly this site (`unchanged`).
    """
    site_url = _checked_site_url(options.site_url)
    cname = _checked_cname(options.cname)
    source = options.source or config.content
    if not source.is_dir():
        raise PmgenError(f"{source}: the content folder does not exist.")
    target = _target(options, cwd)
    if not options.include_uncommitted:
        changed = uncommitted_files(config, source, options.drafts, cwd)
        if changed:
            listed = "".join(f"\n  {line}" for line in changed)
            raise Uncommitted(
                "publish builds the working tree, and these files differ from the last "
                f"commit:{listed}\nCommit them first (the published site then matches the "
                "repository), or pass --include-uncommitted to publish them as they are."
            )
    parent_ref, parent = _parent(target, cwd)
    if parent:
        _refuse_a_branch_of_sources(options.branch, parent, config, source, cwd)
    # A CNAME already on the branch (GitHub's settings page writes one) survives a publish
    # without --cname: dropping it would silently take the custom domain down.
    cname = cname or (_kept_cname(parent, cwd) if parent else "")
    with tempfile.TemporaryDirectory(prefix="pmgen-publish-") as scratch:
        site = Path(scratch) / "site"
        build_options = BuildOptions(
            source,
            site,
            site_url,
            drafts=options.drafts,
            strict=options.strict,
            updated=options.updated,
        )
        built = build_site(config, build_options, cwd, today)
        if not built.ok:
            return PublishResult(built, options.branch, options.remote)
        (site / MARKER).unlink(missing_ok=True)  # a local-build marker, not part of the site
        (site / NOJEKYLL).write_bytes(b"")
        if cname:
            (site / "CNAME").write_text(f"{cname}\n", encoding="utf-8")
        tree, files = _write_tree(target.git_dir, site, Path(scratch) / "index")
    url = _run(["remote", "get-url", options.remote], cwd).stdout.strip()
    result = PublishResult(
        built, options.branch, options.remote, "", parent, parent_ref, files, cname
    )
    result = replace(result, remote_url=url)
    if parent and _git(["rev-parse", f"{parent}^{{tree}}"], cwd).strip() == tree:
        return replace(result, unchanged=True)  # a second commit would change nothing
    parents = ["-p", parent] if parent else []
    message = options.message.strip() or DEFAULT_MESSAGE
    commit = _git(["commit-tree", tree, *parents, "-m", message], cwd).strip()
    return replace(result, commit=commit)


def push_published(prepared: PublishResult, options: PublishOptions, cwd: Path) -> PublishResult:
    """Push the prepared commit; only then move the local branch (if nobody moved it)."""
    target = _target(options, cwd)
    pause_point("push")
    _push(options, target, prepared.commit, cwd)
    moved = _run(
        ["update-ref", "-m", "pmgen publish", target.ref, prepared.commit, target.local_tip], cwd
    )
    if moved.code != 0:
        raise PmgenError(
            f"published {prepared.commit[:12]} to {options.remote}, but the local branch "
            f"{options.branch!r} changed meanwhile and was left alone:\n{moved.stderr.rstrip()}"
        )
    return replace(prepared, pushed=True)


_STATES = {"?": "untracked", "A": "added", "M": "modified", "D": "deleted", "R": "renamed"}


def uncommitted_files(config: Config, source: Path, drafts: bool, cwd: Path) -> list[str]:
    """What the site is built from (content, configuration, the site's templates) and differs
    from HEAD: `path (state)` lines, paths relative to `cwd`. Drafts left out do not count."""
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    watched = [source, config.root / "templates"]
    if config.source is not None:
        watched.append(config.source)
    existing = [p.resolve() for p in watched if p.exists()]
    inside = [p for p in existing if p.is_relative_to(top)]
    # Outside the repository nothing can be compared with a commit: say so, as for a change.
    found = [
        f"{display_path(p, cwd)} (outside the repository)" for p in existing if p not in inside
    ]
    if not inside:
        return found
    paths = [str(p.relative_to(top)) or "." for p in inside]
    status = _git(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *paths], top)
    entries = iter(status.split("\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        code, name = entry[:2], entry[3:]
        if "R" in code or "C" in code:
            next(entries, None)  # the rename's old name
        path = top / name
        if any(part.startswith(".") for part in Path(name).parts):
            continue  # hidden files are never part of the site
        if not drafts and "D" not in code and _is_draft(path, config):
            continue  # left out of the site anyway
        state = next((_STATES[c] for c in code if c in _STATES), "changed")
        found.append(f"{display_path(path, cwd)} ({state})")
    return found


def _refuse_a_branch_of_sources(
    branch: str, parent: str, config: Config, source: Path, cwd: Path
) -> None:
    """A branch whose last commit holds the project's configuration or content folder is the
    project itself (`--branch main` by mistake): publishing would replace it with the site."""
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    own = [source, *([config.source] if config.source is not None else [])]
    paths = [str(p.resolve().relative_to(top)) for p in own if p.resolve().is_relative_to(top)]
    paths = [path for path in paths if path != "."]
    if not paths:
        return
    held = [
        name
        for name in _git(["ls-tree", "--name-only", parent, "--", *paths], top).split("\n")
        if name
    ]
    if held:
        raise PmgenError(
            f"branch {branch!r} holds this project's own files ({', '.join(held)}): "
            "publishing would replace them with the built site. Publish to a branch of its "
            "own (the default, gh-pages), or choose another with --branch."
        )


def _is_draft(path: Path, config: Config) -> bool:
    """True for a Markdown file whose front matter says `status: draft`."""
    if path.suffix.lower() not in MARKDOWN_SUFFIXES:
        return False
    document = read_document(path, path.parent, path.name).document
    if document is None or not document.front_matter_valid:
        return False
    return read_fields(document, None, config.lang)[0].is_draft


def _checked_site_url(site_url: str) -> str:
    if not site_url:
        raise PmgenError(
            "publishing needs `site_url`, the absolute URL the site will be served at (the "
            "feed and sitemap need absolute links). Set `site_url = "
            '"https://example.org/postmortems"` in pmgen.toml, or pass --base-url.'
        )
    problem = site_url_problem(site_url)
    if problem:
        raise PmgenError(f"`site_url` {problem}.")
    return site_url.rstrip("/")


def _checked_cname(cname: str) -> str:
    cname = cname.strip()
    if any(char in cname for char in "/:@ \t\r\n"):
        raise PmgenError(
            f"--cname takes a bare domain such as pm.example.org, not {cname!r} "
            "(no scheme, path or port)."
        )
    return cname


def _target(options: PublishOptions, cwd: Path) -> _Target:
    """Check the repository, remote and branch; refuse a branch checked out in a work tree."""
    found = _run(["rev-parse", "--absolute-git-dir"], cwd)
    if found.code != 0:
        raise PmgenError(
            f"{cwd} is not inside a git repository. pmgen publish commits the site to a branch "
            "of the repository you run it from and pushes it; run it from your postmortems "
            "repository, or use `pmgen build` and copy site/ (see docs/publishing.md)."
        )
    git_dir = Path(found.stdout.strip())
    remotes = _git(["remote"], cwd).split()
    if options.remote not in remotes:
        known = f" (remotes: {', '.join(remotes)})" if remotes else " (it has no remote at all)"
        raise PmgenError(
            f"this repository has no remote named {options.remote!r}{known}. Add one with "
            f"`git remote add {options.remote} URL`, or choose another with --remote."
        )
    ref = f"refs/heads/{options.branch}"
    # `--branch` also refuses names git accepts as refs but not as branches (HEAD, -x), and
    # expands shorthands (@{-1}): the name must come back unchanged.
    named = _run(["check-ref-format", "--branch", options.branch], cwd) if options.branch else None
    if named is None or named.code != 0 or named.stdout.strip() != options.branch:
        raise PmgenError(f"{options.branch!r} is not a valid branch name.")
    worktrees = _git(["worktree", "list", "--porcelain"], cwd).splitlines()
    if f"branch {ref}" in worktrees:
        raise PmgenError(
            f"branch {options.branch!r} is checked out in a work tree of this repository; "
            "publishing replaces its content. Switch that work tree to the branch that holds "
            "your postmortems (e.g. `git switch main`) and publish from there."
        )
    tracking = f"refs/remotes/{options.remote}/{options.branch}"
    return _Target(git_dir, ref, tracking, _tip(ref, cwd))


def _write_tree(git_dir: Path, site: Path, index: Path) -> tuple[str, int]:
    """Store every file of `site` as a blob and write one tree, through a throwaway index."""
    files = sorted(p for p in site.rglob("*") if p.is_file())
    names = [p.relative_to(site).as_posix() for p in files]
    for name in names:
        if "\n" in name or "\0" in name:
            raise PmgenError(f"cannot publish a file whose name contains a line break: {name!r}")
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE")}
    env["GIT_INDEX_FILE"] = str(index)
    base = [f"--git-dir={git_dir}", f"--work-tree={site}"]
    # --no-filters: the exact bytes, whatever autocrlf or attributes the repository sets.
    paths = "".join(f"{p}\n" for p in files)
    blobs = _git([*base, "hash-object", "-w", "--no-filters", "--stdin-paths"], site, paths, env)
    entries = "".join(
        f"100644 blob {blob}\t{name}\0" for blob, name in zip(blobs.split(), names, strict=True)
    )
    _git([*base, "update-index", "--add", "-z", "--index-info"], site, entries, env)
    return _git([*base, "write-tree"], site, env=env).strip(), len(files)


def _parent(target: _Target, cwd: Path) -> tuple[str, str]:
    """The ref and commit to build on: the local branch, unless the remote-tracking branch has
    moved ahead of it (after a `git fetch`); the remote-tracking branch when there is no local
    one; nothing (a root commit) when neither exists."""
    remote_tip = _tip(target.tracking, cwd)
    if target.local_tip:
        ahead = (
            remote_tip
            and remote_tip != target.local_tip
            and _run(["merge-base", "--is-ancestor", target.local_tip, remote_tip], cwd).code == 0
        )
        return (target.tracking, remote_tip) if ahead else (target.ref, target.local_tip)
    if remote_tip:
        return target.tracking, remote_tip
    return "", ""


def _push(options: PublishOptions, target: _Target, commit: str, cwd: Path) -> None:
    pushed = _run(["push", options.remote, f"{commit}:{target.ref}"], cwd)
    if pushed.code != 0:
        state = f"still at {target.local_tip[:12]}" if target.local_tip else "still absent"
        raise PushRejected(
            f"the push to {options.remote!r} failed; nothing changed locally "
            f"({options.branch} {state}). git said:\n{pushed.stderr.rstrip()}\n"
            f"If someone else published meanwhile, run `git fetch {options.remote}` and "
            "publish again: pmgen then builds on top of their commit."
        )


def _kept_cname(parent: str, cwd: Path) -> str:
    found = _run(["cat-file", "blob", f"{parent}:CNAME"], cwd)
    return found.stdout.strip() if found.code == 0 else ""


def _tip(ref: str, cwd: Path) -> str:
    found = _run(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    return found.stdout.strip() if found.code == 0 else ""


def _git(
    args: list[str], cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> str:
    return git_output(args, cwd, stdin, env)


def _run(
    args: list[str], cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> Finished:
    return run_git(args, cwd, stdin, env)
