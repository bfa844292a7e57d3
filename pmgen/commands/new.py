"""`pmgen new`: a draft postmortem with every required section, never overwriting a file."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
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
    new = replace(new, title=_clean_title(new.title))
    place = (folder or config.content).resolve()
    if place.is_relative_to(config.output.resolve()):
        raise PmgenError(
            f"{place} is inside the output folder, which each build replaces; write the "
            f"postmortem in the content folder ({config.content})."
        )
    slug = slugify(new.title, FALLBACK)
    # A title without Latin letters (`Сбой базы данных`) always gives the fallback slug:
    # number those, or a second one the same day could never be created.
    names = [slug] if slug != FALLBACK else [FALLBACK, *(f"{FALLBACK}-{n}" for n in range(2, 100))]
    place.mkdir(parents=True, exist_ok=True)
    for name in names:
        target = place / f"{new.date.isoformat()}-{name}.md"
        try:
            with target.open("x", encoding="utf-8", newline="\n") as stream:
                stream.write(skeleton(config, new, name))
        except FileExistsError:
            continue
        return target
    raise AlreadyExists(
        f"{target} already exists; pmgen never overwrites a postmortem "
        "(choose another title or --date)."
    )


FALLBACK = "sans-titre"


def _clean_title(title: str) -> str:
    """The title on one line; a control character (an escape sequence pasted from a
    terminal) is refused: front matter cannot hold it, and the draft would stop every build."""
    folded = " ".join(title.split())
    if not folded:
        raise PmgenError("the title is empty.")
    control = next((c for c in folded if unicodedata.category(c) == "Cc"), None)
    if control is not None:
        raise PmgenError(
            f"the title holds the control character U+{ord(control):04X}; type it again without it."
        )
    return folded


def authors_from(names: Sequence[str | None]) -> tuple[str, ...]:
    """The non-empty author names."""
    return tuple(name for name in names if name)
