"""pmgen's own SVG charts (line, area, bar, timeline): inline, accessible, deterministic.

Standard library only, no I/O, no JavaScript: the same `Chart` always gives the same bytes.
`draw_chart` returns a `<figure class="chart">` holding an SVG (`role="img"`, `<title>` and a
generated `<desc>`, both named by `aria-labelledby`) and the data table in a `<details>`.

Numbers:
- table cells and the description: at most 2 decimals, no trailing zeros, the language's
  decimal mark (French `,`), thousands grouped from 10 000 on (French narrow no-break space,
  English `,`); a non-zero value under 0.01 keeps 2 significant digits instead of reading `0`.
- tick labels: once the largest tick reaches 10 000, every tick of the axis is abbreviated with
  one shared suffix k, M, G or T (`2.5M`, French `2,5M`), unless the step is too fine for that;
  otherwise ticks show the decimals their step needs (so 0.001 steps do not all read `0`).
Times are shown in `Chart.timezone` (an unknown zone falls back to UTC; a naive datetime is read
in it): French `16 h 00`, `22/09`; English `16:00`, `22 Sep`. A time axis longer than 24 h shows
the day under every tick; a shorter one crossing midnight shows it under the midnight tick.
Time x values are drawn and tabled in time order, categories in the given order. A timeline
covers its events, x values, markers and windows; on the other kinds, markers and windows
outside the x range are skipped (windows partly outside are clipped).
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

XValue = dt.datetime | str  # aware datetimes for time axes; strings for category axes


@dataclass(frozen=True, slots=True)
class Series:
    """One named line (or set of bars): one value per x value, None for a gap."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class Marker:
    """A labelled vertical line at one x value (a time or a category)."""

    at: dt.datetime | str
    label: str


@dataclass(frozen=True, slots=True)
class Window:
    """A labelled shaded span between two x values."""

    start: dt.datetime | str
    end: dt.datetime | str
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    """Everything drawn in one chart; `events` only for the "timeline" kind."""

    kind: str  # "line" | "area" | "bar" | "timeline"
    title: str
    x: tuple[XValue, ...]
    series: tuple[Series, ...]  # empty for "timeline"
    unit: str = ""
    markers: tuple[Marker, ...] = ()
    windows: tuple[Window, ...] = ()
    events: tuple[tuple[dt.datetime, str], ...] = ()  # only for "timeline": (time, label)
    x_label: str = ""
    timezone: str = "Europe/Paris"  # IANA zone in which time labels are shown (zoneinfo)


KINDS = ("line", "area", "bar", "timeline")
WIDTH = 640
MAX_TABLE_ROWS = 500
CHAR = 6.6  # average glyph width at font-size 12, for layout estimates
DASHES = ("", "6 4", "2 3", "10 3 2 3", "1 5")
# Colours with at least 4.5:1 contrast on the light (#fff) and dark (#0d1117) theme background.
LIGHT = ("#0969da", "#1a7f37", "#8250df", "#bc4c00", "#bf3989", "#57606a")
DARK = ("#58a6ff", "#3fb950", "#bc8cff", "#f0883e", "#ff80c8", "#9da7b3")
EXTRA = {"marker": ("#cf222e", "#ff7b72"), "window": ("#9a6700", "#d29922")}
HALO = ("#ffffff", "#0d1117")
_Rows = list[list[tuple[float, float]]]  # label rows: the x spans taken in each
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_SPACES = re.compile("[\t\n\v\f\r \x85\u2028\u2029]+")  # not the no-break ones
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Time steps: (unit, how many, approximate seconds), smallest first.
STEPS = (
    *(("minute", n, 60 * n) for n in (1, 2, 5, 10, 15, 30)),
    *(("hour", n, 3600 * n) for n in (1, 2, 3, 6, 12)),
    *(("day", n, 86400 * n) for n in (1, 2, 7)),
    *(("month", n, 2629746 * n) for n in (1, 3, 6)),
    *(("year", n, 31556952 * n) for n in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)),
)
# key | French | English ("{}" are filled in; months are space-separated).
_PHRASES = """
data | Données du graphique | Chart data
no_data | Pas de données | No data
line | Graphique en courbes | Line chart
area | Graphique en aires | Area chart
bar | Graphique en barres | Bar chart
timeline | Chronologie | Timeline
time | Heure | Time
when | Date et heure | Date and time
category | Catégorie | Category
number | N° | #
event | Événement | Event
and | et | and
in | en | in
at | à {} | at {}
at_category | en {} | at {}
range | du {} au {} | from {} to {}
day_range | le {} de {} à {} | on {} from {} to {}
span | de {} à {} | from {} to {}
peak | pic | peak
minimum | minimum | minimum
marker | repère | marker
markers | repères | markers
window | fenêtre | window
windows | fenêtres | windows
event1 | 1 événement | 1 event
events | {} événements | {} events
category1 | 1 catégorie ({1}) | 1 category ({1})
categories | {} catégories de {} à {} | {} categories from {} to {}
left_out | {} lignes non affichées sur {}. | {} of {} rows not shown.
months | janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc. | Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec
"""  # noqa: E501


def _phrases(table: str) -> dict[str, dict[str, str]]:
    """The phrase table as {language: {key: text}}, with the list separators."""
    rows = [[part.strip() for part in line.split("|")] for line in table.strip().splitlines()]
    return {
        "fr": {key: fr for key, fr, _ in rows} | {"sep": "\u00a0; ", "colon": "\u00a0: "},
        "en": {key: en for key, _, en in rows} | {"sep": "; ", "colon": ": "},
    }


WORDS = _phrases(_PHRASES)


@dataclass(frozen=True, slots=True)
class _Scale:
    """A linear map from the domain [low, high] onto pixels [start, end]."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        """The pixel of one domain value."""
        if self.high == self.low:
            return (self.start + self.end) / 2
        return self.start + (value - self.low) * (self.end - self.start) / (self.high - self.low)


@dataclass(frozen=True, slots=True)
class _Data:
    """A chart made ready to draw: order, x positions, cleaned values, x domain, zone, words."""

    chart: Chart
    lang: str
    zone: dt.tzinfo
    timed: bool
    order: tuple[int, ...]  # indices of x (or events) in drawing order
    positions: tuple[float, ...]  # epoch seconds (time) or category index, per order
    values: tuple[tuple[float | None, ...], ...]  # per series, per order
    low: float  # x domain
    high: float
    slot: float  # the x distance one bar group may fill

    @property
    def words(self) -> dict[str, str]:
        """The chart's words in its language."""
        return WORDS[self.lang]

    @property
    def empty(self) -> bool:
        """Nothing to draw: no x, no events or only gaps."""
        if self.chart.kind == "timeline":
            return not self.positions
        return all(v is None for values in self.values for v in values)


# --- public functions -----------------------------------------------------------------------


def draw_chart(chart: Chart, lang: str, chart_id: str) -> str:
    """A <figure class="chart"> with an inline accessible SVG and its data table."""
    if not _ID.match(chart_id):
        raise ValueError(f"chart_id must be a letter then letters, digits, - or _: {chart_id!r}")
    data = _prepare(chart, lang)
    return "\n".join(
        [
            f'<figure class="chart chart-{chart.kind}" id="{chart_id}">',
            *_svg(data, chart_id),
            f"<details><summary>{data.words['data']}</summary>",
            *_table(data),
            "</details>",
            "</figure>",
        ]
    )


def describe(chart: Chart, lang: str) -> str:
    """The one-line generated summary used as <desc> (range, peak, markers)."""
    return _describe(_prepare(chart, lang))


def nice_ticks(low: float, high: float, count: int = 5) -> tuple[float, ...]:
    """Round tick values covering [low, high] (1, 2, 2.5, 5 × 10^n steps)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"nice_ticks needs finite bounds, not {low!r} and {high!r}")
    low, high = min(low, high), max(low, high)
    if high - low <= max(abs(low), abs(high)) * 1e-12 or high - low < 1e-200:  # one value
        pad = abs(low) / 10 if abs(low) > 1e-200 else 1.0
        low, high = low - pad, high + pad
    rough = high / max(count - 1, 1) - low / max(count - 1, 1)  # no overflow near 1e308
    power = 10.0 ** math.floor(math.log10(rough))
    factor = next(f for f in (1, 2, 2.5, 5, 10) if f * power >= rough * (1 - 1e-9))
    step = factor * power
    digits = max(0, -math.floor(math.log10(step)) + (factor == 2.5))
    first, last = math.floor(low / step), math.ceil(high / step)
    first += round((first + 1) * step, digits) <= low  # float noise: 0.3 / 0.1 = 2.999…
    first -= round(first * step, digits) > low  # and underflow: -5e-324 / 2 = -0.0
    last -= round((last - 1) * step, digits) >= high
    last += round(last * step, digits) < high
    return tuple(round(i * step, digits) + 0.0 for i in range(first, last + 1))


def time_ticks(
    start: dt.datetime, end: dt.datetime, zone: str, count: int = 6
) -> tuple[dt.datetime, ...]:
    """Round instants (minutes, quarter hours, hours, 3/6/12 h, days…) in the display zone."""
    tz = _zone(zone)
    low, high = sorted((_seconds(start, tz), _seconds(end, tz)))
    if low == high:
        return (dt.datetime.fromtimestamp(low, tz),)
    return _time_ticks(low, high, tz, _time_step(high - low, count))


# --- preparation ----------------------------------------------------------------------------


def _prepare(chart: Chart, lang: str) -> _Data:
    """Check the chart and put its x values in drawing order with their positions."""
    if chart.kind not in KINDS:
        raise ValueError(f"chart kind must be one of {', '.join(KINDS)}, not {chart.kind!r}")
    zone = _zone(chart.timezone)
    language = "fr" if lang.lower().startswith("fr") else "en"
    if chart.kind == "timeline":
        stamps = [_seconds(t, zone) for t, _ in chart.events]
        order = tuple(sorted(range(len(stamps)), key=stamps.__getitem__))
        positions = tuple(stamps[i] for i in order)
        low, high = _timeline_domain(chart, positions, zone)
        return _Data(chart, language, zone, True, order, positions, (), low, high, 0.0)
    timed = all(isinstance(x, dt.datetime) for x in chart.x) and bool(chart.x)
    if not timed and not all(isinstance(x, str) for x in chart.x):
        raise ValueError("x values must be all datetimes or all strings")
    for series in chart.series:
        if len(series.values) != len(chart.x):
            raise ValueError(
                f"series {series.name!r} has {len(series.values)} values for {len(chart.x)} x"
            )
    if timed:
        stamps = [_seconds(t, zone) for t in chart.x if isinstance(t, dt.datetime)]
        order = tuple(sorted(range(len(stamps)), key=stamps.__getitem__))
        positions = tuple(stamps[i] for i in order)
    else:
        order = tuple(range(len(chart.x)))
        positions = tuple(float(i) for i in order)
    values = tuple(tuple(_finite(s.values[i]) for i in order) for s in chart.series)
    low, high, slot = _x_domain(chart.kind, positions, timed)
    return _Data(chart, language, zone, timed, order, positions, values, low, high, slot)


def _zone(name: str) -> dt.tzinfo:
    """The IANA zone, or UTC when the name is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def _seconds(moment: dt.datetime, zone: dt.tzinfo) -> float:
    """Epoch seconds of a datetime; a naive one is read in the display zone."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).timestamp()


def _finite(value: float | None) -> float | None:
    """The value as a float, or None for a gap (None, NaN, infinity)."""
    return float(value) if value is not None and math.isfinite(value) else None


def _x_domain(kind: str, positions: Sequence[float], timed: bool) -> tuple[float, float, float]:
    """The x domain and bar slot: categories fill bands, bars get half a slot at each end."""
    if not positions:
        return 0.0, 1.0, 1.0
    if not timed:
        return -0.5, len(positions) - 0.5, 1.0
    gaps = [b - a for a, b in pairwise(positions) if b > a]
    slot = min(gaps) if gaps else 3600.0
    low, high = positions[0], positions[-1]
    if kind == "bar":
        return low - slot / 2, high + slot / 2, slot
    if low == high:  # a single time: half an hour on each side
        return low - 1800, high + 1800, slot
    return low, high, slot


def _timeline_domain(
    chart: Chart, positions: Sequence[float], zone: dt.tzinfo
) -> tuple[float, float]:
    """Events, x values, markers and windows, with 3 % room at each end."""
    moments = [*chart.x, *(m.at for m in chart.markers)]
    moments += [t for w in chart.windows for t in (w.start, w.end)]
    stamps = [*positions, *(_seconds(t, zone) for t in moments if isinstance(t, dt.datetime))]
    if not positions:
        return 0.0, 1.0
    low, high = min(stamps), max(stamps)
    pad = (high - low) * 0.03 or 1800.0
    return low - pad, high + pad


# --- formatting -----------------------------------------------------------------------------


def _text(value: str) -> str:
    """User text made safe for XML: one line, no control characters, escaped."""
    return html.escape(_UNSAFE.sub("", _oneline(value)))


def _oneline(text: str) -> str:
    """Runs of spaces and line breaks made one space (no-break spaces are kept)."""
    return _SPACES.sub(" ", text).strip()


def _c(value: float) -> str:
    """A coordinate rounded to 1 decimal, without a trailing `.0`."""
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _number(value: float, lang: str, decimals: int | None = None) -> str:
    """A number with at most 2 decimals (or `decimals`), localised, trailing zeros removed."""
    if decimals is None and value.is_integer() and abs(value) < 10_000:
        return str(int(value))  # the common case, quickly
    if decimals is None:
        decimals = 2
        if 0 < abs(value) < 0.01:
            decimals = min(12, 1 - math.floor(math.log10(abs(value))))
    whole, _, fraction = f"{abs(value):,.{decimals}f}".partition(".")
    fraction = fraction.rstrip("0")
    grouping = ("\u202f" if lang == "fr" else ",") if abs(value) >= 10_000 else ""
    whole = whole.replace(",", grouping)
    sign = "-" if value < 0 and (whole.strip("0") or fraction) else ""
    return sign + whole + ("," if lang == "fr" else ".") * bool(fraction) + fraction


def _tick_texts(ticks: Sequence[float], lang: str) -> list[str]:
    """Tick labels: one shared k/M/G/T suffix from 10 000 on, else the step's decimals."""
    step = abs(ticks[1] - ticks[0])
    biggest = max(abs(t) for t in ticks)
    for power, suffix in ((4, "T"), (3, "G"), (2, "M"), (1, "k")):
        scale = 1000.0**power
        if biggest >= max(scale, 10_000) and step / scale >= 0.01 * (1 - 1e-9):
            digits = max(0, -math.floor(math.log10(step / scale) + 1e-9) + 1)
            return [_number(t / scale, lang, digits) + suffix * (t != 0) for t in ticks]
    digits = max(0, -math.floor(math.log10(step) + 1e-9) + 1)
    return [_number(t, lang, digits) for t in ticks]


def _local(stamp: float, data: _Data) -> dt.datetime:
    """Epoch seconds as a datetime in the display zone."""
    return dt.datetime.fromtimestamp(stamp, data.zone)


def _clock(moment: dt.datetime, lang: str, seconds: bool = False) -> str:
    """`16 h 00` / `16:00`, with the seconds when asked for and not zero."""
    second = seconds and moment.second
    if lang == "fr":
        return f"{moment.hour} h {moment.minute:02d}" + (f" min {second:02d} s" if second else "")
    return f"{moment.hour:02d}:{moment.minute:02d}" + (f":{second:02d}" if second else "")


def _day(moment: dt.datetime, lang: str, year: bool = False) -> str:
    """`22/09` / `22 Sep`, with the year when asked for."""
    if lang == "fr":
        return f"{moment.day:02d}/{moment.month:02d}" + (f"/{moment.year}" if year else "")
    month = WORDS["en"]["months"].split()[moment.month - 1]
    return f"{moment.day} {month}" + (f" {moment.year}" if year else "")


def _moment(stamp: float, data: _Data, reference: float) -> str:
    """A time as its clock, with the day when it is not the reference's day."""
    moment, base = _local(stamp, data), _local(reference, data)
    clock = _clock(moment, data.lang, seconds=True)
    return clock if moment.date() == base.date() else f"{_day(moment, data.lang)} {clock}"


def _fit(text: str, width: float) -> str:
    """Text on one line, shortened with `…` to fit about `width` pixels."""
    text = _oneline(text)
    most = max(1, int(width / CHAR))
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _join(items: Sequence[str], lang: str) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {WORDS[lang]['and']} {items[-1]}"


# --- description and table ------------------------------------------------------------------


def _describe(data: _Data) -> str:
    """One line: what, over which x range, the peak (and a negative minimum), markers, windows."""
    chart, words = data.chart, data.words
    head = words[chart.kind]
    if chart.kind == "timeline":
        count = len(data.positions)
        head += words["colon"] + words["events" if count > 1 else "event1"].format(count)
    elif chart.series:
        head += words["colon"] + _join([s.name for s in chart.series], data.lang)
        head += f" {words['in']} {chart.unit}" if chart.unit else ""
    if data.empty:
        return _oneline(f"{head}{words['colon']}{words['no_data'].lower()}.")
    parts = [f"{head}, {_x_range(data)}", *_extremes(data)]
    markers = [f"{m.label} {_at(data, p)}" for m, p in _markers(data)]
    windows = [_window_text(data, w) for w, _ in _windows(data)]
    for key, items in (("marker", markers), ("window", windows)):
        if items:
            parts.append(words[key + "s" * (len(items) > 1)] + words["colon"] + ", ".join(items))
    return _oneline(words["sep"].join(parts) + ".")


def _x_range(data: _Data) -> str:
    """The x range in words: dates and times, or the categories."""
    words, lang = data.words, data.lang
    if not data.timed:
        x = data.chart.x
        return words["categories" if len(x) > 1 else "category1"].format(len(x), x[0], x[-1])
    start, end = _local(data.positions[0], data), _local(data.positions[-1], data)
    if start.date() == end.date():
        day = _day(start, lang, year=True)
        return words["day_range"].format(day, _clock(start, lang, True), _clock(end, lang, True))
    return words["range"].format(
        f"{_day(start, lang, True)} {_clock(start, lang, True)}",
        f"{_day(end, lang, True)} {_clock(end, lang, True)}",
    )


def _at(data: _Data, position: float) -> str:
    """`at 16:05` for a time, `at March` for a category."""
    if data.timed:
        return data.words["at"].format(_moment(position, data, data.positions[0]))
    return data.words["at_category"].format(data.chart.x[int(position)])


def _extremes(data: _Data) -> list[str]:
    """The peak, and the minimum when it is negative, with its series (if several) and x."""
    points = [
        (v, i, s) for s, vs in enumerate(data.values) for i, v in enumerate(vs) if v is not None
    ]
    if not points:  # a timeline
        return []
    peak = min(points, key=lambda p: (-p[0], p[1], p[2]))
    lowest = min(points)
    found = []
    for word, (value, index, series) in (("peak", peak), ("minimum", lowest)):
        if word == "peak" or value < 0:
            text = f"{data.words[word]} {_number(value, data.lang)}"
            text += f" {data.chart.unit}" if data.chart.unit else ""
            text += f" ({data.chart.series[series].name})" if len(data.values) > 1 else ""
            found.append(f"{text} {_at(data, data.positions[index])}")
    return found


def _window_text(data: _Data, window: Window) -> str:
    """`Impact from 16:00 to 16:26` / `Impact from A to C`."""
    ends = [str(window.start), str(window.end)]
    if data.timed:
        ends = [
            _moment(_seconds(t, data.zone), data, data.positions[0])
            for t in (window.start, window.end)
            if isinstance(t, dt.datetime)
        ]
    return f"{window.label} {data.words['span'].format(*ends)}"


def _table(data: _Data) -> list[str]:
    """The data table: a header row, then one row per x value (or event), at most 500."""
    chart, count = data.chart, len(data.positions)
    multi_day = bool(count) and _spans_days(data)
    heads = "".join(f'<th scope="col">{_text(h)}</th>' for h in _heads(data, multi_day))
    rows = ["<table>", f"<thead><tr>{heads}</tr></thead>", "<tbody>"]
    for row in range(min(count, MAX_TABLE_ROWS)):
        x = _x_text(data, row, multi_day)
        if chart.kind == "timeline":
            label = _text(chart.events[data.order[row]][1])
            rows.append(f'<tr><th scope="row">{row + 1}</th><td>{x}</td><td>{label}</td></tr>')
        else:
            cells = "".join(f"<td>{_cell(values[row], data.lang)}</td>" for values in data.values)
            rows.append(f'<tr><th scope="row">{x}</th>{cells}</tr>')
    rows += ["</tbody>", "</table>"]
    if count > MAX_TABLE_ROWS:
        rows.append(f"<p>{data.words['left_out'].format(count - MAX_TABLE_ROWS, count)}</p>")
    return rows


def _spans_days(data: _Data) -> bool:
    """Whether the x values (or events) fall on more than one day in the display zone."""
    if not data.timed:
        return False
    return _local(data.positions[0], data).date() != _local(data.positions[-1], data).date()


def _heads(data: _Data, multi_day: bool) -> list[str]:
    """The table's column headers: x (with the day when there is one), series or events."""
    chart, words = data.chart, data.words
    if not data.timed:
        head = chart.x_label or words["category"]
    elif multi_day or not data.positions:
        head = chart.x_label or words["when" if multi_day else "time"]
    else:
        day = _day(_local(data.positions[0], data), data.lang, year=True)
        head = f"{chart.x_label or words['time']} ({day})"
    if chart.kind == "timeline":
        return [words["number"], head, words["event"]]
    return [head, *(s.name + (f" ({chart.unit})" if chart.unit else "") for s in chart.series)]


def _x_text(data: _Data, row: int, multi_day: bool) -> str:
    """The escaped x value of a table row: a category, a time, or a day and time."""
    if not data.timed:
        return _text(str(data.chart.x[row]))
    moment = _local(data.positions[row], data)
    clock = _clock(moment, data.lang, seconds=True)
    return f"{_day(moment, data.lang)} {clock}" if multi_day else clock


def _cell(value: float | None, lang: str) -> str:
    """A table cell's number, empty for a gap."""
    return "" if value is None else _number(value, lang)


# --- time ticks -----------------------------------------------------------------------------


def _time_step(span: float, count: int) -> tuple[str, int, int]:
    """The smallest round step giving at most `count` intervals over the span (seconds)."""
    return next((s for s in STEPS if span / s[2] <= max(count, 1)), STEPS[-1])


def _time_ticks(
    low: float, high: float, zone: dt.tzinfo, step: tuple[str, int, int]
) -> tuple[dt.datetime, ...]:
    """Instants in [low, high] whose wall-clock time in the zone is a multiple of the step."""
    unit, n, _ = step
    found: list[dt.datetime] = []
    if unit in ("minute", "hour"):
        grid = 60 if unit == "minute" and n < 15 else 900  # zone offsets are 15-min multiples
        stamp = math.ceil(low / grid) * grid
        while stamp <= high:
            local = dt.datetime.fromtimestamp(stamp, zone)
            if unit == "minute":
                keep = local.minute % n == 0 and local.second == 0
            else:  # a wall hour repeated by a DST change is a tick once for steps over 1 h
                keep = local.minute == local.second == 0 and local.hour % n == 0
                keep = keep and (n == 1 or not local.fold)
            found += [local] if keep else []
            stamp += grid
        return tuple(found)
    day = dt.datetime.fromtimestamp(low, zone).date()
    while (moment := dt.datetime(day.year, day.month, day.day, tzinfo=zone)).timestamp() <= high:
        if moment.timestamp() >= low and _aligned(day, unit, n):
            found.append(moment)
        day = _next_day(day, unit)
    return tuple(found)


def _aligned(day: dt.date, unit: str, n: int) -> bool:
    """Whether a day starts a day, week (Monday), month or year step."""
    if unit == "day":
        return day.weekday() == 0 if n == 7 else day.toordinal() % n == 0
    if unit == "month":
        return day.day == 1 and (day.month - 1) % n == 0
    return day.day == 1 and day.month == 1 and day.year % n == 0


def _next_day(day: dt.date, unit: str) -> dt.date:
    """The next candidate day: tomorrow, the first of next month, or next New Year's Day."""
    if unit == "day":
        return day + dt.timedelta(days=1)
    if unit == "year" and day.month == 1 and day.day == 1:
        return dt.date(day.year + 1, 1, 1)
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _time_label(
    moment: dt.datetime, step: tuple[str, int, int], days: bool, lang: str
) -> tuple[str, ...]:
    """One or two lines under a time tick: the clock, then the day when `days` asks for it."""
    if step[0] == "year":
        return (str(moment.year),)
    if step[0] == "month":
        return (f"{WORDS[lang]['months'].split()[moment.month - 1]} {moment.year}",)
    if step[0] == "day":
        return (_day(moment, lang),)
    return (_clock(moment, lang), _day(moment, lang)) if days else (_clock(moment, lang),)


# --- SVG ------------------------------------------------------------------------------------


def _svg(data: _Data, chart_id: str) -> list[str]:
    """The whole <svg> element, one element a line."""
    chart, words = data.chart, data.words
    height = 160 if chart.kind == "timeline" else 320
    title = _oneline(chart.title) or words[chart.kind]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'style="height:auto" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        'font-family="system-ui, sans-serif" font-size="12" fill="currentColor">',
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(_describe(data))}</desc>',
        _style(chart_id),
        _tx(_fit(title, WIDTH - 16), 8, 16, font_weight="bold"),
    ]
    if data.empty:
        out.append(_tx(words["no_data"], WIDTH / 2, height / 2 + 8, "middle", font_size=14))
    else:
        out += _timeline(data) if chart.kind == "timeline" else _plot(data)
    return [*out, "</svg>"]


def _style(chart_id: str) -> str:
    """Series, marker and window colours for light and dark mode, scoped to this chart."""

    def rules(mode: int) -> str:
        colours = [(f"series-{i}", c) for i, c in enumerate((LIGHT, DARK)[mode])]
        colours += [(name, pair[mode]) for name, pair in EXTRA.items()]
        text = "".join(f"#{chart_id} .{name}{{color:{c}}}" for name, c in colours)
        return text + f"#{chart_id} .halo{{stroke:{HALO[mode]}}}"

    halo = f"#{chart_id} .halo{{stroke-width:3px;stroke-linejoin:round;paint-order:stroke}}"
    return f"<style>{halo}{rules(0)}@media (prefers-color-scheme: dark){{{rules(1)}}}</style>"


def _tx(content: str, x: float, y: float, anchor: str = "", css: str = "", **attrs: str) -> str:
    """A <text> element with escaped content."""
    more = {"class_": css, "x": x, "y": y, "text_anchor": anchor, **attrs}
    return f"<text{_attrs(more)}>{_text(content)}</text>"


def _path(d: str, css: str = "", **attrs: str | float) -> str:
    """A stroked, unfilled path in the current colour."""
    return f'<path{_attrs({"class_": css, "d": d, **attrs})} fill="none" stroke="currentColor"/>'


def _el(tag: str, **attrs: str | float) -> str:
    """An empty element with the given attributes."""
    return f"<{tag}{_attrs(attrs)}/>"


def _attrs(attrs: dict[str, str | float]) -> str:
    """Attributes in the given order, empty ones left out; numbers as coordinates, text escaped."""
    return "".join(f' {_name(k)}="{_value(v)}"' for k, v in attrs.items() if v != "")


def _name(key: str) -> str:
    """An attribute's name from a keyword: `stroke_width` → `stroke-width`, `class_` → `class`."""
    return key.rstrip("_").replace("_", "-")


def _value(value: str | float) -> str:
    """An attribute's value: a number as a coordinate, text escaped."""
    return _c(value) if isinstance(value, float | int) else html.escape(value)


def _plot(data: _Data) -> list[str]:
    """A line, area or bar chart: legend, unit, y grid, windows, series, x axis, markers."""
    chart = data.chart
    out, y = _legend(data)
    if chart.unit:
        y += 18
        out.append(_tx(_fit(chart.unit, WIDTH - 16), 8, y))
    ticks = _y_ticks(data)
    labels = _tick_texts(ticks, data.lang)
    left = max(40.0, max(len(t) for t in labels) * CHAR + 14)
    top, bottom, right = y + 12.0, 264.0, WIDTH - 16.0
    xs, ys = _Scale(data.low, data.high, left, right), _Scale(ticks[0], ticks[-1], bottom, top)
    grid = "".join(f"M{_c(left)} {_c(ys(t))}H{_c(right)}" for t in ticks)
    out.append(_path(grid, "grid", stroke_opacity="0.15"))
    out += [_tx(text, left - 6, ys(t) + 4, "end") for t, text in zip(ticks, labels, strict=True)]
    out += _window_rects(data, xs, top, bottom)
    if ticks[0] < 0 < ticks[-1]:
        out.append(_path(f"M{_c(left)} {_c(ys(0))}H{_c(right)}", "zero", stroke_opacity="0.7"))
    for index in range(len(data.values)):
        out += _bars(data, index, xs, ys) if chart.kind == "bar" else _line(data, index, xs, ys)
    out.append(_path(f"M{_c(left)} {_c(bottom)}H{_c(right)}", "axis"))
    out += _x_axis(data, xs, bottom)
    if chart.x_label:
        out.append(_tx(_fit(chart.x_label, right - left), (left + right) / 2, 312, "middle"))
    return out + _marker_lines(data, xs, top, bottom) + _top_labels(data, xs, top, bottom)


def _y_ticks(data: _Data) -> tuple[float, ...]:
    """Round y ticks over the values (whole ones for counts); bars, areas, near lines from 0."""
    values = [v for vs in data.values for v in vs if v is not None]
    low, high = min(values), max(values)
    if data.chart.kind != "line" or low == high or 0 < low <= high / 2 or low / 2 <= high < 0:
        low, high = min(low, 0.0), max(high, 0.0)
    whole = all(v.is_integer() for v in values)
    for count in (5, 4, 3, 2):
        ticks = nice_ticks(low, high, count)
        if not whole or all(t.is_integer() for t in ticks):
            break
    return ticks


def _legend(data: _Data) -> tuple[list[str], float]:
    """A swatch and name per series when there are 2 or more; returns the last row's y."""
    out: list[str] = []
    x, y = 8.0, 16.0
    if len(data.values) < 2:
        return out, y
    y += 18
    for index, series in enumerate(data.chart.series):
        name = _fit(series.name, 200)
        width = 26 + len(name) * CHAR + 18
        if x + width > WIDTH - 8 and x > 8:
            x, y = 8.0, y + 18
        out += [_swatch(data, index, x, y), _tx(name, x + 26, y)]
        x += width
    return out, y


def _series_class(index: int) -> str:
    """`series series-N`, N cycling over the palette."""
    return f"series series-{index % len(LIGHT)}"


def _dash(index: int) -> dict[str, str]:
    """The stroke-dasharray of a series: none for the first, then dashed, dotted…"""
    pattern = DASHES[index % len(DASHES)]
    return {"stroke_dasharray": pattern} if pattern else {}


def _swatch(data: _Data, index: int, x: float, y: float) -> str:
    """A legend sample: a short line (a small bar for bar charts) styled like the series."""
    css = _series_class(index)
    if data.chart.kind != "bar":
        return _path(f"M{_c(x)} {_c(y - 4)}h20", css, stroke_width=2, **_dash(index))
    rect = _el("rect", x=x, y=y - 10, width=20, height=10)
    return f'<g class="{css}"{_attrs(_bar_look(index))}>{rect}</g>'


def _bar_look(index: int) -> dict[str, str | float]:
    """How a series' bars are painted: translucent fill, outline with the series' dashes."""
    return {"fill_opacity": "0.45", "stroke": "currentColor", "stroke_width": 1.5, **_dash(index)}


def _line(data: _Data, index: int, xs: _Scale, ys: _Scale) -> list[str]:
    """One series as a path broken at gaps, a dot for each lone point, an area fill if asked."""
    runs: list[list[tuple[float, float]]] = [[]]
    for position, value in zip(data.positions, data.values[index], strict=True):
        if value is not None:
            runs[-1].append((xs(position), ys(value)))
        elif runs[-1]:
            runs.append([])
    lines = [run for run in runs if len(run) > 1]
    out = [f'<g class="{_series_class(index)}">']
    if data.chart.kind == "area" and lines:
        base = _c(ys(min(max(0.0, ys.low), ys.high)))
        fill = "".join(f"M{_c(r[0][0])} {base}L{_points(r)}L{_c(r[-1][0])} {base}Z" for r in lines)
        out.append(_el("path", d=fill, fill_opacity="0.15"))
    if lines:
        path = "".join(f"M{_points(r[:1])}L{_points(r[1:])}" for r in lines)
        out.append(_path(path, stroke_width=2, stroke_linejoin="round", **_dash(index)))
    out += [_el("circle", cx=r[0][0], cy=r[0][1], r=3.5) for r in runs if len(r) == 1]
    return [*out, "</g>"]


def _points(points: Sequence[tuple[float, float]]) -> str:
    """`x y x y …` for a path."""
    return " ".join(f"{_c(x)} {_c(y)}" for x, y in points)


def _bars(data: _Data, index: int, xs: _Scale, ys: _Scale) -> list[str]:
    """One series as bars from zero, side by side with the other series at each x."""
    group = min(abs(xs(data.slot) - xs(0.0)) * 0.8, 120.0)
    width = group / len(data.values)
    zero = ys(min(max(0.0, ys.low), ys.high))
    out = [f'<g class="{_series_class(index)}"{_attrs(_bar_look(index))}>']
    for position, value in zip(data.positions, data.values[index], strict=True):
        if value is not None:
            x, y = xs(position) - group / 2 + index * width, ys(value)
            out.append(_el("rect", x=x, y=min(y, zero), width=width, height=abs(zero - y)))
    return [*out, "</g>"]


def _x_axis(data: _Data, xs: _Scale, bottom: float) -> list[str]:
    """Tick marks and labels under the axis: round times, or (some of) the categories."""
    ticks: list[tuple[float, tuple[str, ...]]] = []
    if data.timed:
        step = _time_step(data.high - data.low, 8)
        crosses = _local(data.low, data).date() != _local(data.high, data).date()
        for moment in _time_ticks(data.low, data.high, data.zone, step):
            midnight = moment.hour == moment.minute == 0
            days = data.high - data.low > 86400 or (crosses and midnight)
            ticks.append((moment.timestamp(), _time_label(moment, step, days, data.lang)))
    else:
        names = [_fit(str(x), 120) for x in data.chart.x]
        every = math.ceil((max(len(n) for n in names) * CHAR + 8) / (xs(1.0) - xs(0.0)))
        ticks = [(float(i), (names[i],)) for i in range(0, len(names), max(1, every))]
    out, edge = [], -math.inf
    for position, lines in ticks:
        x, width = xs(position), max(len(line) for line in lines) * CHAR
        centre = min(max(x, width / 2 + 2), WIDTH - width / 2 - 2)
        if centre - width / 2 < edge + 6:
            continue  # it would overlap the previous label
        edge = centre + width / 2
        out.append(_path(f"M{_c(x)} {_c(bottom)}v4"))
        out += [_tx(line, centre, bottom + 16 + 14 * i, "middle") for i, line in enumerate(lines)]
    return out


def _position(data: _Data, at: dt.datetime | str) -> float | None:
    """An x value's position: epoch seconds on time axes, index on category axes."""
    if data.timed:
        return _seconds(at, data.zone) if isinstance(at, dt.datetime) else None
    if isinstance(at, str) and at in data.chart.x:
        return float(data.chart.x.index(at))
    return None


def _markers(data: _Data) -> list[tuple[Marker, float]]:
    """The markers inside the x range, with their position."""
    found = [(m, _position(data, m.at)) for m in data.chart.markers]
    return [(m, p) for m, p in found if p is not None and data.low <= p <= data.high]


def _windows(data: _Data) -> list[tuple[Window, tuple[float, float]]]:
    """The windows overlapping the x range, with their span clipped to it."""
    found = []
    for window in data.chart.windows:
        start, end = _position(data, window.start), _position(data, window.end)
        if start is None or end is None:
            continue
        start, end = min(start, end), max(start, end)
        if not data.timed:  # whole bands
            start, end = start - 0.5, end + 0.5
        if end >= data.low and start <= data.high:
            found.append((window, (max(start, data.low), min(end, data.high))))
    return found


def _window_rects(data: _Data, xs: _Scale, top: float, bottom: float) -> list[str]:
    """A low-opacity shaded rect per window."""
    look = {"y": top, "height": bottom - top, "fill_opacity": "0.14"}
    spans = [(xs(a), xs(b)) for _, (a, b) in _windows(data)]
    return [_el("rect", class_="window", x=a, width=b - a, **look) for a, b in spans]


def _marker_lines(data: _Data, xs: _Scale, top: float, bottom: float) -> list[str]:
    """A vertical line per marker inside the x range."""
    return [
        _path(f"M{_c(xs(p))} {_c(top)}V{_c(bottom)}", "marker", stroke_width=1.5)
        for _, p in _markers(data)
    ]


def _free_row(taken: _Rows, start: float, end: float, gap: float, fallback: int) -> int:
    """The first row where [start, end] keeps `gap` from every span, now taken (else fallback)."""
    clear = [all(start > b + gap or end < a - gap for a, b in spans) for spans in taken]
    row = clear.index(True) if True in clear else fallback
    if row >= 0:
        taken[row].append((start, end))
    return row


def _top_labels(data: _Data, xs: _Scale, top: float, bottom: float, rows: int = 0) -> list[str]:
    """Window then marker labels at the plot's top, kept inside it, stacked to avoid overlap."""
    items = [(xs(a), w.label, "window-label", False) for w, (a, _) in _windows(data)]
    items += [(xs(p), m.label, "marker", True) for m, p in _markers(data)]
    left, right = xs.start, xs.end
    rows = rows or max(1, int((bottom - top - 16) // 14))
    taken: _Rows = [[] for _ in range(rows)]
    out = []
    for anchor, label, css, beside in (item for item in items if item[1].strip()):
        text = _fit(label, right - left - 8)
        width = len(text) * CHAR
        x = anchor + 4
        if beside and x + width > right - 2:  # a marker label goes left of its line
            x = anchor - 4 - width
        x = min(max(x, left + 2), right - 2 - width)
        row = _free_row(taken, x, x + width, 6, -1)
        if row < 0:  # every row is taken there: slide right of a row's last label, if it fits
            ends = [max(b for _, b in spans) + 6 for spans in taken]
            row = next((r for r, end in enumerate(ends) if end + width <= right - 2), -1)
            x, row = (ends[row], row) if row >= 0 else (x, len(out) % rows)
            taken[row].append((x, x + width))
        out.append(_tx(text, x, top + 12 + 14 * row, css=f"{css} halo"))
    return out


def _timeline(data: _Data) -> list[str]:
    """Events as numbered dots on a time axis, with markers and windows drawn as elsewhere."""
    top, axis = 26.0, 112.0
    xs = _Scale(data.low, data.high, 16.0, WIDTH - 16.0)
    out = [*_window_rects(data, xs, top, axis), _path(f"M16 {_c(axis)}H{WIDTH - 16}", "axis")]
    out += _x_axis(data, xs, axis)
    if data.chart.x_label:
        out.append(_tx(_fit(data.chart.x_label, WIDTH - 32), WIDTH / 2, 156, "middle"))
    out += _marker_lines(data, xs, top, axis) + _top_labels(data, xs, top, axis, rows=2)
    dots, numbers = [f'<g class="{_series_class(0)}">'], []
    taken: _Rows = [[], [], []]
    for number, position in enumerate(data.positions, start=1):
        x, half = xs(position), len(str(number)) * 3.5
        centre, row = x, _free_row(taken, x - half, x + half, 2, -1)
        if row < 0:  # every row is taken here: the number moves right of the row ending first
            ends = [max(b for _, b in spans) for spans in taken]
            row = ends.index(min(ends))
            centre = min(ends[row] + 2 + half, xs.end - half)
            taken[row].append((centre - half, centre + half))
        y = axis - 10 - 14 * row
        if row or centre != x:  # a stem from the dot to its number
            stem = f"M{_c(x)} {_c(axis - 4)}L{_c(centre)} {_c(y + 3)}"
            numbers.append(_path(stem, stroke_opacity="0.5"))
        dots.append(_el("circle", cx=x, cy=axis, r=4))
        numbers.append(_tx(str(number), centre, y, "middle", "halo"))
    return [*out, *dots, "</g>", *numbers]
