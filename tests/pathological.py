"""Pathological postmortems, generated at any size: the shapes that made pmgen quadratic or
worse (issue 10), their variants, and the densest Markdown markdown-it has to read.

Each case is a function of a size in bytes giving the files of a content folder (the
postmortem, and any file it links). Nothing is stored: `tests/test_budget.py` builds them.
"""

from __future__ import annotations

from collections.abc import Callable

from pmgen.read.files import MARKUP, MAX_LINES, MAX_MARKUP, MAX_SPECIAL, SPECIAL

FRONT = (
    "---\ntitle: Panne pathologique\ndate: 2024-01-15\n"
    "started_at: 2024-01-15T10:00:00+01:00\nresolved_at: 2024-01-15T12:00:00+01:00\n---\n\n"
    "Résumé de la panne.\n\n"
)
SECTIONS = (
    "## Contexte\n\nLe service de paie.\n\n## Chronologie\n\n* 10:00 — alerte.\n\n"
    "## Enseignements\n\nRépéter le basculement.\n\n## Analyse\n\nUn disque.\n\n"
    "## Travaux restants\n\n* [ ] Répéter @lea\n\n"
)
NAME = "2024-01-15-pathologique.md"
Files = dict[str, str]


def _cost(text: str) -> tuple[int, int, int]:
    """Lines, markup and special characters: what pmgen's limits count."""
    return (
        text.count("\n"),
        sum(text.count(char) for char in MARKUP),
        sum(text.count(char) for char in SPECIAL),
    )


def _fill(
    unit: str, size: int, head: str = FRONT + SECTIONS, tail: str = "\n", limits: bool = True
) -> str:
    """`head`, then `unit` repeated up to about `size` bytes, then `tail`; with `limits`, no
    more than the line and markup limits allow (past them pmgen would refuse the file)."""
    count = max(1, (size - len(head.encode()) - len(tail)) // len(unit.encode()))
    if limits:
        limit = (MAX_LINES - 1, MAX_MARKUP, MAX_SPECIAL)
        for used, fixed, most in zip(_cost(unit), _cost(head + tail), limit, strict=True):
            if used:
                count = min(count, (most - fixed) // used)
    return head + unit * count + tail


def _most(by_size: int, lines: int, markup: int) -> int:
    """How many items fit `by_size` and the limits, each taking `lines` and `markup`."""
    room = [by_size, (MAX_LINES - 200) // lines if lines else by_size]
    room.append((MAX_MARKUP - 200) // markup if markup else by_size)
    return max(1, min(room))


def _one(text: str) -> Files:
    return {NAME: text}


def comment_only_section(size: int) -> Files:
    """Issue: `<!---->` repeated then `x` in a section (the empty-section check, exponential)."""
    return _one(_fill("<!---->", size, FRONT + "## Contexte\n\n", "x\n\n" + SECTIONS))


def comments_then_text_variant(size: int) -> Files:
    """Variant: open comments `<!-- a` never closed, then text."""
    return _one(_fill("<!-- a ", size, FRONT + "## Contexte\n\n", "x\n\n" + SECTIONS))


def due_then_spaces(size: int) -> Files:
    """Issue: `due` and a long run of spaces in an action item."""
    head = FRONT + SECTIONS + "* [ ] Remplacer le disque due"
    return _one(_fill(" ", size, head, "x\n"))


def due_colon_tabs_variant(size: int) -> Files:
    """Variant: `échéance :` then tabs and a word that is no date."""
    head = FRONT + SECTIONS + "* [ ] Remplacer le disque échéance :"
    return _one(_fill("\t", size, head, "bientôt\n"))


def many_due_words_variant(size: int) -> Files:
    """Variant: `by by by …` in one action item."""
    return _one(_fill("by ", size, FRONT + SECTIONS + "* [ ] Remplacer ", "x\n"))


def disable_markers_in_open_div(size: int) -> Files:
    """Issue: `<!-- pmgen-disable` repeated inside an unterminated `<div`."""
    return _one(_fill("<!-- pmgen-disable ", size, FRONT + SECTIONS + "<div\n"))


def prompts_left_open_variant(size: int) -> Files:
    """Variant: `<!-- pmgen:` prompt openings never closed (the PM305 prompt search)."""
    return _one(_fill("<!-- pmgen: ", size, FRONT + SECTIONS + "Texte "))


def identical_headings(size: int) -> Files:
    """Issue: the same heading again and again (unique heading ids)."""
    return _one(_fill("## Titre\n\n", size))


def identical_setext_headings_variant(size: int) -> Files:
    """Variant: the same setext heading again and again, numbered like generated ids."""
    return _one(_fill("Titre-1\n---\n\nTitre\n---\n\n", size))


def repeated_section_headings_variant(size: int) -> Files:
    """Variant: a required section's heading repeated (sections, PM203 for each)."""
    return _one(_fill("## Contexte\n\nTexte.\n\n", size))


def timeline_at_one_minute(size: int) -> Files:
    """Issue: timeline items all at the same minute (the timeline chart's label rows)."""
    head = FRONT + "## Chronologie\n\n"
    return _one(_fill("* 10:30 — étape\n", size, head, "\n" + SECTIONS))


def timeline_spread_out_variant(size: int) -> Files:
    """Variant: timeline items seconds apart over a day, in a table."""
    head = FRONT + "## Chronologie\n\n| Heure | Fait |\n|---|---|\n"
    count = _most(size // 24, 1, 6)
    rows = "".join(
        f"| {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d} | étape |\n"
        for i in range(0, count * 7, 7)
    )
    return _one(head + rows + "\n" + SECTIONS)


def untimed_timeline_variant(size: int) -> Files:
    """Variant: timeline entries that are no time but look like days and times."""
    head = FRONT + "## Chronologie\n\n"
    return _one(_fill("* 16h  lundi 12 :: 3 — mars\n", size, head, "\n" + SECTIONS))


def colons_after_heading(size: int) -> Files:
    """Issue: a heading followed by a long run of `:` (section matching)."""
    return _one(_fill(":", size, FRONT + SECTIONS + "## Contexte", "x\n"))


def punctuation_after_heading_variant(size: int) -> Files:
    """Variant: `: ?! .` alternating after a heading, then a word."""
    return _one(_fill(": ?! . ", size, FRONT + SECTIONS + "### Analyse", "fin\n"))


def owner_then_spaces(size: int) -> Files:
    """Issue: `(owner:x` then a long run of spaces, no closing parenthesis."""
    return _one(_fill(" ", size, FRONT + SECTIONS + "* [ ] Remplacer (owner:x", "y\n"))


def owner_openings_variant(size: int) -> Files:
    """Variant: `(owner:` repeated, never closed."""
    return _one(_fill("(owner:", size, FRONT + SECTIONS + "* [ ] Remplacer ", "\n"))


def at_signs_variant(size: int) -> Files:
    """Variant: `@a.` repeated: owner mentions that never end in a word."""
    return _one(_fill(" @a.-", size, FRONT + SECTIONS + "* [ ] Remplacer", "\n"))


def chart_markers(size: int) -> Files:
    """Issue: a chart with thousands of markers at one time (past the limit: PM306)."""
    head = (
        FRONT
        + SECTIONS
        + "```chart\ntype: line\nrows: [{t: 2024-01-15T10:00:00+01:00, v: 1}, "
        + "{t: 2024-01-15T12:00:00+01:00, v: 2}]\nx: t\ny: v\nmarkers: [started"
    )
    return _one(_fill(", started", size, head, "]\n```\n"))


def chart_labels_variant(size: int) -> Files:
    """Variant: a chart at the marker limit, every label a different width and time."""
    markers = "".join(
        f"  - {{at: '2024-01-15T10:{i % 60:02d}:00+01:00', label: {'m' * (i % 40 + 1)}}}\n"
        for i in range(100)
    )
    chart = (
        "```chart\ntype: bar\nrows: [{t: 2024-01-15T10:00:00+01:00, v: 1}, "
        "{t: 2024-01-15T11:00:00+01:00, v: 2}]\nx: t\ny: v\nmarkers:\n" + markers + "```\n\n"
    )
    return _one(_fill(chart, size))


def task_list_items_variant(size: int) -> Files:
    """Variant: thousands of task items in one list (the task-list plugin was quadratic)."""
    return _one(_fill("- [ ] vérifier @lea\n", size))


def placeholders_in_one_paragraph_variant(size: int) -> Files:
    """Variant: `TODO` on every line of one long paragraph (locating each finding)."""
    return _one(_fill("ligne TODO\n", size, FRONT + SECTIONS + "Début\n"))


def broken_links_in_one_paragraph_variant(size: int) -> Files:
    """Variant: thousands of links to missing files in one paragraph (PM301 for each)."""
    return _one(_fill("[a](absent.png) ![](absent.png)\n", size, FRONT + SECTIONS + "Début\n"))


def reference_links_variant(size: int) -> Files:
    """Variant: reference links whose targets are written in another block."""
    count = _most(size // 40, 1, 6)
    uses = "".join(f"[lien][r{i}] " for i in range(count))
    definitions = "".join(f"[r{i}]: manquant-{i}.png\n" for i in range(count))
    return _one(FRONT + SECTIONS + uses + "\n\n" + definitions)


def inputs_in_an_attribute_variant(size: int) -> Files:
    """Variant: `<input` written thousands of times inside one attribute value."""
    return _one(_fill("<input ", size, FRONT + SECTIONS + '<input title="', '" type="text">\n'))


def footnotes_variant(size: int) -> Files:
    """Variant: thousands of footnotes and references to them."""
    count = _most(size // 30, 1, 4)
    refs = "".join(f"x[^{i}] " for i in range(count))
    notes = "".join(f"[^{i}]: note {i}\n" for i in range(count))
    return _one(FRONT + SECTIONS + refs + "\n\n" + notes)


def prose_code_blocks_variant(size: int) -> Files:
    """Variant: indented blocks that read as prose (PM303 for each)."""
    block = "    Le disque a lâché pendant la sauvegarde de la nuit, sans alerte.\n\n"
    return _one(_fill(block + "Texte.\n\n", size))


def yaml_error_at_the_end_variant(size: int) -> Files:
    """Variant: a huge front matter whose syntax error is on its last line."""
    fields = "".join(f"champ{i}: valeur {i}\n" for i in range(_most(size // 24, 1, 0)))
    return _one("---\ntitle: Panne\ndate: 2024-01-15\n" + fields + "bad: a: b\n---\n\n" + SECTIONS)


def nested_raw_html_variant(size: int) -> Files:
    """Variant: raw HTML lists opened and never closed (the sanitiser's parser is quadratic
    in the nesting: past PM003's limit only the text is kept)."""
    return _one(_fill("<ul><li>", size, FRONT + SECTIONS + "<div>\n"))


def nested_html_over_blocks_variant(size: int) -> Files:
    """Variant: `<div>` opened in thousands of separate HTML blocks."""
    return _one(_fill("<div>\n\ntexte\n\n", size))


def emphasis_dense(size: int) -> Files:
    """The densest inline markup, emphasis, code and links on every word, past the markup
    limit: PM003."""
    return _one(_fill("*a* **b** `c` [d](#e) ", size, tail="\n\n", limits=False))


def one_item_per_line(size: int) -> Files:
    """The densest block structure, a list item on every line, past the line limit: PM003."""
    return _one(_fill("* a\n", size, limits=False))


def task_items_at_the_line_limit(size: int) -> Files:
    """The costliest file within the limits: as many lines of task items with links as the
    line limit allows (whatever `size`: the limit comes first)."""
    head = FRONT + SECTIONS
    count = MAX_LINES - head.count("\n") - 1
    return _one(head + "- [ ] vérifier [la sonde](#sonde) @lea\n" * count)


def links_at_the_markup_limit(size: int) -> Files:
    """Within the limits too: as many unclosed links as the markup limit allows."""
    return _one(FRONT + SECTIONS + "[a" * (MAX_MARKUP - 100) + "\n")


def emphasis_at_the_markup_limit(size: int) -> Files:
    """Emphasis, code and links up to the markup limit."""
    unit = "*a* **b** `c` [d](#e) "
    return _one(FRONT + SECTIONS + unit * ((MAX_MARKUP - 100) // 12) + "\n")


def long_single_line(size: int) -> Files:
    """One line of plain text as long as the file."""
    return _one(_fill("x", size))


def bare_addresses_full_of_parentheses(size: int) -> Files:
    """A bare address of `(` after `(` (linkify-it-py's link pattern took 6 s on 100 kB),
    and runs of addresses and closing parentheses: pmgen links bare addresses itself."""
    return _one(
        _fill("https://x.example/(", size // 2)
        + "https://x.example/a"
        + ")" * (size // 4)
        + "\n\n"
        + "voir https://a.example/b, " * (size // 104)
        + "\n"
    )


CATALOGUE: dict[str, Callable[[int], Files]] = {
    name.replace("_", "-"): case
    for name, case in list(globals().items())
    if callable(case) and case.__module__ == __name__ and not name.startswith("_")
}
