"""Output formats for findings: each one a pure function from diagnostics to text."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from urllib.parse import quote

from pmgen import __version__
from pmgen.diagnostics import Diagnostic, Severity, count_by_severity
from pmgen.rules import RULES, RULES_BY_CODE

FORMATS = ("text", "json", "github", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# What must not reach a terminal or a CI log as is: C0 and C1 controls and DEL (a line break
# in a file name would start a `::error` workflow command, ESC starts terminal sequences),
# line separators, bidirectional overrides, and the lone surrogates that stand for the
# undecodable bytes of a file name.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_BREAKS = "\r\n"
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(char: str) -> str:
    if "\udc80" <= char <= "\udcff":  # a byte the file name's encoding could not decode
        return f"\\x{ord(char) - 0xDC00:02x}"
    return _NAMED.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
    )


def printable(text: str, keep: str = "") -> str:
    """The text with control characters shown as escapes (`\\n`, `\\x1b`), except `keep`."""
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub(lambda m: m.group() if m.group() in keep else _escape(m.group()), text)


def _encodable(text: str) -> str:
    """The text with lone surrogates (undecodable bytes of a name) escaped: valid UTF-8."""
    return _SURROGATES.sub(lambda m: _escape(m.group()), text)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(diagnostics: tuple[Diagnostic, ...], files: int) -> str:
    """One line: how many problems of each severity, in how many of the checked files."""
    checked = f"{_plural(files, 'file')} checked"
    if not diagnostics:
        return f"No problems; {checked}."
    counts = count_by_severity(diagnostics)
    affected = len({d.path for d in diagnostics})
    return (
        f"{_plural(len(diagnostics), 'problem')} ({_plural(counts[Severity.ERROR], 'error')}, "
        f"{_plural(counts[Severity.WARNING], 'warning')}, {counts[Severity.INFO]} info) in "
        f"{_plural(affected, 'file')}; {checked}."
    )


def format_text(diagnostics: tuple[Diagnostic, ...], files: int) -> str:
    """`path:line:col: CODE [name] message`, a hint line when there is one, then a summary."""
    lines = []
    for d in diagnostics:
        where = f"{printable(d.path)}:{d.line}:{d.column}"
        lines.append(f"{where}: {d.code} [{_name(d.code)}] {printable(d.message)}")
        if d.hint:
            lines.append(f"    hint: {printable(d.hint)}")
    lines.append(summary_line(diagnostics, files))
    return "\n".join(lines) + "\n"


def format_json(diagnostics: tuple[Diagnostic, ...], files: int = 0) -> str:
    """A JSON array with one object per finding."""
    records = [
        {
            "path": _encodable(d.path),
            "line": d.line,
            "column": d.column,
            "code": d.code,
            "name": _name(d.code),
            "severity": d.severity.label,
            "message": _encodable(d.message),
            "hint": _encodable(d.hint) if d.hint else d.hint,
        }
        for d in diagnostics
    ]
    return json.dumps(records, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: tuple[Diagnostic, ...], files: int = 0) -> str:
    """GitHub Actions workflow commands, one annotation per finding."""
    lines = []
    for d in diagnostics:
        properties = ",".join(
            (
                f"file={_escape_property(printable(d.path))}",
                f"line={d.line}",
                f"col={d.column}",
                f"title={_escape_property(f'{d.code} [{_name(d.code)}]')}",
            )
        )
        # Line breaks are %-encoded below (shown as such in the annotation); other controls
        # are escaped.
        message = printable(d.message, _BREAKS) + (
            "\n" + printable(d.hint, _BREAKS) if d.hint else ""
        )
        lines.append(f"::{_GITHUB_LEVEL[d.severity]} {properties}::{_escape_data(message)}")
    lines.append(summary_line(diagnostics, files))
    return "\n".join(lines) + "\n"


def github_step_summary(diagnostics: tuple[Diagnostic, ...], files: int) -> str:
    """A Markdown table for `$GITHUB_STEP_SUMMARY` (annotations past ten per kind are hidden)."""
    lines = ["## pmgen lint", "", summary_line(diagnostics, files), ""]
    if diagnostics:
        lines += ["| File | Line | Severity | Rule | Message |", "|---|---:|---|---|---|"]
        for d in diagnostics:
            cells = (d.path, str(d.line), d.severity.label, f"{d.code} {_name(d.code)}", d.message)
            lines.append("| " + " | ".join(_table_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _table_cell(text: str) -> str:
    # GitHub renders the summary as Markdown with HTML: `<block end>` in a YAML message would
    # vanish as a tag; `&`, `<`, `>` are written as entities.
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return printable(_LINE_BREAK.sub(" ", escaped.replace("\\", "\\\\").replace("|", "\\|")))


def format_sarif(diagnostics: tuple[Diagnostic, ...], files: int = 0) -> str:
    """SARIF 2.1.0 with the whole catalogue as rules and stable fingerprints."""
    index = {rule.code: position for position, rule in enumerate(RULES)}
    seen: Counter[tuple[str, str, str]] = Counter()
    results = []
    for d in diagnostics:
        key = (d.code, _encodable(d.path), _encodable(d.message))
        seen[key] += 1
        fingerprint = hashlib.sha256("\0".join((*key, str(seen[key]))).encode()).hexdigest()
        result = {
            "ruleId": d.code,
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": _encodable(d.message + (f" {d.hint}" if d.hint else ""))},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(d.path), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": d.line, "startColumn": d.column},
                    }
                }
            ],
            "partialFingerprints": {"pmgen/v1": fingerprint[:32]},
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        results.append(result)
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.why},
            "help": {"text": rule.fix, "markdown": f"**Why**: {rule.why}\n\n**Fix**: {rule.fix}"},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        }
        for rule in RULES
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "pmgen", "version": __version__, "rules": rules}},
                "originalUriBaseIds": {
                    "%SRCROOT%": {"description": {"text": "The folder pmgen ran in."}}
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _uri(path: str) -> str:
    """A repository-relative URI; an undecodable byte of the name is percent-encoded as is."""
    return quote(path.encode("utf-8", "surrogateescape"))


def format_rule(code: str) -> str:
    """A rule's full explanation for `pmgen rule`."""
    rule = RULES_BY_CODE[code]
    return (
        f"{rule.code} [{rule.name}] (default severity: {rule.severity.label})\n\n"
        f"What: {rule.summary}\n\nWhy: {rule.why}\n\nExample:\n"
        + "".join(f"    {line}\n" for line in rule.example.splitlines())
        + f"\nHow to fix: {rule.fix}\n"
    )


def format_rules() -> str:
    """The catalogue, one rule a line."""
    return "".join(f"{r.code}  {r.name:<24} {r.severity.label:<8} {r.summary}\n" for r in RULES)


def _name(code: str) -> str:
    rule = RULES_BY_CODE.get(code)
    return rule.name if rule else "unknown"


RENDERERS = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
    "sarif": format_sarif,
}
