"""The checks on one parsed postmortem: each is a plain function yielding findings."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pmgen.config import Config
from pmgen.diagnostics import Diagnostic
from pmgen.lint.fix import insertion_line
from pmgen.prompts import PROMPT_PATTERN
from pmgen.read.linked import Targets, link_problem
from pmgen.read.markdown import (
    MAX_RAW_HTML_DEPTH,
    Token,
    html_nesting,
    iter_links,
    split_lines,
)
from pmgen.read.postmortem import Parsed
from pmgen.read.sections import misspelt_sections
from pmgen.rules import finding


@dataclass(frozen=True, slots=True)
class Context:
    """What checks need besides the postmortem: the configuration and today's date."""

    config: Config
    today: dt.date


Check = Callable[[Parsed, Context], Iterator[Diagnostic]]

_PLACEHOLDER = re.compile(r"\b(?:TODO|TBD|FIXME)\b|(?i:\b[àa] (?:compl[ée]ter|d[ée]finir)\b)")
_WORD = re.compile(r"[^\W\d_]{2,}")
# Signs that mark a line as code rather than a sentence; parentheses alone are common in prose.
_CODE_SIGNS = re.compile(r"[{}\[\]=<>$|\\]|\w\(|;\s*$|^\s*(?:#|//|--)")


def check_future_date(parsed: Parsed, context: Context) -> Iterator[Diagnostic]:
    """PM105: the date is after today."""
    postmortem = parsed.postmortem
    document = postmortem.document
    yield from future_date(
        document.display_path,
        postmortem.fields.date,
        document.key_lines.get("date", 1),
        context.today,
    )


def future_date(path: str, date: dt.date | None, line: int, today: dt.date) -> Iterator[Diagnostic]:
    """PM105 for a date after today (kept apart: the only finding that depends on the day)."""
    if date is not None and date > today:
        yield finding(
            "PM105",
            path,
            line,
            1,
            f"the postmortem is dated {date.isoformat()}, after today ({today.isoformat()})",
        )


def check_missing_sections(parsed: Parsed, context: Context) -> Iterator[Diagnostic]:
    """PM201: a required section is absent (with a "did you mean" for a misspelt heading)."""
    postmortem = parsed.postmortem
    present = {section.id for section in postmortem.sections}
    lang = postmortem.fields.lang
    config = context.config
    misspelt = misspelt_sections(
        postmortem.headings, postmortem.sections, config.sections, config.required
    )
    for section_id in context.config.required:
        if section_id in present:
            continue
        spec = context.config.section_spec(section_id)
        if section_id in misspelt:
            heading = misspelt[section_id]
            yield finding(
                "PM201",
                postmortem.document.display_path,
                heading.line,
                1,
                f"required section `{spec.title(lang)}` is missing; did you mean "
                f"`{heading.text}` (line {heading.line})?",
                f"Correct the heading to `{'#' * heading.level} {spec.title(lang)}`; "
                "`pmgen lint --fix` renames it.",
            )
            continue
        text = parsed.document.text
        line = insertion_line(postmortem, context.config.required, section_id, text)
        line = min(line, last_line(text))
        other = spec.title("en" if lang == "fr" else "fr")
        yield finding(
            "PM201",
            postmortem.document.display_path,
            line,
            1,
            f"required section `{spec.title(lang)}` is missing",
            f"Add a `## {spec.title(lang)}` (or `## {other}`) heading; "
            "`pmgen lint --fix` inserts it at its place.",
        )


def last_line(text: str) -> int:
    """The number of the file's last line (a final line ending does not open another)."""
    return max(1, len(split_lines(text)) - int(text.endswith(("\n", "\r"))))


def check_empty_sections(parsed: Parsed, context: Context) -> Iterator[Diagnostic]:
    """PM202: a required section has no content."""
    postmortem = parsed.postmortem
    seen: set[str] = set()
    for section in postmortem.sections:
        if section.id in seen or section.id not in context.config.required:
            continue
        seen.add(section.id)
        if section.empty:
            yield finding(
                "PM202",
                postmortem.document.display_path,
                section.heading.line,
                1,
                f"section `{section.heading.text}` is empty",
                # A draft is already one: tell it what publishing will need instead.
                "Write the section before the postmortem leaves `status: draft`."
                if postmortem.fields.is_draft
                else "Write the section, or mark the postmortem `status: draft`.",
            )


def check_duplicate_sections(parsed: Parsed, context: Context) -> Iterator[Diagnostic]:
    """PM203: the same section appears twice."""
    postmortem = parsed.postmortem
    first: dict[str, int] = {}
    for section in postmortem.sections:
        if section.id in first:
            yield finding(
                "PM203",
                postmortem.document.display_path,
                section.heading.line,
                1,
                f"section `{section.heading.text}` repeats the one at line {first[section.id]}",
                "Merge the two sections.",
            )
        else:
            first[section.id] = section.heading.line


def check_section_order(parsed: Parsed, context: Context) -> Iterator[Diagnostic]:
    """PM204: required sections out of the configured order."""
    postmortem = parsed.postmortem
    order = {section_id: rank for rank, section_id in enumerate(context.config.required)}
    seen: set[str] = set()
    latest = None
    for section in postmortem.sections:
        if section.id not in order or section.id in seen:
            continue
        seen.add(section.id)
        if latest is not None and order[section.id] < order[latest.id]:
            yield finding(
                "PM204",
                postmortem.document.display_path,
                section.heading.line,
                1,
                f"section `{section.heading.text}` comes after "
                f"`{latest.heading.text}`; the configured order puts it before",
                f"Move it above line {latest.heading.line}.",
            )
        elif latest is None or order[section.id] > order[latest.id]:
            latest = section


def check_links(parsed: Parsed, context: Context) -> Iterator[Diagnostic]:
    """PM301 broken relative links and images; PM302 images without alt text; PM308 linked
    files never published."""
    postmortem = parsed.postmortem
    document = postmortem.document
    lines = split_lines(parsed.document.text)
    refusals = {linked.href: linked.refusal for linked in postmortem.links}
    cursors: dict[tuple[int, int], Cursor] = {}
    targets = Targets(document.path.parent)
    for link in iter_links(parsed.tokens):
        start = document.body_line - 1 + link.block_start
        end = document.body_line - 1 + link.block_end
        cursor = cursors.setdefault((start, end), Cursor(lines, start, end))
        opening = cursor.find("![", move=False) if link.kind == "image" else None
        written, position = _written(cursor, link.raw_target)
        line, column = position or (start + 1, 1)
        if link.kind == "image" and not link.alt.strip():
            at = opening if opening is not None and opening <= (line, column) else (start + 1, 1)
            yield finding(
                "PM302",
                document.display_path,
                *at,
                f"image `{written}` has no alternative text",
                "Describe what the image shows between the brackets: `![…](…)`.",
            )
        active = refusals.get(link.target)
        if active is not None:
            yield finding(
                "PM308",
                document.display_path,
                line,
                column,
                f"`{written}` is not published: {active}",
                "Link to the original elsewhere, or export it as PDF or an image.",
            )
        problem = link_problem(link.raw_target, document.path, document.root, written, targets)
        if problem is not None:
            yield finding(
                "PM301",
                document.display_path,
                line,
                column,
                problem,
                "Put the file beside the postmortem, inside the content folder, and "
                "link to it with a relative path.",
            )


class Cursor:
    """Finds texts in a block of file lines in document order: each search starts where the
    previous one ended, so a block is read once however many links or placeholders it has."""

    MAX_MISSES = 16  # a miss reads the rest of the block; past this, positions stay vague

    def __init__(self, lines: list[str], start: int, end: int) -> None:
        self.lines, self.end = lines, min(end, len(lines))
        self.line, self.column, self.misses = start, 0, 0

    def find(self, needle: str, move: bool = True) -> tuple[int, int] | None:
        """The 1-based line and column of the needle after the cursor (moved past it)."""
        if not needle or self.misses >= self.MAX_MISSES:
            return None
        line, column = self.line, self.column
        while line < self.end:
            found = self.lines[line].find(needle, column)
            if found >= 0:
                if move:
                    self.line, self.column = line, found + len(needle)
                return line + 1, found + 1
            line, column = line + 1, 0
        self.misses += 1
        return None


def _written(cursor: Cursor, target: str) -> tuple[str, tuple[int, int] | None]:
    """The target as the file spells it (markdown-it percent-encodes spaces, accents, `\\`),
    and where."""
    spelled = urllib.parse.unquote(target)
    for candidate in dict.fromkeys((spelled, target)):
        position = cursor.find(candidate)
        if position is not None:
            return candidate, position
    return target, None


def check_code_prose(parsed: Parsed, context: Context) -> Iterator[Diagnostic]:
    """PM303: an indented code block that reads as prose."""
    postmortem = parsed.postmortem
    document = postmortem.document
    for token in parsed.tokens:
        if token.type == "code_block" and token.map is not None and reads_as_prose(token.content):
            line = document.body_line + token.map[0]
            yield finding(
                "PM303",
                document.display_path,
                line,
                1,
                "this indented block is shown as code but reads as prose",
                "Remove the four-space indentation; fence real code with ```.",
            )


def reads_as_prose(content: str) -> bool:
    """True when most lines are sentences: many words, few code signs, sentence punctuation."""
    lines = [line.strip() for line in content.splitlines() if line.strip()]
    if not lines:
        return False
    prose = [
        line
        for line in lines
        if len(_WORD.findall(line)) >= 5
        and not _CODE_SIGNS.search(line)
        and sum(c.isalpha() for c in line) > len(line) / 2
    ]
    ends_like_text = any(line.endswith((".", "!", "?", ":", "»", ")")) for line in prose)
    return ends_like_text and len(prose) * 2 >= len(lines)


def check_placeholders(parsed: Parsed, context: Context) -> Iterator[Diagnostic]:
    """PM305: TODO, TBD, `À compléter` or a `pmgen new` prompt left in the text."""
    postmortem = parsed.postmortem
    document = postmortem.document
    lines = split_lines(parsed.document.text)
    for token in parsed.tokens:
        if token.map is None:
            continue
        start, end = document.body_line - 1 + token.map[0], document.body_line - 1 + token.map[1]
        found: list[str] = []
        if token.type == "inline" and token.children:
            for child in token.children:
                if child.type == "text":
                    found.extend(m.group(0) for m in _PLACEHOLDER.finditer(child.content))
                elif child.type == "html_inline" and PROMPT_PATTERN.search(child.content):
                    found.append(child.content)
        elif token.type == "html_block":
            found.extend(m.group(0) for m in PROMPT_PATTERN.finditer(token.content))
        cursor = Cursor(lines, start, end)
        for text in found:
            line, column = cursor.find(text.splitlines()[0]) or (start + 1, 1)
            shown = "`pmgen new` prompt" if text.startswith("<!--") else f"placeholder `{text}`"
            yield finding(
                "PM305",
                document.display_path,
                line,
                column,
                f"{shown} left in the text",
                "Write the missing text, or keep `status: draft` until it is done.",
            )


def check_milestone_order(parsed: Parsed, context: Context) -> Iterator[Diagnostic]:
    """PM104: started ≤ detected ≤ mitigated ≤ resolved, as declared in the front matter."""
    postmortem = parsed.postmortem
    declared = postmortem.incident.declared
    document = postmortem.document
    chain = [
        (key, getattr(declared, key)) for key in ("started", "detected", "mitigated", "resolved")
    ]
    known = [(key, moment) for key, moment in chain if moment is not None]
    for (before, earlier), (after, later) in itertools.pairwise(known):
        if later < earlier:
            line = document.key_lines.get(f"{after}_at", 1)
            yield finding(
                "PM104",
                document.display_path,
                line,
                1,
                f"`{after}_at` ({later.isoformat()}) is before `{before}_at` "
                f"({earlier.isoformat()})",
                "Check the day, hour and time zone of both fields.",
            )


def check_timeline(parsed: Parsed, context: Context) -> Iterator[Diagnostic]:
    """PM304: a written timeline with no timed entry, or timed entries going back in time."""
    postmortem = parsed.postmortem
    section = postmortem.section("timeline")
    if section is None or section.empty:
        return  # PM201/PM202 already say so
    events = postmortem.incident.events
    document = postmortem.document
    if not any(event.time is not None for event in events):
        if postmortem.fields.date is None:
            return  # without a date no time can be placed on a day; PM002/PM102/PM103 say so
        yield finding(
            "PM304",
            document.display_path,
            section.heading.line,
            1,
            "the timeline has no entry starting with a time",
            "Start entries with their time: `* 16:10 — premiers signalements`.",
        )
        return
    previous = None
    for event in events:
        if event.time is None:
            continue
        # As instants: two times in one zone compare as clock times otherwise, and the hour
        # that repeats when clocks go back (`1:20 AM EDT`, then `1:10 AM EST`) looks reversed.
        if previous is not None and event.time.astimezone(dt.UTC) < previous.time.astimezone(
            dt.UTC
        ):
            yield finding(
                "PM304",
                document.display_path,
                event.line,
                1,
                f"this entry ({event.time:%Y-%m-%d %H:%M}) is earlier than the one "
                f"before it ({previous.time:%Y-%m-%d %H:%M}, line {previous.line})",
                "Fix the time, or add a day heading (`### 2021-09-23`) or "
                "`le lendemain` when the incident crosses midnight.",
            )
        previous = event


def check_action_owners(parsed: Parsed, context: Context) -> Iterator[Diagnostic]:
    """PM307: an open action item with no owner."""
    postmortem = parsed.postmortem
    for action in postmortem.incident.open_actions:
        if action.owner is None:
            shown = action.text if len(action.text) <= 60 else action.text[:57] + "…"
            yield finding(
                "PM307",
                postmortem.document.display_path,
                action.line,
                1,
                f"open action has no owner: “{shown}”",
                "Name one: `@camille`, `(owner: Camille)` or `responsable : Camille`.",
            )


def raw_html(token: Token) -> list[str]:
    """The raw HTML a token holds: a whole HTML block, or its inline tags and comments."""
    if token.type == "html_block":
        return [token.content]
    return [child.content for child in token.children or () if child.type == "html_inline"]


def check_raw_html_depth(parsed: Parsed, context: Context) -> Iterator[Diagnostic]:
    """PM003: raw HTML nested deeper than the sanitiser can take in linear time."""
    postmortem = parsed.postmortem
    depth = 0
    for token in parsed.tokens:
        for part in raw_html(token):
            deepest, depth = html_nesting(part, depth)
            if deepest > MAX_RAW_HTML_DEPTH:
                line = postmortem.document.body_line + (token.map[0] if token.map else 0)
                yield finding(
                    "PM003",
                    postmortem.document.display_path,
                    line,
                    1,
                    f"raw HTML nests elements more than {MAX_RAW_HTML_DEPTH} deep; "
                    "the page may show only its text, without formatting",
                    "Close the HTML elements you open, or write the content in Markdown.",
                )
                return
