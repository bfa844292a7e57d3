"""pmgen: incident postmortems in Markdown, validated and published as a static site."""

__version__ = "0.1.0"
