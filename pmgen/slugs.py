"""ASCII slugs for URLs, anchors and file names: stable, safe and unique."""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 80
# Names Windows refuses as file names; a slug equal to one gets a suffix.
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o"})


def slugify(text: str, fallback: str = "sans-titre") -> str:
    """`Panne de la base de données` → `panne-de-la-base-de-donnees`; never empty."""
    folded = unicodedata.normalize("NFKD", text.translate(_LIGATURES).replace("’", " "))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", re.sub("['’]", " ", ascii_text)).strip("-")
    slug = slug[:MAX_SLUG].rstrip("-")
    if not slug:
        return fallback
    return f"{slug}-" if slug in _RESERVED else slug


def unique(slug: str, taken: set[str]) -> str:
    """The slug itself, or with `-2`, `-3`… when already taken; records the result."""
    candidate, number = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{number}"
        number += 1
    taken.add(candidate)
    return candidate
