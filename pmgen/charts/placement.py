"""Collision-free label placement along one direction, in rows, for leader-line labels.

Labels keep the order of their anchors (so leader lines never cross within a row) and sit as
close to them as the others allow: overlapping neighbours are merged into clusters centred on
their anchors' mean, the classic 1-D label layout, linear in the number of labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Placed:
    """Where one label went: its row (0 nearest the anchors) and its centre."""

    row: int
    centre: float


def spread(
    anchors: Sequence[float], sizes: Sequence[float], low: float, high: float, gap: float
) -> list[float]:
    """Centres for boxes of these sizes, in anchor order, `gap` apart, inside [low, high] when
    they fit (else starting at `low`), each cluster centred on the mean of its anchors.

    A cluster is [first, last, total size, sum of (anchor − offset), count]: merging two
    shifts the right one's offsets by the left one's size, so each merge costs O(1)."""
    clusters: list[list[float]] = []
    for index, (anchor, size) in enumerate(zip(anchors, sizes, strict=True)):
        clusters.append([index, index, size, anchor - size / 2, 1])
        while len(clusters) > 1:
            left, right = clusters[-2], clusters[-1]
            if _left(left, low, high) + left[2] + gap <= _left(right, low, high):
                break
            shift = left[2] + gap
            merged = [left[0], right[1], shift + right[2], left[3] + right[3] - shift * right[4]]
            clusters[-2:] = [[*merged, left[4] + right[4]]]
    centres: list[float] = []
    for cluster in clusters:
        x = _left(cluster, low, high)
        for index in range(int(cluster[0]), int(cluster[1]) + 1):
            centres.append(x + sizes[index] / 2)
            x += sizes[index] + gap
    return centres


def _left(cluster: list[float], low: float, high: float) -> float:
    """A cluster's left edge: its labels centred on their anchors on average, kept inside."""
    return max(low, min(cluster[3] / cluster[4], high - cluster[2]))


def place_rows(
    anchors: Sequence[float],
    sizes: Sequence[float],
    low: float,
    high: float,
    gap: float,
    reach: float = 60.0,
) -> list[Placed]:
    """Labels in rows, in anchor order: as few rows as their total size needs, or one or two
    more when that keeps every label within `reach` of its anchor. Indices match the inputs."""
    total = sum(size + gap for size in sizes)
    least = max(1, -(-int(total * 1.1) // max(1, int(high - low))))
    best: list[Placed] = []
    for count in range(least, least + 3):
        placed = _in_rows(anchors, sizes, low, high, gap, count)
        moved = max((abs(p.centre - a) for p, a in zip(placed, anchors, strict=True)), default=0)
        if not best or moved <= reach:
            best = placed
        if moved <= reach:
            break
    return best


def _in_rows(
    anchors: Sequence[float],
    sizes: Sequence[float],
    low: float,
    high: float,
    gap: float,
    count: int,
) -> list[Placed]:
    """A label goes to the lowest row where it fits at its anchor, else to the row that frees
    up first; each row is then spread."""
    order = sorted(range(len(anchors)), key=lambda i: (anchors[i], i))
    ends = [float("-inf")] * count
    members: list[list[int]] = [[] for _ in range(count)]
    for index in order:
        start = anchors[index] - sizes[index] / 2
        row = next((r for r in range(count) if ends[r] + gap <= start), None)
        if row is None:
            row = min(range(count), key=lambda r: (ends[r], r))
        members[row].append(index)
        ends[row] = max(ends[row] + gap, start) + sizes[index]
    placed: dict[int, Placed] = {}
    for row, indices in enumerate(members):
        centres = spread([anchors[i] for i in indices], [sizes[i] for i in indices], low, high, gap)
        placed.update({i: Placed(row, c) for i, c in zip(indices, centres, strict=True)})
    return [placed[i] for i in range(len(anchors))]
