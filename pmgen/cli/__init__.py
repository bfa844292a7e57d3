"""The command line: turn options into a configuration, call one core function, map the result.

Each command lives in its own module; this one only gathers them under the `pmgen` group.
"""

from __future__ import annotations

import click

from pmgen import __version__
from pmgen.cli import build, init, lint, new, publish, serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
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


# `--help` lists the commands sorted by name, whatever the order they are added in.
main.add_command(init.init)
main.add_command(lint.lint)
main.add_command(lint.list_rules)
main.add_command(lint.explain_rule)
main.add_command(new.new)
main.add_command(serve.serve)
main.add_command(build.build)
main.add_command(publish.publish)
