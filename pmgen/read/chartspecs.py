"""Read ```chart blocks: a YAML spec plus CSV or inline rows, checked into a `Chart` or PM306."""

from __future__ import annotations

import csv
import datetime as dt
import io
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pmgen.charts import Chart, Marker, Series, Window
from pmgen.diagnostics import Diagnostic
from pmgen.model import ChartBlock, Document, Incident
from pmgen.read.fields import parse_date
from pmgen.read.frontmatter import parse_yaml_block
from pmgen.read.markdown import Token
from pmgen.rules import finding

KINDS = ("line", "area", "bar")
KEYS = ("type", "title", "data", "rows", "x", "y", "unit", "markers", "windows", "impact")
MILESTONES = ("started", "detected", "mitigated", "resolved")
MAX_DATA_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
MAX_DRAWN_POINTS = 1_000
# More would not be readable on a 640-pixel chart, and each costs layout time.
MAX_SERIES = 50
MAX_OVERLAYS = 100  # markers, and windows, each


class SpecError(Exception):
    """A PM306 problem: which key, at which line within the block (1 = the fence line)."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset


def read_charts(
    document: Document, tokens: Sequence[Token], incident: Incident, labels: dict[str, str]
) -> tuple[tuple[ChartBlock, ...], tuple[Diagnostic, ...]]:
    """Every ```chart block as a Chart, or a PM306 finding at the block (and key) line."""
    blocks: list[ChartBlock] = []
    found: list[Diagnostic] = []
    for token in tokens:
        if (
            token.type != "fence"
            or token.map is None
            or token.info.strip().split()[:1] != ["chart"]
        ):
            continue
        line = document.body_line + token.map[0]
        named: list[Path] = []
        try:
            chart = _chart(token.content, document, incident, labels, named)
        except SpecError as error:
            found.append(
                finding(
                    "PM306",
                    document.display_path,
                    line + error.offset,
                    1,
                    f"chart: {error}",
                    "See `pmgen rule PM306` for the spec keys.",
                )
            )
            chart = None
        blocks.append(ChartBlock(line, chart, named[0] if named else None))
    return tuple(blocks), tuple(found)


def _chart(
    text: str,
    document: Document,
    incident: Incident,
    labels: dict[str, str],
    named: list[Path],
) -> Chart:
    """The chart a spec describes; SpecError (PM306) at the first problem."""
    spec, at = _spec(text)
    kind = spec.get("type", "line")
    if kind not in KINDS:
        raise SpecError(f"`type` must be one of {', '.join(KINDS)}, not {kind!r}", at["type"])
    rows = _rows(spec, document, at, named)
    x_name, y_names = _columns(spec, rows, at)
    zone = _zone(incident)
    xs = _x_values([row.get(x_name, "") for row in rows], zone, at["x"])
    series = tuple(
        Series(
            name,
            tuple(
                _number(row.get(name), index, name, at["y"])
                for index, row in enumerate(rows, start=1)
            ),
        )
        for name in y_names
    )
    xs, series = _thin(xs, series)
    timed = bool(xs) and isinstance(xs[0], dt.datetime)
    return Chart(
        kind=kind,
        title=str(spec.get("title") or ""),
        x=tuple(xs),
        series=series,
        unit=str(spec.get("unit") or ""),
        markers=_markers(spec.get("markers"), incident, zone, timed, at["markers"], labels),
        windows=_windows(spec, incident, zone, timed, at, labels),
        x_label=x_name,
        timezone=incident.timezone,
    )


def _spec(text: str) -> tuple[dict[str, Any], dict[str, int]]:
    """The spec's keys and the line of each known key within the block (0 when absent)."""
    parsed = parse_yaml_block(text)
    if len(parsed) == 3:
        line, _, message = parsed  # type: ignore[misc]
        raise SpecError(str(message), int(line))
    spec, key_lines = parsed  # type: ignore[misc]
    for key in spec:
        if key not in KEYS:
            raise SpecError(
                f"unknown key `{key}` (known: {', '.join(KEYS)})", key_lines.get(key, 0)
            )
    return spec, {key: key_lines.get(key, 0) for key in KEYS}


def _columns(
    spec: dict[str, Any], rows: list[dict[Any, Any]], at: dict[str, int]
) -> tuple[str, list[str]]:
    """The x column and the y columns the spec names, each present in the data."""
    x_name = _text(spec, "x", at)
    y_names = spec.get("y")
    y_names = [y_names] if isinstance(y_names, str) else y_names
    if not isinstance(y_names, list) or not y_names or not all(isinstance(y, str) for y in y_names):
        raise SpecError("`y` must name one column or a list of columns", at["y"])
    if len(y_names) > MAX_SERIES:
        raise SpecError(f"`y` names more than {MAX_SERIES} columns", at["y"])
    # csv.DictReader files cells past the header under the key None: not a column.
    columns = [name for name in rows[0] if isinstance(name, str)] if rows else []
    for name in (x_name, *y_names):
        if rows and name not in columns:
            raise SpecError(
                f"no column `{name}` in the data (columns: {', '.join(columns)})",
                at["x"] if name == x_name else at["y"],
            )
    return x_name, y_names


def _text(spec: dict[str, Any], key: str, at: dict[str, int]) -> str:
    value = spec.get(key)
    if not isinstance(value, str) or not value:
        raise SpecError(f"`{key}` must name a column", at[key])
    return value


def _rows(
    spec: dict[str, Any], document: Document, at: dict[str, int], named: list[Path]
) -> list[dict[str, Any]]:
    if "rows" in spec:
        rows = spec["rows"]
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise SpecError("`rows` must be a list of `column: value` mappings", at["rows"])
        if len(rows) > MAX_ROWS:
            raise SpecError(f"`rows` has more than {MAX_ROWS:,} rows", at["rows"])
        return [{str(k): v for k, v in row.items()} for row in rows]
    if "data" not in spec:
        raise SpecError("give the data: `data: file.csv` beside the postmortem, or `rows:`")
    name = spec["data"]
    if not isinstance(name, str) or not name:
        raise SpecError("`data` must be the path of a CSV file", at["data"])
    path = _data_path(name, document, at["data"], named)
    try:
        if path.stat().st_size > MAX_DATA_BYTES:
            raise SpecError(f"`{name}` is larger than 10 MB", at["data"])
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(
            f"cannot read `{name}`: {getattr(error, 'strerror', None) or error}", at["data"]
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise SpecError(f"`{name}` has more than {MAX_ROWS:,} rows", at["data"])
    except csv.Error as error:
        raise SpecError(f"`{name}` is not a readable CSV file: {error}", at["data"]) from None
    if not rows:
        raise SpecError(f"`{name}` has no data rows", at["data"])
    return rows


def _data_path(name: str, document: Document, offset: int, named: list[Path]) -> Path:
    """The CSV file, which must exist inside the content folder (recorded in `named`)."""
    cleaned = urllib.parse.unquote(name).replace("\\", "/")
    if cleaned.startswith("/") or ":" in cleaned.split("/", 1)[0]:
        raise SpecError(f"`data: {name}` must be a relative path", offset)
    path = (document.path.parent / cleaned).resolve()
    named.append(path)
    if not path.is_relative_to(document.root.resolve()):
        raise SpecError(f"`data: {name}` points outside the content folder", offset)
    if not path.is_file():
        raise SpecError(f"`data: {name}` does not exist", offset)
    return path


def _zone(incident: Incident) -> dt.tzinfo:
    from pmgen.read.zones import zone_named

    return zone_named(incident.timezone) or dt.UTC


def _moment(value: Any, zone: dt.tzinfo) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, str):
        parsed = parse_date(value.strip())
        if parsed is not None and parsed[1] is not None:
            moment = parsed[1]
            return moment if moment.tzinfo else moment.replace(tzinfo=zone)
    return None


def _x_values(values: list[Any], zone: dt.tzinfo, offset: int) -> list[dt.datetime | str]:
    moments = [_moment(value, zone) for value in values]
    if values and all(moment is not None for moment in moments):
        return moments  # type: ignore[return-value]
    return [str(value) for value in values]


def _number(value: Any, row: int, column: str, offset: int) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise SpecError(f"row {row}, column `{column}`: {value!r} is not a number", offset)
    text = str(value).strip().replace("\u202f", "").replace(" ", "")
    try:
        if isinstance(value, int | float):
            number = float(value)  # YAML `.inf` and `.nan` are checked below
        else:
            number = float(text.replace(",", ".") if "." not in text else text)
    except OverflowError:
        number = float("inf")  # an integer too large for a float
    except ValueError:
        raise SpecError(
            f"row {row}, column `{column}`: {value!r} is not a number", offset
        ) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise SpecError(f"row {row}, column `{column}`: {value!r} is not a finite number", offset)
    return number


def _thin(xs: list[Any], series: tuple[Series, ...]) -> tuple[list[Any], tuple[Series, ...]]:
    """Keep the first, lowest and highest point of each bucket past `MAX_DRAWN_POINTS`."""
    if len(xs) <= MAX_DRAWN_POINTS or not series:
        return xs, series
    size = len(xs) * 3 // MAX_DRAWN_POINTS + 1
    values = series[0].values
    keep: set[int] = {len(xs) - 1}
    for start in range(0, len(xs), size):
        bucket = [i for i in range(start, min(start + size, len(xs))) if values[i] is not None]
        keep.add(start)
        if bucket:
            keep.add(min(bucket, key=lambda i: values[i]))  # type: ignore[arg-type,return-value]
            keep.add(max(bucket, key=lambda i: values[i]))  # type: ignore[arg-type,return-value]
    chosen = sorted(keep)
    return [xs[i] for i in chosen], tuple(
        Series(s.name, tuple(s.values[i] for i in chosen)) for s in series
    )


def _milestone(name: str, incident: Incident) -> dt.datetime | None:
    return getattr(incident.effective, name, None)


def _point(
    value: Any, incident: Incident, zone: dt.tzinfo, timed: bool, offset: int
) -> dt.datetime | str:
    if isinstance(value, str) and value in MILESTONES:
        moment = _milestone(value, incident)
        if moment is None:
            raise SpecError(
                f"the milestone `{value}` is not known for this incident "
                f"(set `{value}_at` in the front matter)",
                offset,
            )
        return moment
    if not timed:
        return str(value)
    moment = _moment(value, zone)
    if moment is None:
        raise SpecError(
            f"{value!r} is neither a date and time nor a milestone ({', '.join(MILESTONES)})",
            offset,
        )
    return moment


def _markers(
    raw: Any,
    incident: Incident,
    zone: dt.tzinfo,
    timed: bool,
    offset: int,
    labels: dict[str, str],
) -> tuple[Marker, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise SpecError("`markers` must be a list", offset)
    if len(raw) > MAX_OVERLAYS:
        raise SpecError(f"`markers` has more than {MAX_OVERLAYS} markers", offset)
    markers = []
    for item in raw:
        if isinstance(item, str) and item in MILESTONES:
            item = {"at": item, "label": labels.get(f"milestone_{item}", item)}
        if not isinstance(item, dict) or "at" not in item:
            raise SpecError("each marker needs `at` (a time or a milestone) and a `label`", offset)
        label = str(item.get("label") or item["at"])
        markers.append(Marker(_point(item["at"], incident, zone, timed, offset), label))
    return tuple(markers)


def _windows(
    spec: dict[str, Any],
    incident: Incident,
    zone: dt.tzinfo,
    timed: bool,
    at: dict[str, int],
    labels: dict[str, str],
) -> tuple[Window, ...]:
    raw = spec.get("windows") or []
    if not isinstance(raw, list):
        raise SpecError("`windows` must be a list of {start, end, label}", at["windows"])
    if len(raw) > MAX_OVERLAYS:
        raise SpecError(f"`windows` has more than {MAX_OVERLAYS} windows", at["windows"])
    windows = []
    for item in raw:
        if not isinstance(item, dict) or "start" not in item or "end" not in item:
            raise SpecError("each window needs `start` and `end`", at["windows"])
        windows.append(
            Window(
                _point(item["start"], incident, zone, timed, at["windows"]),
                _point(item["end"], incident, zone, timed, at["windows"]),
                str(item.get("label") or ""),
            )
        )
    effective = incident.effective
    if (
        timed
        and spec.get("impact", True) is not False
        and effective.started
        and effective.resolved
        and not raw
    ):
        windows.append(
            Window(effective.started, effective.resolved, labels.get("impact", "Impact"))
        )
    return tuple(windows)
