"""The theme's layout in a real browser, at 390, 768 and 1280 px, light and dark, over every
page of the bundled site and of a generated one with dense multi-day timelines (tests/dense.py).

Each page is loaded once per width and scheme and measured in one pass: no sideways scroll;
nothing but code, data tables and charts scrolls on its own; no two texts of a chart overlap;
times and durations sit on one line; chart text is at least 11 px; no "(s)"; each severity
rank has one colour and distinct ranks distinct colours. Filters work without JavaScript;
axe finds nothing serious on the generated site's phone layout either.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import REPOSITORY, build, chromium, serve
from dense import write_dense_site
from test_browser import isolate, watch

WIDTHS = (390, 768, 1280)
SCHEMES = ("light", "dark")
SMALLEST_CHART_TEXT = 11.0  # px, on screen

# One pass over a page: what it finds wrong, and the colour of each severity rank.
MEASURE = r"""() => {
  const problems = [];
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const name = e => e.localName + (e.id ? '#' + e.id : '') +
    (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '');
  const root = document.documentElement;
  if (root.scrollWidth > innerWidth + 0.5) {
    const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 0.5);
    problems.push(`the page scrolls sideways (${root.scrollWidth} > ${innerWidth}): ` +
      wide.slice(0, 3).map(name).join(', '));
  }
  // Nothing scrolls or clips on its own but code, data tables and charts.
  const mayScroll = e => e.matches('pre, code, table, figure.chart, figure.chart *') ||
    e.closest('pre, svg') !== null;
  for (const e of document.querySelectorAll('body *')) {
    const s = getComputedStyle(e);
    if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
    if (e.clientWidth <= 1 || e.clientHeight <= 1 || !visible(e)) continue;  // visually hidden
    const clipped = e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1;
    if (clipped && !mayScroll(e)) {
      problems.push(`${name(e)} scrolls or clips its content (${e.scrollWidth}×${e.scrollHeight} in ${e.clientWidth}×${e.clientHeight})`);
    }
  }
  // No two texts of a chart overlap; chart text is readable.
  let smallest = Infinity;
  for (const svg of document.querySelectorAll('figure.chart svg')) {
    if (!visible(svg)) continue;
    const scale = svg.getScreenCTM().a;
    const boxes = [];
    for (const t of svg.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      if (r.width === 0) continue;
      smallest = Math.min(smallest, parseFloat(getComputedStyle(t).fontSize) * scale);
      for (const [other, o] of boxes) {
        const x = Math.min(r.right, o.right) - Math.max(r.left, o.left);
        const y = Math.min(r.bottom, o.bottom) - Math.max(r.top, o.top);
        if (x > 0.5 && y > 0.5) {
          problems.push(`chart ${svg.closest('figure').id}: "${t.textContent}" overlaps "${other}"`);
        }
      }
      boxes.push([t.textContent, r]);
    }
  }
  // Times and durations on one line: the theme's own, and any time written in the content.
  const lines = range => {
    const rects = [...range.getClientRects()].filter(r => r.width > 0);
    return rects.length && rects.some(r => r.top >= rects[0].bottom - 2) ? 2 : 1;
  };
  const range = document.createRange();
  for (const e of document.querySelectorAll('time, .duration, .late, .nowrap, .tile-value, .entry-number')) {
    if (!visible(e)) continue;
    range.selectNodeContents(e);
    if (lines(range) > 1) problems.push(`"${e.textContent.trim()}" (${name(e)}) breaks across lines`);
  }
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  const stamp = /\b\d{1,2}(?::\d{2}){1,2}\b|\b\d{1,2}h\d{2}\b/g;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('svg, pre, [hidden]') || !visible(node.parentElement)) continue;
    for (const m of node.data.matchAll(stamp)) {
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      if (lines(range) > 1) problems.push(`the time "${m[0]}" breaks across lines`);
    }
  }
  if (/\w\(s\)/.test(document.body.innerText)) problems.push('a "(s)" plural is shown');
  const severities = [...document.querySelectorAll('.badge.severity')].filter(visible).map(e =>
    [(e.className.match(/sev-(\d)/) || [])[1], getComputedStyle(e).backgroundColor, e.textContent]);
  return {problems, smallest, severities};
}"""  # noqa: E501


def pages_of(site: Path) -> list[str]:
    """Every HTML page of a built site."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[tuple[str, str, list[str]]]]:
    """The bundled site and the generated dense one, each served: (name, base URL, pages)."""
    bundled = tmp_path_factory.mktemp("bundled") / "site"
    build(REPOSITORY / "postmortems", bundled)
    content = tmp_path_factory.mktemp("dense-content")
    write_dense_site(content)
    dense = tmp_path_factory.mktemp("dense") / "site"
    build(content, dense)
    with serve(bundled) as one, serve(dense) as two:
        yield [("bundled", one, pages_of(bundled)), ("dense", two, pages_of(dense))]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_reads_and_colours_severities(
    browser: Any, sites: list[tuple[str, str, list[str]]], width: int, scheme: str
) -> None:
    context = isolate(
        browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    )
    page = context.new_page()
    errors = watch(page, moving_on=True)  # the search page's script is cut short by leaving it
    problems: list[str] = []
    colours: dict[str, set[str]] = {}
    names: dict[str, set[str]] = {}
    smallest = float("inf")
    try:
        for site, base, paths in sites:
            assert len(paths) > 15, f"{site}: only {paths}"
            for path in paths:
                page.goto(base + path, wait_until="load")
                report = page.evaluate(MEASURE)
                problems += [f"{site}/{path}: {p}" for p in report["problems"]]
                if report["smallest"] < SMALLEST_CHART_TEXT:
                    problems.append(f"{site}/{path}: chart text of {report['smallest']:.1f} px")
                smallest = min(smallest, report["smallest"])
                for rank, colour, text in report["severities"]:
                    colours.setdefault(rank, set()).add(colour)
                    names.setdefault(rank, set()).add(text)
    finally:
        context.close()
    assert not problems, f"at {width} px, {scheme}:\n" + "\n".join(problems)
    assert not errors, "\n".join(errors)
    # SEV1, SEV2, SEV3, SEV4 and an unknown one are on the sites: five ranks, five colours.
    assert set(colours) == {"0", "1", "2", "3", "4"}, names
    assert all(len(found) == 1 for found in colours.values()), colours
    assert len({next(iter(found)) for found in colours.values()}) == len(colours), colours


def test_filters_work_without_javascript(
    browser: Any, sites: list[tuple[str, str, list[str]]]
) -> None:
    context = isolate(browser.new_context(java_script_enabled=False))
    page = context.new_page()
    try:
        base = sites[1][1]
        page.goto(base + "index.html", wait_until="load")
        rows = page.locator("table.entries-table tbody tr")
        assert rows.count() == 4 and all(rows.nth(i).is_visible() for i in range(4))
        page.locator("label.chip", has_text="SEV3").click()
        shown = [rows.nth(i).is_visible() for i in range(4)]
        assert shown.count(True) == 1
        page.locator("label.chip", has_text="2025").click()  # SEV3 and 2025: nothing
        assert not any(rows.nth(i).is_visible() for i in range(4))
        page.locator("a.reset").click()  # the page again, nothing chosen
        page.wait_for_load_state("load")
        assert all(rows.nth(i).is_visible() for i in range(4))
        page.goto(base + "actions/index.html", wait_until="load")
        actions = page.locator("table.actions-table tbody tr")
        total = actions.count()
        page.locator(".filter-group label.chip", has_text="lea").click()
        visible = [actions.nth(i) for i in range(total) if actions.nth(i).is_visible()]
        assert len(visible) == 1 and "lea" in visible[0].inner_text()
    finally:
        context.close()


def test_filters_tell_what_they_show_with_javascript(
    browser: Any, sites: list[tuple[str, str, list[str]]]
) -> None:
    context = isolate(browser.new_context())
    page = context.new_page()
    try:
        page.goto(sites[1][1] + "index.html", wait_until="load")
        page.locator("label.chip", has_text="SEV3").click()
        status = page.locator(".filter-status")
        assert status.inner_text() == "1 affiché sur 4"
        assert page.evaluate("location.hash").startswith("#f-sev-")
        page.reload(wait_until="load")  # the choice survives in the address
        assert status.inner_text() == "1 affiché sur 4"
    finally:
        context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_finds_no_serious_violation_on_phones(
    browser: Any, sites: list[tuple[str, str, list[str]]], scheme: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    base = sites[1][1]
    context = isolate(
        browser.new_context(viewport={"width": 390, "height": 900}, color_scheme=scheme)
    )
    page = context.new_page()
    found = []
    try:
        for path in (
            "index.html",
            "2025/06/25/planet-replication-diffs/index.html",
            "2024/11/05/saturation-des-disques/index.html",
            "actions/index.html",
        ):
            page.goto(base + path, wait_until="load")
            violations = Axe().run(page).response["violations"]
            found += [
                f"{path}: {v['id']} ({v['impact']}): {v['help']} at "
                + ", ".join(str(n["target"]) for n in v["nodes"][:5])
                for v in violations
                if v["impact"] in ("serious", "critical")
            ]
    finally:
        context.close()
    assert not found, "\n".join(found)
