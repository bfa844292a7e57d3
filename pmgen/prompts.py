"""The prompt comments written under new section headings, and how to recognise them."""

from __future__ import annotations

import re

# A prompt is an HTML comment starting with this marker; PM305 reports any left in a
# published postmortem, whatever its wording (a team may edit the prompts).
PROMPT_MARKER = "pmgen:"
# The text runs to the first `-->` but never across another `<!--`: a prompt left open then
# stops at the next comment instead of rescanning the rest (`.*?` was quadratic).
PROMPT_PATTERN = re.compile(r"<!--\s*pmgen:(?:[^<]|<(?!!--))*?-->")

PROMPTS: dict[str, dict[str, str]] = {
    "context": {
        "fr": "Décrivez le système concerné et la situation avant l'incident.",
        "en": "Describe the system involved and the situation before the incident.",
    },
    "timeline": {
        "fr": "Listez les faits datés : « * 16:00 — les connexions échouent (erreur 500) ».",
        "en": "List the timed events: “* 16:00 — logins fail with error 500”.",
    },
    "lessons": {
        "fr": "Ce que l'incident nous a appris : ce qui a bien marché, ce qui a manqué.",
        "en": "What the incident taught us: what went well, what was missing.",
    },
    "analysis": {
        "fr": "Pourquoi c'est arrivé : causes racines et facteurs contributifs.",
        "en": "Why it happened: root causes and contributing factors.",
    },
    "actions": {
        "fr": "Les actions à mener : « * [ ] Passer sur des instances XL @responsable "
        "échéance 2021-10-01 ».",
        "en": "The actions to take: “* [ ] Move to XL instances @owner due 2021-10-01”.",
    },
}


def prompt_comment(section_id: str, lang: str) -> str:
    """The prompt comment for a section in a language (a generic one for custom sections)."""
    texts = PROMPTS.get(section_id)
    if texts is None:
        text = "Rédigez cette section." if lang == "fr" else "Write this section."
    else:
        text = texts.get(lang, texts["en"])
    return f"<!-- {PROMPT_MARKER} {text} -->"
