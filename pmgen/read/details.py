"""The optional incident facts of the front matter: impact, detection, commander, roles, root
cause and trigger (docs/data.md). A value of the wrong shape is PM130 (text) or PM131 (roles)
and is left out; the postmortem still builds."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from pmgen.diagnostics import Diagnostic
from pmgen.model import Details, Document
from pmgen.rules import finding

TEXT_KEYS = ("impact", "detection", "commander", "root_cause", "trigger")
DETAIL_KEYS = (*TEXT_KEYS, "roles")
_SPACES = re.compile(r"\s+")

Report = Callable[[str, str, str], None]


def read_details(document: Document) -> tuple[Details, tuple[Diagnostic, ...]]:
    """Type the optional facts; each unusable one is reported and left out."""
    found: list[Diagnostic] = []
    data = document.front_matter

    def report(code: str, key: str, message: str) -> None:
        line = document.key_lines.get(key, 1)
        hint = (
            f'Write `{key}: "…"` as one line of text.'
            if code == "PM130"
            else "Write `roles: {communication: Camille, scribe: Julien}`."
        )
        found.append(finding(code, document.display_path, line, 1, message, hint))

    texts = {key: _text(data, key, report) for key in TEXT_KEYS}
    details = Details(**texts, roles=_roles(data.get("roles"), report))
    return details, tuple(found)


def _one_line(value: Any) -> str | None:
    """Text (or a number) as one trimmed line; None for anything else or an empty text."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = _SPACES.sub(" ", str(value)).strip()
    return text or None


def _text(data: Mapping[str, Any], key: str, report: Report) -> str | None:
    """One line of text; a list of texts is joined (`; `, names with `, `)."""
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, list) and value and all(_one_line(item) for item in value):
        joiner = ", " if key == "commander" else "; "
        return joiner.join(str(_one_line(item)) for item in value)
    text = _one_line(value)
    if text is None:
        report("PM130", key, f"`{key}` must be text, not {_kind(value)}")
    return text


def _roles(value: Any, report: Report) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`{role: name or [names]}`, or a list of `role: name` lines or one-key mappings."""
    if value is None or value == "" or value == {} or value == []:
        return ()
    pairs: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        pairs = list(value.items())
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and len(item) == 1:
                pairs.extend(item.items())
            elif isinstance(item, str) and (pair := _role_line(item)) is not None:
                pairs.append(pair)
            else:
                pairs = []
                break
    roles = [(_one_line(role), _names(names)) for role, names in pairs]
    if not roles or any(role is None or not names for role, names in roles):
        report("PM131", "roles", f"`roles` must map each role to names, not {_kind(value)}")
        return ()
    return tuple((str(role), names) for role, names in roles)


def _names(value: Any) -> tuple[str, ...]:
    """One name or a list of names; () when any of them is not a name."""
    items = value if isinstance(value, list) else [value]
    names = tuple(_one_line(item) for item in items)
    return tuple(str(n) for n in names) if names and all(names) else ()


def _kind(value: Any) -> str:
    """How a wrong value is named in a message."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if isinstance(value, str):
        return "empty text"
    return type(value).__name__


def _role_line(text: str) -> tuple[str, str] | None:
    """`"communication: Camille"` as (role, names), else None (split at the first colon)."""
    role, colon, names = text.partition(":")
    role, names = role.strip(), names.strip()
    return (role, names) if colon and role and names else None
