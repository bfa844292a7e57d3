"""Incremental builds: after any sequence of changes, the site equals a cold build, byte for
byte, and a rebuild writes only the files whose bytes change."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from pmgen.commands.build import BuildOptions, BuildResult, build_site
from pmgen.config import build_config

TODAY = dt.date(2026, 11, 26)
SECTIONS = {
    "Contexte": "Le service {name} répond lentement depuis le matin.",
    "Chronologie": "* 16:00 — Les erreurs commencent.\n* 16:26 — Retour à la normale.",
    "Enseignements": "Surveiller la mémoire des instances.",
    "Analyse": "La base refusait les connexions.\n\n![Graphe](graphe.svg)",
    "Travaux restants": "* [ ] Ajouter une alerte @camille due 2030-01-01",
}


def postmortem(title: str, date: str, name: str, services: str = "[web]") -> str:
    """A clean postmortem linking an image beside it."""
    body = "".join(f"## {h}\n\n{text.format(name=name)}\n\n" for h, text in SECTIONS.items())
    return (
        f"---\ntitle: {title}\ndate: {date}\nservices: {services}\n---\n\n"
        f"Résumé : {title}.\n\n<!-- more -->\n\n{body}"
    )


def tree(folder: Path) -> dict[str, str]:
    """Relative path → SHA-256 of every file under a folder."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def mtimes(folder: Path) -> dict[str, int]:
    """Relative path → modification time (ns) of every file under a folder."""
    return {
        p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file()
    }


class Project:
    """A content folder built incrementally into `site/`, and cold into fresh folders."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "postmortems"
        self.content.mkdir()
        (self.content / "graphe.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
        self.cold_builds = 0

    def write(self, name: str, text: str) -> None:
        (self.content / name).write_text(text, encoding="utf-8")

    def build(self, out: Path, cache: bool = True, **config: object) -> BuildResult:
        options = BuildOptions(
            source=self.content, output=out, site_url="https://ex.org", cache=cache, search=False
        )
        return build_site(build_config(dict(config), self.root, None), options, self.root, TODAY)

    def check(self, **config: object) -> BuildResult:
        """Build incrementally, then cold elsewhere, and compare the two sites."""
        result = self.build(self.root / "site", **config)
        assert result.ok, result.blocking
        self.cold_builds += 1
        cold = self.root / f"cold-{self.cold_builds}"
        assert self.build(cold, cache=False, **config).ok
        assert tree(self.root / "site") == tree(cold)
        shutil.rmtree(cold)
        return result


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project(tmp_path)
    for number, service in enumerate(("web", "api", "base", "web", "api"), start=1):
        project.write(
            f"2022-0{number}-1{number}-panne-{number}.md",
            postmortem(f"Panne {number}", f"2022-0{number}-1{number}", service, f"[{service}]"),
        )
    return project


def test_a_sequence_of_edits_renames_and_deletions_equals_cold_builds(project: Project) -> None:
    project.check()
    project.write("2022-01-11-panne-1.md", postmortem("Panne 1 (revue)", "2022-01-11", "web"))
    project.check()
    (project.content / "2022-02-12-panne-2.md").rename(
        project.content / "2022-02-12-panne-de-l-api.md"
    )
    project.check()
    (project.content / "2022-03-13-panne-3.md").unlink()
    project.check()
    project.write(
        "2023-06-01-nouvelle.md", postmortem("Nouvelle", "2023-06-01", "cache", "[cache, web]")
    )
    project.check()
    (project.content / "graphe.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg'><g/></svg>"
    )
    project.check()
    project.write("2022-04-14-panne-4.md", postmortem("Panne 4", "2022-04-14", "web", "[]"))
    project.check()  # a service disappears: its term page goes


def test_configuration_and_templates_changes_rebuild_what_they_touch(project: Project) -> None:
    project.check()
    project.check(title="Incidents de l'équipe")
    project.check(title="Incidents de l'équipe", lang="en")
    templates = project.root / "templates"
    templates.mkdir()
    (templates / "404.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>Perdu</h1>{% endblock %}', encoding="utf-8"
    )
    project.check(title="Incidents de l'équipe", lang="en")
    assert "Perdu" in (project.root / "site" / "404.html").read_text(encoding="utf-8")


def test_chart_data_change_is_seen(project: Project) -> None:
    folder = project.content / "donnees"
    folder.mkdir()
    (folder / "latence.csv").write_text("heure,ms\n2022-01-11T16:00,100\n2022-01-11T16:10,900\n")
    chart = "```chart\ntype: line\ndata: donnees/latence.csv\nx: heure\ny: ms\n```\n\n"
    text = postmortem("Panne 1", "2022-01-11", "web").replace(
        "## Enseignements", chart + "## Enseignements"
    )
    project.write("2022-01-11-panne-1.md", text)
    project.check()
    (folder / "latence.csv").write_text("heure,ms\n2022-01-11T16:00,100\n2022-01-11T16:10,4000\n")
    project.check()
    assert "4000" in (project.root / "site/2022/01/11/panne-1/index.html").read_text()


def test_a_rebuild_writes_only_the_files_whose_bytes_change(project: Project) -> None:
    site = project.root / "site"
    first = project.build(site)
    assert first.ok
    before = mtimes(site)
    again = project.build(site)
    assert again.up_to_date and again.files_written == 0
    assert mtimes(site) == before
    project.write(
        "2022-05-15-panne-5.md",
        postmortem("Panne 5", "2022-05-15", "api").replace("lentement", "très lentement"),
    )
    edited = project.build(site)
    assert edited.ok and not edited.up_to_date
    after = mtimes(site)
    changed = {path for path in after if after[path] != before.get(path)}
    assert "2022/05/15/panne-5/index.html" in changed
    assert "2022/01/11/panne-1/index.html" not in changed  # nothing it shows changed
    assert "assets/style.css" not in changed
    assert len(changed) == edited.files_written


def test_a_hand_edited_site_is_rewritten_whole(project: Project) -> None:
    site = project.root / "site"
    assert project.build(site).ok
    page = site / "2022/01/11/panne-1/index.html"
    page.write_text("vandalised", encoding="utf-8")
    result = project.build(site)
    assert not result.up_to_date
    assert "vandalised" not in page.read_text(encoding="utf-8")
    assert project.build(site).up_to_date


def test_without_a_cache_every_build_is_cold_and_identical(project: Project) -> None:
    assert project.build(project.root / "a", cache=False).ok
    assert project.build(project.root / "b", cache=False).ok
    assert tree(project.root / "a") == tree(project.root / "b")
    assert not (project.root / ".pmgen-cache").exists()


def test_a_corrupt_cache_is_ignored(project: Project) -> None:
    assert project.build(project.root / "site").ok
    database = project.root / ".pmgen-cache" / "cache.sqlite3"
    database.write_bytes(b"this is not a database")
    for extra in database.parent.glob("cache.sqlite3-*"):
        extra.unlink()
    project.write("2022-01-11-panne-1.md", postmortem("Panne 1 bis", "2022-01-11", "web"))
    project.check()


def test_the_cache_keeps_only_what_the_content_needs(project: Project) -> None:
    import sqlite3

    for text in ("une", "deux", "trois"):
        project.write("2022-01-11-panne-1.md", postmortem(f"Panne {text}", "2022-01-11", "web"))
        assert project.build(project.root / "site").ok
    database = sqlite3.connect(project.root / ".pmgen-cache" / "cache.sqlite3")
    try:
        counts = dict(database.execute("SELECT space, COUNT(*) FROM entries GROUP BY space"))
    finally:
        database.close()
    files = len(list(project.content.glob("*.md")))
    assert counts["file"] == counts["lint"] == files


def test_a_parallel_build_equals_a_single_process_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pmgen.commands.parse

    project = Project(tmp_path)
    services = ("web", "api", "base", "cache")
    for number in range(pmgen.commands.parse.PARALLEL_FROM + 12):
        day = f"2022-{number % 12 + 1:02d}-{number % 27 + 1:02d}"
        project.write(
            f"{day}-panne-{number}.md",
            postmortem(f"Panne {number}", day, "web", f"[{services[number % 4]}]"),
        )
    parallel = project.build(tmp_path / "parallel", cache=False)
    assert parallel.ok and parallel.processes == min(os.cpu_count() or 1, 8) > 1, parallel.notices
    monkeypatch.setattr(pmgen.commands.parse, "PARALLEL_FROM", 10**9)
    single = project.build(tmp_path / "single", cache=False)
    assert single.ok and single.processes == 1
    assert tree(tmp_path / "parallel") == tree(tmp_path / "single")


def test_editing_pmgen_itself_invalidates_the_cache(tmp_path: Path) -> None:
    """A build with a copy of pmgen, then the same build after a label of that copy changed:
    the page shows the new label (the cached fragments and the no-op check saw the edit)."""
    import subprocess
    import sys

    repository = Path(__file__).resolve().parent.parent
    source = tmp_path / "src"
    shutil.copytree(
        repository / "pmgen", source / "pmgen", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(repository / "templates", source / "templates")
    (tmp_path / "project").mkdir()
    project = Project(tmp_path / "project")
    project.write("2022-01-11-panne.md", postmortem("Panne", "2022-01-11", "web"))
    (project.root / "pmgen.toml").write_text("search = false\n", encoding="utf-8")

    def build() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "pmgen", "build"],
            cwd=project.root,
            env={**os.environ, "PYTHONPATH": str(source)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        page = project.root / "site/2022/01/11/panne/index.html"
        return page.read_text(encoding="utf-8")

    assert "Chronologie" in build()
    words = source / "pmgen" / "i18n.py"
    text = words.read_text(encoding="utf-8")
    assert text.count('"timeline": "Chronologie"') == 1
    words.write_text(text.replace('"timeline": "Chronologie"', '"timeline": "Fil des événements"'))
    page = build()
    assert "Fil des événements" in page
    # The title of the timeline chart is drawn into the cached fragments: it changed too.
    chart = page[page.index('id="chart-timeline') :]
    assert "Fil des événements" in chart[: chart.index("</svg>")]


def test_an_edit_of_prose_rewrites_its_page_only(project: Project) -> None:
    """Nothing a listing shows changed (an analysis reworded): only that page is rendered and
    written again; the index, terms, stats, index.json… are left as they are."""
    site = project.root / "site"
    assert project.build(site).ok
    before = mtimes(site)
    project.write(
        "2022-05-15-panne-5.md",
        postmortem("Panne 5", "2022-05-15", "api", "[api]").replace(
            "La base refusait les connexions.", "La base refusait toute nouvelle connexion."
        ),
    )
    edited = project.build(site)
    after = mtimes(site)
    assert {path for path in after if after[path] != before.get(path)} == {
        "2022/05/15/panne-5/index.html"
    }
    assert edited.files_written == 1
    cold = project.root / "cold"
    assert project.build(cold, cache=False).ok
    assert tree(site) == tree(cold)


def test_the_no_op_check_sees_nested_files_and_skips_dot_folders(project: Project) -> None:
    """What decides "Up to date": any file under the content folder, however deep (an image
    beside a postmortem's own folder), but nothing under a dot-folder (an editor's swap files)."""
    nested = project.content / "2022" / "images"
    nested.mkdir(parents=True)
    (nested / "graphe.png").write_bytes(b"\x89PNG first")
    hidden = project.content / ".brouillons"
    hidden.mkdir()
    (hidden / "notes.md").write_text("# pas encore", encoding="utf-8")
    project.check()
    assert project.build(project.root / "site").up_to_date
    (hidden / "notes.md").write_text("# toujours pas", encoding="utf-8")
    assert project.build(project.root / "site").up_to_date
    (nested / "graphe.png").write_bytes(b"\x89PNG second, longer")
    assert not project.build(project.root / "site").up_to_date


def test_a_new_base_url_on_the_command_line_rewrites_feed_and_sitemap(project: Project) -> None:
    """`--base-url` overrides the configuration without changing it: the listings' cache key
    must still see it (the sitemap kept the first URL), and without one they go."""
    config = build_config({}, project.root, None)
    for url in ("https://a.example/x", "https://b.example/y", ""):
        for out, cache in ((project.root / "site", True), (project.root / "cold", False)):
            options = BuildOptions(
                source=project.content, output=out, site_url=url, cache=cache, search=False
            )
            assert build_site(config, options, project.root, TODAY).ok
        assert tree(project.root / "site") == tree(project.root / "cold")
        shutil.rmtree(project.root / "cold")
        sitemap = project.root / "site" / "sitemap.xml"
        assert (url in sitemap.read_text()) if url else not sitemap.exists()
