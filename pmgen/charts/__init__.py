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

Modules, bottom up: `model` (the values), `words`, `formatting`, `layout`, `clock`, `ticks`,
`data` (a chart made ready to draw), `description`, `table`, `svg` (elements, palette), `axes`,
`plot` (line, area, bar), `timeline`, `figure` (`draw_chart`).
"""

import importlib
from typing import Any

# What the package offers, and the module each name lives in: imported on first use, so that
# reading the chart model (pmgen.model does) does not load the whole drawer.
_EXPORTS = {
    "Chart": "pmgen.charts.model",
    "Marker": "pmgen.charts.model",
    "Series": "pmgen.charts.model",
    "Window": "pmgen.charts.model",
    "XValue": "pmgen.charts.model",
    "describe": "pmgen.charts.description",
    "draw_chart": "pmgen.charts.figure",
    "nice_ticks": "pmgen.charts.ticks",
    "time_ticks": "pmgen.charts.ticks",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """The exported name, from its module (PEP 562)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'pmgen.charts' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
