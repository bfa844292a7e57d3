"""Where the timeline is: the timeline section(s); else parts of the text made mostly of lines
that open with a time (a status page's updates, `13h30 : …` paragraphs under a day heading,
timed steps under `Résolution`); else, as a last resort, the sentences of the account that
say when something happened (`At **11:32** a new release went out`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pmgen.model import Section
from pmgen.read.blocks import Block, section_blocks, wrapped
from pmgen.read.calendar import leading_day
from pmgen.read.stamps import Stamp, stamp_reader

RUN_SHARE = 0.4  # the share of a part's lines that must open with a time
RUN_MIN = 2


@dataclass(frozen=True, slots=True)
class Region:
    """A run of blocks read as timeline: `section`, `run` (mostly timed lines) or `text`."""

    start: int  # block indices, end excluded
    end: int
    origin: str


def is_day_heading(block: Block, reference: dt.date | None, lang: str) -> bool:
    """A heading that names a day (`### 2020-02-20`, `## Incident le 19/10/2021`)."""
    return block.kind == "heading" and leading_day(block.text, reference, lang) is not None


def is_time_heading(block: Block, stamp_of: Callable[[str], Stamp]) -> bool:
    """A heading that opens with a time (`### 2022-04-15 4:35`)."""
    if block.kind != "heading":
        return False
    stamp = stamp_of(block.text)
    return stamp.clock is not None and stamp.led


def find_regions(
    blocks: Sequence[Block],
    sections: Sequence[Section],
    reference: dt.date | None,
    lang: str,
    stamp_of: Callable[[str], Stamp] | None = None,
) -> list[Region]:
    """The timeline regions of a document, in order (`stamp_of` reads a line's stamp, once)."""
    stamp_of = stamp_of or stamp_reader(reference, lang)
    regions = [
        Region(*span, "section")
        for section in sections
        if section.id == "timeline"
        for span in [section_blocks(blocks, section.token_start, section.token_end)]
        if span[0] < span[1]
    ]
    if not any(_timed_line(blocks, r, stamp_of) for r in regions):
        # No timeline heading, or one with no timed line: the parts written as timelines.
        taken = bytearray(len(blocks))
        for region in regions:
            taken[region.start : region.end] = b"\x01" * (region.end - region.start)
        for start, end in _parts(blocks, reference, lang, stamp_of):
            if not any(taken[start:end]) and _mostly_timed(blocks[start:end], stamp_of):
                regions.append(Region(start, end, "run"))
    if not regions:
        regions = [Region(0, len(blocks), "text")] if blocks else []
    return sorted(regions, key=lambda region: region.start)


def _timed_line(blocks: Sequence[Block], region: Region, stamp_of: Callable[[str], Stamp]) -> bool:
    """True when some line of a region holds a time."""
    return any(
        stamp_of(line.text).clock is not None
        for block in blocks[region.start : region.end]
        for line in block.lines
    )


def _parts(
    blocks: Sequence[Block],
    reference: dt.date | None,
    lang: str,
    stamp_of: Callable[[str], Stamp],
) -> list[tuple[int, int]]:
    """Block ranges between headings that are neither day nor time headings."""
    parts: list[tuple[int, int]] = []
    start = 0
    for index, block in enumerate(blocks):
        if block.kind != "heading":
            continue
        if is_day_heading(block, reference, lang) or is_time_heading(block, stamp_of):
            continue
        if index > start:
            parts.append((start, index))
        start = index + 1
    if start < len(blocks):
        parts.append((start, len(blocks)))
    return parts


def _mostly_timed(part: Sequence[Block], stamp_of: Callable[[str], Stamp]) -> bool:
    """True when enough of a part's lines open with a time."""
    lines = timed = 0
    for block in part:
        if block.quoted or block.kind in ("header", "more"):
            continue
        if block.kind == "item" and block.parent is not None:
            continue
        candidates = block.lines if block.kind == "paragraph" else block.lines[:1]
        for position, line in enumerate(candidates):
            if block.kind == "paragraph" and wrapped(block, position):
                continue
            lines += 1
            stamp = stamp_of(line.text)
            if stamp.clock is not None and stamp.led:
                timed += 1
    return timed >= RUN_MIN and timed >= RUN_SHARE * lines
