"""Live preview: time from saving a postmortem to the open page in Chromium showing the change.

One session per server and repetition: start the server (127.0.0.1, a free port) in a private
copy of the corpus, wait until it serves the page of one postmortem, open that page in Chromium
(Playwright, Debian's /usr/bin/chromium, headless), then `edits` times: append a new sentence to
the postmortem's source file and wait until the sentence is in the page's visible text. The
servers reload the page themselves (Hugo through its livereload script, pmgen through the reload
script it injects); the harness never reloads. Every wait has a timeout, reported as a failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# True once the sentence is in the text the page shows (innerText: rendered, not hidden).
VISIBLE = "s => document.body !== null && document.body.innerText.includes(s)"


class LiveFailure(RuntimeError):
    """A server did not start, serve, show an edit in time, or exited."""


@dataclass(slots=True)
class LiveSite:
    """One server to measure: its command (given a port), folder, page and edited file."""

    tool: str
    folder: Path
    command: Callable[[int], Sequence[str | Path]]
    page: str  # URL path of the edited postmortem's page, e.g. /2021/09/22/slug/
    source: Path  # the Markdown file the edits append to
    reset: Callable[[], None]  # remove what a previous session left (caches, outputs)


@dataclass(slots=True)
class LiveResult:
    """One session: how long the server took to serve, and each edit's latency."""

    startup: float | None = None
    latencies: list[float] = field(default_factory=list)
    failure: str | None = None
    note: str | None = None  # the server did not stop on Ctrl-C (not a latency failure)


def sentence(tag: str, number: int) -> str:
    """A sentence no page holds yet (no apostrophe or dash that a typographer would change)."""
    return f"Relecture de contrôle {tag} numéro {number} ajoutée au banc."


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Browser:
    """Headless Chromium through Playwright, started on first use and closed by `close()`."""

    def __init__(self) -> None:
        self._playwright: Any = None
        self._browser: Any = None

    def get(self) -> Any:
        """The running browser (started now if needed)."""
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            if not CHROMIUM.exists():
                raise LiveFailure(f"{CHROMIUM} not found (apt-get install chromium)")
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
        return self._browser

    def version(self) -> str:
        """`Chromium 1.2.3` (starts the browser)."""
        return f"Chromium {self.get().version}"

    def close(self) -> None:
        """Close the browser and Playwright's driver."""
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()
        self._browser = self._playwright = None


def tail(path: Path, lines: int = 6) -> str:
    """The last lines of a log file, on one line."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:])


def wait_serving(process: subprocess.Popen[bytes], url: str, timeout: float, log: Path) -> None:
    """Poll `url` until it answers 200; LiveFailure on timeout or if the server exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LiveFailure(f"server exited with {process.returncode}: {tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise LiveFailure(f"{url} not served after {timeout:g} s: {tail(log)}")


def stop(process: subprocess.Popen[bytes]) -> str | None:
    """Ctrl-C the server, then SIGTERM, then SIGKILL; a note unless it stopped on Ctrl-C."""
    for sig, grace in ((signal.SIGINT, 15.0), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        if process.poll() is not None:
            break
        process.send_signal(sig)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            continue
        if sig != signal.SIGINT:
            return f"pid {process.pid} needed {sig.name} to stop"
        return None
    return None if process.returncode is not None else f"pid {process.pid} did not stop"


def _default_sigint() -> None:
    """In the server's process: Ctrl-C stops it even if the harness was started with it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def session(
    browser: Browser,
    site: LiveSite,
    tag: str,
    edits: int,
    *,
    start_timeout: float,
    edit_timeout: float,
    settle: float,
) -> LiveResult:
    """Start the server, open the page, time `edits` appended sentences, stop the server."""
    from playwright.sync_api import Error as PlaywrightError

    result = LiveResult()
    original = site.source.read_bytes()
    site.reset()
    port = free_port()
    url = f"http://127.0.0.1:{port}{site.page}"
    log = site.folder.parent / f"{site.tool}-serve.log"
    started = time.perf_counter()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(part) for part in site.command(port)],
            cwd=site.folder,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C in the terminal reaches the harness only
            preexec_fn=_default_sigint,
        )
    context = None
    try:
        wait_serving(process, url, start_timeout, log)
        result.startup = time.perf_counter() - started
        context = browser.get().new_context()
        page = context.new_page()
        page.goto(url, wait_until="load", timeout=edit_timeout * 1000)
        time.sleep(settle)
        for number in range(1, edits + 1):
            text = sentence(tag, number)
            saved = time.perf_counter()
            with site.source.open("a", encoding="utf-8") as stream:
                stream.write(f"\n{text}\n")
            try:
                page.wait_for_function(
                    VISIBLE, arg=text, polling="raf", timeout=edit_timeout * 1000
                )
            except PlaywrightError as error:
                first = str(error).strip().splitlines()[0]
                raise LiveFailure(
                    f"edit {number}: not visible after {edit_timeout:g} s ({first})"
                ) from None
            result.latencies.append(time.perf_counter() - saved)
            if process.poll() is not None:
                raise LiveFailure(f"server exited with {process.returncode}: {tail(log)}")
            time.sleep(settle)
    except (LiveFailure, PlaywrightError) as error:
        result.failure = str(error).strip().splitlines()[0]
    finally:
        if context is not None:
            context.close()
        result.note = stop(process)
        site.source.write_bytes(original)
    return result


def copy_tree(source: Path, target: Path) -> None:
    """A fresh private copy of a corpus folder."""
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target)


def remove(*paths: Path) -> None:
    """Delete files or folders that exist."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            os.unlink(path)


def pmgen_page(stem: str) -> str:
    """pmgen's URL for `YYYY-MM-DD-slug.md`: `/YYYY/MM/DD/slug/`."""
    year, month, day, slug = stem.split("-", 3)
    return f"/{year}/{month}/{day}/{slug}/"


def pmgen_site(
    pmgen: Path, corpus_folder: Path, work: Path, stem: str, config: str, tool: str = "pmgen"
) -> LiveSite:
    """`pmgen serve` in a private copy of the pmgen layout, with the given pmgen.toml."""
    folder = work / tool
    copy_tree(corpus_folder, folder)
    remove(folder / ".complete")
    (folder / "pmgen.toml").write_text(config, encoding="utf-8")
    return LiveSite(
        tool=tool,
        folder=folder,
        command=lambda port: [pmgen, "serve", "--host", "127.0.0.1", "--port", str(port)],
        page=pmgen_page(stem),
        source=folder / "postmortems" / f"{stem}.md",
        reset=lambda: remove(folder / ".pmgen-cache"),
    )


def hugo_site(hugo: Path, corpus_folder: Path, work: Path, stem: str) -> LiveSite:
    """`hugo server` (its defaults: fast render, livereload, output on disk) in a private copy."""
    folder = work / "hugo"
    copy_tree(corpus_folder, folder)
    remove(folder / ".complete")
    cache = work / "hugo-server-cache"
    return LiveSite(
        tool="hugo",
        folder=folder,
        command=lambda port: [
            hugo,
            "server",
            "--source",
            folder,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--baseURL",
            "http://127.0.0.1/",
            "--cacheDir",
            cache,
        ],
        page=f"/posts/{stem}/",
        source=folder / "content" / "posts" / stem / "index.md",
        reset=lambda: remove(
            folder / "public", folder / "resources", folder / ".hugo_build.lock", cache
        ),
    )
