"""`pmgen serve`: the live site in Debian's Chromium, a busy port, and Ctrl-C.

The server runs in-process from the building blocks of `pmgen.commands.serve` (the same ones the
command uses: the live site in a temporary folder, a first build, the HTTP server and the
watcher thread) on a temporary project. Chromium loads its pages; the tests change files on
disk and wait, bounded, for the open page to reload by itself. The Ctrl-C test runs the real
command in a subprocess.
"""

from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from browser import chromium
from click.testing import CliRunner

from pmgen.cli import main
from pmgen.commands import serve as live
from pmgen.commands.live import LiveSite, Step
from pmgen.errors import PmgenError

# Bounds: how long a change may take to show in the open page, and a process to start or stop.
RELOAD_MS = 10_000
START_SECONDS = 30.0
STOP_SECONDS = 5.0
NOT_LOCAL = re.compile(r"^(?!http://127\.0\.0\.1[:/]|data:|about:)")

CONFIG = 'content = "pm"\ntitle = "Postmortems de test"\n'
CLEAN = """---
title: Panne du site
date: 2021-09-22
---

Le site a été indisponible pendant une heure.

## Contexte

Le site est servi par deux instances web.

## Chronologie

* 16:00 — les connexions échouent.
* 17:00 — le service est rétabli.

## Enseignements

La mémoire des instances était trop juste.

## Analyse

Les instances swappaient en pointe.

## Travaux restants

Passer sur des instances plus grandes.
"""
ANALYSIS = "## Analyse\n\nLes instances swappaient en pointe.\n\n"
# PM201: no Analyse section (an error, shown in the page's banner; the page is still built).
MISSING = (
    CLEAN.replace("Panne du site", "Panne DNS")
    .replace("2021-09-22", "2021-10-01")
    .replace(ANALYSIS, "")
)
DRAFT = (
    CLEAN.replace("title: Panne du site", "title: Panne en cours\nstatus: draft")
    .replace("2021-09-22", "2021-11-05")
    .replace("Passer sur des instances plus grandes.", "À décider.")
)
# PM002: the front matter is never closed.
BROKEN = CLEAN.replace("date: 2021-09-22\n---\n", "date: 2021-09-22\n", 1)

CLEAN_NAME = "2021-09-22-panne-du-site.md"
CLEAN_PAGE = "2021/09/22/panne-du-site/index.html"
MISSING_PAGE = "2021/10/01/panne-dns/index.html"
DRAFT_PAGE = "2021/11/05/panne-en-cours/index.html"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def make_project(root: Path, drafts: bool = True) -> Path:
    """A project with a clean postmortem, one missing a section and (optionally) a draft."""
    write(root / "pmgen.toml", CONFIG)
    write(root / "pm" / CLEAN_NAME, CLEAN)
    write(root / "pm" / "2021-10-01-panne-dns.md", MISSING)
    if drafts:
        write(root / "pm" / "2021-11-05-panne-en-cours.md", DRAFT)
    return root


def fetch(url: str) -> tuple[int, str]:
    """Status and body of a GET, HTTP errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        with closing(error):
            return error.code, error.read().decode("utf-8")


def serve_folders(folder: Path) -> set[str]:
    """The `pmgen-serve-*` folders in a temporary folder."""
    return {path.name for path in folder.glob("pmgen-serve-*")}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "projet")


# --- the server, in-process -------------------------------------------------------------------


@dataclass
class Live:
    """A running serve session: its project, state, base URL and the watcher's reports."""

    project: Path
    session: live.Session
    url: str
    reports: list[Step] = field(default_factory=list)

    def edit(self, name: str, change: Callable[[str], str]) -> None:
        path = self.project / "pm" / name
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def start(project: Path, cleanup: ExitStack, **options: Any) -> tuple[live.Session, str]:
    """A live site in a temporary folder, built once, served on a free port."""
    folder = live.temporary_folder()
    cleanup.callback(live.remove_folder, folder)
    site = LiveSite(folder, project, **options)
    cleanup.callback(site.close)
    session = live.Session(site)
    live.rebuild(session, None, lambda *_: None)
    httpd = live.start_server(session, "127.0.0.1", 0)
    cleanup.callback(httpd.server_close)
    serving = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    serving.start()
    cleanup.callback(serving.join, 5)
    cleanup.callback(httpd.shutdown)
    cleanup.callback(session.broadcast.close)
    return session, f"http://127.0.0.1:{httpd.server_address[1]}/"


def start_watching(session: live.Session, cleanup: ExitStack, reports: list[Step]) -> None:
    """The watcher thread, returned once the operating system watches the files."""
    stop, ready = threading.Event(), threading.Event()
    watcher = threading.Thread(
        target=live.watch,
        args=(session, stop, lambda step, _: reports.append(step), ready),
        daemon=True,
    )
    watcher.start()
    cleanup.callback(watcher.join, 5)
    cleanup.callback(stop.set)
    assert ready.wait(10), "the watcher did not start"


@pytest.fixture
def server(project: Path) -> Iterator[Live]:
    """`pmgen serve --port 0`, in-process: first build, HTTP server and watcher threads."""
    with ExitStack() as cleanup:
        session, url = start(project, cleanup)
        assert session.site.shown.error is None, session.site.shown.error
        served = Live(project, session, url)
        start_watching(session, cleanup, served.reports)
        yield served
        folder = session.site.folder
    assert not folder.parent.exists()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page; nothing but the local server is reachable."""
    context = browser.new_context()
    context.route(NOT_LOCAL, lambda route: route.abort())
    context.set_default_timeout(RELOAD_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def open_page(page: Any, url: str, status: int = 200) -> Any:
    """Load a page and wait until its live-reload script listens for rebuilds."""
    with page.expect_request(lambda r: live.EVENTS_PATH in r.url, timeout=RELOAD_MS):
        response = page.goto(url)
    assert response is not None and response.status == status, url
    return response


def wait_for_h1(page: Any, text: str) -> None:
    """Wait (bounded) until the page's first heading reads `text`, across reloads."""
    page.wait_for_function(
        "t => document.querySelector('h1')?.textContent.trim() === t", arg=text, timeout=RELOAD_MS
    )


def count_loads(page: Any) -> list[str]:
    """The URLs the page's main frame navigates to from now on (a live reload adds one)."""
    loads: list[str] = []
    page.on("framenavigated", lambda f: loads.append(f.url) if f == page.main_frame else None)
    return loads


# --- in the browser ---------------------------------------------------------------------------


def test_index_loads_with_reload_script_never_written_to_disk(server: Live, page: Any) -> None:
    open_page(page, server.url)
    assert page.locator("h1").inner_text() == "Postmortems de test"
    titles = page.locator(".entry-title").all_inner_texts()
    assert titles == ["Panne en cours", "Panne DNS", "Panne du site"]

    served = fetch(server.url)[1]
    assert f'new EventSource("{live.EVENTS_PATH}?since=' in served
    assert live.EVENTS_PATH in page.content()

    folder = server.session.site.folder
    built = sorted(folder.rglob("*"))
    assert folder / "index.html" in built
    assert folder / CLEAN_PAGE in built
    for path in built:
        if path.is_file():
            data = path.read_bytes()
            assert b"__pmgen" not in data, path
            assert b"pmgen-banner" not in data, path


def test_lint_banner_on_the_page_with_a_missing_section(server: Live, page: Any) -> None:
    open_page(page, server.url + MISSING_PAGE)
    banner = page.locator(".pmgen-banner")
    assert banner.count() == 1
    assert banner.is_visible()
    text = banner.inner_text()
    assert "PM201" in text
    assert "Analyse" in text
    assert page.locator("h1").inner_text() == "Panne DNS"

    open_page(page, server.url + CLEAN_PAGE)
    assert page.locator("h1").inner_text() == "Panne du site"
    assert page.locator(".pmgen-banner").count() == 0


def test_title_change_reloads_the_open_page(server: Live, page: Any) -> None:
    open_page(page, server.url + CLEAN_PAGE)
    wait_for_h1(page, "Panne du site")
    loads = count_loads(page)

    server.edit(
        CLEAN_NAME, lambda text: text.replace("title: Panne du site", "title: Le site est rétabli")
    )

    wait_for_h1(page, "Le site est rétabli")
    assert loads, "the page changed without being reloaded"
    assert page.url == server.url + CLEAN_PAGE
    assert any(step.kind == "pages" and CLEAN_PAGE in step.paths for step in server.reports)


def test_configuration_change_reloads_the_open_page(server: Live, page: Any) -> None:
    open_page(page, server.url)
    config = server.project / "pmgen.toml"
    config.write_text(CONFIG.replace("de test", "en direct"), encoding="utf-8")
    wait_for_h1(page, "Postmortems en direct")


def test_broken_file_shows_the_error_page_then_recovers(server: Live, page: Any) -> None:
    url = server.url + CLEAN_PAGE
    open_page(page, url)

    server.edit(CLEAN_NAME, lambda _: BROKEN)
    wait_for_h1(page, "The site could not be built")
    assert "new EventSource" in page.content()  # the error page listens for the fix too
    body = page.locator("body").inner_text()
    assert f"pm/{CLEAN_NAME}" in body
    assert "PM002" in body
    status, served = fetch(url)
    assert status == 500
    assert "PM002" in served
    assert live.EVENTS_PATH in served  # the error page reloads by itself too
    assert fetch(server.url)[0] == 500  # every page, not only the broken one's

    server.edit(CLEAN_NAME, lambda _: CLEAN)
    wait_for_h1(page, "Panne du site")
    assert "PM002" not in page.content()
    assert fetch(url)[0] == 200
    assert fetch(server.url + MISSING_PAGE)[0] == 200


def test_drafts_are_shown_and_marked(server: Live, page: Any) -> None:
    open_page(page, server.url + DRAFT_PAGE)
    assert page.locator("h1").inner_text() == "Panne en cours"
    assert page.locator(".postmortem-header .badge.status").inner_text() == "brouillon"

    open_page(page, server.url)
    draft = page.locator(".entry", has_text="Panne en cours")
    assert draft.locator(".badge.status").inner_text() == "brouillon"
    assert page.locator(".entry", has_text="Panne du site").locator(".badge.status").count() == 0


# --- recovery without a browser ---------------------------------------------------------------


def wait_until(condition: Callable[[], bool], what: str, seconds: float = RELOAD_MS / 1000) -> None:
    """Poll `condition` until it holds, failing after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {seconds:.0f} s waiting for {what}", pytrace=False)
        time.sleep(0.05)


def test_broken_configuration_at_start_recovers_once_fixed(project: Path) -> None:
    """`pmgen serve` started with a broken pmgen.toml shows why, and rebuilds once it is fixed."""
    config = project / "pmgen.toml"
    config.write_text(CONFIG + "title = \n", encoding="utf-8")
    with ExitStack() as cleanup:
        session, url = start(project, cleanup)
        error = session.site.shown.error
        assert isinstance(error, str) and "pmgen.toml" in error
        status, body = fetch(url)
        assert status == 500
        assert "pmgen.toml" in body
        reports: list[Step] = []
        start_watching(session, cleanup, reports)
        config.write_text(CONFIG, encoding="utf-8")
        wait_until(lambda: fetch(url)[0] == 200, "the site to recover")
        assert fetch(url + CLEAN_PAGE)[0] == 200


# --- build options -----------------------------------------------------------------------------


def test_rebuild_takes_another_source_and_strict(project: Path, tmp_path: Path) -> None:
    """`serve --src DIR --strict`: the other folder is served; a warning shows the error page."""
    other = tmp_path / "ailleurs"
    write(other / CLEAN_NAME, CLEAN)
    site = LiveSite(tmp_path / "served" / "site", project, source=other)
    steps = list(site.update(None))
    assert [step.kind for step in steps][:1] == ["pages"]
    assert site.shown.error is None and site.shown.postmortems == 1
    assert other.resolve() in {path.resolve() for path in site.watched()}
    write(other / "2021-12-01-tbd.md", CLEAN.replace("2021-09-22", "2021-12-01") + "\nTODO\n")
    strict = LiveSite(tmp_path / "strict" / "site", project, source=other, strict=True)
    assert [step.kind for step in strict.update(None)] == ["error"]
    error = strict.shown.error
    assert isinstance(error, tuple) and [d.code for d in error] == ["PM305"]
    site.close()
    strict.close()


# --- a busy port ------------------------------------------------------------------------------


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port on 127.0.0.1 that another socket is listening on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        yield blocker.getsockname()[1]


def test_busy_port_is_a_clear_error(busy_port: int, tmp_path: Path) -> None:
    site = LiveSite(tmp_path / "served" / "site", tmp_path)
    with pytest.raises(PmgenError, match="already in use") as raised:
        live.start_server(live.Session(site), "127.0.0.1", busy_port)
    site.close()
    assert str(busy_port) in str(raised.value)
    assert "--port" in str(raised.value)


def test_cli_busy_port_exits_2_without_traceback(
    busy_port: int, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    monkeypatch.chdir(project)

    result = CliRunner().invoke(main, ["serve", "--port", str(busy_port)])

    assert result.exit_code == 2, result.output
    assert f"pmgen: port {busy_port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.output
    assert "Serving" not in result.output
    assert serve_folders(private_tmp) == set()  # the temporary site was removed


# --- Ctrl-C -----------------------------------------------------------------------------------


def read_lines(stream: Any, lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def wait_for_line(lines: queue.Queue[str | None], prefix: str, seen: list[str]) -> str:
    """The first line starting with `prefix`, within START_SECONDS; `seen` keeps every line."""
    deadline = time.monotonic() + START_SECONDS
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if line.startswith(prefix):
            return line
    pytest.fail(f"no line starting with {prefix!r} in:\n{''.join(seen)}", pytrace=False)


@pytest.mark.skipif(sys.platform == "win32", reason="signals to a child process are POSIX-only")
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_stops_cleanly_and_removes_the_temporary_site(
    project: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    """The real command: SIGINT (Ctrl-C) or SIGTERM (a `kill`, a service manager; before,
    it left the temporary site behind) → "Interrupted.", exit 130 (as every command), no
    `pmgen-serve-*` folder left.

    The child gets its own TMPDIR (its `tempfile.gettempdir()`), so the folders compared
    before and after are only its own, whatever else runs on the machine.
    """
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    before = serve_folders(private_tmp)
    env = {**os.environ, "TMPDIR": str(private_tmp), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "pmgen", "serve", "--port", "0"],
        cwd=project,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        lines: queue.Queue[str | None] = queue.Queue()
        reader = threading.Thread(target=read_lines, args=(process.stderr, lines), daemon=True)
        reader.start()
        seen: list[str] = []
        serving = wait_for_line(lines, "Serving ", seen)
        found = re.search(r"http://127\.0\.0\.1:\d+/", serving)
        assert found, serving
        status, body = fetch(found.group(0))  # the server answers: serve_forever is running
        assert status == 200
        assert live.EVENTS_PATH in body
        during = serve_folders(private_tmp) - before
        assert len(during) == 1, during

        process.send_signal(stop)
        try:
            code = process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {STOP_SECONDS:.0f} s after {stop.name}", pytrace=False)
        reader.join(timeout=STOP_SECONDS)
        while not lines.empty():
            line = lines.get_nowait()
            if line is not None:
                seen.append(line)
        stderr = "".join(seen)
        stdout = process.stdout.read() if process.stdout else ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=STOP_SECONDS)
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()

    assert code == 130, stderr
    assert stderr.endswith("Interrupted.\n")
    assert "Traceback" not in stderr
    assert "KeyboardInterrupt" not in stderr
    assert stdout == ""
    assert serve_folders(private_tmp) == before


# --- reloads are pushed, and only to the page that changed ------------------------------------


def test_an_edit_reloads_its_own_page_only(server: Live, page: Any) -> None:
    """Another postmortem's prose changes: this page stays; its own change reloads it. The
    page learns of rebuilds from the server (an event stream), it does not poll."""
    open_page(page, server.url + CLEAN_PAGE)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    loads = count_loads(page)
    server.edit(
        "2021-10-01-panne-dns.md",
        lambda text: text.replace("deux instances web", "trois instances web"),
    )
    wait_until(
        lambda: any(MISSING_PAGE in step.paths for step in server.reports),
        "the other page to be rebuilt",
    )
    page.wait_for_timeout(1000)
    assert loads == [], "a page reloaded although nothing it shows changed"
    assert requests == [], "the page asked the server something: it should only listen"
    server.edit(CLEAN_NAME, lambda text: text.replace("Panne du site", "Panne du site web"))
    wait_for_h1(page, "Panne du site web")


def test_the_broadcast_tells_what_a_late_page_missed() -> None:
    news = live.Broadcast()
    news.publish({"a/index.html"})
    news.publish({"b/index.html"})
    assert news.since(0, 0) == (2, frozenset({"a/index.html", "b/index.html"}))
    assert news.since(1, 0) == (2, frozenset({"b/index.html"}))
    assert news.since(2, 0.01) is None  # nothing new: it waited, then gave up
    for _ in range(250):
        news.publish({"c/index.html"})
    assert news.since(1, 0) == (252, frozenset({"*"}))  # older than what it remembers
    news.close()
    assert news.since(252, 5) is None  # closed: no waiting


# --- only this machine's names, no listings (issue 10, item 10) ------------------------------


def request(base: str, path: str, host: str | None, method: str = "GET") -> tuple[int, str]:
    """A request with exactly this Host header (none at all when `host` is None)."""
    import http.client

    port = int(base.rstrip("/").rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


REFUSED_HOSTS = [
    "rebind.example",  # the report: DNS rebinding, the attacker's name resolving to 127.0.0.1
    "rebind.example:{port}",
    "localhost.rebind.example",  # variants: look-alikes of a loopback name
    "127.0.0.1.nip.io",
    "0x7f000001.rebind.example",
    "",
    None,  # no Host header at all
]
ALLOWED_HOSTS = [
    "127.0.0.1:{port}",
    "localhost:{port}",
    "LOCALHOST",
    "[::1]:{port}",
    "docs.localhost:{port}",
    "127.0.0.2",
    "localhost.",
]


def test_only_this_machine_s_names_are_answered(server: Live) -> None:
    """Before: any Host was answered, so a page elsewhere could read the preview, drafts
    included, through DNS rebinding. Now 421, for GET and HEAD."""
    port = server.url.rstrip("/").rsplit(":", 1)[1]
    for host in REFUSED_HOSTS:
        shown = None if host is None else host.format(port=port)
        for method in ("GET", "HEAD"):
            status, body = request(server.url, "/" + CLEAN_PAGE, shown, method)
            assert status == 421, (shown, method, status)
            assert "Panne du site" not in body
    for host in ALLOWED_HOSTS:
        status, body = request(server.url, "/" + CLEAN_PAGE, host.format(port=port))
        assert status == 200, host
        assert "Panne du site" in body
    status, _ = request(server.url, live.EVENTS_PATH, "rebind.example")
    assert status == 421


def test_the_host_serve_listens_on_is_answered() -> None:
    assert live.host_allowed("pm.internal:8000", "pm.internal")
    assert live.host_allowed("192.168.1.5:8000", "192.168.1.5")
    assert not live.host_allowed("192.168.1.6:8000", "192.168.1.5")
    assert not live.host_allowed("pm.internal.rebind.example", "pm.internal")


def test_folders_are_never_listed(server: Live) -> None:
    """Before: a folder without index.html (`2021/09/`, `assets/`) was listed. Now it is
    the site's own 404 page, which names none of the folder's files."""
    for folder in ("/2021/09/", "/2021/09/22/", "/assets/"):
        status, body = request(server.url, folder, "127.0.0.1")
        assert status == 404, folder
        assert "Directory listing" not in body
        assert ">22/<" not in body and ">style.css<" not in body and ">search.js<" not in body


# --- what a day of writing does to the preview (found by a sweep; before, each stopped the
# --- watcher for good, left stale pages, or was missed) ---------------------------------------


def page_of(served: Live, path: str) -> tuple[int, str]:
    return fetch(served.url + path)


def still_watching(served: Live, marker: str) -> None:
    """An edit after the event under test still reaches the site: the watcher lives on."""
    served.edit(CLEAN_NAME, lambda text: text.replace("title: Panne du site", f"title: {marker}"))
    wait_until(lambda: marker in page_of(served, CLEAN_PAGE)[1], f"{marker!r} on the page")


def test_a_postmortem_that_another_already_links_to_is_picked_up(server: Live) -> None:
    server.edit(
        CLEAN_NAME,
        lambda text: text.replace(
            "## Contexte\n", "Voir [la suite](2021-12-01-suite.md).\n\n## Contexte\n"
        ),
    )
    wait_until(lambda: "PM301" in page_of(server, CLEAN_PAGE)[1], "the broken link's banner")
    write(
        server.project / "pm" / "2021-12-01-suite.md",
        CLEAN.replace("Panne du site", "Suite").replace("2021-09-22", "2021-12-01"),
    )
    wait_until(lambda: page_of(server, "2021/12/01/suite/index.html")[0] == 200, "the new page")
    wait_until(lambda: "PM301" not in page_of(server, CLEAN_PAGE)[1], "the banner to clear")
    assert 'href="../../../../2021/12/01/suite/index.html"' in page_of(server, CLEAN_PAGE)[1]
    (server.project / "pm" / "2021-12-01-suite.md").unlink()
    wait_until(lambda: "PM301" in page_of(server, CLEAN_PAGE)[1], "the banner to come back")
    still_watching(server, "Panne toujours suivie")


def test_folders_moved_in_out_and_renamed_are_read_again(server: Live, tmp_path: Path) -> None:
    outside = tmp_path / "ailleurs" / "2022"
    write(
        outside / "2022-05-05-profonde.md",
        CLEAN.replace("Panne du site", "Profonde").replace("2021-09-22", "2022-05-05"),
    )
    deep = "2022/05/05/profonde/index.html"
    os.rename(outside, server.project / "pm" / "2022")  # moved in
    wait_until(lambda: page_of(server, deep)[0] == 200, "the page of the folder moved in")
    os.rename(server.project / "pm" / "2022", server.project / "pm" / "annee-2022")  # renamed
    still_watching(server, "Panne après le renommage")
    assert page_of(server, deep)[0] == 200
    os.rename(server.project / "pm" / "annee-2022", tmp_path / "ailleurs" / "parti")  # moved out
    wait_until(lambda: page_of(server, deep)[0] == 404, "the page of the folder moved out to go")
    assert "Profonde" not in page_of(server, "index.html")[1]


def test_a_mistake_in_a_site_template_shows_the_error_page_then_recovers(server: Live) -> None:
    templates = server.project / "templates"
    base = (Path(__file__).parent.parent / "templates" / "base.html").read_text(encoding="utf-8")
    write(templates / "base.html", base.replace("</footer>", "{{ pas_de_variable }}</footer>", 1))
    wait_until(lambda: page_of(server, "index.html")[0] == 500, "the error page")
    body = page_of(server, "index.html")[1]
    assert "base.html" in body and "pas_de_variable" in body
    write(templates / "base.html", base.replace("</footer>", "Pied modifié</footer>", 1))
    wait_until(lambda: "Pied modifié" in page_of(server, "index.html")[1], "the fixed template")
    still_watching(server, "Panne après le gabarit")


def test_listing_pages_nothing_lists_any_more_go_away(server: Live) -> None:
    """The only postmortem of 2021-10 and of its service: once it is gone, so are they."""
    assert page_of(server, "2021/index.html")[0] == 200
    (server.project / "pm" / "2021-10-01-panne-dns.md").unlink()
    (server.project / "pm" / CLEAN_NAME).unlink()
    (server.project / "pm" / "2021-11-05-panne-en-cours.md").unlink()
    wait_until(lambda: page_of(server, "2021/index.html")[0] == 404, "the year page to go")
    assert page_of(server, CLEAN_PAGE)[0] == 404


def test_a_configuration_saved_by_renaming_is_seen_every_time(server: Live) -> None:
    """`sed -i`, JetBrains and Emacs save by writing a new file and renaming it over."""
    config = server.project / "pmgen.toml"
    for title in ("Premier titre", "Second titre", "Troisième titre"):
        fresh = server.project / "pmgen.toml.nouveau"
        fresh.write_text(CONFIG.replace("Postmortems de test", title), encoding="utf-8")
        os.replace(fresh, config)
        wait_until(lambda t=title: t in page_of(server, "index.html")[1], f"the title {title!r}")


def test_the_first_site_template_is_taken_up(server: Live) -> None:
    base = (Path(__file__).parent.parent / "templates" / "base.html").read_text(encoding="utf-8")
    (server.project / "templates").mkdir()
    write(
        server.project / "templates" / "base.html",
        base.replace("</footer>", "Gabarit du site</footer>", 1),
    )
    wait_until(lambda: "Gabarit du site" in page_of(server, "index.html")[1], "the site's template")


def test_requests_the_system_cannot_map_are_not_found(server: Live) -> None:
    for path in ("/" + "a" * 300 + ".html", "/" + "a" * 6000 + "/", "/%00", "/nulle/part.html"):
        status, body = request(server.url, path, "127.0.0.1")
        assert status == 404, path
        assert "Postmortems de test" in body  # the site's own 404 page
    status, _ = request(server.url, "/2021/09/22/panne-du-site", "127.0.0.1")
    assert status in (200, 301)  # a folder without its final `/`: redirected


def test_head_answers_what_get_would(server: Live) -> None:
    for path in ("/", "/" + CLEAN_PAGE, "/assets/style.css", "/absente.html"):
        url = server.url.rstrip("/") + path
        get = urllib.request.Request(url, headers={"Host": "127.0.0.1"})
        head = urllib.request.Request(url, method="HEAD", headers={"Host": "127.0.0.1"})
        answers = []
        for req in (get, head):
            try:
                with urllib.request.urlopen(req, timeout=10) as response:
                    answers.append(
                        (
                            response.status,
                            response.headers["Content-Length"],
                            response.headers["Cache-Control"],
                        )
                    )
            except urllib.error.HTTPError as error:
                with closing(error):
                    answers.append(
                        (
                            error.code,
                            error.headers["Content-Length"],
                            error.headers["Cache-Control"],
                        )
                    )
        assert answers[0] == answers[1], path


def test_a_page_from_an_earlier_serve_is_told_to_reload() -> None:
    """Its `since=N` is past a restarted server's version: everything is news to it."""
    broadcast = live.Broadcast()
    broadcast.publish({"a/index.html"})
    assert broadcast.since(50, 0.05) == (1, frozenset({"*"}))


def test_listening_on_every_interface_answers_this_machine_s_addresses() -> None:
    assert live.host_allowed("192.0.2.2:8000", "0.0.0.0")
    assert live.host_allowed("[2001:db8::2]:8000", "::")
    assert not live.host_allowed("rebind.example:8000", "0.0.0.0")
    assert not live.host_allowed("192.0.2.2:8000", "127.0.0.1")


def test_serve_listens_on_ipv6_loopback(project: Path) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    site = LiveSite(project / "ipv6" / "site", project)
    session = live.Session(site)
    try:
        server = live.start_server(session, "::1", 0)
    except PmgenError as error:
        pytest.skip(f"IPv6 loopback unavailable here: {error}")
    server.server_close()
    site.close()


def test_a_folder_redirect_stays_on_this_site(server: Live) -> None:
    """`/%2F2021` unquoted is `//2021`: a Location of `//2021/` would leave for host `2021`."""
    for path in ("/2021", "/%2F2021", "/%2F%2F2021"):
        connection = http.client.HTTPConnection(server.url.split("//")[1].rstrip("/"), timeout=10)
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        assert (response.status, response.getheader("Location")) == (301, "/2021/"), path
        connection.close()
