"""`pmgen serve`: the site in a private folder, served on loopback, rebuilt as files are saved.

The operating system tells the watcher which files changed (watchfiles, no polling); the live
site rewrites the changed postmortem's page first and the server pushes the news to open pages
(server-sent events), which reload only when the page they show changed; the listings and
the search index follow. The reload script and the lint banner are added to HTML responses
only: the files in the folder are a normal build's, so nothing of serve mode can leak into a
published site. Only loopback names and the `--host` value are answered (DNS rebinding), and
no folder is ever listed.
"""

from __future__ import annotations

import errno
import functools
import html
import http.server
import ipaddress
import json
import shutil
import socket
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pmgen.cache import stamp_of
from pmgen.commands.live import LiveSite, Step
from pmgen.diagnostics import Diagnostic
from pmgen.errors import PmgenError

EVENTS_PATH = "/__pmgen/events"
KEEP_ALIVE_SECONDS = 15.0
# How long the watcher waits for more changes after one (an editor saves in several writes).
SETTLE_MS = 30


def reload_script(version: int) -> str:
    """The script added to served pages: it listens for rebuilds and reloads its page when
    that page, a file beside it (its images, its data) or the whole site changed since the
    version it was served at."""
    return f"""<script>/* pmgen serve: reload this page when it is rebuilt */
(function () {{
  var here = location.pathname.replace(/^\\/+/, "");
  if (here === "" || here.slice(-1) === "/") {{ here += "index.html"; }}
  var source = new EventSource("{EVENTS_PATH}?since={version}");
  source.onmessage = function (event) {{
    var paths = JSON.parse(event.data).paths;
    var folder = here.slice(0, here.lastIndexOf("/") + 1);
    var mine = function (path) {{
      return path === "*" || path === here ||
        (folder !== "" && path.indexOf(folder) === 0 && path.slice(-5) !== ".html");
    }};
    if (paths.some(mine)) {{
      source.close();
      location.reload();
    }}
  }};
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
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    # Listening on every interface (`--host 0.0.0.0`, to preview from a phone): any address of
    # this machine may be asked for by number, and a number cannot be rebound (only names can).
    return address.is_loopback or listening.strip("[]") in ("0.0.0.0", "::")


@dataclass
class Broadcast:
    """Rebuild news for open pages: a version number and the paths each version rewrote."""

    version: int = 0
    history: list[tuple[int, frozenset[str]]] = field(default_factory=list)
    closed: bool = False
    condition: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, paths: Iterable[str]) -> None:
        """A new version: these site paths changed (`*`: everything)."""
        with self.condition:
            self.version += 1
            self.history = [*self.history[-199:], (self.version, frozenset(paths))]
            self.condition.notify_all()

    def since(self, seen: int, timeout: float) -> tuple[int, frozenset[str]] | None:
        """The newest version and every path changed after `seen`, waiting up to `timeout`
        seconds for one; None on timeout or once closed."""
        with self.condition:
            if seen > self.version:  # a page served by an earlier `pmgen serve`: all is new
                return self.version, frozenset({"*"})
            self.condition.wait_for(lambda: self.closed or self.version > seen, timeout)
            if self.closed or self.version <= seen:
                return None
            known = [paths for version, paths in self.history if version > seen]
            if not self.history or self.history[0][0] > seen + 1:
                return self.version, frozenset({"*"})  # older than what is remembered
            return self.version, frozenset().union(*known)

    def close(self) -> None:
        """Let every waiting event stream end (the server stops)."""
        with self.condition:
            self.closed = True
            self.condition.notify_all()


@dataclass
class Session:
    """One serve session: the live site and the news of its rebuilds."""

    site: LiveSite
    broadcast: Broadcast = field(default_factory=Broadcast)


def banner_html(diagnostics: list[Diagnostic]) -> str:
    """The lint findings of one page, shown above its content while writing."""
    if not diagnostics:
        return ""
    items = "".join(
        f"<li><code>{html.escape(d.code)}</code> line {d.line}: {html.escape(d.message)}</li>"
        for d in diagnostics
    )
    count = f"{len(diagnostics)} finding" + ("s" if len(diagnostics) > 1 else "")
    return (
        f'<aside class="pmgen-banner" role="status" style="border:2px solid #bf8700;'
        f'padding:0.5rem 1rem;margin:1rem 0;border-radius:6px"><strong>pmgen lint: '
        f"{count}</strong><ul>{items}</ul></aside>"
    )


def error_page(error: tuple[Diagnostic, ...] | str, version: int) -> bytes:
    """A page explaining why the site could not be built (replaced once the file is fixed)."""
    if isinstance(error, str):
        details = f"<p>{html.escape(error)}</p>"
    else:
        details = (
            "<ul>"
            + "".join(
                f"<li><code>{html.escape(d.path)}:{d.line}</code> {html.escape(d.code)} "
                f"{html.escape(d.message)}</li>"
                for d in error
            )
            + "</ul>"
        )
    page = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>pmgen: '
        f"build error</title></head><body><main><h1>The site could not be built</h1>"
        f"{details}<p>Fix the file: this page reloads by itself.</p></main>"
        f"{reload_script(version)}</body></html>"
    )
    return page.encode("utf-8")


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the live site's folder, with the banner and the reload script added to HTML."""

    session: Session
    listening: str = "127.0.0.1"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the command reports rebuilds, not every request."""

    def _misdirected(self) -> bool:
        """Answer 421 to a request for another host name (DNS rebinding); True if refused."""
        if host_allowed(self.headers.get("Host"), self.listening):
            return False
        self.send_error(421, "Misdirected Request", "pmgen serve answers only its own address")
        return True

    def list_directory(self, path: str | object) -> None:  # type: ignore[override]
        """No folder listings: a folder without index.html is not found."""
        self.send_error(404, "Not Found")

    head_only = False

    def do_HEAD(self) -> None:
        """What GET would answer, headers only (same status, length and caching)."""
        self.head_only = True
        self.do_GET()

    def do_GET(self) -> None:
        """The event stream, the error page, or a file (HTML with its additions)."""
        if self._misdirected():
            return
        try:
            self._answer()
        except (OSError, ValueError):  # a name too long for the system, a NUL byte…
            self._not_found()

    def _answer(self) -> None:
        path, _, query = self.path.partition("?")
        path = urllib.parse.unquote(path.partition("#")[0])
        if path == EVENTS_PATH and not self.head_only:
            return self._events(query)
        relative = path.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        site = self.session.site
        error = site.shown.error
        if error is not None and relative.endswith(".html"):
            page = error_page(error, self.session.broadcast.version)
            return self._send(page, "text/html; charset=utf-8", 500)
        target = site.folder / relative
        if path and not path.endswith("/") and _served(site.folder, target / "index.html"):
            # A folder named without its final `/`; the location from the normalised path
            # (`/%2Ftags` unquoted is `//tags`: a protocol-relative address elsewhere).
            return self._moved("/" + relative + "/")
        if not _served(site.folder, target):
            return self._not_found()
        if not relative.endswith(".html"):
            return self._send_file(target)
        return self._send(self._page(target, relative), "text/html; charset=utf-8")

    def _page(self, target: Path, relative: str) -> bytes:
        """An HTML page with the findings banner and the reload script."""
        page = target.read_text(encoding="utf-8")
        banner = banner_html(self.session.site.shown.banners.get(relative, []))
        page = page.replace(
            '<main id="main" tabindex="-1">', '<main id="main" tabindex="-1">' + banner, 1
        )
        page = page.replace("</body>", reload_script(self.session.broadcast.version) + "</body>", 1)
        return page.encode("utf-8")

    def _not_found(self) -> None:
        """The site's own 404 page (with the reload script: the page may come), else a plain one."""
        missing = self.session.site.folder / "404.html"
        if missing.is_file():
            return self._send(self._page(missing, "404.html"), "text/html; charset=utf-8", 404)
        self.send_error(404, "Not Found")

    def _moved(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", urllib.parse.quote(location))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send_file(self, target: Path) -> None:
        body = target.read_bytes()
        self._send(body, self.guess_type(str(target)))

    def _events(self, query: str) -> None:
        """A server-sent event stream: one message per rebuild the page has not seen."""
        seen = _since(query)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while True:
                news = self.session.broadcast.since(seen, KEEP_ALIVE_SECONDS)
                if self.session.broadcast.closed:
                    return
                if news is None:
                    self.wfile.write(b": still here\n\n")  # keeps proxies and the socket open
                else:
                    seen, paths = news
                    data = json.dumps({"version": seen, "paths": sorted(paths)})
                    self.wfile.write(f"data: {data}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return  # the page went away

    def _send(self, body: bytes, kind: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not self.head_only:
            self.wfile.write(body)


def _since(query: str) -> int:
    for part in query.split("&"):
        name, _, value = part.partition("=")
        if name == "since" and value.isdecimal():
            return int(value)
    return 0


def _served(folder: Path, target: Path) -> bool:
    return target.resolve().is_relative_to(folder.resolve()) and target.is_file()


class _IPv6Server(http.server.ThreadingHTTPServer):
    """`--host ::1`: the same server on an IPv6 socket."""

    address_family = socket.AF_INET6


def start_server(session: Session, host: str, port: int) -> http.server.ThreadingHTTPServer:
    """Bind the server (a busy port is a clear error, not a traceback)."""
    handler = type("BoundHandler", (Handler,), {"session": session, "listening": host})
    server_class = _IPv6Server if ":" in host else http.server.ThreadingHTTPServer
    try:
        server = server_class(
            (host, port), functools.partial(handler, directory=str(session.site.folder))
        )
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise PmgenError(
                f"port {port} on {host} is already in use; pass --port with another number."
            ) from None
        raise PmgenError(f"cannot listen on {host}:{port}: {error.strerror}.") from None
    server.daemon_threads = True
    return server


Report = Callable[[Step, float], None]


def rebuild(
    session: Session,
    changed: Iterable[Path] | None,
    report: Report,
    stop: threading.Event | None = None,
) -> None:
    """Bring the site up to date, telling open pages after each step; when `stop` is set
    (serve is stopping), leave off at the next step."""
    started = time.perf_counter()
    site = session.site
    try:
        for step in site.update(changed):
            session.broadcast.publish(step.paths)
            report(step, time.perf_counter() - started)
            if stop is not None and stop.is_set():
                site.whole_next = True
                return
        site.whole_next = False
    except PmgenError as error:  # the content folder went away, a site template is wrong…
        _failed(session, str(error), report, started)
    except Exception as error:  # a bug: the preview says so and lives on (the watcher too)
        said = f"{type(error).__name__}: {error}"
        _failed(
            session,
            f"pmgen could not rebuild the preview ({said}); please report "
            "it. The next save rebuilds everything.",
            report,
            started,
        )


def _failed(session: Session, message: str, report: Report, started: float) -> None:
    """Show why the site could not be built, and read everything again on the next change
    (the failed update may have stopped half-way)."""
    session.site.shown.error = message
    session.site.whole_next = True
    session.broadcast.publish({"*"})
    report(Step(frozenset({"*"}), "error"), time.perf_counter() - started)


def watch(
    session: Session,
    stop: threading.Event,
    report: Report,
    ready: threading.Event | None = None,
) -> None:
    """Rebuild on every batch of changes the operating system reports, until `stop`; `ready`
    is set once the system watches (changes made before that may be missed).

    The folders (content, site templates) are watched by the system; the configuration file
    is looked at on every batch (at least every 0.2 s) instead: an editor that saves by
    writing a new file and renaming it over the old one leaves a system watch on a file that
    no longer exists, and the watcher then went quiet."""
    import watchfiles  # the one module that watches files

    seen: dict[Path, tuple[int, int, int] | None] | None = None
    while not stop.is_set():
        watched = session.site.watched()
        folders = [path for path in watched if path.is_dir()]
        files = [path for path in watched if not path.is_dir()]
        seen = _stamps(files) if seen is None else seen
        try:
            for changes in watchfiles.watch(
                *folders,
                stop_event=stop,
                debounce=1600,
                step=SETTLE_MS,
                rust_timeout=200,
                yield_on_timeout=True,  # an empty batch now and then: the watcher is live
                watch_filter=_interesting,
            ):
                if ready is not None:
                    ready.set()
                changed = {Path(path) for _, path in changes}
                now = _stamps(files)
                changed |= {path for path in files if now.get(path) != seen.get(path)}
                seen = now
                if changed and not stop.is_set():
                    rebuild(session, changed, report, stop)
                if session.site.watched() != watched:
                    # A folder came (the first `templates/`) or the configuration moved the
                    # content folder: read all, then watch what is there now.
                    seen = None
                    if not changed and not stop.is_set():
                        rebuild(session, None, report, stop)
                    break
        except FileNotFoundError:
            stop.wait(0.5)  # a watched folder went away: look again shortly


def _stamps(paths: Iterable[Path]) -> dict[Path, tuple[int, int, int] | None]:
    """Each file's identity, size and time: any save changes one (a rename, the inode)."""
    found: dict[Path, tuple[int, int, int] | None] = {}
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            found[path] = None
            continue
        found[path] = (info.st_ino, *stamp_of(info))
    return found


def _interesting(change: object, path: str) -> bool:
    """Only files that can change the site: not editors' swap files, not hidden ones."""
    name = Path(path).name
    return not (name.startswith((".", "#")) or name.endswith(("~", ".swp", ".tmp")))


def temporary_folder() -> Path:
    """A private folder for the served site and its fragment store (removed when serve stops)."""
    return Path(tempfile.mkdtemp(prefix="pmgen-serve-")) / "site"


def remove_folder(site: Path) -> None:
    """Delete the served site's private folder."""
    shutil.rmtree(site.parent, ignore_errors=True)
