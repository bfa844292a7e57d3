"""Layout estimates shared by the drawers: frames, text widths, scales, label rows."""

from __future__ import annotations

from dataclasses import dataclass

from pmgen.charts.formatting import one_line

WIDTH = 640  # the wide viewBox width; the SVG scales to its container
NARROW = 360  # the narrow one, shown on phones so that 12-unit text stays about 12 px
FONT = 12.0  # the text size of every label, in viewBox units
CHAR = 7.2  # a conservative average glyph width at FONT (DejaVu Sans is among the widest)
Rows = list[list[tuple[float, float]]]  # label rows: the x spans taken in each

# Glyph widths in ems, conservative for the usual system fonts (DejaVu Sans, Segoe UI, SF).
_NARROW_GLYPHS = frozenset("iljtfrI.,:;'|!()[] \u00a0\u202f")
_WIDE_GLYPHS = frozenset("mwMW@%—")


@dataclass(frozen=True, slots=True)
class Frame:
    """The viewBox a chart is drawn in: its width and, for plots, its height."""

    width: float = WIDTH
    height: float = 320.0

    @property
    def narrow(self) -> bool:
        """Whether this is the phone-sized frame."""
        return self.width < WIDTH


def _ems(glyph: str) -> float:
    """One glyph's width in ems (an upper estimate)."""
    if glyph in _NARROW_GLYPHS:
        return 0.36
    if glyph in _WIDE_GLYPHS:
        return 0.95
    if glyph.isdigit():
        return 0.64
    return 0.74 if glyph.isupper() else 0.62


_EMS: dict[str, float] = {chr(c): _ems(chr(c)) for c in range(32, 592)}  # Latin, at hand


def text_width(text: str, size: float = FONT) -> float:
    """An upper estimate of the width of one line of text at a font size."""
    return sum(_EMS.get(glyph) or _ems(glyph) for glyph in text) * size


@dataclass(frozen=True, slots=True)
class Scale:
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


def fit(text: str, width: float, size: float = FONT) -> str:
    """Text on one line, shortened with `…` to fit about `width` pixels (one pass)."""
    text = one_line(text)
    room, total, cut = (width - text_width("…", size)) / size, 0.0, -1
    for index, glyph in enumerate(text):
        total += _EMS.get(glyph) or _ems(glyph)
        if cut < 0 and total > room:
            cut = index
        if total * size > width:
            return text[:cut].rstrip() + "…"
    return text


def free_row(taken: Rows, start: float, end: float, gap: float, fallback: int) -> int:
    """The first row where [start, end] keeps `gap` from every span, now taken (else fallback)."""
    row = next(
        (
            index
            for index, spans in enumerate(taken)
            if all(start > b + gap or end < a - gap for a, b in spans)
        ),
        fallback,
    )
    if row >= 0:
        taken[row].append((start, end))
    return row
