"""`pmgen init`: start a project in a folder, then say what to run next."""

from __future__ import annotations

import os
from pathlib import Path

import click

from pmgen.cli.common import checked_url, reported
from pmgen.commands.init import WORKFLOW, InitOptions, InitResult, init_project
from pmgen.config import load_config
from pmgen.errors import PmgenError
from pmgen.read.files import display_path

FIRST_TITLE = {"fr": "Panne de la base de données", "en": "Database outage"}


@click.command()
@click.argument(
    "folder", required=False, type=click.Path(file_okay=False, path_type=Path), default="."
)
@click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default="fr",
    show_default=True,
    help="Language of the site and of new postmortems.",
)
@click.option(
    "--site-url",
    metavar="URL",
    default="",
    callback=checked_url,
    help="Absolute URL the site will be served at (publish needs it; can be set later).",
)
@click.option("--example", is_flag=True, help="Add one example postmortem to read, then delete.")
@reported
def init(folder: Path, lang: str, site_url: str, example: bool) -> None:
    """Start a pmgen project in FOLDER (default: here); never overwrites a file.

    Writes pmgen.toml (every key, commented), postmortems/, .gitignore, a GitHub Actions
    workflow (lint pull requests, publish main) and .pre-commit-config.yaml.
    """
    result = init_project(InitOptions(folder.resolve(), lang, site_url, example))
    try:  # run again on a project: its own settings, not this command's defaults, decide
        settled = load_config(result.folder)
        lang, site_url = settled.lang, settled.site_url
    except PmgenError:
        pass  # a pmgen.toml already there and broken: the next command will say so
    _report(result, lang, bool(site_url))


def _report(result: InitResult, lang: str, has_site_url: bool) -> None:
    """What was written, what was already there, and the next three commands."""
    cwd = Path.cwd()
    where = display_path(result.folder, cwd)
    if result.created:
        click.echo(f"Created in {where}/:" if where != "." else "Created:")
        for path in result.created:
            suffix = "/" if path.is_dir() else ""
            click.echo(f"  {display_path(path, result.folder)}{suffix}")
    else:
        click.echo("Nothing to create: every file is already there.")
    for path in result.kept:
        click.echo(f"  {display_path(path, result.folder)}: already there, left as it is")
    for advice in result.advice:
        click.echo(f"note: {advice}", err=True)
    if any(path.name == os.path.basename(WORKFLOW) for path in result.created):
        click.echo(
            f"note: {WORKFLOW} installs pmgen from your-org/pmgen: replace it with where "
            "your team gets pmgen.",
            err=True,
        )
    click.echo(f"\nNext{f', in {where}/' if where != '.' else ''}:")
    click.echo(f'  pmgen new "{FIRST_TITLE[lang]}"')
    click.echo("  pmgen serve")
    click.echo("  pmgen publish" if has_site_url else "  pmgen publish --base-url URL")
    click.echo(
        "Write a postmortem, preview it at http://127.0.0.1:8000/ as you type, then commit "
        "and publish the site to the gh-pages branch"
        + ("." if has_site_url else " (or set site_url in pmgen.toml).")
    )
