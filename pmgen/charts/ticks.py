"""Round tick values: numbers (1, 2, 2.5, 5 × 10^n) and instants in a time zone."""

from __future__ import annotations

import datetime as dt
import math

from pmgen.charts.clock import clock_text, day_text, display_zone, epoch_seconds
from pmgen.charts.words import WORDS

# Time steps: (unit, how many, approximate seconds), smallest first.
STEPS = (
    *(("minute", n, 60 * n) for n in (1, 2, 5, 10, 15, 30)),
    *(("hour", n, 3600 * n) for n in (1, 2, 3, 6, 12)),
    *(("day", n, 86400 * n) for n in (1, 2, 7)),
    *(("month", n, 2629746 * n) for n in (1, 3, 6)),
    *(("year", n, 31556952 * n) for n in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)),
)


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
    tz = display_zone(zone)
    low, high = sorted((epoch_seconds(start, tz), epoch_seconds(end, tz)))
    if low == high:
        return (dt.datetime.fromtimestamp(low, tz),)
    return zone_ticks(low, high, tz, time_step(high - low, count))


def time_step(span: float, count: int) -> tuple[str, int, int]:
    """The smallest round step giving at most `count` intervals over the span (seconds)."""
    return next((s for s in STEPS if span / s[2] <= max(count, 1)), STEPS[-1])


def zone_ticks(
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


def time_tick_label(
    moment: dt.datetime, step: tuple[str, int, int], days: bool, lang: str
) -> tuple[str, ...]:
    """One or two lines under a time tick: the clock, then the day when `days` asks for it."""
    if step[0] == "year":
        return (str(moment.year),)
    if step[0] == "month":
        return (f"{WORDS[lang]['months'].split()[moment.month - 1]} {moment.year}",)
    if step[0] == "day":
        return (day_text(moment, lang),)
    return (
        (clock_text(moment, lang), day_text(moment, lang)) if days else (clock_text(moment, lang),)
    )
