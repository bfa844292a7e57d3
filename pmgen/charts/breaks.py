"""A time axis with its quiet gaps cut out: linear segments joined by visible breaks.

An incident that spans days is mostly silence: drawn on one linear axis, the minutes that
matter shrink to a few pixels. Long gaps between instants (at least two hours, many times the
incident's usual pace, and long compared with what remains shown) are cut, largest first, up
to a number of segments the width can label; each segment is linear, and its width mixes its
share of the time shown with its share of the instants, so that a dense hour gets room.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

QUIET = 2 * 3600.0  # the shortest gap ever cut, in seconds
PACE = 12  # … and it must be this many times the median gap (the incident's usual pace)
SHARE = 0.2  # … and longer than this share of the time still shown
BREAK = 16.0  # the width of a break, in pixels
MIN_SEGMENT = 56.0  # enough for one tick label
PAD = 8.0  # room inside a segment's ends, so that dots do not touch a break


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of time [low, high] (epoch seconds) drawn linearly on [start, end] (pixels)."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, stamp: float) -> float:
        """The pixel of an instant of this segment (the middle for a single instant)."""
        if self.high <= self.low:
            return (self.start + self.end) / 2
        inner = (self.end - self.start) - 2 * min(PAD, (self.end - self.start) / 4)
        left = self.start + (self.end - self.start - inner) / 2
        return left + (stamp - self.low) * inner / (self.high - self.low)


@dataclass(frozen=True, slots=True)
class TimeAxis:
    """Segments in time order; the gaps between them are the breaks."""

    segments: tuple[Segment, ...]

    def __call__(self, stamp: float) -> float:
        """The pixel of any instant: inside its segment, or at the nearest segment's edge."""
        segment = self.segment(stamp)
        return segment(min(max(stamp, segment.low), segment.high))

    def segment(self, stamp: float) -> Segment:
        """The segment holding an instant, or the nearest one before it."""
        lows = [s.low for s in self.segments]
        return self.segments[max(0, bisect.bisect_right(lows, stamp) - 1)]

    @property
    def breaks(self) -> list[tuple[float, float, float]]:
        """Each break as (left pixel, right pixel, seconds left out)."""
        return [(a.end, b.start, b.low - a.high) for a, b in pairwise(self.segments)]


def time_axis(instants: Sequence[float], start: float, end: float) -> TimeAxis:
    """Cut the quiet gaps of these instants and lay the remaining stretches on [start, end]."""
    points = sorted(set(instants))
    if not points:
        return TimeAxis((Segment(0.0, 1.0, start, end),))
    most = max(1, int((end - start + BREAK) // (MIN_SEGMENT + BREAK + 24)))
    cuts = _cuts([b - a for a, b in pairwise(points)], most - 1)
    stretches, first = [], 0
    for cut in sorted(cuts):
        stretches.append(points[first : cut + 1])
        first = cut + 1
    stretches.append(points[first:])
    widths = _widths(stretches, end - start - BREAK * (len(stretches) - 1))
    segments, x = [], start
    for stretch, width in zip(stretches, widths, strict=True):
        segments.append(Segment(stretch[0], stretch[-1], x, x + width))
        x += width + BREAK
    return TimeAxis(tuple(segments))


def _cuts(gaps: list[float], most: int) -> set[int]:
    """The gaps to cut (by index), largest first, while each is quiet and long enough."""
    cuts: set[int] = set()
    shown = sum(gaps)
    usual = sorted(gaps)[len(gaps) // 2] if gaps else 0.0
    least = max(QUIET, PACE * usual)
    for size, index in sorted(((g, i) for i, g in enumerate(gaps)), reverse=True):
        if len(cuts) >= most or size < least or size <= SHARE * shown:
            break
        cuts.add(index)
        shown -= size
    return cuts


def _widths(stretches: list[list[float]], room: float) -> list[float]:
    """Each stretch's width: half by its time, half by its instants, never below the minimum
    (the ones that would be are set to it, and the rest share what is left, until stable)."""
    times = [s[-1] - s[0] for s in stretches]
    total_time, total_count = sum(times), sum(len(s) for s in stretches)
    shares = [
        (t / total_time if total_time else 1 / len(stretches)) / 2 + len(s) / total_count / 2
        for t, s in zip(times, stretches, strict=True)
    ]
    fixed: set[int] = set()
    while True:
        free = room - MIN_SEGMENT * len(fixed)
        share = sum(v for i, v in enumerate(shares) if i not in fixed) or 1.0
        widths = [MIN_SEGMENT if i in fixed else free * v / share for i, v in enumerate(shares)]
        small = {i for i, w in enumerate(widths) if w < MIN_SEGMENT - 1e-9} - fixed
        if not small or len(fixed | small) == len(widths):
            return widths if not small else [room / len(widths)] * len(widths)
        fixed |= small
