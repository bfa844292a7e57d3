"""The Jinja environment over the theme and the site's own templates: the only Jinja importer."""

from __future__ import annotations

import functools
import json
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2

from pmgen.errors import PmgenError
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
    """One page of the site, rendered from its template and its context; a mistake in a
    template (the site's own, usually) is a TemplateProblem naming the file and line."""
    pause_point("render")
    try:
        return OutputFile(path, _encoded(env.get_template(template).generate(context)))
    except jinja2.TemplateError as error:
        raise TemplateProblem(_where(error, template, env) + _said(error)) from None


class TemplateProblem(PmgenError):
    """A template that does not compile or render."""


def _where(error: jinja2.TemplateError, template: str, env: jinja2.Environment) -> str:
    """`templates/base.html:12: ` where Jinja can tell, else the page's template."""
    name = getattr(error, "filename", None) or getattr(error, "name", None)
    line = getattr(error, "lineno", None)
    # A rendering error carries no position, but Jinja rewrites its traceback so that the
    # frames point into the template files: the last such frame is where it happened.
    frames = [
        f for f in traceback.extract_tb(error.__traceback__) if not f.filename.endswith(".py")
    ]
    if name is None and frames:
        name, line = frames[-1].filename, frames[-1].lineno
    if name is None:
        try:  # an undefined variable does not say where: name the template being rendered
            name = env.get_template(template).filename
        except jinja2.TemplateError:
            name = template
    return f"{name}:{line}: " if line else f"{name}: "


def _said(error: jinja2.TemplateError) -> str:
    kind = "syntax error" if isinstance(error, jinja2.TemplateSyntaxError) else "template error"
    return f"{kind}: {error.message or type(error).__name__}"


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
