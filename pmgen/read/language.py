"""The language of a postmortem from its content, when the front matter does not say: the
words of its headings (counted three times) and of its text decide between French and
English; a text too short or too mixed to tell keeps the configured language."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pmgen.read.blocks import Block

MAX_CHARS = 20_000  # enough text to tell; a long file is not read further
_WORD = re.compile(r"[a-zàâäéèêëîïôöùûüçœ']+", re.IGNORECASE)
_FRENCH = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "du",
        "de",
        "et",
        "est",
        "une",
        "un",
        "nous",
        "pour",
        "dans",
        "sur",
        "avec",
        "qui",
        "que",
        "pas",
        "sont",
        "été",
        "au",
        "aux",
        "ce",
        "cette",
        "ces",
        "il",
        "elle",
        "ils",
        "elles",
        "leur",
        "leurs",
        "mais",
        "ou",
        "où",
        "très",
        "plus",
        "été",
        "était",
        "ont",
        "avons",
        "sommes",
        "chez",
        "notre",
        "nos",
        "vos",
        "votre",
        "lors",
        "puis",
        "donc",
        "aussi",
        "après",
        "avant",
        "depuis",
        "pendant",
        "entre",
        "sans",
        "sous",
        "chronologie",
        "enseignements",
        "analyse",
        "contexte",
        "travaux",
        "restants",
        "résumé",
        "panne",
        "heure",
        "heures",
        "jour",
        "semaine",
        "erreurs",
        "serveur",
        "équipe",
        "mise",
    ]
)
_ENGLISH = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "is",
        "was",
        "we",
        "for",
        "in",
        "with",
        "that",
        "this",
        "it",
        "are",
        "were",
        "be",
        "by",
        "from",
        "not",
        "our",
        "an",
        "at",
        "as",
        "has",
        "have",
        "had",
        "which",
        "when",
        "what",
        "who",
        "will",
        "would",
        "could",
        "should",
        "there",
        "their",
        "they",
        "been",
        "into",
        "after",
        "before",
        "during",
        "about",
        "then",
        "than",
        "also",
        "these",
        "those",
        "only",
        "because",
        "while",
        "timeline",
        "lessons",
        "learned",
        "analysis",
        "action",
        "items",
        "summary",
        "impact",
        "root",
        "cause",
        "outage",
        "team",
        "users",
        "went",
        "well",
        "wrong",
    ]
)
MARGIN = 1.5  # one language must lead the other by this factor
MINIMUM = 5


def detect_language(blocks: Sequence[Block], title: str | None, default: str) -> tuple[str, str]:
    """(language, source): `content` when the words decide, else (default, `default`).

    The prose decides first: headings are often a template's, in English over French text
    (`## Summary` over `Le cluster a perdu…`). When the prose is too short to tell, the
    title and headings count too, three times each."""
    body = [b.text for b in blocks if b.kind != "heading"]
    heads = [title or "", *(b.text for b in blocks if b.kind == "heading")]
    french, english = _counts(body)
    decided = _decide(french, english)
    if decided is None:
        head_french, head_english = _counts(heads)
        decided = _decide(french + 3 * head_french, english + 3 * head_english)
    return (decided, "content") if decided is not None else (default, "default")


def _counts(texts: Sequence[str]) -> tuple[int, int]:
    """French and English function words in the texts (the first MAX_CHARS characters)."""
    french = english = read = 0
    for text in texts:
        if read > MAX_CHARS:
            break
        read += len(text)
        for word in _WORD.findall(text[:MAX_CHARS].lower()):
            word = word.strip("'")
            french += word in _FRENCH
            english += word in _ENGLISH
    return french, english


def _decide(french: int, english: int) -> str | None:
    if french >= MINIMUM and french >= MARGIN * english:
        return "fr"
    if english >= MINIMUM and english >= MARGIN * french:
        return "en"
    return None
