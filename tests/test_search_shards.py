"""Search in shards: an edit re-indexes one shard only, a cold build and an update give the same
bundles, and the search page finds pages of every shard (Chromium)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from browser import chromium, serve

from pmgen.commands.build import BuildOptions, BuildResult, build_site
from pmgen.config import build_config
from pmgen.write.shards import shard_count, shard_of

TODAY = dt.date(2026, 11, 26)
COUNT = 90  # enough for several shards
# One invented word per postmortem, so that each page has a word no other page holds.
WORDS = [
    "kw" + "".join(chr(97 + number // 26**i % 26) for i in range(3)) for number in range(COUNT)
]


def postmortem(number: int, extra: str = "") -> str:
    day = dt.date(2022, 1, 1) + dt.timedelta(days=number)
    return (
        f"---\ntitle: Panne {number}\ndate: {day}\n---\n\nRésumé {WORDS[number]}.\n\n"
        "## Contexte\n\nUne phrase.\n\n## Chronologie\n\n* 16:00 — Début.\n* 16:20 — Fin.\n\n"
        f"## Enseignements\n\nUne leçon.{extra}\n\n## Analyse\n\nUne cause.\n\n"
        "## Travaux restants\n\n* [ ] Corriger @camille\n"
    )


def build(root: Path, output: Path) -> BuildResult:
    config = build_config({"content": str(root / "postmortems")}, root, None)
    options = BuildOptions(root / "postmortems", output, "https://example.org")
    result = build_site(config, options, root, TODAY)
    assert result.ok, result.blocking
    return result


@pytest.fixture
def project(tmp_path: Path) -> Path:
    content = tmp_path / "project" / "postmortems"
    content.mkdir(parents=True)
    for number in range(COUNT):
        day = dt.date(2022, 1, 1) + dt.timedelta(days=number)
        (content / f"{day}-panne-{number}.md").write_text(postmortem(number), encoding="utf-8")
    return tmp_path / "project"


def bundle(site: Path) -> dict[str, str]:
    found = {}
    for path in sorted((site / "pagefind").rglob("*")):
        if path.is_file():
            found[path.relative_to(site).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def shard_inodes(site: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in (site / "pagefind").iterdir() if p.is_dir()}


def test_an_edit_reindexes_one_shard_and_equals_a_cold_build(project: Path) -> None:
    site = project / "site"
    build(project, site)
    count = shard_count(COUNT)
    assert count > 1
    before = shard_inodes(site)
    assert len(before) > 1
    edited = project / "postmortems" / "2022-01-11-panne-10.md"
    edited.write_text(postmortem(10, " Une phrase ajoutée."), encoding="utf-8")
    build(project, site)
    after = shard_inodes(site)
    touched = shard_of("2022/01/11/panne-10/index.html", count)
    assert {name for name in after if after[name] != before.get(name)} == {touched}
    build(project, project / "cold")
    assert bundle(site) == bundle(project / "cold")


def test_deleting_every_page_of_a_shard_drops_it(project: Path) -> None:
    site = project / "site"
    build(project, site)
    count = shard_count(COUNT)
    victim = "s00"
    for number in range(COUNT):
        day = dt.date(2022, 1, 1) + dt.timedelta(days=number)
        if shard_of(f"{day:%Y/%m/%d}/panne-{number}/index.html", count) == victim:
            (project / "postmortems" / f"{day}-panne-{number}.md").unlink()
    build(project, site)
    assert not (site / "pagefind" / victim).exists()
    build(project, project / "cold")
    assert bundle(site) == bundle(project / "cold")


def test_the_search_page_finds_pages_of_every_shard(project: Path) -> None:
    site = project / "site"
    build(project, site)
    count = shard_count(COUNT)
    # One word from each shard.
    chosen: dict[str, int] = {}
    for number in range(COUNT):
        day = dt.date(2022, 1, 1) + dt.timedelta(days=number)
        chosen.setdefault(shard_of(f"{day:%Y/%m/%d}/panne-{number}/index.html", count), number)
    assert len(chosen) > 1
    with chromium() as browser, serve(site) as base:
        page = browser.new_page()
        page.goto(base + "search/index.html", wait_until="load")
        page.wait_for_selector("#search-form:not([hidden])", timeout=15_000)
        for shard, number in sorted(chosen.items()):
            page.fill("#search-query", WORDS[number])
            page.wait_for_function(
                "(title) => { const first = document.querySelector('#search-results li a');"
                " return first !== null && first.textContent === title; }",
                arg=f"Panne {number}",
                timeout=15_000,
            )
            assert page.locator("#search-results li").count() == 1, shard


def test_undated_postmortems_are_indexed_too(tmp_path: Path) -> None:
    """A postmortem without any date lives under `undated/`: its words must be searchable, and a
    site of undated postmortems only must still build (Pagefind fails on zero pages)."""
    content = tmp_path / "postmortems"
    content.mkdir()
    text = postmortem(0).replace("date: 2022-01-01\n", "")
    (content / "panne-sans-date.md").write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    build(tmp_path, site)
    assert (site / "undated" / "panne-sans-date" / "index.html").is_file()
    fragments = list((site / "pagefind").rglob("*.pf_fragment"))
    assert len(fragments) == 1
    (content / "2022-01-02-panne-1.md").write_text(postmortem(1), encoding="utf-8")
    build(tmp_path, site)
    assert len(list((site / "pagefind").rglob("*.pf_fragment"))) == 2
