"""The command line: turn options into a configuration, call one core function, map the result.

Each command lives in its own module; this one only gathers them under the `pmgen` group.
"""

from __future__ import annotations

import click

from pmgen import __version__
from pmgen.cli import build, export, lint, new, publish, serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pmgen")
def main() -> None:
    """pmgen: incident postmortems in Markdown, validated and published as a static site."""


# `--help` lists the commands sorted by name, whatever the order they are added in.
main.add_command(lint.lint)
main.add_command(lint.list_rules)
main.add_command(lint.explain_rule)
main.add_command(new.new)
main.add_command(serve.serve)
main.add_command(build.build)
main.add_command(publish.publish)
main.add_command(export.export)
