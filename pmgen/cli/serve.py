"""`pmgen serve`: build, serve on loopback, rebuild on change."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pmgen.cli.common import config_option, plural, printed, reported, src_option

if TYPE_CHECKING:
    from pmgen.commands.live import LiveSite, Step


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
    import webbrowser

    from pmgen.commands import serve as live

    cwd = Path.cwd()
    source = src.resolve() if src is not None else None
    from pmgen.commands.live import LiveSite

    folder = live.temporary_folder()
    site = LiveSite(folder, cwd, config_file, source, drafts, strict)
    session = live.Session(site)
    # SIGTERM (a service manager, `kill`, CI) stops like Ctrl-C (pmgen/__main__.py): the
    # temporary site goes too.
    try:
        live.rebuild(session, None, _report(site, first=True))
        server = live.start_server(session, host, port)
        shown = f"[{host}]" if ":" in host else host  # an IPv6 address in a URL
        url = f"http://{shown}:{server.server_address[1]}/"
        click.echo(f"Serving {url} (Ctrl-C to stop)", err=True)
        stop = threading.Event()
        watcher = threading.Thread(
            target=live.watch, daemon=True, args=(session, stop, _report(site, first=False))
        )
        watcher.start()
        if open_browser:
            webbrowser.open(url)
        try:
            # Ctrl-C ends this (pmgen's entry point reports it); the clean-up below still runs.
            server.serve_forever(poll_interval=0.2)
        finally:
            stop.set()
            session.broadcast.close()
            server.server_close()
            # A rebuild under way would write into the folder after it is removed: wait for
            # it (it stops at the next step), then remove the folder.
            watcher.join(timeout=WATCHER_GRACE_SECONDS)
    finally:
        site.close()
        live.remove_folder(folder)


WATCHER_GRACE_SECONDS = 30


def _report(site: LiveSite, first: bool) -> Callable[[Step, float], None]:
    """One line on stderr per step worth telling: what was rebuilt and how fast, or why not."""
    from pmgen.commands.live import LiveSite

    assert isinstance(site, LiveSite)

    def report(step: Step, seconds: float) -> None:
        shown = site.shown
        if step.kind == "error":
            error = shown.error
            what = (
                printed(error)
                if isinstance(error, str)
                else f"{plural(len(error or ()), 'blocking finding')}; the browser shows them "
                "until the file is fixed"
            )
            click.echo(f"build error: {what}", err=True)
        elif step.kind == "pages" and (first or step.paths):
            done = "built" if first else "rebuilt"
            count = plural(shown.postmortems, "postmortem") if first else _pages(step.paths)
            click.echo(
                f"{done} {count} in {seconds:.2f} s, {plural(len(shown.diagnostics), 'finding')}",
                err=True,
            )

    return report


def _pages(paths: frozenset[str]) -> str:
    return "the site" if "*" in paths else ", ".join(sorted(paths))
