"""`pmgen serve`: build, serve on loopback, rebuild on change."""

from __future__ import annotations

from pathlib import Path

import click

from pmgen.cli.common import config_option, reported, shown
from pmgen.commands.build import BuildResult


@click.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--drafts/--no-drafts",
    default=True,
    show_default=True,
    help="Show postmortems marked `status: draft`.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@config_option
@reported
def serve(port: int, host: str, drafts: bool, open_browser: bool, config_file: Path | None) -> None:
    """Build, serve on loopback and rebuild on change, with lint findings on each page."""
    import signal
    import threading
    import webbrowser

    from pmgen.commands import serve as live

    state = live.ServeState(site=live.temporary_site())
    # SIGTERM (a service manager, `kill`, CI) stops like Ctrl-C: the temporary site goes too.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        first = live.rebuild(state, Path.cwd(), config_file, drafts, Path.cwd())
        server = live.start_server(state, host, port)
        url = f"http://{host}:{server.server_address[1]}/"
        _report_serve(first, 0.0)
        click.echo(f"Serving {url} (Ctrl-C to stop)", err=True)
        stop = threading.Event()
        watcher = threading.Thread(
            target=live.watch,
            daemon=True,
            args=(state, Path.cwd(), config_file, drafts, Path.cwd(), stop, _report_serve),
        )
        watcher.start()
        if open_browser:
            webbrowser.open(url)
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            click.echo("\nStopped.", err=True)
        finally:
            stop.set()
            server.server_close()
    finally:
        live.remove_site(state.site)
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _report_serve(result: BuildResult | str, seconds: float) -> None:
    """One line on stderr per rebuild: the error, the blocking findings, or what was built."""
    if isinstance(result, str):
        click.echo(f"build error: {shown(result)}", err=True)
    elif not result.ok:
        click.echo(
            f"build error: {len(result.blocking)} blocking finding(s); the browser "
            "shows them until the file is fixed.",
            err=True,
        )
    else:
        click.echo(
            f"built {result.postmortems} postmortem(s) in {seconds:.2f} s, "
            f"{len(result.diagnostics)} finding(s)",
            err=True,
        )
