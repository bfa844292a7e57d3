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
    raw_html,
)
from pmgen.read.postmortem import Parsed
from pmgen.rules import find_rule, finding, unknown_prefix

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
# `pmgen-disable`, then space or the comment's end (`pmgen-disable-next-line` is no directive).
_DISABLE = re.compile(r"<!--\s*pmgen-disable(?=[\s:]|--):?(?P<codes>[^<>]*?)-->")
# The codes come first (`PM303`, `pm3`, `PM303,`), then, after anything else, the reason.
_CODE = re.compile(r"PM\d{0,3}", re.I)


def lint_postmortem(parsed: Parsed, context: Context) -> tuple[Diagnostic, ...]:
    """Run every check on one parsed postmortem; its parse findings come first."""
    found = list(parsed.postmortem.diagnostics)
    for check in CHECKS:
        found.extend(check(parsed, context))
    disabled, invalid = read_disables(parsed)
    kept = [d for d in found if not matches(d.code, tuple(disabled))]
    return tuple(kept + [d for d in invalid if not matches(d.code, tuple(disabled))])


def inline_disabled(parsed: Parsed) -> tuple[str, ...]:
    """Code prefixes disabled for the file by `<!-- pmgen-disable PM303 -->` (bare: all)."""
    return tuple(read_disables(parsed)[0])


def read_disables(parsed: Parsed) -> tuple[list[str], list[Diagnostic]]:
    """The prefixes the file's `pmgen-disable` comments disable, and a PM004 for each word
    in a code's place that is no rule (it disables nothing: a typo never silences a file)."""
    prefixes: list[str] = []
    invalid: list[Diagnostic] = []
    document = parsed.postmortem.document
    for token in parsed.tokens:
        line = document.body_line + (token.map[0] if token.map else 0)
        for content in raw_html(token):
            for match in _DISABLE.finditer(content):
                words = match.group("codes").split()
                if not words:
                    prefixes.append("PM")  # bare: every rule
                    continue
                codes, wrong = _codes(words)
                prefixes.extend(codes)
                invalid.extend(_invalid(document.display_path, line, word) for word in wrong)
    return prefixes, invalid


def _codes(words: list[str]) -> tuple[list[str], list[str]]:
    """The leading codes of a directive (known ones, and unknown ones to report), up to its
    reason. The first word is in a code's place, and so is each word after a comma: a word
    there that is no code is reported; elsewhere it starts the reason."""
    codes: list[str] = []
    wrong: list[str] = []
    expecting = True
    for word in words:
        bare = word.rstrip(":;.),")
        named = _named(bare)
        if named is not None:
            codes.append(named)
        elif _CODE.fullmatch(bare):
            if unknown_prefix(bare) is None:
                codes.append(bare.upper())
            else:
                wrong.append(bare)
        else:
            if expecting:
                wrong.append(bare or word)
            break  # the reason starts here
        if word.endswith((":", ";", ".", ")")):
            break  # `PM303: logs pasted as they came`
        expecting = word.endswith(",")
    return codes, wrong


def _named(word: str) -> str | None:
    """The code of a rule written by its name (`code-block-prose`), else None."""
    rule = find_rule(word) if not _CODE.fullmatch(word) else None
    return rule.code if rule is not None and rule.name == word.lower() else None


def _invalid(path: str, line: int, word: str) -> Diagnostic:
    return finding(
        "PM004",
        path,
        line,
        1,
        f"`pmgen-disable` names `{word}`, which is not a rule code or prefix: it disables nothing",
        "Write codes or prefixes (`PM303`, `PM3`), then the reason after a colon.",
    )
