"""Take the README's screenshots of the bundled examples with Debian's headless Chromium.

Run from anywhere: `.venv/bin/python docs/screenshots.py`. It builds postmortems/ into a
temporary folder, serves it on 127.0.0.1 and writes docs/screenshot-index.png and
docs/screenshot-postmortem.png (the French incident of 2021-09-22). No browser is downloaded:
Playwright drives /usr/bin/chromium with the same options as the browser tests.
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

from pmgen.commands.build import BuildOptions, build_site  # noqa: E402
from pmgen.config import load_config  # noqa: E402

VIEWPORT = {"width": 1280, "height": 900}
MAX_HEIGHT = 2400
POSTMORTEM = "2021/09/22/lenteurs-puis-panne-du-site/index.html"


def build(output: Path) -> None:
    config = load_config(REPOSITORY)
    options = BuildOptions(source=REPOSITORY / "postmortems", output=output)
    result = build_site(config, options, REPOSITORY, dt.date.today())
    if not result.ok:
        blocking = "\n".join(f"{d.path}:{d.line}: {d.code} {d.message}" for d in result.blocking)
        raise SystemExit(f"screenshots: the bundled postmortems did not build:\n{blocking}")


def main() -> int:
    if not CHROMIUM.is_file():
        print(f"screenshots: {CHROMIUM} is absent; install it with apt-get install chromium.")
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="pmgen-screenshots-") as folder:
        site = Path(folder) / "site"
        build(site)
        with serve(site) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            try:
                context = browser.new_context(viewport=VIEWPORT, color_scheme="light")
                context.route("**/*", _local_only)
                page = context.new_page()

                page.goto(url + "index.html", wait_until="networkidle")
                index = DOCS / "screenshot-index.png"
                page.screenshot(path=index, animations="disabled", caret="hide")

                page.goto(url + POSTMORTEM, wait_until="networkidle")
                height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
                postmortem = DOCS / "screenshot-postmortem.png"
                page.screenshot(
                    path=postmortem,
                    full_page=True,
                    clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height},
                    animations="disabled",
                    caret="hide",
                )
            finally:
                browser.close()
    for path in (index, postmortem):
        print(f"wrote {path.relative_to(REPOSITORY)}")
    return 0


def _local_only(route: Any) -> None:
    """Nothing leaves the machine: the theme makes no external request, and this proves it."""
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.abort()


if __name__ == "__main__":
    raise SystemExit(main())
