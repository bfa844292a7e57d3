"""`pmgen new`: a draft postmortem with every required section, never overwriting a file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pmgen.config import Config
from pmgen.errors import PmgenError
from pmgen.pages.templates import environment, render_skeleton
from pmgen.prompts import prompt_comment
from pmgen.slugs import slugify


@dataclass(frozen=True, slots=True)
class NewPostmortem:
    """What to scaffold."""

    title: str
    date: dt.date
    lang: str
    severity: str | None = None
    services: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()


class AlreadyExists(PmgenError):
    """The target file exists: pmgen never overwrites a postmortem."""


def skeleton(config: Config, new: NewPostmortem, slug: str) -> str:
    """The text of the new postmortem, from `new/postmortem.<lang>.md` (site or theme)."""
    sections = [
        {
            "id": section_id,
            "title": config.section_spec(section_id).title(new.lang),
            "prompt": prompt_comment(section_id, new.lang),
        }
        for section_id in config.required
    ]
    context = {
        "title": new.title,
        "date": new.date.isoformat(),
        "severity": new.severity,
        "services": list(new.services),
        "authors": list(new.authors),
        "timezone": config.timezone,
        "sections": sections,
        "slug": f"{new.date}-{slug}",
    }
    return render_skeleton(environment(config.root / "templates"), new.lang, context)


def create_postmortem(config: Config, new: NewPostmortem, folder: Path | None = None) -> Path:
    """Write `<folder>/<date>-<slug>.md`; raise AlreadyExists rather than overwrite."""
    if not new.title.strip():
        raise PmgenError("the title is empty.")
    slug = slugify(new.title)
    target = (folder or config.content) / f"{new.date.isoformat()}-{slug}.md"
    text = skeleton(config, new, slug)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except FileExistsError:
        raise AlreadyExists(
            f"{target} already exists; pmgen never overwrites a postmortem "
            "(choose another title or --date)."
        ) from None
    return target


def authors_from(names: Sequence[str | None]) -> tuple[str, ...]:
    """The non-empty author names."""
    return tuple(name for name in names if name)
