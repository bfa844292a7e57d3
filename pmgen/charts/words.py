"""The words charts use, in French and English."""

from __future__ import annotations

from collections.abc import Sequence

# key | French | English ("{}" are filled in; months are space-separated).
_PHRASES = """
data | Données du graphique | Chart data
no_data | Pas de données | No data
line | Graphique en courbes | Line chart
area | Graphique en aires | Area chart
bar | Graphique en barres | Bar chart
timeline | Chronologie | Timeline
time | Heure | Time
when | Date et heure | Date and time
category | Catégorie | Category
number | N° | #
event | Événement | Event
and | et | and
in | en | in
at | à {} | at {}
at_category | en {} | at {}
range | du {} au {} | from {} to {}
day_range | le {} de {} à {} | on {} from {} to {}
span | de {} à {} | from {} to {}
peak | pic | peak
minimum | minimum | minimum
marker | repère | marker
markers | repères | markers
window | fenêtre | window
windows | fenêtres | windows
event1 | 1 événement | 1 event
events | {} événements | {} events
category1 | 1 catégorie ({1}) | 1 category ({1})
categories | {} catégories de {} à {} | {} categories from {} to {}
left_out | {} lignes non affichées sur {}. | {} of {} rows not shown.
zone | heures {} | times in {}
quiet | {} sans événement, non dessinées | {} without events, not drawn
months | janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc. | Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec
"""  # noqa: E501


def _phrases(table: str) -> dict[str, dict[str, str]]:
    """The phrase table as {language: {key: text}}, with the list separators."""
    rows = [[part.strip() for part in line.split("|")] for line in table.strip().splitlines()]
    return {
        "fr": {key: fr for key, fr, _ in rows} | {"sep": "\u00a0; ", "colon": "\u00a0: "},
        "en": {key: en for key, _, en in rows} | {"sep": "; ", "colon": ": "},
    }


WORDS = _phrases(_PHRASES)


def join_words(items: Sequence[str], lang: str) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {WORDS[lang]['and']} {items[-1]}"
