"""Lint: which findings are shown, at what severity (selection, per-path settings, drafts).

The checks themselves are in `lint.checks`, run in order by `lint.run`."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from pmgen.config import Config, RuleSettings
from pmgen.diagnostics import Diagnostic, Severity
from pmgen.rules import DRAFT_RELAXED

__all__ = ["Selection", "filter_findings", "matches"]


@dataclass(frozen=True, slots=True)
class Selection:
    """Command-line rule selection laid over the configuration (None keeps the configured)."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    min_severity: Severity | None = None


def filter_findings(
    findings: Iterable[Diagnostic],
    path: Path,
    config: Config,
    selection: Selection,
    draft: bool = False,
) -> tuple[Diagnostic, ...]:
    """Apply select/ignore and severity overrides, global then per path (later wins)."""
    settings = [config.lint.rules, *_per_path(path, config)]
    # The last table with a `select` wins; a per-path table without one keeps the one before.
    select = selection.select or next((s.select for s in reversed(settings) if s.select), ())
    ignore = selection.ignore + tuple(p for s in settings for p in s.ignore)
    shown = selection.min_severity or config.lint.min_severity
    kept = []
    for finding in findings:
        if not matches(finding.code, select) or matches(finding.code, ignore):
            continue
        severity = finding.severity
        for rules in settings:
            severity = rules.severity.get(finding.code, severity)
        if draft and finding.code in DRAFT_RELAXED:
            severity = min(severity, Severity.WARNING)
        if severity >= shown:
            kept.append(replace(finding, severity=severity))
    return tuple(kept)


def matches(code: str, prefixes: tuple[str, ...]) -> bool:
    return any(code.startswith(prefix) for prefix in prefixes)


def _per_path(path: Path, config: Config) -> list[RuleSettings]:
    candidates = [path.as_posix()]
    for base in (config.root, config.content):
        if path.is_relative_to(base):
            candidates.append(path.relative_to(base).as_posix())
    return [
        settings
        for pattern, settings in config.lint.per_path
        if any(fnmatch.fnmatch(candidate, pattern) for candidate in candidates)
    ]
