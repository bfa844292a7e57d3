"""Layout estimates shared by the drawers: width, glyph size, scales, label rows."""

from __future__ import annotations

from dataclasses import dataclass

from pmgen.charts.formatting import one_line

WIDTH = 640  # the viewBox width; the SVG scales to its container
CHAR = 6.6  # average glyph width at font-size 12, for layout estimates
Rows = list[list[tuple[float, float]]]  # label rows: the x spans taken in each


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


def fit(text: str, width: float) -> str:
    """Text on one line, shortened with `…` to fit about `width` pixels."""
    text = one_line(text)
    most = max(1, int(width / CHAR))
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


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
