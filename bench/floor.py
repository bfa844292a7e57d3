"""The floor: the simplest single-process Markdown → HTML site that pmgen must not be slower than.

    python bench/floor.py SRC_DIR OUT_DIR

Reads every `*.md` of SRC_DIR (pmgen's corpus layout), splits the YAML front matter (PyYAML,
with the libyaml loader when available), renders the body with markdown-it-py configured like
pmgen's parser (pmgen/markdown.py: CommonMark + raw HTML, tables, strikethrough, footnotes, task
lists, heading anchors), renders one Jinja2 page per file into OUT_DIR/NAME/index.html and an
index page listing them all, newest first. One process, no cache, no asset copying, no checks.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment
from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PAGE = """<!doctype html>
<html lang="{{ meta.lang or 'fr' }}">
<head><meta charset="utf-8"><title>{{ meta.title }}</title></head>
<body><main><article>
<h1>{{ meta.title }}</h1>
<p><time>{{ meta.date }}</time> · {{ meta.severity }} · {{ meta.services | join(", ") }}</p>
{{ body }}
</article></main></body>
</html>
"""
INDEX = """<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>Postmortems</title></head>
<body><main><h1>Postmortems</h1>
<ul>{% for item in items %}
<li><a href="{{ item.name }}/">{{ item.meta.title }}</a> <time>{{ item.meta.date }}</time></li>
{%- endfor %}
</ul></main></body>
</html>
"""


def parser() -> MarkdownIt:
    """markdown-it-py set up like pmgen's (pmgen/markdown.py), with the plugins' default slugs."""
    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(tasklists_plugin, label=True)
    md.use(anchors_plugin, min_level=2, max_level=6)
    return md


def split(text: str) -> tuple[dict[str, Any], str]:
    """Front matter (between the first two `---` lines) and body."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        return {}, text
    meta = yaml.load(text[4 : end + 1], Loader=LOADER) or {}
    return meta, text[end + 5 :]


def build(source: Path, output: Path) -> int:
    """Write the site; returns the number of pages (index excluded)."""
    md = parser()
    env = Environment(autoescape=True)
    page, index = env.from_string(PAGE), env.from_string(INDEX)
    items = []
    for path in sorted(source.glob("*.md")):
        meta, body = split(path.read_text(encoding="utf-8"))
        html = Markup(md.render(body))
        folder = output / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(page.render(meta=meta, body=html), encoding="utf-8")
        items.append({"name": path.stem, "meta": meta})
    items.sort(key=lambda item: (str(item["meta"].get("date", "")), item["name"]), reverse=True)
    output.mkdir(parents=True, exist_ok=True)
    (output / "index.html").write_text(index.render(items=items), encoding="utf-8")
    return len(items)


def main(argv: Sequence[str] | None = None) -> int:
    """`floor.py SRC_DIR OUT_DIR`."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    build(Path(args[0]), Path(args[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
