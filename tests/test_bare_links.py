"""Bare addresses in prose become links, as on GitHub: only those written with their scheme,
never inside a link or code, without the sentence's punctuation, in linear time."""

from __future__ import annotations

import time

import pytest

from pmgen.read.markdown import RenderOptions, parse, render


def html(text: str) -> str:
    return render(parse(text), RenderOptions()).strip()


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("See https://github.com/acme/x/issues/1.", ["https://github.com/acme/x/issues/1"]),
        ("Ticket: http://jira.example/OPS-12, then", ["http://jira.example/OPS-12"]),
        ("(voir https://x.example/a_(b))", ["https://x.example/a_(b)"]),
        ("(voir https://x.example/page)", ["https://x.example/page"]),
        ("Écrire à mailto:astreinte@example.org !", ["mailto:astreinte@example.org"]),
        ("**https://gras.example/x**", ["https://gras.example/x"]),
        (
            "https://a.example et https://b.example?q=1",
            ["https://a.example", "https://b.example?q=1"],
        ),
        # Not bare addresses: no scheme, a scheme alone, code, already a link, not http(s).
        ("Lire README.md et www.example.org", []),
        ("https:// seul", []),
        ("`https://code.example`", []),
        ("javascript:alert(1) et data:text/html,x", []),
        ("x@https://pas.un.lien", []),
    ],
)
def test_bare_addresses_are_linked(text: str, links: list[str]) -> None:
    rendered = html(text)
    assert [part.split('"', 1)[0] for part in rendered.split('href="')[1:]] == links


def test_links_and_autolinks_keep_their_own_text() -> None:
    rendered = html("[https://texte.example](https://cible.example) <https://auto.example>")
    assert rendered.count("<a ") == 2
    assert 'href="https://cible.example">https://texte.example</a>' in rendered


@pytest.mark.parametrize(
    "text",
    [
        "https://x.example/(" * 7000,
        "https://x.example/a" + ")" * 100_000,
        "https://x.example/" + "." * 100_000,
        "voir https://a.example/b, " * 4000,
    ],
    ids=["open-parentheses", "closing-parentheses", "trailing-dots", "many-addresses"],
)
def test_hostile_addresses_are_linked_in_linear_time(text: str) -> None:
    """linkify-it-py took 6 s on the first one (quadratic); this must stay well under."""
    started = time.process_time()
    parse(text)
    assert time.process_time() - started < 1.0
