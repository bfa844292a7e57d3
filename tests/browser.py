"""Support for the browser tests: Debian's Chromium, a local HTTP server, a built site.

The helpers are plain functions and context managers so that fixtures of any scope can use
them. No browser is ever downloaded: Playwright drives /usr/bin/chromium. When it is absent the
tests are skipped, except on CI (`CI=true`), where a missing browser is a failure.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import pytest

from pmgen.commands.build import BuildOptions, BuildResult, build_site
from pmgen.config import Config, build_config, load_config

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
REPOSITORY = Path(__file__).resolve().parent.parent


def unavailable(reason: str) -> NoReturn:
    """Skip the browser tests, or fail them on CI where the browser must be there."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must run on CI)", pytrace=False)
    pytest.skip(reason)


def require_chromium() -> Path:
    """Debian's Chromium and Playwright, or skip (fail on CI) with the reason."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("playwright is not installed: pip install -e '.[test]'")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"{CHROMIUM} is absent: apt-get install chromium")
    return CHROMIUM


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium driven by Playwright, closed on exit."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging each request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port) from a daemon thread; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def build(
    content: Path, output: Path, site_url: str = "", config: Config | None = None
) -> BuildResult:
    """Build `content` into `output` as `pmgen build` would, failing the test if it cannot.

    The configuration defaults to the repository's own (what `pmgen build` uses there).
    """
    config = config or load_config(REPOSITORY)
    options = BuildOptions(
        source=content.resolve(),
        output=output.resolve(),
        site_url=site_url.rstrip("/"),
        updated=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        cache=False,  # the repository's .pmgen-cache is not the test's to read or fill
    )
    result = build_site(config, options, REPOSITORY, dt.date.today())
    if not result.ok:
        shown = "\n".join(f"{d.path}:{d.line}: {d.code} {d.message}" for d in result.blocking)
        pytest.fail(f"the site for {content} did not build:\n{shown}", pytrace=False)
    return result


def default_config() -> Config:
    """The built-in defaults (no configuration file), e.g. `html = "sanitize"`."""
    return build_config({}, REPOSITORY, None)
