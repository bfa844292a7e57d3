"""Run the checks: the ordered list, and the codes a file disables inline."""

from __future__ import annotations

import re

from pmgen.diagnostics import Diagnostic
from pmgen.lint import matches
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
from pmgen.read.postmortem import Parsed

__all__ = ["CHECKS", "Context", "inline_disabled", "lint_postmortem"]

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


def lint_postmortem(parsed: Parsed, context: Context) -> tuple[Diagnostic, ...]:
    """Run every check on one parsed postmortem; its parse findings come first."""
    found = list(parsed.postmortem.diagnostics)
    for check in CHECKS:
        found.extend(check(parsed, context))
    disabled = inline_disabled(parsed)
    return tuple(d for d in found if not matches(d.code, disabled))


def inline_disabled(parsed: Parsed) -> tuple[str, ...]:
    """Code prefixes disabled for the file by `<!-- pmgen-disable PM303 -->` (bare: all)."""
    prefixes: list[str] = []
    for token in parsed.tokens:
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
