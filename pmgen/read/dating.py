"""The date of a postmortem from where authors put it, and where it came from (`date_source`).

In order: the front matter's `date`; a day in the title (front matter or first H1); then what
the content says (a `Date:`-style line or metadata row that names the incident, the first
day the timeline states, another date line near the top, a date in the opening sentences),
weighed against a date in the file name: blog posts are named after their publication day,
which comes after the incident, so an earlier content date wins over a file name, a later
one does not. A file with none of these is undated (PM102).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pmgen.read.blocks import Block
from pmgen.read.calendar import DayMatch, find_days, leading_day, numeric_date
from pmgen.read.zones import fold

TOP_BLOCKS = 40  # date lines are looked for this far into the body
MAX_GAP = dt.timedelta(days=366)  # a content date this much before the file name's is not it
_INCIDENT_LABEL = re.compile(
    r"\b(?:incident|outage|panne|date of (?:the )?incident|time of incident|start(?:ed)?|"
    r"detected|d[ée]but|d[ée]tect[ée]e?|incident start)\b",
    re.IGNORECASE,
)
_DATE_LABEL = re.compile(r"^\W*(?:date|dates|last modified|publi[ée]e? le|published|le)\b", re.I)
_SPACED_NUMERIC = re.compile(r"(?<!\d)(\d{1,2}) (\d{1,2}) ((?:19|20)\d{2})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
_YEAR_MONTH = re.compile(r"(?<!\d)((?:19|20)\d{2})-(\d{2})(?![\d-]\d)")


@dataclass(frozen=True, slots=True)
class DateCandidates:
    """Every date the document offers, by kind, for `choose_date`."""

    front_matter: dt.date | None = None
    title: dt.date | None = None
    file_name: dt.date | None = None
    incident_line: tuple[dt.date, str] | None = None  # (day, source) of an incident date line
    date_line: tuple[dt.date, str] | None = None  # any other date line near the top
    text: dt.date | None = None
    reference: dt.date | None = None  # a day that yearless days count from, if nothing else

    @property
    def written(self) -> dt.date | None:
        """The day the text was written, as far as it says (`today` counts from it)."""
        dated = self.date_line[0] if self.date_line else None
        return dated or self.file_name or self.front_matter


def file_name_date(name: str, lang: str = "fr") -> dt.date | None:
    """A date anywhere in a file name: `2021-09-22-x`, `k8s-prow-2019-01-23-outage`,
    `20220523-x`, `elan_20210305`, `incident-du-22-septembre-2021`, `post-mortem-8-15-2023`."""
    stem = name.rsplit(".", 1)[0]
    spaced = re.sub(r"[-_]+", " ", stem)
    for days in (find_days(stem, None, lang), find_days(spaced, None, lang)):
        for match in days:
            if match.kind == "date" and match.day is not None and match.year_written:
                return match.day
    numeric = _SPACED_NUMERIC.search(spaced)  # `post-mortem-8-15-2023`
    if numeric:
        first, second, year = (int(part) for part in numeric.groups())
        found = numeric_date(first, second, year, None, lang)
        if found is not None:
            return found
    compact = _COMPACT.search(stem)
    if compact:
        try:
            return dt.date(*(int(part) for part in compact.groups()))
        except ValueError:
            return None
    return None


def file_name_reference(name: str) -> dt.date | None:
    """The first of the month of a `2014-10-` prefix (a year and month, no day)."""
    match = _YEAR_MONTH.search(name)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def _first_date(
    text: str, reference: dt.date | None, lang: str, need_year: bool, deadlines: bool = True
) -> dt.date | None:
    """The first full date of the text; without `deadlines`, none announced as one."""
    for match in find_days(text, reference, lang):
        if match.kind == "date" and match.day is not None and (match.year_written or not need_year):
            if not deadlines and _DEADLINE.search(text[max(0, match.start - 30) : match.start]):
                continue
            return match.day
    return None


def gather(
    front_matter: dt.date | None,
    title: str | None,
    name: str,
    blocks: Sequence[Block],
    lang: str,
) -> DateCandidates:
    """The document's date candidates."""
    named = file_name_date(name, lang)
    top = list(blocks[:TOP_BLOCKS])
    generic = _date_line(top, lang, None, incident=False)
    reference = (
        front_matter or named or (generic[0] if generic else None) or file_name_reference(name)
    )
    incident = _date_line(top, lang, reference, incident=True)
    reference = reference or (incident[0] if incident else None)
    title_day = _first_date(title or "", None, lang, True) or (
        _first_date(title or "", reference, lang, False) if reference else None
    )
    return DateCandidates(
        front_matter,
        title_day,
        named,
        incident,
        generic if generic is None or generic != incident else None,
        _text_date(top, lang, reference),
        reference or title_day,
    )


def _date_line(
    blocks: Sequence[Block], lang: str, reference: dt.date | None, incident: bool
) -> tuple[dt.date, str] | None:
    """The first date line near the top: `Date: June 18, 2020`, `**Detected** | 2021-03-05`,
    a heading `Date` or `Incident date(s)` and the line under it, a line that is only a date."""
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            label = _labelled(block.text, incident)
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if label and following is not None and following.kind == "paragraph":
                found = leading_day(following.lines[0].text, reference, lang)
                if found is not None and found.kind == "date" and found.day is not None:
                    return found.day, "date-line"
            continue
        for line in block.lines[:6]:
            found = _line_date(line.text, block.kind, lang, reference, incident)
            if found is not None:
                return found, "table" if block.kind in ("row", "header") else "date-line"
    return None


def _labelled(text: str, incident: bool) -> bool:
    folded = fold(text)
    if incident:
        return bool(_INCIDENT_LABEL.search(folded)) and "date" in folded
    return bool(_DATE_LABEL.match(folded)) and len(folded.split()) <= 3


def _line_date(
    text: str, kind: str, lang: str, reference: dt.date | None, incident: bool
) -> dt.date | None:
    days = find_days(text[:200], reference, lang)
    full = [
        d for d in days if d.kind == "date" and d.day is not None and (d.year_written or reference)
    ]
    if not full:
        return None
    head = fold(text[: full[0].start])
    if incident:
        return full[0].day if _INCIDENT_LABEL.search(head) and len(head.split()) <= 6 else None
    if _DATE_LABEL.match(head + " ") and len(head.split()) <= 4:
        return full[0].day
    if kind == "paragraph" and _only_day(text, full[0]):
        return full[0].day
    return None


def _only_day(text: str, day: DayMatch) -> bool:
    """A line that is a date and a few words at most (`12th April 2019`, `Le 7 septembre 2023`,
    `Article du blog, en date du 2012-10-29 22:32:03`)."""
    words = (text[: day.start] + " " + text[day.end :]).split()
    return len(words) <= 8 and day.start <= 60


def _text_date(blocks: Sequence[Block], lang: str, reference: dt.date | None) -> dt.date | None:
    """A full date in the opening paragraphs (`On 18th April 2021 a researcher…`)."""
    seen = 0
    for block in blocks:
        if block.kind not in ("paragraph", "item"):
            continue
        seen += 1
        if seen > 4:
            break
        found = _first_date(block.text[:600], reference, lang, reference is None, deadlines=False)
        if found is not None:
            return found
    return None


# A date announced as a deadline (`due 2023-03-10`, `échéance : 10/03/2023`): an action's, not
# the incident's. `due to` and `avant le déploiement` announce no date.
_DEADLINE = re.compile(
    r"\b(?:due|échéance|echeance|deadline|avant le|d'ici le|by)\s*(?::\s*)?(?:le\s+)?$", re.I
)


def choose_date(
    candidates: DateCandidates, timeline_day: dt.date | None
) -> tuple[dt.date | None, str]:
    """The postmortem's date and its source (`none` when there is none)."""
    if candidates.front_matter is not None:
        return candidates.front_matter, "front-matter"
    if candidates.title is not None:
        return candidates.title, "title"
    content: tuple[dt.date, str] | None = None
    for found in (
        candidates.incident_line,
        (timeline_day, "timeline") if timeline_day else None,
        candidates.date_line,
        (candidates.text, "text") if candidates.text else None,
    ):
        if found is not None:
            content = found
            break
    named = candidates.file_name
    if content is not None and named is not None:
        if named - MAX_GAP <= content[0] <= named:
            return content
        return named, "file-name"
    if content is not None:
        return content
    if named is not None:
        return named, "file-name"
    return None, "none"


def provisional(candidates: DateCandidates) -> dt.date | None:
    """The best date known before the timeline is read (its entries' default day). A date in
    the opening sentences is left out: it may be a timeline entry's own (a status page's last
    update), which must not date the entries before it."""
    without_text = replace(candidates, text=None)
    return choose_date(without_text, None)[0] or candidates.reference


def title_from_file_name(name: str) -> str:
    """`2020-11-03-emails-not-sent.md` → `Emails not sent`."""
    stem = name.rsplit(".", 1)[0]
    stem = re.sub(r"^\d{4}-\d{2}-\d{2}[-_]*|^\d{8}[-_]*", "", stem)
    words = re.sub(r"[-_]+", " ", stem).strip() or name
    return words[:1].upper() + words[1:]
