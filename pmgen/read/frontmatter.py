"""Split YAML (`---`) or TOML (`+++`) front matter from the body, keeping file positions; the
only module that reads YAML (PyYAML's safe loaders) for content."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from pmgen.diagnostics import Diagnostic, Severity
from pmgen.model import Document, ReadResult
from pmgen.read.lines import split_lines
from pmgen.tomlfile import TomlError, load_toml

# Bound on YAML nodes reached through aliases, so an alias bomb is refused, not expanded.
MAX_YAML_NODES = 10_000
# Bound on nesting: deeper values crash whatever recurses over them later (the cache's pickle,
# JSON for index.json) with a RecursionError; no real front matter comes near it.
MAX_DEPTH = 32
_NEWLINE = re.compile(r"\r\n|\r|\n")
_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")
# What YAML accepts as text; an escape (`"\x01"`, `"\ud800"`) may not bring in anything else.
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def split_front_matter(path: Path, root: Path, shown: str, text: str, had_bom: bool) -> ReadResult:
    """Split YAML (`---`) or TOML (`+++`) front matter from the body, keeping line numbers."""
    lines = split_lines(text)
    fence = lines[0].rstrip() if lines else ""
    if fence not in ("---", "+++"):
        return ReadResult(
            path, _document(path, root, shown, text, had_bom, {}, {}, None, True, text, 1), ()
        )
    closers = ("---", "...") if fence == "---" else ("+++",)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in closers), None)
    if end is None:
        message = f"the front matter opened by `{fence}` at line 1 is never closed"
        return ReadResult(
            path,
            None,
            (
                Diagnostic(
                    "PM002",
                    Severity.ERROR,
                    shown,
                    1,
                    1,
                    message,
                    f"Did you forget the closing `{fence}` line after the last field?",
                ),
            ),
        )
    raw = "\n".join(lines[1:end])
    body = "".join(_keep_endings(text, lines, end + 1))
    kind = "yaml" if fence == "---" else "toml"
    parsed = _parse_yaml(raw) if kind == "yaml" else _parse_toml(raw)
    if isinstance(parsed, tuple):
        parsed = _printable(*parsed)
    if isinstance(parsed, tuple):
        data, key_lines = parsed
        document = _document(
            path, root, shown, text, had_bom, data, key_lines, kind, True, body, end + 2
        )
        return ReadResult(path, document, ())
    offset_line, message, hint = parsed.line, parsed.message, parsed.hint
    diagnostic = Diagnostic(
        "PM002", Severity.ERROR, shown, offset_line + 1, parsed.column, message, hint
    )
    document = _document(path, root, shown, text, had_bom, {}, {}, kind, False, body, end + 2)
    return ReadResult(path, document, (diagnostic,))


def _keep_endings(text: str, lines: list[str], start: int) -> list[str]:
    """The text from line index `start` on, with its original line endings."""
    position = 0
    for _ in range(start):
        match = _NEWLINE.search(text, position)
        if match is None:
            return []
        position = match.end()
    return [text[position:]]


def _document(
    path: Path,
    root: Path,
    shown: str,
    text: str,
    had_bom: bool,
    data: dict[str, Any],
    key_lines: dict[str, int],
    kind: str | None,
    valid: bool,
    body: str,
    body_line: int,
) -> Document:
    return Document(
        path=path,
        display_path=shown,
        root=root,
        text=text,
        had_bom=had_bom,
        front_matter=data,
        key_lines=key_lines,
        front_matter_format=kind,
        front_matter_valid=valid,
        body=body,
        body_line=body_line,
    )


class _ParseError:
    """A front-matter parse failure at a line counted within the front matter (1-based)."""

    def __init__(
        self, line: int, column: int, message: str, hint: str, syntax: bool = False
    ) -> None:
        self.line, self.column, self.message, self.hint = line, column, message, hint
        self.syntax = syntax  # the YAML parser's own complaint (worth asking the other one)


def _keep_impossible_dates(loader: Any, node: yaml.Node) -> Any:
    """A date or datetime; the text as written when no such day exists (PM103 reports it)."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


class _Loader(yaml.SafeLoader):
    """Python's safe loader: slower, but its error messages name the offending character."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _keep_impossible_dates)
# libyaml's safe loader (about six times faster) reads the valid files, which are nearly all.
_FastLoader: Any = _Loader
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):  # type: ignore[misc,name-defined]
        """libyaml's safe loader with the same date handling."""

    _CLoader.add_constructor("tag:yaml.org,2002:timestamp", _keep_impossible_dates)
    _FastLoader = _CLoader


def _parse_yaml(raw: str) -> tuple[dict[str, Any], dict[str, int]] | _ParseError:
    """Parse with the fast loader; on an error, parse again with Python's for its message."""
    parsed = _load_yaml(raw, _FastLoader)
    if isinstance(parsed, _ParseError) and parsed.syntax and _FastLoader is not _Loader:
        # Python's loader is ten times slower: it reads only up to the error libyaml found.
        head = "\n".join(_NEWLINE.split(raw, parsed.line + 2)[: parsed.line + 2])
        again = _load_yaml(head, _Loader)
        if isinstance(again, _ParseError):
            return again if again.syntax and again.line <= parsed.line + 1 else parsed
        # Python's loader accepts what libyaml refused (a `"\ud800"` escape): read it all.
        return again if head == raw else _load_yaml(raw, _Loader)
    return parsed


def _load_yaml(raw: str, loader_class: Any) -> tuple[dict[str, Any], dict[str, int]] | _ParseError:
    hint = (
        "Quote values that contain `: ` or start with a special character, and indent "
        "nested values consistently."
    )
    loader: Any = None
    try:
        loader = loader_class(raw)
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        if _count_nodes(node) > MAX_YAML_NODES:
            return _ParseError(
                1,
                1,
                f"front matter expands to more than {MAX_YAML_NODES:,} "
                "values through anchors and aliases",
                "Remove the aliases (`*name`).",
            )
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(part for part in (error.context, error.problem) if part)
        return _ParseError(line, column, f"front matter is not valid YAML: {what}", hint, True)
    except yaml.reader.ReaderError as error:
        line = raw[: error.position].count("\n") + 1
        column = error.position - raw.rfind("\n", 0, error.position)
        message = f"front matter is not valid YAML: {error.reason}"
        return _ParseError(line, column, message, hint, True)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as error:
        return _ParseError(1, 1, f"front matter is not valid YAML: {error}", hint)
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        return _ParseError(
            1,
            1,
            f"front matter must be `key: value` pairs, not a {type(data).__name__}",
            "Write one `key: value` per line.",
        )
    key_lines = {str(key.value): key.start_mark.line + 2 for key, _ in node.value}
    return {str(key): value for key, value in data.items()}, key_lines


def _count_nodes(root: yaml.Node) -> int:
    """Count nodes as a consumer would see them, aliases expanded, stopping past the bound."""
    count, stack = 0, [root]
    while stack and count <= MAX_YAML_NODES:
        node = stack.pop()
        count += 1
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return count


def _printable(
    data: dict[str, Any], key_lines: dict[str, int]
) -> tuple[dict[str, Any], dict[str, int]] | _ParseError:
    """The parsed values, or an error when an escape wrote a control character or a surrogate,
    or when values nest deeper than `MAX_DEPTH`."""
    for key, value in data.items():
        stack: list[tuple[Any, int]] = [(key, 1), (value, 1)]
        while stack:
            item, depth = stack.pop()
            if isinstance(item, dict | list | tuple) and depth > MAX_DEPTH:
                return _ParseError(
                    max(key_lines.get(key, 2) - 1, 1),
                    1,
                    f"front matter value of `{key}` nests lists or tables more than "
                    f"{MAX_DEPTH} levels deep",
                    "Flatten the value: front matter holds short fields, not documents.",
                )
            if isinstance(item, dict):
                stack.extend((child, depth + 1) for child in (*item.keys(), *item.values()))
            elif isinstance(item, list | tuple):
                stack.extend((child, depth + 1) for child in item)
            elif isinstance(item, str) and (found := _UNPRINTABLE.search(item)):
                return _ParseError(
                    max(key_lines.get(key, 2) - 1, 1),
                    1,
                    f"front matter value of `{key}` holds the character U+{ord(found.group()):04X}"
                    ", which no text may contain (a control character or half a surrogate pair)",
                    "Remove the escape (`\\x..`, `\\u....`) that writes it; a character past "
                    "U+FFFF is one escape (`\\U0001F525`), not two `\\u` halves.",
                )
    return data, key_lines


def _parse_toml(raw: str) -> tuple[dict[str, Any], dict[str, int]] | _ParseError:
    try:
        data = load_toml(raw)
    except TomlError as error:
        return _ParseError(
            error.line,
            error.column,
            f"front matter is not valid TOML: {error.message}",
            "Flatten the value: front matter holds short fields, not documents."
            if "nested" in error.message
            else 'Quote string values: `title = "Panne"`.',
        )
    key_lines: dict[str, int] = {}
    for number, line in enumerate(raw.split("\n"), start=2):
        if line.lstrip().startswith("["):
            break
        match = _TOML_KEY.match(line)
        if match:
            key_lines.setdefault(match.group(1), number)
    return data, key_lines


def parse_yaml_block(text: str) -> tuple[dict[str, Any], dict[str, int]] | tuple[int, int, str]:
    """A YAML mapping from a fenced block: (data, key lines counted from 1 at the block's first
    line), or (line, column, message) when it does not parse. Same safe loader and bounds as
    front matter."""
    parsed = _parse_yaml(text)
    if isinstance(parsed, tuple):
        parsed = _printable(*parsed)
    if isinstance(parsed, _ParseError):
        message = parsed.message.replace("front matter", "the chart spec")
        return parsed.line, parsed.column, message
    data, key_lines = parsed
    return data, {key: line - 1 for key, line in key_lines.items()}
