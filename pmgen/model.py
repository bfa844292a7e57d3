"""Pipeline types: each stage returns a new frozen value, nothing is filled in later."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmgen.charts.model import Chart
from pmgen.diagnostics import Diagnostic

# The languages a postmortem, and the site around it, can be written in.
LANGUAGES = ("fr", "en")


@dataclass(frozen=True, slots=True)
class Source:
    """Where a postmortem comes from and what its front matter says, positions kept: what is
    kept of its document once it is parsed (the text itself is not)."""

    path: Path
    display_path: str
    root: Path
    had_bom: bool
    front_matter: Mapping[str, Any]
    key_lines: Mapping[str, int]
    front_matter_format: str | None
    front_matter_valid: bool
    body_line: int

    @property
    def stem(self) -> str:
        """The file name without its extension."""
        return self.path.stem


@dataclass(frozen=True, slots=True)
class Document:
    """A source file split into front matter and body, positions kept."""

    path: Path
    display_path: str
    root: Path
    text: str
    had_bom: bool
    front_matter: Mapping[str, Any]
    key_lines: Mapping[str, int]
    front_matter_format: str | None
    front_matter_valid: bool
    body: str
    body_line: int

    @property
    def stem(self) -> str:
        """The file name without its extension."""
        return self.path.stem

    def source(self) -> Source:
        """The document without its text."""
        return Source(
            self.path,
            self.display_path,
            self.root,
            self.had_bom,
            self.front_matter,
            self.key_lines,
            self.front_matter_format,
            self.front_matter_valid,
            self.body_line,
        )


@dataclass(frozen=True, slots=True)
class ReadResult:
    """What reading one file gave: a document (unless unreadable) and its file-level findings."""

    path: Path
    document: Document | None
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """A known section: its id, its title per language and every alias that matches it."""

    id: str
    titles: Mapping[str, str]
    aliases: tuple[str, ...]

    def title(self, lang: str) -> str:
        """The section's heading in the given language (French when unknown)."""
        return self.titles.get(lang) or self.titles.get("fr") or self.id


@dataclass(frozen=True, slots=True)
class Heading:
    """A Markdown heading with its file position and its index in the token stream."""

    level: int
    text: str
    line: int
    column: int
    token_index: int
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    """A recognised section: from its heading to the next heading of the same or higher level."""

    id: str
    heading: Heading
    end_line: int
    token_start: int
    token_end: int
    empty: bool


@dataclass(frozen=True, slots=True)
class Fields:
    """The typed front-matter fields of a postmortem."""

    title: str | None
    date: dt.date | None
    datetime: dt.datetime | None
    lang: str
    status: str
    severity: str | None
    services: tuple[str, ...]
    tags: tuple[str, ...]
    authors: tuple[str, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)
    # 1 for the most severe level of the configured scale; None when unknown or absent.
    severity_rank: int | None = None
    # Where title, date and language come from (see docs/data.md): `front-matter`, `title`,
    # `file-name`, `date-line`, `timeline`, `text`, `content`, `default`…, or `none`.
    title_source: str = "front-matter"
    date_source: str = "front-matter"
    lang_source: str = "front-matter"

    @property
    def is_draft(self) -> bool:
        """True while the postmortem is marked `status: draft`."""
        return self.status == "draft"


@dataclass(frozen=True, slots=True)
class ChartBlock:
    """A ```chart block of the body: its line in the file and the chart (None when invalid)."""

    line: int
    chart: Chart | None
    # The data file the spec names (existing or not): a rebuild re-reads the block when it changes.
    data: Path | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class LinkedFile:
    """A link or image target of the body, resolved once where the file was parsed."""

    href: str  # as markdown-it normalised it (what the renderer sees)
    named: Path | None  # the path a relative href names, existing or not (None: a URL, an anchor)
    path: Path | None  # the existing file inside the content folder it names, if any
    refusal: str | None = None  # why that file is never published (PM308), if it is not


@dataclass(frozen=True, slots=True)
class Details:
    """The incident's optional facts from the front matter: impact, detection, people, cause."""

    impact: str | None = None  # what users saw, in the author's words
    detection: str | None = None  # how the incident was found (alert, customer, support…)
    commander: str | None = None
    roles: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (role, names), in the given order
    root_cause: str | None = None
    trigger: str | None = None


@dataclass(frozen=True, slots=True)
class Postmortem:
    """A postmortem as data: its document, fields, headings, sections, summary, incident, charts
    and links, with the findings of reading it. No tokens: those live in `Parsed`, only
    between parsing and rendering."""

    document: Source
    fields: Fields
    headings: tuple[Heading, ...]
    sections: tuple[Section, ...]
    summary: str
    summary_span: tuple[int, int]
    links: tuple[LinkedFile, ...]
    incident: Incident
    charts: tuple[ChartBlock, ...]
    diagnostics: tuple[Diagnostic, ...]
    details: Details = field(default_factory=Details)

    def section(self, section_id: str) -> Section | None:
        """The first section with this id, if present."""
        return next((s for s in self.sections if s.id == section_id), None)


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of the built site: its path under the output folder and its bytes."""

    path: str
    data: bytes


@dataclass(frozen=True, slots=True)
class AssetCopy:
    """A file referenced by a postmortem, copied into the site at `path`."""

    source: Path
    path: str


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One entry of the timeline: when (if a time was recognised), what, and where.

    `time` is in the zone the entry is written in, `zone` that zone's name (an IANA name,
    `UTC` or `UTC+02:00`); `inferred` marks an entry read from a sentence of the account
    because the postmortem has no timeline of its own."""

    time: dt.datetime | None
    approximate: bool
    text: str
    line: int
    zone: str | None = None
    inferred: bool = False


@dataclass(frozen=True, slots=True)
class ActionItem:
    """One action item: text, done or open (None when the text does not say), owner, due
    date, tracker links, file line."""

    text: str
    done: bool | None
    owner: str | None
    due: dt.date | None
    links: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Milestones:
    """The incident's key instants (time-zone aware); None when unknown."""

    started: dt.datetime | None = None
    detected: dt.datetime | None = None
    mitigated: dt.datetime | None = None
    resolved: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Durations:
    """Impact, time to detect, time to mitigate and time to resolve; None when unknown."""

    impact: dt.timedelta | None = None
    detect: dt.timedelta | None = None
    mitigate: dt.timedelta | None = None
    resolve: dt.timedelta | None = None


# Where a milestone (or the impact) comes from: the front matter, the timeline's wording, or
# the first and last timed entries.
SOURCES = ("front-matter", "inferred", "timeline")


@dataclass(frozen=True, slots=True)
class Incident:
    """What the postmortem says as data: zone, milestones, timeline, durations, actions.

    `effective` holds, per milestone, the declared one, else the one inferred from the
    timeline's wording, and for `started`/`resolved` the first/last timed entry; `sources`
    says which, per milestone name, and `impact_source` the weakest of the two impact ends."""

    timezone: str
    declared: Milestones
    effective: Milestones
    events: tuple[TimelineEvent, ...]
    durations: Durations
    actions: tuple[ActionItem, ...]
    inferred: Milestones = field(default_factory=Milestones)
    sources: Mapping[str, str] = field(default_factory=dict)
    impact_source: str | None = None
    timezone_source: str = "default"

    @property
    def open_actions(self) -> tuple[ActionItem, ...]:
        """The action items not done yet."""
        return tuple(action for action in self.actions if not action.done)
