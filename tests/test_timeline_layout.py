"""The timeline's layout: quiet gaps cut into axis breaks, labels placed without overlap, a
vertical drawing for phones. (What the browser measures is in test_layout.py.)"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from itertools import pairwise

from dense import replication_timeline
from hypothesis import given, settings
from hypothesis import strategies as st

from pmgen.charts import Chart, Marker, Window, draw_chart
from pmgen.charts.breaks import BREAK, MIN_SEGMENT, time_axis
from pmgen.charts.placement import place_rows, spread

SVG = "{http://www.w3.org/2000/svg}"
HOUR = 3600.0
UTC = dt.UTC


def svgs(html: str) -> list[ET.Element]:
    """The wide and the narrow drawing of a figure."""
    return [ET.fromstring(m) for m in re.findall(r"<svg .*?</svg>", html, re.S)]


def replication_chart() -> Chart:
    """The corpus incident's 48 entries (a month, bursts of ten within minutes)."""
    events = []
    day = None
    for line in replication_timeline().splitlines():
        if line.startswith("### "):
            day = dt.date.fromisoformat(line[4:])
        elif line.startswith("* ") and day is not None:
            clock, text = line[2:].split(" — ", 1)
            hour, minute = (int(part) for part in clock.split(":")[:2])
            events.append(
                (dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC), text)
            )
    started = dt.datetime(2025, 6, 25, 21, 33, tzinfo=UTC)
    resolved = dt.datetime(2025, 6, 26, 13, 41, tzinfo=UTC)
    return Chart(
        "timeline",
        "Timeline",
        (),
        (),
        markers=(Marker(dt.datetime(2025, 6, 25, 21, 40, tzinfo=UTC), "Detected"),),
        windows=(Window(started, resolved, "Impact"),),
        events=tuple(events),
        timezone="UTC",
    )


def test_an_even_pace_keeps_one_linear_segment() -> None:
    axis = time_axis([i * HOUR for i in range(24)], 16, 624)
    assert len(axis.segments) == 1 and not axis.breaks
    assert axis(0) < axis(HOUR) < axis(23 * HOUR)


def test_a_quiet_night_becomes_a_break() -> None:
    day_one = [i * 600.0 for i in range(12)]  # two busy hours
    day_two = [24 * HOUR + i * 900.0 for i in range(6)]
    axis = time_axis(day_one + day_two, 16, 624)
    assert len(axis.segments) == 2
    ((left, right, seconds),) = axis.breaks
    assert right - left == BREAK and seconds == day_two[0] - day_one[-1]
    # The busy hours get most of the width, not the 2 % a linear axis would give them.
    assert axis(day_one[-1]) - axis(day_one[0]) > 200


def test_a_month_of_bursts_keeps_segments_wide_enough_to_label() -> None:
    chart = replication_chart()
    stamps = [t.timestamp() for t, _ in chart.events]
    axis = time_axis(stamps, 16, 624)
    assert 3 <= len(axis.segments) <= 7
    assert all(s.end - s.start >= MIN_SEGMENT - 1e-6 for s in axis.segments)
    pixels = [axis(t) for t in sorted(stamps)]
    assert pixels == sorted(pixels) and pixels[0] >= 16 and pixels[-1] <= 624


@settings(max_examples=200, deadline=None)
@given(
    anchors=st.lists(st.floats(0, 600, allow_nan=False), max_size=60),
    data=st.data(),
)
def test_placed_labels_never_overlap_and_keep_their_order(
    anchors: list[float], data: st.DataObject
) -> None:
    sizes = data.draw(st.lists(st.floats(6, 40), min_size=len(anchors), max_size=len(anchors)))
    placed = place_rows(anchors, sizes, 0.0, 600.0, 3.0)
    for row in {p.row for p in placed}:
        members = sorted(
            (i for i, p in enumerate(placed) if p.row == row), key=lambda i: (anchors[i], i)
        )
        for a, b in pairwise(members):
            assert placed[a].centre + sizes[a] / 2 + 3 <= placed[b].centre - sizes[b] / 2 + 1e-6


def test_spread_centres_a_crowd_on_its_anchors() -> None:
    centres = spread([300.0] * 5, [20.0] * 5, 0.0, 600.0, 2.0)
    assert centres == [256.0, 278.0, 300.0, 322.0, 344.0]
    assert spread([1.0, 2.0], [20.0, 20.0], 0.0, 600.0, 2.0) == [10.0, 32.0]  # kept inside


def test_the_dense_timeline_labels_every_event_and_every_day() -> None:
    html = draw_chart(replication_chart(), "en", "chart-timeline")
    wide, narrow = svgs(html)
    assert "chart-wide" in wide.get("class", "") and "chart-narrow" in narrow.get("class", "")
    texts = ["".join(t.itertext()).replace("\u00a0", " ") for t in wide.iter(f"{SVG}text")]
    numbers = [t for t in texts if t.isdigit()]
    assert sorted(map(int, numbers)) == list(range(1, 49))
    for day in ("30 May", "2 Jun", "4 Jun", "23 Jun", "25 Jun", "26 Jun", "28 Jun"):
        assert day in texts, f"no tick shows {day}"
    assert "times in UTC" in texts
    assert len(list(wide.iter(f"{SVG}circle"))) == 48
    assert all(c.find(f"{SVG}title") is not None for c in wide.iter(f"{SVG}circle"))
    assert wide.findall(f".//{SVG}g[@class='break']"), "no axis break drawn"
    # The narrow drawing is vertical: one row per event, each with its number and text.
    rows = ["".join(t.itertext()) for t in narrow.iter(f"{SVG}text")]
    assert narrow.get("viewBox", "").startswith("0 0 360 ")
    assert "48" in rows and any(r.startswith("planet dump build ends") for r in rows)
    ids = {e.get("id") for e in (*wide.iter(), *narrow.iter()) if e.get("id")}
    assert len(ids) == 4  # each drawing's own title and desc
