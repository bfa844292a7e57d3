"""What the body shows beyond its Markdown: numbered timeline entries, empty sections marked
"to be written", action lists left for the page's actions table, unpublished images framed.

The token stream is copied, never changed in place. Marks that become HTML after sanitising
(nh3 would drop them) are placeholder `<div>`s with ids derived from the file's text, or
attributes nh3 keeps (`id`, `class`), filled in by `finish`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from pmgen.i18n import words
from pmgen.model import Postmortem
from pmgen.read.markdown import Token

ACTIONS = "pmgen-actions"  # placeholder ids: pmgen-actions-<seed>-<first line>-<end line>
GAP = "pmgen-gap"  # pmgen-gap-<seed>-<n>: an empty section's placeholder
LEAD = "pmgen-lead"  # pmgen-lead-<seed>-0: where the summary at the top of the body ends
ENTRY = "tl-"  # the id prefix of a numbered timeline entry: tl-7
_BLOCKS = {"bullet_list_open", "ordered_list_open", "table_open"}
_ACTION_SLOT = re.compile(r'<div id="pmgen-actions-[0-9a-f]+-(\d+)-(\d+)"></div>\n?')
_LEAD_SLOT = re.compile(r'<div id="pmgen-lead-[0-9a-f]+-0"></div>\n?')


def event_numbers(postmortem: Postmortem) -> dict[int, int]:
    """{file line: number} of the timed entries, numbered in time order as the chart does."""
    timed = [
        (event.time.timestamp(), index, event.line)
        for index, event in enumerate(postmortem.incident.events)
        if event.time is not None
    ]
    return {line: number for number, (_, _, line) in enumerate(sorted(timed), start=1)}


def mark_tokens(postmortem: Postmortem, tokens: Sequence[Token], seed: str) -> list[Token]:
    """A copy of the tokens with timeline entries numbered, empty sections given a placeholder
    and each block of action items replaced by a placeholder for the actions table."""
    body_line = postmortem.document.body_line
    numbers = event_numbers(postmortem)
    marked = list(tokens)
    timeline = postmortem.section("timeline")
    if timeline is not None:
        for index in range(timeline.token_start, timeline.token_end):
            token = marked[index]
            if token.type == "inline" and token.map and body_line + token.map[0] in numbers:
                number = numbers[body_line + token.map[0]]
                opener = _entry_opener(marked, index)
                if opener is not None:
                    marked[opener] = _with_id(marked[opener], number)
            elif token.type == "tr_open" and token.map and body_line + token.map[0] in numbers:
                marked[index] = _with_id(token, numbers[body_line + token.map[0]])
    inserts: dict[int, list[Token]] = {}
    for number, section in enumerate(postmortem.sections):
        if section.empty:
            slot = _slot(f"{GAP}-{seed}", str(number), section.heading.line)
            inserts.setdefault(section.token_start + 3, []).append(slot)
    start, end = postmortem.summary_span
    if end > start and not any(t.type == "heading_open" for t in marked[:start]):
        inserts.setdefault(end, []).append(_slot(f"{LEAD}-{seed}", "0", 0))
    cuts = _action_blocks(postmortem, marked, seed)
    title = _title_heading(postmortem, marked)
    out: list[Token] = []
    index = 0
    while index < len(marked):
        out.extend(inserts.get(index, ()))
        if index == title:  # the page's own title: shown once, above the article
            index += 3
            continue
        if index in cuts:
            end, slot = cuts[index]
            out.append(slot)
            index = end
            continue
        out.append(marked[index])
        index += 1
    out.extend(inserts.get(len(marked), ()))
    return out


def _title_heading(postmortem: Postmortem, tokens: Sequence[Token]) -> int | None:
    """The index of the level-1 heading the title was taken from (no `title` in the front
    matter), which the page already shows as its title; None otherwise."""
    if postmortem.fields.title_source != "h1":
        return None
    for index, token in enumerate(tokens[:-2]):
        if token.type == "heading_open":
            inline = tokens[index + 1]
            same = token.tag == "h1" and inline.content.strip() == postmortem.fields.title
            return index if same else None
    return None


def _entry_opener(tokens: Sequence[Token], inline: int) -> int | None:
    """The token that opens a timeline entry: its list item, or its own paragraph."""
    if inline >= 2 and tokens[inline - 2].type == "list_item_open":
        return inline - 2
    if inline >= 1 and tokens[inline - 1].type == "paragraph_open":
        return inline - 1
    return None


def _with_id(token: Token, number: int) -> Token:
    """The opening token with the entry's id and class (nh3 keeps both)."""
    attrs = {**token.attrs, "id": f"{ENTRY}{number}", "class": "timeline-entry"}
    return token.copy(attrs=attrs)


def _slot(info: str, content: str, line: int) -> Token:
    """A fenced-block token the body's fence hook turns into a placeholder."""
    token = Token("fence", "code", 0)
    token.info, token.content, token.block, token.map = info, content, True, [line, line]
    return token


def _action_blocks(
    postmortem: Postmortem, tokens: Sequence[Token], seed: str
) -> dict[int, tuple[int, Token]]:
    """{first token: (token after, placeholder)} for each top-level list or table of the
    actions section that holds action items."""
    section = postmortem.section("actions")
    if section is None:
        return {}
    body_line = postmortem.document.body_line
    lines = [action.line for action in postmortem.incident.actions]
    cuts: dict[int, tuple[int, Token]] = {}
    index = section.token_start + 3
    while index < section.token_end:
        token = tokens[index]
        if token.type in _BLOCKS and token.level == 0 and token.map:
            end = _closing(tokens, index)
            first, last = body_line + token.map[0], body_line + token.map[1]
            if any(first <= line < last for line in lines):
                cuts[index] = (end, _slot(f"{ACTIONS}-{seed}", f"{first}-{last}", token.map[0]))
            index = end
            continue
        index += 1
    return cuts


def _closing(tokens: Sequence[Token], opening: int) -> int:
    """The index after the token that closes the block opened at `opening`."""
    depth = 0
    for index in range(opening, len(tokens)):
        depth += tokens[index].nesting if tokens[index].level == 0 else 0
        if depth == 0:
            return index + 1
    return len(tokens)


def placeholder(info: str, content: str, seed: str) -> str | None:
    """The `<div>` a marking fence becomes (kept by nh3), or None for any other fence."""
    if info in (f"{ACTIONS}-{seed}", f"{GAP}-{seed}", f"{LEAD}-{seed}"):
        return f'<div id="{info}-{content}"></div>\n'
    return None


def finish(body: str, postmortem: Postmortem, seed: str) -> str:
    """Fill in the marks after sanitising: entry numbers, gap notes, framed missing images."""
    said = words(postmortem.fields.lang)
    note = (
        f'<p class="to-write"><strong>{html.escape(said["to_write"], quote=False)}</strong> '
        f"<span>{html.escape(said['to_write_help'], quote=False)}</span></p>\n"
    )
    body = re.sub(rf'<div id="{GAP}-{seed}-\d+"></div>\n?', note, body)
    body = re.sub(
        rf'(<(?:li|p) id="{ENTRY}(\d+)" class="timeline-entry">)',
        r'\1<span class="entry-number" data-pagefind-ignore>\2</span> ',
        body,
    )
    body = re.sub(
        rf'(<tr id="{ENTRY}(\d+)" class="timeline-entry">\s*<t[dh][^>]*>)',
        r'\1<span class="entry-number" data-pagefind-ignore>\2</span> ',
        body,
    )
    return _frame_missing_images(body, postmortem, said["image_unpublished"])


def _frame_missing_images(body: str, postmortem: Postmortem, label: str) -> str:
    """Each image whose file is not published becomes a framed note with its alt text."""
    missing = {
        html.escape(link.href, quote=True)
        for link in postmortem.links
        if link.refusal is not None or (link.named is not None and link.path is None)
    }
    if not missing:
        return body

    def frame(match: re.Match[str]) -> str:
        if match["src"] not in missing:
            return match[0]
        alt = match["alt"] or ""
        return (
            f'<span class="missing-image"><span class="missing-image-label">'
            f"{html.escape(label, quote=False)}</span> {alt}</span>"
        )

    return re.sub(r'<img src="(?P<src>[^"]*)"(?: alt="(?P<alt>[^"]*)")?[^<>]*>', frame, body)


def split_lead(body: str) -> tuple[str, str]:
    """The summary that opens the body (shown in the page's header band) and the rest."""
    match = _LEAD_SLOT.search(body)
    if match is None:
        return "", body
    return body[: match.start()].strip(), body[match.end() :]


def split_actions(body: str) -> list[tuple[str, tuple[int, int] | None]]:
    """The body cut at each actions placeholder: (HTML before it, its line range) pairs, the
    last with no range."""
    parts: list[tuple[str, tuple[int, int] | None]] = []
    start = 0
    for match in _ACTION_SLOT.finditer(body):
        parts.append((body[start : match.start()], (int(match[1]), int(match[2]))))
        start = match.end()
    parts.append((body[start:], None))
    return parts
