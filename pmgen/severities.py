"""The incident severity scale: its levels, most severe first, and the words that mean each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_LEVELS = ("SEV1", "SEV2", "SEV3", "SEV4")
# Each level's other names: P1–P4 (paging tools), then English and French words.
DEFAULT_ALIASES: dict[str, list[str]] = {
    "SEV1": ["P1", "critical", "critique"],
    "SEV2": ["P2", "high", "haute"],
    "SEV3": ["P3", "medium", "moyenne"],
    "SEV4": ["P4", "low", "basse"],
}


@dataclass(frozen=True, slots=True)
class SeverityScale:
    """The levels of the scale, most severe first, and each level's aliases."""

    levels: tuple[str, ...] = DEFAULT_LEVELS
    aliases: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: {level: tuple(names) for level, names in DEFAULT_ALIASES.items()}
    )

    def level(self, text: str) -> str | None:
        """The level a written severity means (`2`, `p2`, `High`, `SEV2` → `SEV2`), else None."""
        wanted = text.strip().casefold()
        if wanted.isdecimal() and 1 <= int(wanted) <= len(self.levels):
            return self.levels[int(wanted) - 1]  # `severity: 2` is the second level
        for level in self.levels:
            if wanted == level.casefold() or wanted in (
                alias.casefold() for alias in self.aliases.get(level, ())
            ):
                return level
        return None

    def rank(self, level: str) -> int:
        """1 for the most severe level, then 2, 3…"""
        return self.levels.index(level) + 1

    def described(self) -> str:
        """The scale as a reader needs it in a message: `SEV1 (P1, critical), SEV2 (…)`."""
        return ", ".join(
            f"{level} ({', '.join(self.aliases[level])})" if self.aliases.get(level) else level
            for level in self.levels
        )
