"""SVG elements and the colour palette: attributes, text, paths, per-chart style."""

from __future__ import annotations

import html

from pmgen.charts.formatting import coord, xml_text

DASHES = ("", "6 4", "2 3", "10 3 2 3", "1 5")
# Colours with at least 4.5:1 contrast on the light (#fff) and dark (#0d1117) theme background.
LIGHT = ("#0969da", "#1a7f37", "#8250df", "#bc4c00", "#bf3989", "#57606a")
DARK = ("#58a6ff", "#3fb950", "#bc8cff", "#f0883e", "#ff80c8", "#9da7b3")
EXTRA = {"marker": ("#cf222e", "#ff7b72"), "window": ("#9a6700", "#d29922")}
HALO = ("#ffffff", "#0d1117")


def style_el(chart_id: str) -> str:
    """Series, marker and window colours for light and dark mode, scoped to this chart."""

    def rules(mode: int) -> str:
        colours = [(f"series-{i}", c) for i, c in enumerate((LIGHT, DARK)[mode])]
        colours += [(name, pair[mode]) for name, pair in EXTRA.items()]
        text = "".join(f"#{chart_id} .{name}{{color:{c}}}" for name, c in colours)
        return text + f"#{chart_id} .halo{{stroke:{HALO[mode]}}}"

    halo = f"#{chart_id} .halo{{stroke-width:3px;stroke-linejoin:round;paint-order:stroke}}"
    return f"<style>{halo}{rules(0)}@media (prefers-color-scheme: dark){{{rules(1)}}}</style>"


def text_el(content: str, x: float, y: float, anchor: str = "", css: str = "", **attrs: str) -> str:
    """A <text> element with escaped content."""
    more = {"class_": css, "x": x, "y": y, "text_anchor": anchor, **attrs}
    return f"<text{attributes(more)}>{xml_text(content)}</text>"


def path_el(d: str, css: str = "", **attrs: str | float) -> str:
    """A stroked, unfilled path in the current colour."""
    return (
        f'<path{attributes({"class_": css, "d": d, **attrs})} fill="none" stroke="currentColor"/>'
    )


def element(tag: str, **attrs: str | float) -> str:
    """An empty element with the given attributes."""
    return f"<{tag}{attributes(attrs)}/>"


def attributes(attrs: dict[str, str | float]) -> str:
    """Attributes in the given order, empty ones left out; numbers as coordinates, text escaped."""
    return "".join(f' {_name(k)}="{_value(v)}"' for k, v in attrs.items() if v != "")


def _name(key: str) -> str:
    """An attribute's name from a keyword: `stroke_width` → `stroke-width`, `class_` → `class`."""
    return key.rstrip("_").replace("_", "-")


def _value(value: str | float) -> str:
    """An attribute's value: a number as a coordinate, text escaped."""
    return coord(value) if isinstance(value, float | int) else html.escape(value)


def series_class(index: int) -> str:
    """`series series-N`, N cycling over the palette."""
    return f"series series-{index % len(LIGHT)}"


def dash(index: int) -> dict[str, str]:
    """The stroke-dasharray of a series: none for the first, then dashed, dotted…"""
    pattern = DASHES[index % len(DASHES)]
    return {"stroke_dasharray": pattern} if pattern else {}
