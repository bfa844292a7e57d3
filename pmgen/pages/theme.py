"""Where the theme is: the packaged templates, or the checkout's `templates/` folder."""

from __future__ import annotations

from pathlib import Path

PACKAGE_THEME = Path(__file__).resolve().parent.parent / "templates"
SOURCE_THEME = Path(__file__).resolve().parent.parent.parent / "templates"
# Templates a site may override in its own `templates/` folder (see docs/theme.md).
PAGE_TEMPLATES = (
    "index.html",
    "postmortem.html",
    "taxonomy.html",
    "term.html",
    "actions.html",
    "stats.html",
    "404.html",
)


def theme_folder() -> Path:
    """The packaged theme: inside the installed package, or the checkout's `templates/`."""
    return PACKAGE_THEME if PACKAGE_THEME.is_dir() else SOURCE_THEME
