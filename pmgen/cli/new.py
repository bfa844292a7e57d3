"""`pmgen new`: a draft postmortem with every required section."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from pmgen.cli.common import (
    EXIT_FINDINGS,
    config_option,
    printed,
    project_config,
    reported,
)
from pmgen.read.files import display_path


@click.command()
@click.argument("title")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Date of the incident (default: today).",
)
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language (default: config).")
@click.option(
    "--severity",
    metavar="LEVEL",
    help="Severity: a level of the scale or an alias (default scale: SEV1–SEV4, P1–P4, "
    "critical/high/medium/low).",
)
@click.option("--service", "services", multiple=True, help="Affected service (repeatable).")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (default: the content folder).",
)
@config_option
@reported
def new(
    title: str,
    day: dt.datetime | None,
    lang: str | None,
    severity: str | None,
    services: tuple[str, ...],
    folder: Path | None,
    config_file: Path | None,
) -> None:
    """Create a draft postmortem with every required section."""
    from pmgen.commands.git import git_user_name
    from pmgen.commands.new import AlreadyExists, NewPostmortem, authors_from, create_postmortem

    config = project_config(config_file)
    level = config.severities.level(severity) if severity is not None else None
    if severity is not None and level is None:
        raise click.BadParameter(
            f"{severity!r} is not on the severity scale: {config.severities.described()}.",
            param_hint="'--severity'",
        )
    spec = NewPostmortem(
        title=title,
        date=(day.date() if day else dt.date.today()),
        lang=lang or config.lang,
        severity=level,
        services=services,
        authors=authors_from([git_user_name(Path.cwd())]),
    )
    try:
        path = create_postmortem(config, spec, folder)
    except AlreadyExists as error:
        click.echo(f"pmgen: {printed(error)}", err=True)
        sys.exit(EXIT_FINDINGS)
    click.echo(printed(display_path(path, Path.cwd())))
    if not path.resolve().is_relative_to(config.content.resolve()):
        # A typo in --dir (`postmortem`) would otherwise make a postmortem no build ever sees.
        content = display_path(config.content, Path.cwd())
        click.echo(
            f"note: this is outside the content folder ({printed(content)}/): `pmgen build` "
            "will not see it unless you move it there (or build with --src).",
            err=True,
        )
