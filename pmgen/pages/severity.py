"""Severity as a rank (1 most severe … 4), for colours and ordering.

One small function on purpose: the configurable severity scale (levels with ranks and
aliases) replaces `DEFAULT_SCALE` here and nothing else has to change. The theme colours
`sev-1` … `sev-4` and `sev-0` (unknown) distinctly, in light and dark.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pmgen.severities import SeverityScale

# The default scale: SEV1–SEV4, with the usual aliases (P1–P4, critical…low, French words).
DEFAULT_SCALE: Mapping[str, int] = {
    **{f"sev{n}": n for n in range(1, 5)},
    **{f"p{n}": n for n in range(1, 5)},
    **{f"s{n}": n for n in range(1, 5)},
    **dict.fromkeys(("critical", "critique", "majeur", "majeure", "major"), 1),
    **dict.fromkeys(("high", "haute", "élevée", "elevee", "grave"), 2),
    **dict.fromkeys(("medium", "moyenne", "moderate", "modérée"), 3),
    **dict.fromkeys(("low", "basse", "faible", "minor", "mineur", "mineure"), 4),
}
_SEPARATORS = re.compile(r"[\s_-]+")
UNKNOWN = 0


def severity_rank(name: str | None, scale: Mapping[str, int] = DEFAULT_SCALE) -> int:
    """1 (most severe) … 4 for a known severity, 0 when absent or not on the scale."""
    if not name:
        return UNKNOWN
    key = _SEPARATORS.sub("", name.strip().casefold())
    if key.isdigit():  # a bare number: `severity: 2`
        key = f"sev{key}"
    rank = scale.get(key, UNKNOWN)
    return rank if 1 <= rank <= 4 else UNKNOWN


def colour_rank(rank: int | None) -> int:
    """The colour of a level of the configured scale: its rank, the levels past the fourth
    sharing the fourth's (the theme has four), 0 when unknown."""
    return UNKNOWN if not rank else min(rank, 4)


def scale_rank(name: str | None, scale: SeverityScale) -> int:
    """The colour rank of a severity written with the configured scale's words."""
    level = scale.level(name) if name else None
    return colour_rank(scale.rank(level)) if level is not None else UNKNOWN


def severity_view(name: str | None, url: str | None = None) -> dict[str, object] | None:
    """A severity as templates show it: name, rank (for the colour class) and link."""
    if not name:
        return None
    return {"name": name, "rank": severity_rank(name), "url": url}
