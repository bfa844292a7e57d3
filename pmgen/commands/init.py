"""`pmgen init`: start a project (configuration, content folder, CI, hooks), never
overwriting a file that is already there."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pmgen.config import DEFAULTS, find_config_file
from pmgen.configdoc import commented_config
from pmgen.errors import PmgenError
from pmgen.pages.theme import theme_folder

CONTENT = DEFAULTS["content"]
WORKFLOW = ".github/workflows/postmortems.yml"
# What .gitignore must hold for pmgen (checked in an existing one too).
IGNORED = ("site/", ".pmgen-cache/")


@dataclass(frozen=True, slots=True)
class InitOptions:
    """Where to start the project, and what to put in it."""

    folder: Path
    lang: str = "fr"
    site_url: str = ""
    example: bool = False


@dataclass(frozen=True, slots=True)
class InitResult:
    """The files written, those already there (left as they were), and advice about them."""

    folder: Path
    created: tuple[Path, ...]
    kept: tuple[Path, ...]
    advice: tuple[str, ...] = ()


def starter_files(options: InitOptions) -> list[tuple[str, str]]:
    """Each file of a new project: its path in the project, and its text."""
    init = theme_folder() / "init"
    live = {"lang": options.lang} if options.lang != DEFAULTS["lang"] else {}
    if options.site_url:
        live["site_url"] = options.site_url.rstrip("/")
    files = [
        ("pmgen.toml", commented_config(live)),
        (".gitignore", _read(init / "gitignore")),
        (WORKFLOW, _read(init / "workflow.yml")),
        (".pre-commit-config.yaml", _read(init / "pre-commit-config.yaml")),
    ]
    if options.example:
        files.append(
            (f"{CONTENT}/2024-03-12-example.md", _read(init / f"example.{options.lang}.md"))
        )
    return files


def init_project(options: InitOptions) -> InitResult:
    """Write the starter files that do not exist yet; report the ones that do."""
    folder = options.folder
    if folder.exists() and not folder.is_dir():
        raise PmgenError(f"{folder} is a file; `pmgen init` needs a folder (or a new name).")
    _refuse_a_project_inside_another(folder)
    files = starter_files(options)
    # Checked before anything is written: a file where a folder must go stops init whole.
    for relative in (*(name for name, _ in files), f"{CONTENT}/"):
        _check_folders_on_the_way(folder, relative)
    created: list[Path] = []
    kept: list[Path] = []
    for relative, text in files:
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            # "x": created here or not at all, even if another process wrote it meanwhile.
            with target.open("x", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
        except FileExistsError:
            kept.append(target)
            continue
        created.append(target)
    content = folder / CONTENT
    if not content.is_dir():
        content.mkdir(parents=True)
    if not any(content.iterdir()):
        # git keeps no empty folder: without this, a fresh clone would have no content folder.
        (content / ".gitkeep").touch()
        created.append(content)
    return InitResult(folder, tuple(created), tuple(kept), _advice(folder))


def _refuse_a_project_inside_another(folder: Path) -> None:
    """A configuration that already applies here (a `[tool.pmgen]` in this folder, or any
    above it) would be shadowed by a new pmgen.toml, silently moving the content folder and
    language; this folder's own pmgen.toml is a re-run, which is fine."""
    start = next((f for f in (folder, *folder.parents) if f.is_dir()), folder)
    found = find_config_file(start)
    if found is None:
        return
    path = found[0].resolve()
    if path == (folder / "pmgen.toml").resolve():
        return
    where = "here" if path.parent == folder.resolve() else f"in {path.parent}"
    raise PmgenError(
        f"{path} already configures a pmgen project {where}: a new pmgen.toml in {folder} "
        "would take over from it (another content folder, language and settings). Work in "
        "that project (every pmgen command finds it from any subfolder), or run `pmgen init` "
        "outside it."
    )


def _check_folders_on_the_way(folder: Path, relative: str) -> None:
    """Every folder `relative` needs is a folder or absent (then init creates it)."""
    parts = Path(relative).parts
    needed = parts if relative.endswith("/") else parts[:-1]
    path = folder
    for part in needed:
        path = path / part
        if path.exists() and not path.is_dir():
            raise PmgenError(
                f"{path} is a file where `pmgen init` needs a folder; rename or remove it, "
                "then run `pmgen init` again (nothing was written)."
            )


def _advice(folder: Path) -> tuple[str, ...]:
    """What an existing .gitignore misses for pmgen."""
    try:
        lines = {line.strip() for line in (folder / ".gitignore").read_text("utf-8").splitlines()}
    except (OSError, UnicodeDecodeError):
        return ()
    missing = [entry for entry in IGNORED if entry not in lines and entry.rstrip("/") not in lines]
    if not missing:
        return ()
    return (f".gitignore does not ignore {' and '.join(missing)}: add them (pmgen builds them).",)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")
