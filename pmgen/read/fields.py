"""Front matter to typed fields, with a PM1xx finding for every unusable value."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from pmgen.diagnostics import Diagnostic
from pmgen.model import LANGUAGES, Document, Fields
from pmgen.rules import finding
from pmgen.severities import SeverityScale

STATUSES = ("draft", "review", "published")
KNOWN_KEYS = ("title", "date", "lang", "status", "severity", "services", "tags", "authors")
_DATE_TEXT = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)


def read_fields(
    document: Document,
    first_h1: str | None,
    default_lang: str,
    scale: SeverityScale | None = None,
) -> tuple[Fields, tuple[Diagnostic, ...]]:
    """Type the known fields; unknown keys are kept in `extra` and never reported."""
    found: list[Diagnostic] = []
    data = document.front_matter

    def invalid(key: str, message: str, hint: str | None = None) -> None:
        line = document.key_lines.get(key, 1)
        found.append(finding("PM103", document.display_path, line, 1, message, hint))

    title = _title(data, first_h1, invalid)
    date, moment = _date(data, invalid)
    lang = _choice(data, "lang", LANGUAGES, default_lang, invalid, _language)
    status = _choice(data, "status", STATUSES, "published", invalid, str.lower)
    severity, rank = _severity(data, scale or SeverityScale(), document, invalid, found)
    fields = Fields(
        title=title,
        date=date,
        datetime=moment,
        lang=lang,
        status=status,
        severity=severity,
        services=_names(data, "services", invalid),
        tags=_names(data, "tags", invalid),
        authors=_names(data, "authors", invalid),
        extra={k: v for k, v in data.items() if k not in KNOWN_KEYS},
        severity_rank=rank,
    )
    found.extend(_non_finite(document))
    if fields.title is None and "title" not in data:
        found.append(
            finding(
                "PM101",
                document.display_path,
                1,
                1,
                "no `title` in the front matter and no level-1 heading: the page is titled "
                "after the file name",
                'Add `title: "…"` to the front matter.',
            )
        )
    return fields, tuple(found)


def _severity(
    data: dict[str, Any],
    scale: SeverityScale,
    document: Document,
    invalid: Any,
    found: list[Diagnostic],
) -> tuple[str | None, int | None]:
    """The severity as its level of the scale (`p2` → `SEV2`) and that level's rank; an
    unknown value is kept as written, and reported (PM110)."""
    value = data.get("severity")
    if value is None:
        return None, None
    if isinstance(value, bool) or not isinstance(value, str | int):
        invalid(
            "severity",
            f"`severity` must be a level such as `{scale.levels[0]}`, not {_kind(value)}",
        )
        return None, None
    level = scale.level(str(value))
    if level is not None:
        return level, scale.rank(level)
    line = document.key_lines.get("severity", 1)
    message = f"`severity` {str(value)!r} is not on the severity scale"
    hint = f"Use one of {scale.described()}; or add it under `[severities.aliases]`."
    found.append(finding("PM110", document.display_path, line, 1, message, hint))
    return str(value), None


def _non_finite(document: Document) -> list[Diagnostic]:
    """PM106 for each top-level key whose value holds `.nan` or `.inf` (JSON has neither)."""
    found = []
    for key, value in document.front_matter.items():
        stack = [value]  # bounded: the front matter is at most 10,000 values, 32 deep
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list | tuple):
                stack.extend(item)
            elif isinstance(item, float) and not math.isfinite(item):
                found.append(
                    finding(
                        "PM106",
                        document.display_path,
                        document.key_lines.get(key, 1),
                        1,
                        f"front matter value of `{key}` holds {item!r}, which is not a number "
                        "JSON can carry: index.json writes null instead",
                        'Write the value as text (`"NaN"`), or leave the key out.',
                    )
                )
                break
    return found


def _title(data: dict[str, Any], first_h1: str | None, invalid: Any) -> str | None:
    value = data.get("title")
    if value is None:
        return first_h1 or None
    if not isinstance(value, str) or not value.strip():
        kind = "empty" if isinstance(value, str) else _kind(value)
        invalid("title", f"`title` must be text, not {kind}", 'Quote the title: `title: "2021"`.')
        return None
    return value.strip()


def _date(data: dict[str, Any], invalid: Any) -> tuple[dt.date | None, dt.datetime | None]:
    """The front matter's `date` (the other places a date can be are read with the body)."""
    value = data.get("date")
    if value is None:
        return None, None
    parsed = parse_date(value)
    if parsed is not None:
        return parsed
    invalid(
        "date",
        f"`date` is not a date: {value!r}",
        "Write it as `2021-09-22` or `2021-09-22 16:00`.",
    )
    return None, None


def parse_date(value: Any) -> tuple[dt.date, dt.datetime | None] | None:
    """A date (and time when given) from a YAML/TOML value or a string, else None."""
    if isinstance(value, dt.datetime):
        return value.date(), value
    if isinstance(value, dt.date):
        return value, None
    if not isinstance(value, str):
        return None
    match = _DATE_TEXT.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        day_value = dt.date(int(year), int(month), int(day))
        if hour is None:
            return day_value, None
        tzinfo = _zone(zone) if zone else None
        moment = dt.datetime(
            day_value.year,
            day_value.month,
            day_value.day,
            int(hour),
            int(minute),
            int(second or 0),
            tzinfo=tzinfo,
        )
    except ValueError:
        return None
    return day_value, moment


def _zone(text: str) -> dt.timezone:
    if text == "Z":
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def declared_language(data: Any) -> str | None:
    """The front matter's `lang` when it is one pmgen speaks, else None."""
    value = data.get("lang") if hasattr(data, "get") else None
    if isinstance(value, str) and _language(value) in LANGUAGES:
        return _language(value)
    return None


def _language(value: str) -> str:
    return value.strip().lower().replace("_", "-").split("-")[0]


def _choice(
    data: dict[str, Any], key: str, allowed: tuple[str, ...], default: str, invalid: Any, clean: Any
) -> str:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, str) and clean(value) in allowed:
        return clean(value)
    invalid(key, f"`{key}` must be one of {', '.join(allowed)}, not {value!r}")
    return default


def _names(data: dict[str, Any], key: str, invalid: Any) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list) and all(_is_name(item) for item in value):
        return tuple(str(item).strip() for item in value if str(item).strip())
    kind = _kind(value)
    if isinstance(value, list):
        bad = next(item for item in value if not _is_name(item))
        kind = f"a list holding {'an empty item' if bad is None else _kind(bad)}"
    invalid(
        key,
        f"`{key}` must be a list of names, not {kind}",
        f"Write `{key}: [web, base-de-donnees]`.",
    )
    return ()


def _is_name(item: Any) -> bool:
    return isinstance(item, str | int | float) and not isinstance(item, bool)


def _kind(value: Any) -> str:
    kinds = {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a mapping",
        type(None): "nothing",
    }
    for python_type, name in kinds.items():
        if isinstance(value, python_type):
            return name
    return type(value).__name__
