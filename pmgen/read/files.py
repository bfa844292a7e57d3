"""Find postmortem files and read them safely: size, binary content, encoding, symbolic links."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from pathlib import Path

from pmgen.diagnostics import Diagnostic, Severity
from pmgen.errors import PmgenError
from pmgen.model import ReadResult
from pmgen.read.frontmatter import split_front_matter

MAX_BYTES = 5 * 1024 * 1024
MARKDOWN_SUFFIXES = (".md", ".markdown")
SKIPPED_NAMES = frozenset({"readme.md", "readme.markdown"})
# markdown-it spends tens of microseconds on every line and every character that may start
# inline syntax: past these limits a file would take more than 2 s to lint (docs/bad-input.md).
# Long logs belong in a linked .log file. (Fenced code is cheap to parse, but telling fences
# apart before parsing can be fooled: an HTML block or a comment can hide a line like one.)
MAX_LINES = 10_000
# Characters whose rules do real work (links, emphasis, code, HTML, entities, tables)…
MARKUP = "*_[]<!&`~|\\"
MAX_MARKUP = 60_000
# …and every character where markdown-it stops to try its inline rules (`:` and `-` too).
SPECIAL = "\\`:!^>_~{&@$%+=<-*]}#["
MAX_SPECIAL = 200_000


def discover(paths: Iterable[Path], exclude: tuple[str, ...]) -> list[tuple[Path, Path]]:
    """Expand files and folders into sorted (file, content root) pairs."""
    found: dict[Path, Path] = {}
    for given in paths:
        if not given.exists():
            raise PmgenError(f"{given}: no such file or folder.")
        if given.is_file():
            found.setdefault(given.resolve(), given.resolve().parent)
            continue
        root = given.resolve()
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if _skipped(relative, exclude) or not path.is_file():
                continue
            found.setdefault(path, root)  # already absolute under the resolved root
    return sorted(found.items())


def _skipped(relative: Path, exclude: tuple[str, ...]) -> bool:
    if any(part.startswith(".") for part in relative.parts):
        return True
    if relative.suffix.lower() not in MARKDOWN_SUFFIXES or relative.name.lower() in SKIPPED_NAMES:
        return True
    posix = relative.as_posix()
    return any(fnmatch.fnmatch(posix, pattern) for pattern in exclude)


def display_path(path: Path, cwd: Path) -> str:
    """The path as shown in findings: relative to the working folder, with `/` separators."""
    return Path(os.path.relpath(path, cwd)).as_posix()


def read_document(path: Path, root: Path, shown: str) -> ReadResult:
    """Read one file; return its document, or PM001/PM002 findings when it cannot be used."""

    def problem(code: str, line: int, message: str, hint: str | None = None) -> Diagnostic:
        return Diagnostic(code, Severity.ERROR, shown, line, 1, message, hint)

    if not path.resolve().is_relative_to(root.resolve()):
        message = f"a symbolic link to a file outside the content folder {root}; not read"
        hint = "Move the file into the content folder instead of linking to it."
        return ReadResult(path, None, (problem("PM001", 1, message, hint),))
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            mb = size / 1024 / 1024
            return ReadResult(
                path,
                None,
                (
                    problem(
                        "PM001",
                        1,
                        f"file is {mb:.1f} MB; the limit is 5 MB",
                        "Split the file or move large data out of the content folder.",
                    ),
                ),
            )
        data = path.read_bytes()
    except OSError as error:
        return ReadResult(
            path, None, (problem("PM001", 1, f"cannot read the file: {error.strerror or error}"),)
        )
    if b"\x00" in data[:8192]:
        return ReadResult(
            path,
            None,
            (problem("PM001", 1, "binary file (it contains NUL bytes), not Markdown text"),),
        )
    had_bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return ReadResult(
            path,
            None,
            (
                problem(
                    "PM001",
                    line,
                    f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})",
                    "Save the file as UTF-8.",
                ),
            ),
        )
    result = split_front_matter(path, root, shown, text, had_bom)
    # The body only: front matter has its own bounds (values, nesting), and its findings.
    too_big = too_complex(result.document.body) if result.document is not None else None
    if too_big is not None and result.document is not None:
        hint = "Attach long logs as a linked .log file and keep excerpts; split the file."
        finding = problem("PM003", result.document.body_line, too_big, hint)
        return ReadResult(path, None, (*result.diagnostics, finding))
    return result


def _quote_markers(text: str) -> int:
    """The `>` that open block quotes (at most 10,000 lines here): the block parser takes
    them, past its nesting limit too, at no cost; elsewhere `>` costs like `:`."""
    found = 0
    for line in text.split("\n"):
        prefix = len(line) - len(line.lstrip("> \t"))
        found += line.count(">", 0, prefix)
    return found


def too_complex(text: str) -> str | None:
    """Why a body is past the lines, markup or special-characters limit, else None."""
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        return f"the body has {lines:,} lines; the limit is {MAX_LINES:,}"
    markup = sum(text.count(char) for char in MARKUP)
    if markup > MAX_MARKUP:
        return (
            f"the body has {markup:,} Markdown markup characters (`*`, `_`, `[`, `<`, `&`, "
            f"backticks…); the limit is {MAX_MARKUP:,}"
        )
    special = sum(text.count(char) for char in SPECIAL) - _quote_markers(text)
    if special > MAX_SPECIAL:
        return (
            f"the body has {special:,} characters Markdown may read as syntax (`:`, `-`, `#`, "
            f"`*`…); the limit is {MAX_SPECIAL:,}"
        )
    return None
