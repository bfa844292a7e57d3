"""Findings as values: severity, position, message and the order they are shown in."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """How serious a finding is; a higher value is more serious."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        """The lower-case name used in output and configuration."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read a severity name such as `warning`; raise ValueError otherwise."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {choices})") from None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding about one file, at a 1-based, file-absolute line and column."""

    code: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    hint: str | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        """Order by file, then position, then code; ties keep the order checks found them in."""
        return (self.path, self.line, self.column, self.code)


def sort_diagnostics(
    diagnostics: list[Diagnostic] | tuple[Diagnostic, ...],
) -> tuple[Diagnostic, ...]:
    """Return the findings in their stable display order."""
    return tuple(sorted(diagnostics, key=lambda d: d.sort_key))


def count_by_severity(diagnostics: tuple[Diagnostic, ...]) -> dict[Severity, int]:
    """Count findings per severity, every severity present (zero when absent)."""
    counts = {severity: 0 for severity in Severity}
    for diagnostic in diagnostics:
        counts[diagnostic.severity] += 1
    return counts
