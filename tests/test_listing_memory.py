"""The listing pages of a large site stream their rows: the index, the term pages and the
actions page are megabytes at 5,000 postmortems, and a table built whole by a macro held
seven times the page's size in memory while it was rendered (docs/benchmark-results.md)."""

from __future__ import annotations

import datetime as dt
import tracemalloc

import pytest

from pmgen.commands.parse import parse_files
from pmgen.commands.stages import site_settings
from pmgen.config import build_config
from pmgen.pages.context import actions_context, index_context, term_context
from pmgen.pages.library import build_library
from pmgen.pages.templates import environment, render_page

TODAY = dt.date(2024, 6, 1)
ROWS = 4000  # rows of each table: enough for the page to dwarf the interpreter's own noise


def postmortem(number: int) -> str:
    return (
        f"---\ntitle: Panne {number}\ndate: 2023-01-{number + 1:02d}\nservices: [web]\n---\n\n"
        "Résumé.\n\n## Contexte\n\nUne phrase.\n\n## Chronologie\n\n* 16:00 — Début.\n\n"
        "## Enseignements\n\nUne leçon.\n\n## Analyse\n\nUne cause.\n\n## Travaux restants\n\n"
        "* [ ] Ajouter une alerte sur la latence @camille échéance : 2023-02-01\n"
        "* [ ] Documenter la bascule (responsable : Julien)\n"
    )


@pytest.fixture(scope="module")
def contexts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, dict]]:
    root = tmp_path_factory.mktemp("listings")
    content = root / "postmortems"
    content.mkdir()
    for number in range(4):
        (content / f"panne-{number}.md").write_text(postmortem(number), encoding="utf-8")
    config = build_config({}, root, None)
    run = parse_files([content], config, root)
    library = build_library([item.postmortem for item in run.results if item.postmortem])
    site = site_settings(config, "", TODAY, False)
    actions = actions_context(library, site)
    index = index_context(library, site, {})
    term = term_context(library.terms["services"][0], site, {})
    # The same rows many times over: what a large site gives the templates.
    actions["actions"] = actions["actions"] * (ROWS // len(actions["actions"]))
    index["rows"] = index["rows"] * (ROWS // len(index["rows"]))
    term["entries"] = term["entries"] * (ROWS // len(term["entries"]))
    return {
        "actions": ("actions.html", actions),
        "index": ("index.html", index),
        "term": ("term.html", term),
    }


@pytest.mark.parametrize("page", ["actions", "index", "term"])
def test_a_listing_page_is_rendered_in_little_more_than_its_size(
    contexts: dict[str, tuple[str, dict]], page: str
) -> None:
    template, context = contexts[page]
    env = environment(None)
    render_page(env, template, "page.html", context)  # templates compiled outside the count
    tracemalloc.start()
    try:
        output = render_page(env, template, "page.html", context)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = len(output.data)
    assert size > 1_000_000, size  # the rows are really there
    assert peak < 2.5 * size, f"{peak / size:.1f} × the page's {size:,} bytes"


def test_the_macro_and_the_streamed_rows_give_the_same_table(
    contexts: dict[str, tuple[str, dict]],
) -> None:
    """Pages loop over `entry_row`; `entry_table` (for themes) must give the same bytes."""
    env = environment(None)
    source = (
        '{% from "_entries.html" import entry_table, entry_table_start, entry_row, table_end %}'
        "{{ entry_table(rows, words, 'c', True) }}|"
        "{{ entry_table_start(words, 'c', True) }}{% for entry in rows %}"
        "{{ entry_row(entry, words, True) }}{% endfor %}{{ table_end() -}}"
    )
    index = contexts["index"][1]
    rows = index["rows"][:4]
    whole, streamed = (
        env.from_string(source).render(rows=rows, words=index["site"]["words"]).split("|")
    )
    assert whole.count("<tr ") == len(rows)  # one per entry (the header row has no attribute)
    assert whole == streamed
