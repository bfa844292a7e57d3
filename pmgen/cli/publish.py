"""`pmgen publish`: build the site and push it to a branch as one new commit."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from pmgen.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    checked_url,
    config_option,
    drafts_option,
    plural,
    printed,
    project_config,
    reported,
    source_date_epoch,
    src_option,
    strict_option,
)
from pmgen.diagnostics import Severity, count_by_severity
from pmgen.lint.formatters import format_text


@click.command()
@click.option("--branch", default="gh-pages", show_default=True, help="Branch to publish to.")
@click.option("--remote", default="origin", show_default=True, help="Remote to push to.")
@click.option("--message", "-m", help="Commit message (default: Publish postmortems (pmgen X)).")
@click.option("--cname", metavar="DOMAIN", help="Write a CNAME file for a custom domain.")
@click.option(
    "--base-url",
    callback=checked_url,
    help="Absolute URL the site is published at (overrides site_url).",
)
@src_option
@drafts_option
@strict_option
@click.option(
    "--include-uncommitted",
    is_flag=True,
    help="Publish files that differ from the last commit (refused otherwise, and listed).",
)
@click.option("--dry-run", is_flag=True, help="Build and commit, but push nothing, move no ref.")
@config_option
@reported
def publish(
    branch: str,
    remote: str,
    message: str | None,
    cname: str | None,
    base_url: str | None,
    src: Path | None,
    drafts: bool,
    strict: bool,
    include_uncommitted: bool,
    dry_run: bool,
    config_file: Path | None,
) -> None:
    """Build the site and push it to a branch (gh-pages) as one new commit.

    The working tree, the index and the current branch are never touched; the local branch
    moves only once the remote accepted the push. Nothing changed: nothing is committed.
    """
    from pmgen.commands.publish import (
        DEFAULT_MESSAGE,
        PublishOptions,
        PushRejected,
        prepare_publish,
        push_published,
    )

    config = project_config(config_file)
    options = PublishOptions(
        site_url=(base_url if base_url is not None else config.site_url).strip(),
        branch=branch,
        remote=remote,
        message=message or DEFAULT_MESSAGE,
        cname=cname or "",
        dry_run=dry_run,
        updated=source_date_epoch(),
        source=src.resolve() if src is not None else None,
        drafts=drafts,
        strict=strict,
        include_uncommitted=include_uncommitted,
    )
    result = prepare_publish(config, options, Path.cwd(), dt.date.today())
    if result.build.diagnostics:
        counts = count_by_severity(result.build.diagnostics)
        click.echo(
            f"lint: {plural(counts[Severity.ERROR], 'error')}, "
            f"{plural(counts[Severity.WARNING], 'warning')}, {counts[Severity.INFO]} info "
            "(`pmgen lint` lists them)",
            err=True,
        )
    if not result.ok:
        click.echo("build failed; nothing was committed or pushed:", err=True)
        click.echo(format_text(result.build.blocking, 0).rsplit("\n", 2)[0], err=True)
        sys.exit(EXIT_FINDINGS)
    where = f"{remote} {branch}"
    if result.unchanged:
        click.echo(f"Nothing to publish: {where} already holds this site ({result.parent[:12]}).")
        sys.exit(EXIT_OK)
    parent = f"{result.parent} ({result.parent_ref})" if result.parent else "none (new branch)"
    what = f"{plural(result.build.postmortems, 'postmortem')}, {plural(result.files, 'file')}"
    if dry_run:
        click.echo(f"Dry run: would push {result.commit} to {where} ({result.remote_url})")
        click.echo(f"  parent: {parent}")
        click.echo(f"  {what}")
        click.echo("Nothing was pushed and no ref was updated.")
    else:
        # Say where it goes before it goes: the push is the one step that leaves the machine.
        click.echo(f"Pushing to {where} ({result.remote_url})…", err=True)
        try:
            result = push_published(result, options, Path.cwd())
        except PushRejected as error:
            click.echo(f"pmgen: {printed(error)}", err=True)
            sys.exit(EXIT_FINDINGS)
        click.echo(f"Published {what} to {where}")
        click.echo(f"  commit: {result.commit}")
        click.echo(f"  parent: {parent}")
    if result.cname:
        click.echo(f"  CNAME: {result.cname}")
    sys.exit(EXIT_OK)
