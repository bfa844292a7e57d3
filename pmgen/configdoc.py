"""The commented `pmgen.toml` that `pmgen init` writes, generated from the defaults (the
schema), so that it shows every key pmgen accepts and cannot drift from them."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from typing import Any

from pmgen.config import DEFAULTS, SECTION_CATALOGUE

# One explanation per key of DEFAULTS (dotted for tables); a key without one fails the tests.
HELP: dict[str, str] = {
    "content": "Folder of the Markdown postmortems, relative to this file.",
    "output": "Folder `pmgen build` writes the site into.",
    "lang": "Language of the site, and of a postmortem without `lang:` (fr or en).",
    "exclude": 'Files of the content folder to leave out, as globs: ["archives/**"].',
    "site_url": (
        "Absolute address the site is served at, sub-path included; the feed, the sitemap "
        "and `pmgen publish` need it: https://example.github.io/postmortems"
    ),
    "title": "Title of the site.",
    "timezone": "Time zone of the times written without one (timeline entries).",
    "html": 'Raw HTML in Markdown: "sanitize" (cleaned) or "escape" (shown as text).',
    "search": "Full-text search (Pagefind).",
    "severities": "The severity scale: `severity:` must be a level or an alias (lint PM110).",
    "severities.levels": (
        "Levels, most severe first; a number means a level by rank (`severity: 2`). "
        "Your own levels start without the aliases below."
    ),
    "severities.aliases": "Words that also mean a level (any case); yours add to these.",
    "sections": "The sections of a postmortem (lint PM201–PM204, `pmgen new`).",
    "sections.required": (
        "Sections every postmortem has, in this order. Known: " + ", ".join(SECTION_CATALOGUE) + "."
    ),
    "sections.aliases": (
        'More heading texts for a section, or a section of your own: timeline = ["journal"].'
    ),
    "sections.titles": (
        "The heading `pmgen new` and `lint --fix` write, per language: actions = "
        '{ fr = "Plan d\'action" }.'
    ),
    "lint": "Lint rules: `pmgen rules` lists them, `pmgen rule PM202` explains one.",
    "lint.select": "Code prefixes to check (PM: every rule).",
    "lint.ignore": 'Code prefixes to skip: ["PM303"].',
    "lint.min_severity": "Findings shown from this severity up: info, warning or error.",
    "lint.severity": 'Another severity for a rule: PM204 = "error".',
    "lint.per_path": ('Other rules for some files, by glob: "archives/**" = { ignore = ["PM2"] }.'),
}

HEADER = """\
# pmgen configuration. Every key is listed with its default value, commented out:
# uncomment a line to change it. An unknown key is an error naming it.
"""


def toml_value(value: Any) -> str:
    """A default value as TOML: strings, booleans, lists of strings, tables of lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON strings are TOML basic strings
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {value!r}")


def commented_config(values: Mapping[str, Any] | None = None) -> str:
    """Every key of the schema, explained, at its default value and commented out; `values`
    are written as live settings instead (`lang`, `site_url` from `pmgen init`)."""
    live = dict(values or {})
    lines = [HEADER.rstrip("\n"), *_table(DEFAULTS, "", live)]
    return "\n".join(lines).rstrip("\n") + "\n"


def _table(schema: Mapping[str, Any], prefix: str, live: dict[str, Any]) -> list[str]:
    """The keys of one table (plain values first, as TOML wants), then its sub-tables."""
    lines: list[str] = []
    plain = [(k, v) for k, v in schema.items() if not isinstance(v, dict)]
    tables = [(k, v) for k, v in schema.items() if isinstance(v, dict)]
    for key, value in plain:
        dotted = f"{prefix}{key}"
        lines += ["", *_explained(dotted)]
        if dotted in live:
            lines.append(f"{key} = {toml_value(live[dotted])}")
        else:
            lines.append(f"# {key} = {toml_value(value)}")
    for key, value in tables:
        dotted = f"{prefix}{key}"
        lines += ["", *_explained(dotted), f"# [{dotted}]"]
        if key in ("aliases", "titles", "severity", "per_path"):
            # Free tables: the user's own keys; show the defaults, if any, as entries.
            lines += [f"# {k} = {toml_value(v)}" for k, v in value.items()]
        else:
            lines += _table(value, f"{dotted}.", live)
    return lines


def _explained(dotted: str) -> list[str]:
    """The explanation of a key, as comment lines that fit a 96-column editor."""
    return [f"# {line}" for line in textwrap.wrap(HELP[dotted], 94, break_on_hyphens=False)]
