"""Find postmortem files and read them safely: size, binary content, encoding, symbolic links."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from pathlib import Path

from pmgen.diagnostics import Diagnostic, Severity
from pmgen.errors import PmgenError
from pmgen.model import ReadResult

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


def discover(
    paths: Iterable[Path], exclude: tuple[str, ...], content: Path | None = None
) -> list[tuple[Path, Path]]:
    """Expand files and folders into sorted (file, content root) pairs. A file named
    explicitly inside the `content` folder obeys the same rules as in a folder run (README,
    `exclude`): hooks and CI name changed files one by one, and must skip what a run skips."""
    found: dict[Path, Path] = {}
    base = content.resolve() if content is not None else None
    for given in paths:
        if not given.exists():
            raise PmgenError(f"{given}: no such file or folder.")
        if given.is_file():
            path = given.resolve()
            inside = base is not None and path.is_relative_to(base)
            if inside and skipped(path.relative_to(base), exclude):  # type: ignore[arg-type]
                continue
            found.setdefault(path, path.parent)
            continue
        root = given.resolve()
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if skipped(relative, exclude) or not path.is_file():
                continue
            found.setdefault(path, root)  # already absolute under the resolved root
    return sorted(found.items())


def skipped(relative: Path, exclude: tuple[str, ...]) -> bool:
    """True for a path (relative to the content folder) that is not a postmortem to read:
    hidden, not Markdown, a README, or excluded by the configuration."""
    if any(part.startswith(".") for part in relative.parts):
        return True
    if relative.suffix.lower() not in MARKDOWN_SUFFIXES or relative.name.lower() in SKIPPED_NAMES:
        return True
    posix = relative.as_posix()
    return any(fnmatch.fnmatch(posix, pattern) for pattern in exclude)


def display_path(path: Path, cwd: Path) -> str:
    """The path as shown in findings: relative to the working folder, with `/` separators."""
    return Path(os.path.relpath(path, cwd)).as_posix()


class Unreadable(Exception):
    """Why a file cannot be read as Markdown text: a PM001 message, hint and line."""

    def __init__(self, message: str, hint: str | None = None, line: int = 1) -> None:
        super().__init__(message)
        self.message, self.hint, self.line = message, hint, line


def read_document(path: Path, root: Path, shown: str) -> ReadResult:
    """Read one file; return its document, or PM001/PM002 findings when it cannot be used."""
    try:
        text, had_bom = read_text(path, root)
    except Unreadable as problem:
        finding = Diagnostic(
            "PM001", Severity.ERROR, shown, problem.line, 1, problem.message, problem.hint
        )
        return ReadResult(path, None, (finding,))
    from pmgen.read.frontmatter import split_front_matter  # PyYAML, only when reading

    result = split_front_matter(path, root, shown, text, had_bom)
    # The body only: front matter has its own bounds (values, nesting), and its findings.
    too_big = too_complex(result.document.body) if result.document is not None else None
    if too_big is not None and result.document is not None:
        hint = "Attach long logs as a linked .log file and keep excerpts; split the file."
        finding = Diagnostic(
            "PM003", Severity.ERROR, shown, result.document.body_line, 1, too_big, hint
        )
        return ReadResult(path, None, (*result.diagnostics, finding))
    return result


def read_text(path: Path, root: Path) -> tuple[str, bool]:
    """The file's text (and whether it had a BOM); Unreadable when it is not Markdown text
    pmgen may read: outside the content folder, too large, binary or not UTF-8."""
    if not path.resolve().is_relative_to(root.resolve()):
        raise Unreadable(
            f"a symbolic link to a file outside the content folder {root}; not read",
            "Move the file into the content folder instead of linking to it.",
        )
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise Unreadable(
                f"file is {size / 1024 / 1024:.1f} MB; the limit is 5 MB",
                "Split the file or move large data out of the content folder.",
            )
        data = path.read_bytes()
    except OSError as error:
        raise Unreadable(f"cannot read the file: {error.strerror or error}") from None
    if b"\x00" in data[:8192]:
        raise Unreadable("binary file (it contains NUL bytes), not Markdown text")
    try:
        return data.decode("utf-8-sig"), data.startswith(b"\xef\xbb\xbf")
    except UnicodeDecodeError as error:
        raise Unreadable(
            f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})",
            "Save the file as UTF-8.",
            data[: error.start].count(b"\n") + 1,
        ) from None


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
