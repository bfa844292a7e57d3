"""The Jinja environment over the theme and the site's own templates: the only Jinja importer."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2

from pmgen.model import OutputFile
from pmgen.pages.theme import theme_folder
from pmgen.pauses import pause_point

# The environment's type, for modules that pass it along without importing Jinja.
Environment = jinja2.Environment


def environment(site_templates: Path | None) -> jinja2.Environment:
    """Autoescaping, strict Jinja2 over the site's own templates (if any), then the theme;
    one per process and folder, so compiled templates are reused (Jinja reloads a template
    whose file changed; `forget_environments` drops them when files come or go)."""
    present = site_templates is not None and site_templates.is_dir()
    return _environment(site_templates if present else None)


def forget_environments() -> None:
    """Drop the compiled templates: a template file was added or removed."""
    _environment.cache_clear()


@functools.lru_cache(maxsize=8)
def _environment(site_templates: Path | None) -> jinja2.Environment:
    folders = [site_templates] if site_templates is not None else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*map(str, folders), str(theme_folder())]),
        autoescape=jinja2.select_autoescape(("html", "xml"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["yaml"] = _yaml_string
    return env


def render_page(
    env: jinja2.Environment, template: str, path: str, context: dict[str, Any]
) -> OutputFile:
    """One page of the site, rendered from its template and its context."""
    pause_point("render")
    return OutputFile(path, _encoded(env.get_template(template).generate(context)))


def _encoded(chunks: Iterator[str], batch: int = 65536) -> bytes:
    """The UTF-8 bytes of a page, encoded as it is generated: the listings of a large site
    are megabytes, and `render()` would hold the page as a list of pieces, then as one string
    (up to four bytes a character), then as bytes."""
    # Pieces of about `batch` characters, encoded, then joined once: about twice the page at
    # the end (a growing BytesIO would copy itself as it grows, and again to hand it over).
    encoded: list[bytes] = []
    pending: list[str] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= batch:
            encoded.append("".join(pending).encode("utf-8"))
            pending.clear()
            size = 0
    encoded.append("".join(pending).encode("utf-8"))
    return b"".join(encoded)


def render_skeleton(env: jinja2.Environment, lang: str, context: dict[str, Any]) -> str:
    """The `pmgen new` skeleton (`new/postmortem.<lang>.md`, overridable), never autoescaped."""
    return env.get_template(f"new/postmortem.{lang}.md").render(context)


def _yaml_string(value: Any) -> str:
    """A YAML scalar: JSON's double-quoted string is valid YAML; None is an empty value."""
    return "" if value is None else json.dumps(str(value), ensure_ascii=False)
