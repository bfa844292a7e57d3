"""Configuration: `pmgen.toml` or `[tool.pmgen]` in `pyproject.toml`, defaults and validation."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pmgen.diagnostics import Severity
from pmgen.errors import ConfigError
from pmgen.model import LANGUAGES, SectionSpec
from pmgen.rules import RULES_BY_CODE, unknown_prefix
from pmgen.severities import DEFAULT_ALIASES, DEFAULT_LEVELS, SeverityScale
from pmgen.tomlfile import TomlError, load_toml

# Raw HTML in Markdown: cleaned by nh3 (`sanitize`) or shown as text (`escape`).
HTML_POLICIES = ("sanitize", "escape")

# Headings that name one facet of the lessons (`What went well`, `What went wrong`): aliases of
# the section, and facets that make one section when adjacent (FACET_ALIASES, below).
LESSON_FACETS = (
    "what went well",
    "what went wrong",
    "what went poorly",
    "what didn't go well",
    "things that went well",
    "things that went poorly",
    "things that went wrong",
    "ce qui a bien fonctionné",
    "ce qui a mal fonctionné",
)
# Every known section: id -> (French title, English title, aliases). Required ones come first,
# in their default order.
SECTION_CATALOGUE: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "context": (
        "Contexte",
        "Context",
        ("contexte", "context", "background", "circonstances", "overview", "présentation"),
    ),
    "timeline": (
        "Chronologie",
        "Timeline",
        (
            "chronologie",
            "timeline",
            "chronology",
            "déroulé",
            "déroulement",
            "incident timeline",
            "event timeline",
            "events timeline",
            "sequence of events",
            "calendrier",
            "historique",
            "les faits",
            "déroulé des faits",
            "détail des événements",
        ),
    ),
    "lessons": (
        "Enseignements",
        "Lessons learned",
        (
            "enseignements",
            "lessons learned",
            "lessons learnt",
            "lessons",
            "leçons apprises",
            "leçons",
            "leçon",
            "learnings",
            "takeaways",
            "retour d'expérience",
            "ce qu'il faut en retenir",
            "ce que nous avons appris",
            "ce que nous retenons",
            "what we learned",
            "what we learnt",
            *LESSON_FACETS,
        ),
    ),
    "analysis": (
        "Analyse",
        "Analysis",
        (
            "analyse",
            "analysis",
            "root cause",
            "root causes",
            "root cause analysis",
            "cause racine",
            "causes racines",
            "causes profondes",
            "contributing factors",
            "facteurs contributifs",
            "causes",
            "cause",
            "analyse des causes",
            "analyse de la cause",
            "why did it happen",
            "whys",
            "five whys",
            "5 whys",
            "problèmes",
            "problème",
            "le problème",
            "les problèmes",
        ),
    ),
    "actions": (
        "Travaux restants",
        "Action items",
        (
            "travaux restants",
            "action items",
            "actions",
            "action",
            "remaining work",
            "plan d'action",
            "plan d'actions",
            "actions correctives",
            "corrective actions",
            "follow-up",
            "follow-ups",
            "followup",
            "follow up",
            "next steps",
            "prochaines étapes",
            "what we're doing about it",
            "what we are doing about it",
            "what we will do",
            "resulting action",
            "resulting actions",
            "remediation",
            "remediations",
            "éléments de correction",
            "mesures correctives",
            "how are we going to do better",
            "how we will do better",
            "à faire",
        ),
    ),
    "summary": (
        "Résumé",
        "Summary",
        ("résumé", "summary", "sommaire", "synthèse", "tl;dr", "executive summary"),
    ),
    "impact": ("Impact", "Impact", ("impact", "impacts", "conséquences", "what was impacted")),
    "detection": ("Détection", "Detection", ("détection", "detection")),
    "resolution": ("Résolution", "Resolution", ("résolution", "resolution", "recovery")),
    "communication": ("Communication", "Communication", ("communication",)),
    "appendix": ("Annexes", "Appendix", ("annexes", "annexe", "appendix", "appendices")),
}
# Headings that name one facet of a section: adjacent ones make one section (`What went well`
# then `What went wrong`), where two full names of one section are a duplicate (PM203).
FACET_ALIASES: frozenset[str] = frozenset({*LESSON_FACETS, "where we got lucky"})
# Headings that name the timeline only when the postmortem has no timeline heading of its own
# (elsewhere they introduce the context).
FALLBACK_ALIASES: dict[str, tuple[str, ...]] = {
    "timeline": (
        "what happened",
        "so what happened",
        "que s'est-il passé",
        "ce qui s'est passé",
        "what happened and when",
    ),
}

DEFAULT_REQUIRED = ("context", "timeline", "lessons", "analysis", "actions")

# The defaults double as the schema: a key absent from here is unknown.
DEFAULTS: dict[str, Any] = {
    "content": "postmortems",
    "output": "site",
    "lang": "fr",
    "exclude": [],
    "site_url": "",
    "title": "Postmortems",
    "timezone": "Europe/Paris",
    "html": "sanitize",
    "search": True,
    "severities": {"levels": list(DEFAULT_LEVELS), "aliases": DEFAULT_ALIASES},
    "sections": {"required": list(DEFAULT_REQUIRED), "aliases": {}, "titles": {}},
    "lint": {
        "select": ["PM"],
        "ignore": [],
        "severity": {},
        "per_path": {},
        "min_severity": "warning",
    },
}
PER_PATH_KEYS = {"select": [], "ignore": [], "severity": {}}
# Tables whose keys are the user's own (section ids, rule codes), not schema keys.
FREE_TABLES = frozenset({"aliases", "titles", "severity"})


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """Which rules run and at what severity: globally, or for files matching a glob."""

    select: tuple[str, ...] = ("PM",)
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LintSettings:
    """The `[lint]` table: global rule settings plus per-path overrides, in file order."""

    rules: RuleSettings = field(default_factory=RuleSettings)
    per_path: tuple[tuple[str, RuleSettings], ...] = ()
    # Findings below this severity are not reported (info findings are opt-in).
    min_severity: Severity = Severity.WARNING


@dataclass(frozen=True, slots=True)
class Config:
    """The whole validated configuration, with paths made absolute."""

    root: Path
    source: Path | None
    content: Path
    output: Path
    lang: str
    exclude: tuple[str, ...]
    site_url: str
    title: str
    timezone: str
    html: str
    search: bool
    sections: tuple[SectionSpec, ...]
    required: tuple[str, ...]
    lint: LintSettings
    severities: SeverityScale = field(default_factory=SeverityScale)

    def section_spec(self, section_id: str) -> SectionSpec:
        """The spec of a known section id."""
        return next(spec for spec in self.sections if spec.id == section_id)


def find_config_file(start: Path) -> tuple[Path, Mapping[str, Any]] | None:
    """Walk up from `start` to the first `pmgen.toml`, or `pyproject.toml` with `[tool.pmgen]`."""
    for folder in (start, *start.parents):
        candidate = folder / "pmgen.toml"
        if candidate.is_file():
            return candidate, _read_toml(candidate)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            table = _pmgen_table(_read_toml(pyproject))
            if table is not None:
                return pyproject, table
    return None


def load_config(start: Path, explicit: Path | None = None) -> Config:
    """Load and validate the configuration that applies to `start` (or the explicit file)."""
    if explicit is not None:
        raw = _read_toml(explicit)
        if explicit.name == "pyproject.toml":
            table = _pmgen_table(raw)
            raw = {} if table is None else table
        return build_config(raw, explicit.resolve().parent, explicit)
    found = find_config_file(start.resolve())
    if found is None:
        return build_config({}, project_root(start.resolve()), None)
    path, raw = found
    return build_config(raw, path.resolve().parent, path)


def project_root(start: Path) -> Path:
    """Without a configuration file: the git work tree's top when it has a `postmortems/`
    folder (so any subfolder works), else `start` itself."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder if (folder / DEFAULTS["content"]).is_dir() else start
    return start


def build_config(raw: Mapping[str, Any], root: Path, source: Path | None) -> Config:
    """Validate a raw configuration table against the defaults and build a `Config`."""
    where = str(source) if source else "configuration"
    # Only `[tool.pmgen]` in a pyproject.toml can be something other than a table.
    raw = _table(raw, where, "tool.pmgen")
    _check_keys(raw, DEFAULTS, where, "")
    merged = {**DEFAULTS, **raw}
    sections_raw = {**DEFAULTS["sections"], **merged["sections"]}
    lint_raw = {**DEFAULTS["lint"], **merged["lint"]}
    lang = _string(merged["lang"], where, "lang")
    if lang not in LANGUAGES:
        raise ConfigError(f"{where}: `lang` must be one of {', '.join(LANGUAGES)}, not {lang!r}.")
    html = _string(merged["html"], where, "html")
    if html not in HTML_POLICIES:
        raise ConfigError(
            f"{where}: `html` must be one of {', '.join(HTML_POLICIES)}, not {html!r}."
        )
    specs = _section_specs(sections_raw, where)
    known = {spec.id for spec in specs}
    required = tuple(_string_list(sections_raw["required"], where, "sections.required"))
    for section_id in required:
        if section_id not in known:
            raise ConfigError(
                f"{where}: `sections.required` names {section_id!r}, which is not a known "
                f"section. Known: {', '.join(sorted(known))}; declare a new one under "
                "`[sections.aliases]`."
            )
    content = root / _string(merged["content"], where, "content")
    _check_inside(content, root, where)
    return Config(
        root=root,
        source=source,
        content=content.resolve(),
        # As written (made absolute), not resolved: the build checks that no symbolic link
        # stands on the way to it inside the project (safepaths.py).
        output=Path(os.path.abspath(root / _string(merged["output"], where, "output"))),
        lang=lang,
        exclude=tuple(_string_list(merged["exclude"], where, "exclude")),
        site_url=_site_url(_string(merged["site_url"], where, "site_url"), where),
        title=_string(merged["title"], where, "title"),
        timezone=_timezone(_string(merged["timezone"], where, "timezone"), where),
        html=html,
        search=_boolean(merged["search"], where, "search"),
        sections=specs,
        required=required,
        lint=LintSettings(
            rules=_rule_settings(lint_raw, where, "lint"),
            per_path=tuple(
                (pattern, _rule_settings(table, where, f"lint.per_path.{pattern!r}", ()))
                for pattern, table in _table(lint_raw["per_path"], where, "lint.per_path").items()
            ),
            min_severity=_severity(lint_raw["min_severity"], where, "lint.min_severity"),
        ),
        severities=_severity_scale(merged.get("severities", {}), where),
    )


def site_url_problem(url: str) -> str | None:
    """Why `url` cannot be the address a site is served at, or None: an absolute http(s) URL
    (the feed and sitemap link with it). Shared by the configuration and `--base-url`."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:  # `https://[oops`: not an address at all
        hostname = None
    if hostname is None or parts.scheme not in ("http", "https"):
        return (
            f"must be an absolute http(s) URL such as https://example.org/postmortems, not {url!r}"
        )
    if parts.query or parts.fragment or any(c.isspace() for c in url):
        return f"must be a plain address, without spaces, `?` or `#`, not {url!r}"
    return None


def _site_url(url: str, where: str) -> str:
    problem = site_url_problem(url) if url else None  # empty: not set (publish asks for it)
    if problem:
        raise ConfigError(f"{where}: `site_url` {problem}.")
    return url.rstrip("/")


_OFFSET_ZONE = re.compile(r"UTC[+-]\d{2}:\d{2}")


def _timezone(name: str, where: str) -> str:
    """An IANA zone, `UTC` or `UTC+02:00` (the forms front matter accepts)."""
    if name == "UTC" or _OFFSET_ZONE.fullmatch(name):
        return name
    try:
        ZoneInfo(name)
        return name
    except (ZoneInfoNotFoundError, ValueError, OSError):  # `Europe` is a folder of zones
        close = difflib.get_close_matches(name, sorted(available_timezones()), n=1)
        hint = f" Did you mean `{close[0]}`?" if close else ""
        raise ConfigError(
            f"{where}: `timezone` must be a time zone such as Europe/Paris, UTC or UTC+02:00, "
            f"not {name!r}.{hint}"
        ) from None


def _severity_scale(raw: Mapping[str, Any], where: str) -> SeverityScale:
    """The `[severities]` table. `aliases` adds words to the levels; own `levels` start with
    no alias at all (the default ones name the default levels)."""
    raw = _table(raw, where, "severities")
    levels = _string_list(raw.get("levels", list(DEFAULT_LEVELS)), where, "severities.levels")
    if not levels or len({level.casefold() for level in levels}) != len(levels):
        raise ConfigError(
            f"{where}: `severities.levels` must list distinct levels, most severe first."
        )
    seen = {level.casefold(): level for level in levels}
    own: dict[str, list[str]] = {level: [] for level in levels}
    tables = [DEFAULT_ALIASES] if "levels" not in raw else []
    tables.append(_table(raw.get("aliases", {}), where, "severities.aliases"))
    for table in tables:
        for level, names in table.items():
            key = f"severities.aliases.{level}"
            if level not in levels:
                close = difflib.get_close_matches(level, levels, n=1)
                suggestion = f" Did you mean `{close[0]}`?" if close else ""
                raise ConfigError(
                    f"{where}: `{key}` names no level of `severities.levels` "
                    f"({', '.join(levels)}).{suggestion}"
                )
            for name in _string_list(names, where, key):
                meant = seen.setdefault(name.casefold(), level)
                if meant != level:
                    raise ConfigError(f"{where}: `{key}`: {name!r} already means {meant}.")
                if name not in own[level] and name.casefold() != level.casefold():
                    own[level].append(name)
    return SeverityScale(tuple(levels), {k: tuple(v) for k, v in own.items() if v})


def _check_inside(content: Path, root: Path, where: str) -> None:
    """A content folder written inside the project must not lead out of it through a
    symbolic link (one committed in a pull request would publish files from elsewhere)."""
    written = Path(os.path.abspath(content))
    if written.is_relative_to(root) and not content.resolve().is_relative_to(root.resolve()):
        raise ConfigError(
            f"{where}: refusing to read the content folder {written}: a symbolic link leads "
            f"it outside the project, to {content.resolve()}. Replace the link by the folder, "
            "or name the folder outside the project in `content`."
        )
    if content.exists() and not content.is_dir():
        raise ConfigError(f"{where}: `content` names {written}, which is a file, not a folder.")


def _severity(value: Any, where: str, key: str) -> Severity:
    try:
        return Severity.parse(_string(value, where, key))
    except ValueError as error:
        raise ConfigError(f"{where}: `{key}`: {error}.") from None


def _pmgen_table(pyproject: Mapping[str, Any]) -> Any:
    """The `[tool.pmgen]` value of a parsed pyproject.toml, None when absent."""
    tool = pyproject.get("tool")
    return tool.get("pmgen") if isinstance(tool, dict) else None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return load_toml(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the configuration ({error.strerror}).") from None
    except TomlError as error:
        raise ConfigError(
            f"{path}:{error.line}:{error.column}: the configuration is not valid TOML: "
            f"{error.message}."
        ) from None
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{path}: the configuration is not valid TOML: it is not UTF-8 text "
            f"(byte 0x{error.object[error.start]:02x} at offset {error.start})."
        ) from None


def _check_keys(raw: Mapping[str, Any], schema: Mapping[str, Any], where: str, prefix: str) -> None:
    for key, value in raw.items():
        if key not in schema:
            close = difflib.get_close_matches(key, list(schema), n=1)
            suggestion = f" Did you mean `{prefix}{close[0]}`?" if close else ""
            known = ", ".join(f"`{prefix}{k}`" for k in schema)
            raise ConfigError(f"{where}: unknown key `{prefix}{key}`.{suggestion} Known: {known}.")
        nested = schema[key]
        if key == "per_path":
            for pattern, table in _table(value, where, f"{prefix}{key}").items():
                where_key = f"{prefix}{key}.{pattern!r}"
                _check_keys(_table(table, where, where_key), PER_PATH_KEYS, where, f"{where_key}.")
        elif isinstance(nested, dict) and key not in FREE_TABLES:
            _check_keys(_table(value, where, f"{prefix}{key}"), nested, where, f"{prefix}{key}.")


def _section_specs(raw: Mapping[str, Any], where: str) -> tuple[SectionSpec, ...]:
    aliases = _table(raw["aliases"], where, "sections.aliases")
    titles = _table(raw["titles"], where, "sections.titles")
    specs = []
    for section_id, (fr, en, defaults) in SECTION_CATALOGUE.items():
        extra = _string_list(aliases.get(section_id, []), where, f"sections.aliases.{section_id}")
        own = _title_table(titles.get(section_id, {}), where, section_id)
        specs.append(SectionSpec(section_id, {"fr": fr, "en": en, **own}, (*defaults, *extra)))
    for section_id, names in aliases.items():
        if section_id not in SECTION_CATALOGUE:
            names = _string_list(names, where, f"sections.aliases.{section_id}")
            if not names:
                raise ConfigError(f"{where}: `sections.aliases.{section_id}` needs one alias.")
            own = _title_table(titles.get(section_id, {}), where, section_id)
            specs.append(
                SectionSpec(section_id, {"fr": names[0], "en": names[0], **own}, tuple(names))
            )
    for section_id in titles:
        if section_id not in {spec.id for spec in specs}:
            raise ConfigError(
                f"{where}: `sections.titles.{section_id}` names an unknown section; declare it "
                "under `[sections.aliases]` first."
            )
    return tuple(specs)


def _title_table(value: Any, where: str, section_id: str) -> dict[str, str]:
    table = _table(value, where, f"sections.titles.{section_id}")
    for lang, title in table.items():
        if lang not in LANGUAGES:
            raise ConfigError(f"{where}: `sections.titles.{section_id}.{lang}`: unknown language.")
        _string(title, where, f"sections.titles.{section_id}.{lang}")
    return dict(table)


def _rule_settings(
    raw: Mapping[str, Any], where: str, name: str, select: tuple[str, ...] = ("PM",)
) -> RuleSettings:
    """Rule settings of one table; `select` is the default when the table has none."""
    severities: dict[str, Severity] = {}
    for code, text in _table(raw.get("severity", {}), where, f"{name}.severity").items():
        if code.upper() not in RULES_BY_CODE:
            close = difflib.get_close_matches(code.upper(), list(RULES_BY_CODE), n=1)
            suggestion = f" Did you mean `{close[0]}`?" if close else ""
            raise ConfigError(
                f"{where}: unknown rule code `{name}.severity.{code}`.{suggestion} "
                "`pmgen rules` lists them."
            )
        try:
            severities[code.upper()] = Severity.parse(_string(text, where, f"{name}.severity"))
        except ValueError as error:
            raise ConfigError(f"{where}: `{name}.severity.{code}`: {error}.") from None
    return RuleSettings(
        select=_codes(raw.get("select", list(select)), where, f"{name}.select"),
        ignore=_codes(raw.get("ignore", []), where, f"{name}.ignore"),
        severity=severities,
    )


def _codes(value: Any, where: str, key: str) -> tuple[str, ...]:
    """Rule code prefixes, upper-cased; one that matches no rule is an error, not a no-op."""
    codes = _string_list(value, where, key)
    for code in codes:
        problem = unknown_prefix(code)
        if problem:
            raise ConfigError(f"{where}: `{key}`: {problem}.")
    return tuple(code.strip().upper() for code in codes)


def _boolean(value: Any, where: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: `{key}` must be true or false, not {value!r}.")
    return value


def _string(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: `{key}` must be a string, not {type(value).__name__}.")
    return value


def _string_list(value: Any, where: str, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: `{key}` must be a list of strings.")
    return value


def _table(value: Any, where: str, key: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: `{key}` must be a table.")
    return value
