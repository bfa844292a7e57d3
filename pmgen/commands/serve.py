"""`pmgen serve`: build, serve on loopback, rebuild on change and reload open pages.

The live-reload script and the lint banner are injected into HTML responses only; the files
on disk are the same as a normal build's, so nothing of serve mode can leak into a published
site.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import html
import http.server
import ipaddress
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pmgen.commands.build import BuildOptions, BuildResult, build_site
from pmgen.config import Config, load_config
from pmgen.diagnostics import Diagnostic
from pmgen.errors import PmgenError
from pmgen.read.files import display_path

POLL_SECONDS = 0.3
QUIET_SECONDS = 0.2
VERSION_PATH = "/__pmgen/version"
RELOAD_SCRIPT = f"""<script>/* pmgen serve: reload when the site is rebuilt */
(function () {{
  var seen = null;
  function poll() {{
    fetch("{VERSION_PATH}", {{cache: "no-store"}})
      .then(function (r) {{ return r.text(); }})
      .then(function (v) {{ if (seen !== null && v !== seen) {{ location.reload(); }} seen = v; }})
      .catch(function () {{}})
      .finally(function () {{ setTimeout(poll, 700); }});
  }}
  poll();
}})();
</script>"""


# Names that always mean this machine; `*.localhost` too (RFC 6761: browsers never ask DNS).
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def host_name(header: str) -> str:
    """The name of a Host header without its port, brackets or final dot, lower-cased."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0].rstrip(".") if ":" in header else header.rstrip(".")


def host_allowed(header: str | None, listening: str) -> bool:
    """Whether a request's Host is this machine's loopback, or the name serve listens on.

    A web page elsewhere can make a browser send requests here through DNS rebinding (its own
    name resolving to 127.0.0.1), but its Host header is then its own name: refused."""
    if not header:
        return False
    name = host_name(header)
    if name in LOOPBACK_NAMES or name.endswith(".localhost") or name == host_name(listening):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass
class ServeState:
    """What the server shows now: the latest site, its findings, or the build error."""

    site: Path
    version: int = 0
    banners: dict[str, list[Diagnostic]] = field(default_factory=dict)
    error: tuple[Diagnostic, ...] | str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def watched_files(config: Config) -> Iterator[Path]:
    """The content folder, the site's templates and the configuration file."""
    for folder in (config.content, config.root / "templates"):
        if folder.is_dir():
            yield from (p for p in folder.rglob("*") if p.is_file())
    if config.source is not None:
        yield config.source


def snapshot(config: Config) -> dict[Path, tuple[int, int]]:
    """Modification time and size of every watched file."""
    stamps = {}
    for path in watched_files(config):
        try:
            info = path.stat()
        except OSError:
            continue
        stamps[path] = (info.st_mtime_ns, info.st_size)
    return stamps


def rebuild(
    state: ServeState, config_start: Path, config_file: Path | None, drafts: bool, cwd: Path
) -> BuildResult | str:
    """Build into the served folder; remember per-page findings or the error to show."""
    try:
        config = load_config(config_start, config_file)
        options = BuildOptions(source=config.content, output=state.site, drafts=drafts, site_url="")
        result = build_site(config, options, cwd, dt.date.today())
    except PmgenError as error:
        with state.lock:
            state.error, state.version = str(error), state.version + 1
        return str(error)
    with state.lock:
        state.error = None if result.ok else result.blocking
        if result.ok:
            state.banners = _banners(result, config, cwd, state.site)
        state.version += 1
    return result


def _banners(
    result: BuildResult, config: Config, cwd: Path, site: Path
) -> dict[str, list[Diagnostic]]:
    """Findings keyed by page path (`2021/09/22/x/index.html`), from the site's index.json."""
    by_file: dict[str, list[Diagnostic]] = {}
    for diagnostic in result.diagnostics:
        by_file.setdefault(diagnostic.path, []).append(diagnostic)
    records = json.loads((site / "index.json").read_text(encoding="utf-8"))["postmortems"]
    return {
        f"{record['url']}index.html": by_file.get(
            display_path(config.content / record["source"], cwd), []
        )
        for record in records
    }


def banner_html(diagnostics: list[Diagnostic]) -> str:
    """The lint findings of one page, shown above its content while writing."""
    if not diagnostics:
        return ""
    items = "".join(
        f"<li><code>{d.code}</code> line {d.line}: {html.escape(d.message)}</li>"
        for d in diagnostics
    )
    return (
        f'<aside class="pmgen-banner" role="status" style="border:2px solid #bf8700;'
        f'padding:0.5rem 1rem;margin:1rem 0;border-radius:6px"><strong>pmgen lint: '
        f"{len(diagnostics)} finding(s)</strong><ul>{items}</ul></aside>"
    )


def error_page(error: tuple[Diagnostic, ...] | str) -> bytes:
    """A page explaining why the site could not be built (replaced once the file is fixed)."""
    if isinstance(error, str):
        details = f"<p>{html.escape(error)}</p>"
    else:
        details = (
            "<ul>"
            + "".join(
                f"<li><code>{html.escape(d.path)}:{d.line}</code> {d.code} "
                f"{html.escape(d.message)}</li>"
                for d in error
            )
            + "</ul>"
        )
    page = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>pmgen: '
        f"build error</title></head><body><main><h1>The site could not be built</h1>"
        f"{details}<p>Fix the file: this page reloads by itself.</p></main>"
        f"{RELOAD_SCRIPT}</body></html>"
    )
    return page.encode("utf-8")


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site; injects banner and reload script into HTML responses."""

    state: ServeState
    listening: str = "127.0.0.1"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the command reports rebuilds, not every request."""

    def _misdirected(self) -> bool:
        """Answer 421 to a request for another host name (DNS rebinding); True if refused."""
        if host_allowed(self.headers.get("Host"), self.listening):
            return False
        self.send_error(421, "Misdirected Request", "pmgen serve answers only its own address")
        return True

    def list_directory(self, path: str | os.PathLike[str]) -> None:  # type: ignore[override]
        """No folder listings: a folder without index.html is not found."""
        self.send_error(404, "Not Found")

    def do_HEAD(self) -> None:
        """Headers only, for the allowed host names."""
        if not self._misdirected():
            super().do_HEAD()

    def do_GET(self) -> None:
        """The version endpoint, the error page, or a file with injections."""
        if self._misdirected():
            return
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == VERSION_PATH:
            return self._send(str(self.state.version).encode(), "text/plain")
        with self.state.lock:
            error = self.state.error
            banners = self.state.banners
        relative = path.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        if error is not None and relative.endswith(".html"):
            return self._send(error_page(error), "text/html; charset=utf-8", 500)
        if not relative.endswith(".html"):
            return super().do_GET()
        target = self.state.site / relative
        if not target.resolve().is_relative_to(self.state.site.resolve()) or not target.is_file():
            return super().do_GET()
        page = target.read_text(encoding="utf-8")
        page = page.replace(
            '<main id="main" tabindex="-1">',
            '<main id="main" tabindex="-1">' + banner_html(banners.get(relative, [])),
            1,
        )
        page = page.replace("</body>", RELOAD_SCRIPT + "</body>", 1)
        return self._send(page.encode("utf-8"), "text/html; charset=utf-8")

    def _send(self, body: bytes, kind: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def start_server(state: ServeState, host: str, port: int) -> http.server.ThreadingHTTPServer:
    """Bind the server (a busy port is a clear error, not a traceback)."""
    handler = type("BoundHandler", (Handler,), {"state": state, "listening": host})
    try:
        return http.server.ThreadingHTTPServer(
            (host, port), functools.partial(handler, directory=str(state.site))
        )
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise PmgenError(
                f"port {port} on {host} is already in use; pass --port with another number."
            ) from None
        raise PmgenError(f"cannot listen on {host}:{port}: {error.strerror}.") from None


def watch(
    state: ServeState,
    config_start: Path,
    config_file: Path | None,
    drafts: bool,
    cwd: Path,
    stop: threading.Event,
    report: Callable[[BuildResult | str, float], None],
) -> None:
    """Poll the watched files; after a change and a quiet moment, rebuild (debounced)."""
    config: Config | None = None
    with contextlib.suppress(PmgenError):  # broken at start: rebuild once it loads
        config = load_config(config_start, config_file)
    before = snapshot(config) if config is not None else {}
    while not stop.wait(POLL_SECONDS):
        with contextlib.suppress(PmgenError):  # a broken configuration shows in the rebuild
            config = load_config(config_start, config_file)
        if config is None:
            continue
        now = snapshot(config)
        if now == before:
            continue
        while not stop.wait(QUIET_SECONDS):
            settled = snapshot(config)
            if settled == now:
                break
            now = settled
        before = now
        started = time.perf_counter()
        result = rebuild(state, config_start, config_file, drafts, cwd)
        report(result, time.perf_counter() - started)


def temporary_site() -> Path:
    """A private folder for the served site (removed when serve stops)."""
    return Path(tempfile.mkdtemp(prefix="pmgen-serve-")) / "site"


def remove_site(site: Path) -> None:
    """Delete the served site's private folder."""
    shutil.rmtree(site.parent, ignore_errors=True)
