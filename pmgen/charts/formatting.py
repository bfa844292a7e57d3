"""Text and numbers made ready for SVG: escaping, coordinates, localised numbers."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence

_SPACES = re.compile("[\t\n\v\f\r \x85\u2028\u2029]+")  # not the no-break ones
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """User text made safe for XML: one line, no control characters, escaped."""
    return html.escape(_UNSAFE.sub("", one_line(value)))


def one_line(text: str) -> str:
    """Runs of spaces and line breaks made one space (no-break spaces are kept)."""
    return _SPACES.sub(" ", text).strip()


def coord(value: float) -> str:
    """A coordinate rounded to 1 decimal, without a trailing `.0`."""
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def format_number(value: float, lang: str, decimals: int | None = None) -> str:
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


def tick_texts(ticks: Sequence[float], lang: str) -> list[str]:
    """Tick labels: one shared k/M/G/T suffix from 10 000 on, else the step's decimals."""
    step = abs(ticks[1] - ticks[0])
    biggest = max(abs(t) for t in ticks)
    for power, suffix in ((4, "T"), (3, "G"), (2, "M"), (1, "k")):
        scale = 1000.0**power
        if biggest >= max(scale, 10_000) and step / scale >= 0.01 * (1 - 1e-9):
            digits = max(0, -math.floor(math.log10(step / scale) + 1e-9) + 1)
            return [format_number(t / scale, lang, digits) + suffix * (t != 0) for t in ticks]
    digits = max(0, -math.floor(math.log10(step) + 1e-9) + 1)
    return [format_number(t, lang, digits) for t in ticks]
