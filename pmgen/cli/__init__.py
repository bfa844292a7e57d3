"""The command line: turn options into a configuration, call one core function, map the result.

Each command lives in its own module; this one only gathers them under the `pmgen` group.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from pmgen import __version__

# Each command's module, loaded only when that command runs (or when help lists them all): a
# no-op `pmgen build` does not pay for importing Jinja, markdown-it and the rest.
COMMANDS = {
    "build": "pmgen.cli.build:build",
    "export": "pmgen.cli.export:export",
    "init": "pmgen.cli.init:init",
    "lint": "pmgen.cli.lint:lint",
    "new": "pmgen.cli.new:new",
    "publish": "pmgen.cli.publish:publish",
    "rule": "pmgen.cli.lint:explain_rule",
    "rules": "pmgen.cli.lint:list_rules",
    "serve": "pmgen.cli.serve:serve",
}


class LazyGroup(click.Group):
    """A click group whose commands are imported when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command, sorted by name."""
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command's click object, importing its module now."""
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, name = target.split(":")
        command: Any = getattr(importlib.import_module(module), name)
        return command


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
)
@click.version_option(__version__, prog_name="pmgen")
@click.pass_context
def main(context: click.Context) -> None:
    """pmgen: incident postmortems in Markdown, validated and published as a static site.

    Start with `pmgen init`, then `pmgen new "Title"`; exit codes: 0 success, 1 findings or
    a failed build or push, 2 usage or configuration error, 130 interrupted (Ctrl-C).
    """
    if context.invoked_subcommand is None:
        # Bare `pmgen` asks what it can do: that is help, and not a mistake.
        click.echo(context.get_help())
