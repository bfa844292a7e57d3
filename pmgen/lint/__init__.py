"""Lint: the ordered list of checks, and how their findings are filtered and re-ranked."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from pmgen.config import Config, RuleSettings
from pmgen.diagnostics import Diagnostic, Severity
from pmgen.lint.checks import (
    Check,
    Context,
    check_action_owners,
    check_code_prose,
    check_duplicate_sections,
    check_empty_sections,
    check_future_date,
    check_links,
    check_milestone_order,
    check_missing_sections,
    check_placeholders,
    check_raw_html_depth,
    check_section_order,
    check_timeline,
)
from pmgen.model import Postmortem
from pmgen.rules import DRAFT_RELAXED

__all__ = ["CHECKS", "Context", "Selection", "filter_findings", "lint_postmortem"]

# The checks, in the order their findings are produced (output is sorted by position anyway).
CHECKS: list[Check] = [
    check_milestone_order,
    check_future_date,
    check_missing_sections,
    check_empty_sections,
    check_duplicate_sections,
    check_section_order,
    check_links,
    check_timeline,
    check_code_prose,
    check_placeholders,
    check_action_owners,
    check_raw_html_depth,
]

# The codes hold no `<`: a marker left open then stops at the next one instead of rescanning
# the rest of the text (`[^>]*?` alone was quadratic on `<!-- pmgen-disable` repeated).
_DISABLE = re.compile(r"<!--\s*pmgen-disable\b(?P<codes>[^<>]*?)-->")


@dataclass(frozen=True, slots=True)
class Selection:
    """Command-line rule selection laid over the configuration (None keeps the configured)."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    min_severity: Severity | None = None


def lint_postmortem(postmortem: Postmortem, context: Context) -> tuple[Diagnostic, ...]:
    """Run every check on one postmortem; its parse findings come first."""
    found = list(postmortem.diagnostics)
    for check in CHECKS:
        found.extend(check(postmortem, context))
    disabled = inline_disabled(postmortem)
    return tuple(d for d in found if not _matches(d.code, disabled))


def inline_disabled(postmortem: Postmortem) -> tuple[str, ...]:
    """Code prefixes disabled for the file by `<!-- pmgen-disable PM303 -->` (bare: all)."""
    prefixes: list[str] = []
    for token in postmortem.tokens:
        contents = (
            [token.content]
            if token.type == "html_block"
            else [child.content for child in token.children or () if child.type == "html_inline"]
        )
        for content in contents:
            for match in _DISABLE.finditer(content):
                codes = re.findall(r"PM\d*", match.group("codes").upper())
                prefixes.extend(codes or ["PM"])
    return tuple(prefixes)


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
        if not _matches(finding.code, select) or _matches(finding.code, ignore):
            continue
        severity = finding.severity
        for rules in settings:
            severity = rules.severity.get(finding.code, severity)
        if draft and finding.code in DRAFT_RELAXED:
            severity = min(severity, Severity.WARNING)
        if severity >= shown:
            kept.append(replace(finding, severity=severity))
    return tuple(kept)


def _matches(code: str, prefixes: tuple[str, ...]) -> bool:
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
