"""Take the README's screenshots with Debian's headless Chromium.

Run from anywhere: `.venv/bin/python docs/screenshots.py`. It builds postmortems/ and the
generated postmortems of tests/dense.py (dense multi-day timelines) into a temporary folder,
serves them on 127.0.0.1 and writes, on a desktop (1280 px) and a phone (390 px):
docs/screenshot-{index,postmortem,actions,stats}.png, docs/screenshot-phone-*.png, and
docs/screenshot-dense-timeline.png (a month-long incident with bursts of entries, from the
corpus). The day of the build is fixed, so that "overdue" reads the same on every run. No
browser is downloaded: Playwright drives /usr/bin/chromium with the browser tests' options.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
REPOSITORY = DOCS.parent
sys.path.insert(0, str(REPOSITORY / "tests"))

from browser import CHROMIUM, LAUNCH_ARGS, serve  # noqa: E402
from dense import write_dense_site  # noqa: E402

from pmgen.commands.build import BuildOptions, build_site  # noqa: E402
from pmgen.config import load_config  # noqa: E402

TODAY = dt.date(2026, 11, 26)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
POSTMORTEM = "2021/09/22/lenteurs-puis-panne-du-site/index.html"
DENSE = "2025/06/25/planet-replication-diffs/index.html"
# (file name, site, page, viewport, height to keep (0: the viewport's)).
SHOTS = (
    ("screenshot-index.png", "bundled", "index.html", DESKTOP, 0),
    ("screenshot-postmortem.png", "bundled", POSTMORTEM, DESKTOP, 1500),
    ("screenshot-actions.png", "bundled", "actions/index.html", DESKTOP, 0),
    ("screenshot-stats.png", "bundled", "stats/index.html", DESKTOP, 1200),
    ("screenshot-dense-timeline.png", "dense", DENSE, DESKTOP, 1150),
    ("screenshot-phone-index.png", "bundled", "index.html", PHONE, 1400),
    ("screenshot-phone-postmortem.png", "bundled", POSTMORTEM, PHONE, 2000),
    ("screenshot-phone-actions.png", "bundled", "actions/index.html", PHONE, 1400),
    ("screenshot-phone-stats.png", "bundled", "stats/index.html", PHONE, 1400),
    ("screenshot-phone-dense-timeline.png", "dense", DENSE, PHONE, 2400),
)


def build(source: Path, output: Path) -> None:
    config = load_config(REPOSITORY)
    options = BuildOptions(source=source, output=output)
    result = build_site(config, options, REPOSITORY, TODAY)
    if not result.ok:
        blocking = "\n".join(f"{d.path}:{d.line}: {d.code} {d.message}" for d in result.blocking)
        raise SystemExit(f"screenshots: {source} did not build:\n{blocking}")


def main() -> int:
    if not CHROMIUM.is_file():
        print(f"screenshots: {CHROMIUM} is absent; install it with apt-get install chromium.")
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="pmgen-screenshots-") as folder:
        sites = {"bundled": Path(folder) / "site", "dense": Path(folder) / "dense"}
        build(REPOSITORY / "postmortems", sites["bundled"])
        write_dense_site(Path(folder) / "dense-content")
        build(Path(folder) / "dense-content", sites["dense"])
        with (
            serve(sites["bundled"]) as bundled,
            serve(sites["dense"]) as dense,
            sync_playwright() as playwright,
        ):
            urls = {"bundled": bundled, "dense": dense}
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            try:
                for name, site, page_path, viewport, keep in SHOTS:
                    context = browser.new_context(viewport=viewport, color_scheme="light")
                    context.route("**/*", _local_only)
                    page = context.new_page()
                    page.goto(urls[site] + page_path, wait_until="networkidle")
                    height = page.evaluate("document.documentElement.scrollHeight")
                    height = min(height, keep or viewport["height"])
                    page.screenshot(
                        path=DOCS / name,
                        full_page=True,
                        clip={"x": 0, "y": 0, "width": viewport["width"], "height": height},
                        animations="disabled",
                        caret="hide",
                    )
                    context.close()
                    print(f"wrote docs/{name}")
            finally:
                browser.close()
    return 0


def _local_only(route: Any) -> None:
    """Nothing leaves the machine: the theme makes no external request, and this proves it."""
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.abort()


if __name__ == "__main__":
    raise SystemExit(main())
