"""Filters that work without JavaScript: radio buttons and one CSS rule per value.

Each facet (severity, service, year, owner…) is a group of radio buttons, "all" checked by
default; each row of the filtered table carries one class per value it has (`f-sev-1`). A
rule `main:has(#f-sev-1:checked) tr.filtered:not(.f-sev-1) {display: none}` hides the other
rows, so groups combine as "and". Ids and classes are generated (`f-<facet>-<n>`): no user
text ever reaches the CSS. `assets/filters.js`, when it runs, adds the count of rows shown
and keeps the choice in the address (`#sev=…`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any


def facet(
    key: str, label: str, counts: Counter[str], order: Sequence[str] | None = None
) -> dict[str, Any]:
    """A group of filter values with their count of rows, in the given order (else by name)."""
    names = list(order) if order is not None else sorted(counts, key=str.casefold)
    return {
        "key": key,
        "label": label,
        "values": [
            {"id": f"f-{key}-{n}", "name": name, "label": "", "count": counts[name]}
            for n, name in enumerate(names)
            if counts[name]
        ],
    }


def classes(group: dict[str, Any], names: Iterable[str]) -> list[str]:
    """The classes of a row that has these values of a facet."""
    wanted = set(names)
    return [value["id"] for value in group["values"] if value["name"] in wanted]


def rules(groups: Sequence[dict[str, Any]]) -> str:
    """The CSS that hides the rows a checked value leaves out (generated ids only)."""
    return "\n".join(
        f"main:has(#{v['id']}:checked) .filtered:not(.{v['id']}){{display:none}}"
        for group in groups
        for v in group["values"]
    )
