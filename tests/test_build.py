"""pmgen build: golden site, determinism, the user's example, atomicity and safety."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pmgen.cli import main
from pmgen.commands.build import BuildOptions, build_site
from pmgen.config import build_config
from pmgen.errors import PmgenError

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "site"
EXAMPLE = REPO.parent / "shared" / "example"
TODAY = dt.date(2026, 11, 26)
UPDATED = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
SECTIONS = ("Contexte", "Chronologie", "Enseignements", "Analyse", "Travaux restants")
TIMELINE = "* 16:00 — Les connexions échouent.\n* 16:26 — Retour à la normale."


def postmortem(
    title: str = "Panne", date: str = "2022-05-04", extra: str = "", body: str = ""
) -> str:
    """A small, clean postmortem with every required section (a timeline with timed entries)."""
    sections = "".join(
        f"## {name}\n\n{TIMELINE if name == 'Chronologie' else f'Une phrase pour {name.lower()}.'}"
        "\n\n"
        for name in SECTIONS
    )
    front = f"---\ntitle: {title}\ndate: {date}\n{extra}---\n\n"
    return f"{front}Résumé de l'incident.\n\n{body}{sections}"


def tree(folder: Path) -> dict[str, str]:
    """Every file under a folder with the SHA-256 of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def build(source: Path, output: Path, **options: object) -> object:
    """Build with the project root beside the output: each test owns its cache."""
    root = output.parent
    config = build_config({"content": str(source)}, root, None)
    return build_site(config, BuildOptions(source=source, output=output, **options), root, TODAY)


def first_difference(built: Path, golden: Path) -> str:
    """A unified diff of the first file that differs (or is missing on one side)."""
    ours, theirs = tree(built), tree(golden)
    for name in sorted(set(ours) | set(theirs)):
        if ours.get(name) == theirs.get(name):
            continue
        if name not in ours or name not in theirs:
            side = "the build" if name not in ours else "tests/golden/site"
            return f"{name} is missing from {side}"
        try:
            old = (golden / name).read_text(encoding="utf-8").splitlines(keepends=True)
            new = (built / name).read_text(encoding="utf-8").splitlines(keepends=True)
        except UnicodeDecodeError:
            return f"{name}: binary files differ"
        diff = difflib.unified_diff(old, new, f"golden/{name}", f"built/{name}", n=2)
        return "".join(itertools.islice(diff, 80))
    return ""


def test_bundled_examples_match_the_golden_site(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    output = tmp_path / "site"
    # Search is left out: Pagefind's bundle changes with Pagefind's version, not with pmgen.
    result = build(
        REPO / "postmortems",
        output,
        site_url="https://postmortems.example.org",
        updated=UPDATED,
        search=False,
    )
    assert result.ok and result.postmortems >= 3
    if request.config.getoption("--update-golden", default=False):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(output, GOLDEN)
    assert GOLDEN.is_dir(), "no golden site yet: run `pytest --update-golden` once, on purpose"
    difference = first_difference(output, GOLDEN)
    assert not difference, (
        "the site differs from tests/golden/site (check the change, then refresh it with "
        f"`pytest --update-golden`):\n{difference}"
    )


def test_two_cold_builds_in_two_processes_are_byte_identical(tmp_path: Path) -> None:
    """Each build in its own process and project (no shared cache, no shared memory)."""
    sites = []
    for name in ("one", "two"):
        project = tmp_path / name
        shutil.copytree(REPO / "postmortems", project / "postmortems")
        (project / "pmgen.toml").write_text('site_url = "https://x.example"\n', encoding="utf-8")
        environment = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
        done = subprocess.run(
            [sys.executable, "-m", "pmgen", "build"],
            cwd=project,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        sites.append(project / "site")
    assert tree(sites[0]) == tree(sites[1]), first_difference(sites[1], sites[0])


@pytest.fixture
def example() -> Path:
    if not (EXAMPLE / "2021-09-22-incident-de-production.md").is_file():
        pytest.skip("../shared/example is not here (it is in CI)")
    return EXAMPLE


def test_the_users_example_builds_with_its_three_findings(example: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--src", str(example), "--out", str(out)])
    assert result.exit_code == 0, result.output
    for code in ("PM202", "PM303", "PM301"):
        assert code in result.stderr
    assert "lint: 2 errors, 1 warning, 0 info" in result.stderr
    page = (out / "2021/09/22/incident-de-production/index.html").read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f'>{section} <a class="anchor"' in page
    assert "22 septembre 2021" in page
    assert "Le site a été très lent dans l’après-midi" in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Toutes les tentatives de connexion échouaient sur une erreur 500." in index
    assert "Nous avons activé" not in index  # the summary stops at <!-- more -->


def test_the_users_example_fails_with_strict(example: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", "--src", str(example), "--out", str(out), "--strict"]
    )
    assert result.exit_code == 1
    assert "--strict" in result.stderr
    assert not out.exists()


def test_a_failed_build_leaves_the_previous_site_intact(tmp_path: Path) -> None:
    content = tmp_path / "postmortems"
    content.mkdir()
    (content / "2022-05-04-panne.md").write_text(postmortem(), encoding="utf-8")
    out = tmp_path / "site"
    assert build(content, out).ok
    before = tree(out)
    (content / "2022-06-01-casse.md").write_text(
        "---\ntitle: Casse\ndate: 2022-06-01\n", encoding="utf-8"
    )
    result = build(content, out)
    assert not result.ok
    assert [d.code for d in result.blocking] == ["PM002"]
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".pmgen-cache") == [
        "postmortems",
        "site",
    ]


def test_a_postmortem_without_title_or_date_still_becomes_a_page(tmp_path: Path) -> None:
    content = tmp_path / "pm"
    content.mkdir()
    (content / "sans-titre.md").write_text("## Contexte\n\nx\n", encoding="utf-8")
    (content / "2022-05-04-panne.md").write_text(postmortem(), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--src", str(content), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "PM101" in result.stderr and "PM102" in result.stderr
    # Titled after its file name, under `undated/`, listed last on the home page.
    page = (out / "undated/sans-titre/index.html").read_text(encoding="utf-8")
    assert "<h1>Sans titre</h1>" in page and "Sans date" in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index(">Panne</a>") < index.index(">Sans titre</a>")
    assert '>Sans date <span class="chip-count">' in index  # the year filter's last value
    assert (out / "undated/index.html").is_file()
    records = json.loads((out / "index.json").read_text(encoding="utf-8"))["postmortems"]
    undated = next(r for r in records if r["source"] == "sans-titre.md")
    assert (undated["date"], undated["date_source"], undated["url"]) == (
        None,
        "none",
        "undated/sans-titre/",
    )
    assert (undated["title"], undated["title_source"]) == ("Sans titre", "file-name")
    assert records[-1] is not records[0] and records[-1]["source"] == "sans-titre.md"
    # `--strict` still fails on its errors, and leaves the site as it was.
    before = tree(out)
    strict = CliRunner().invoke(
        main, ["build", "--src", str(content), "--out", str(out), "--strict"]
    )
    assert strict.exit_code == 1
    assert "PM102" in strict.stderr
    assert tree(out) == before


@pytest.mark.parametrize("choice", ["root", "home", "content", "parent", "inside", "foreign"])
def test_dangerous_output_folders_are_refused(tmp_path: Path, choice: str) -> None:
    content = tmp_path / "project" / "postmortems"
    content.mkdir(parents=True)
    (content / "2022-05-04-panne.md").write_text(postmortem(), encoding="utf-8")
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("years of work", encoding="utf-8")
    output = {
        "root": Path("/"),
        "home": Path.home(),
        "content": content,
        "parent": content.parent,
        "inside": content / "site",
        "foreign": foreign,
    }[choice]
    with pytest.raises(PmgenError, match="refusing to write the site"):
        build(content, output)
    assert (foreign / "thesis.txt").read_text(encoding="utf-8") == "years of work"


def test_refusal_is_a_clear_message_and_exit_2(tmp_path: Path) -> None:
    content = tmp_path / "pm"
    content.mkdir()
    result = CliRunner().invoke(main, ["build", "--src", str(content), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "refusing to write the site" in result.stderr
    assert "Traceback" not in result.output


def test_drafts_are_left_out_unless_asked(tmp_path: Path) -> None:
    content = tmp_path / "pm"
    content.mkdir()
    (content / "2022-05-04-panne.md").write_text(postmortem(), encoding="utf-8")
    (content / "2022-06-01-brouillon.md").write_text(
        postmortem("Brouillon", "2022-06-01", "status: draft\n"), encoding="utf-8"
    )
    runner = CliRunner()
    result = runner.invoke(main, ["build", "--src", str(content), "--out", str(tmp_path / "a")])
    assert result.exit_code == 0
    assert "(1 draft left out; --drafts includes it)" in result.stdout
    assert not (tmp_path / "a/2022/06/01/brouillon").exists()
    result = runner.invoke(
        main, ["build", "--src", str(content), "--out", str(tmp_path / "b"), "--drafts"]
    )
    assert (tmp_path / "b/2022/06/01/brouillon/index.html").is_file()
    page = (tmp_path / "b/2022/06/01/brouillon/index.html").read_text(encoding="utf-8")
    assert "brouillon" in page


def test_feed_and_sitemap_need_an_absolute_site_url(tmp_path: Path) -> None:
    content = tmp_path / "pm"
    content.mkdir()
    (content / "2022-05-04-panne.md").write_text(postmortem(extra="tags: [db]\n"), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["build", "--src", str(content), "--out", str(tmp_path / "a")])
    assert "feed.xml and sitemap.xml were skipped" in result.stderr
    assert not (tmp_path / "a/feed.xml").exists()
    result = runner.invoke(
        main,
        [
            "build",
            "--src",
            str(content),
            "--out",
            str(tmp_path / "b"),
            "--base-url",
            "https://ex.org/pm/",
        ],
        env={"SOURCE_DATE_EPOCH": "1700000000"},
    )
    assert result.exit_code == 0, result.output
    feed = (tmp_path / "b/feed.xml").read_text(encoding="utf-8")
    assert "<id>https://ex.org/pm/2022/05/04/panne/</id>" in feed
    assert "<updated>2023-11-14T22:13:20Z</updated>" in feed
    sitemap = (tmp_path / "b/sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://ex.org/pm/2022/05/04/panne/</loc>" in sitemap
    assert "<loc>https://ex.org/pm/tags/db/</loc>" in sitemap


def test_referenced_files_are_copied_and_links_rewritten(tmp_path: Path) -> None:
    content = tmp_path / "pm"
    (content / "images").mkdir(parents=True)
    (content / "images" / "graphe réponse.png").write_bytes(b"\x89PNG fake")
    (content / "shared.csv").write_text("a,b\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", content / "lien.txt")
    body = (
        "![Temps de réponse](images/graphe%20réponse.png) [autre](2022-01-02-autre.md#analyse) "
        "[données](shared.csv) [dehors](../secret.txt) [lien](lien.txt)\n\n"
    )
    (content / "2022-05-04-panne.md").write_text(postmortem(body=body), encoding="utf-8")
    (content / "2022-01-02-autre.md").write_text(
        postmortem("Autre", "2022-01-02"), encoding="utf-8"
    )
    out = tmp_path / "site"
    assert build(content, out).ok
    page_folder = out / "2022/05/04/panne"
    page = (page_folder / "index.html").read_text(encoding="utf-8")
    assert (page_folder / "images/graphe réponse.png").read_bytes() == b"\x89PNG fake"
    assert 'src="../../../../2022/05/04/panne/images/graphe%20r%C3%A9ponse.png"' in page
    assert 'href="../../../../2022/01/02/autre/index.html#analyse"' in page
    assert (page_folder / "shared.csv").is_file()
    assert 'href="../secret.txt"' in page  # left as written, never followed
    assert "secret" not in "".join(p.read_text(errors="ignore") for p in out.rglob("*.txt"))
    assert not any(p.name in ("secret.txt", "lien.txt") for p in out.rglob("*"))


def test_raw_html_is_sanitised_or_escaped(tmp_path: Path) -> None:
    content = tmp_path / "pm"
    content.mkdir()
    body = '<kbd>Ctrl</kbd> <b onclick="x()">gras</b><script>alert(1)</script>\n\n'
    (content / "2022-05-04-panne.md").write_text(
        postmortem(title='"<script>alert(1)</script>"', body=body), encoding="utf-8"
    )
    out = tmp_path / "a"
    assert build(content, out).ok
    page = (out / "2022/05/04/panne/index.html").read_text(encoding="utf-8")
    assert "<kbd>Ctrl</kbd>" in page and "<b>gras</b>" in page
    assert "<script" not in page and "onclick" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the title, escaped
    config = build_config({"html": "escape"}, tmp_path, None)
    result = build_site(
        config, BuildOptions(source=content, output=tmp_path / "b"), tmp_path, TODAY
    )
    assert result.ok
    escaped = (tmp_path / "b/2022/05/04/panne/index.html").read_text(encoding="utf-8")
    assert "&lt;kbd&gt;Ctrl&lt;/kbd&gt;" in escaped


def test_english_postmortem_gets_english_words_and_dates(tmp_path: Path) -> None:
    content = tmp_path / "pm"
    content.mkdir()
    timeline = "* 16:00 — Connections fail.\n* 16:26 — Back to normal."
    text = "---\ntitle: Outage\ndate: 2021-09-22\nlang: en\n---\n\nSummary.\n\n" + "".join(
        f"## {n}\n\n{timeline if n == 'Timeline' else 'Text.'}\n\n"
        for n in ("Context", "Timeline", "Lessons learned", "Analysis", "Action items")
    )
    (content / "2021-09-22-outage.md").write_text(text, encoding="utf-8")
    result = build(content, tmp_path / "site")
    assert result.ok and result.diagnostics == ()
    page = (tmp_path / "site/2021/09/22/outage/index.html").read_text(encoding="utf-8")
    assert "22 September 2021" in page and '<article class="postmortem" lang="en"' in page
    assert ">Contents<" in page


def test_index_json_lists_front_matter_and_computed_fields(tmp_path: Path) -> None:
    import json

    content = tmp_path / "pm"
    content.mkdir()
    (content / "2022-05-04-panne.md").write_text(
        postmortem(extra="services: [web]\nlayout: post\n"), encoding="utf-8"
    )
    assert build(content, tmp_path / "site").ok
    data = json.loads((tmp_path / "site/index.json").read_text(encoding="utf-8"))
    [record] = data["postmortems"]
    assert record["url"] == "2022/05/04/panne/"
    assert record["services"] == ["web"]
    assert record["front_matter"]["layout"] == "post"
    assert record["front_matter"]["date"] == "2022-05-04"
    assert record["sections"] == ["context", "timeline", "lessons", "analysis", "actions"]


@pytest.mark.parametrize(
    ("mistake", "said"),
    [
        ("{{ variable_absente }}", "template error: 'variable_absente' is undefined"),
        ("{% if %}", "syntax error: Expected an expression"),
    ],
    ids=["undefined", "syntax"],
)
def test_a_mistake_in_a_site_template_is_named_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mistake: str, said: str
) -> None:
    """A site's own template is trusted configuration, and its mistakes are the user's to
    fix: the file and line, exit 2, no "internal error", no site."""
    (tmp_path / "pmgen.toml").write_text("", encoding="utf-8")
    content = tmp_path / "postmortems"
    content.mkdir()
    (content / "2021-09-22-panne.md").write_text(
        "---\ntitle: Panne\ndate: 2021-09-22\n---\n\nUne panne.\n", encoding="utf-8"
    )
    theme = (Path(__file__).parent.parent / "templates" / "base.html").read_text(encoding="utf-8")
    lines = theme.split("\n")
    lines.insert(5, mistake)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html").write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 2, result.output
    assert f"templates/base.html:6: {said}" in result.stderr
    assert "internal error" not in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_title_taken_from_the_h1_is_shown_once(tmp_path: Path) -> None:
    """No front matter: the `# heading` is the page's title, not a second one in the body."""
    content = tmp_path / "postmortems"
    content.mkdir()
    (content / "2024-05-02-webhooks.md").write_text(
        "# Webhook retries stopped\n\nThe webhooks stopped.\n\n## Timeline\n\n* 10:00 stop\n",
        encoding="utf-8",
    )
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--src", str(content), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "2024" / "05" / "02" / "webhooks" / "index.html").read_text(encoding="utf-8")
    assert page.count("Webhook retries stopped</h1>") == 1
    assert "The webhooks stopped." in page
