"""`pmgen serve`: build, serve on loopback, rebuild on change."""

from __future__ import annotations

from pathlib import Path

import click

from pmgen.cli.common import config_option, plural, reported, src_option
from pmgen.commands.build import BuildResult


@click.command()
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; the default keeps the preview on this machine.",
)
@src_option
@click.option(
    "--drafts/--no-drafts",
    default=True,
    show_default=True,
    help="Show postmortems marked `status: draft`.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Show the error page on any warning or error finding, as `build --strict` fails.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@config_option
@reported
def serve(
    port: int,
    host: str,
    src: Path | None,
    drafts: bool,
    strict: bool,
    open_browser: bool,
    config_file: Path | None,
) -> None:
    """Build, serve on loopback and rebuild on change, with lint findings on each page.

    Ctrl-C stops it (exit code 130) and removes the temporary site.
    """
    import threading
    import time
    import webbrowser

    from pmgen.commands import serve as live

    cwd = Path.cwd()
    source = src.resolve() if src is not None else None
    state = live.ServeState(site=live.temporary_site())
    try:
        started = time.perf_counter()
        first = live.rebuild(state, cwd, config_file, drafts, cwd, source, strict)
        seconds = time.perf_counter() - started
        server = live.start_server(state, host, port)
        url = f"http://{host}:{server.server_address[1]}/"
        _report_serve(first, seconds)
        click.echo(f"Serving {url} (Ctrl-C to stop)", err=True)
        stop = threading.Event()
        watcher = threading.Thread(
            target=live.watch,
            daemon=True,
            args=(state, cwd, config_file, drafts, cwd, stop, _report_serve, source, strict),
        )
        watcher.start()
        if open_browser:
            webbrowser.open(url)
        try:
            # Ctrl-C ends this (pmgen's entry point reports it); the clean-up below still runs.
            server.serve_forever(poll_interval=0.2)
        finally:
            stop.set()
            server.server_close()
    finally:
        live.remove_site(state.site)


def _report_serve(result: BuildResult | str, seconds: float) -> None:
    """One line on stderr per rebuild: the error, the blocking findings, or what was built."""
    if isinstance(result, str):
        click.echo(f"build error: {result}", err=True)
    elif not result.ok:
        click.echo(
            f"build error: {len(result.blocking)} blocking finding(s); the browser "
            "shows them until the file is fixed.",
            err=True,
        )
    else:
        click.echo(
            f"built {plural(result.postmortems, 'postmortem')} in {seconds:.2f} s, "
            f"{plural(len(result.diagnostics), 'finding')}",
            err=True,
        )
