"""Every lint rule pinned by fixtures: `<CODE>-<case>.md` beside its exact `<CODE>-<case>.expected`.

Each `.expected` line is `LINE:COL CODE severity message`, in output order. Inputs that cannot
be committed as text (binary, not UTF-8, over 5 MB) are generated into a temporary folder from
`GENERATED`; their `.expected` files still live in the fixture folder. Fixtures of the info
rules in `SHOWS_INFO` are linted with info findings shown (they are hidden by default).
"""

from __future__ import annotations

import datetime
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pmgen.commands.lint import run_lint
from pmgen.commands.parse import FileResult, parse_file
from pmgen.config import build_config
from pmgen.diagnostics import Severity
from pmgen.lint import Selection
from pmgen.read.linked import link_problem
from pmgen.rules import RULES, RULES_BY_CODE

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
TODAY = datetime.date(2026, 11, 26)
REQUIRED = ("context", "timeline", "lessons", "analysis", "actions")
_CODE = re.compile(r"^(PM\d{3})-")
_EXPECTED_LINE = re.compile(r"^(\d+):(\d+) (PM\d{3}) (error|warning|info) (.+)$")
# Info findings are hidden by default; fixtures of these info rules are linted with them shown.
SHOWS_INFO = ("PM307",)

_FRONT = "---\ntitle: Panne du serveur de fichiers\ndate: 2022-03-15\n---\n\n"
_SECTIONS = (
    "## Contexte\n\nLe serveur de fichiers partagé sert les exports de la paie.\n\n"
    "## Chronologie\n\n* 07:50 : le volume passe en lecture seule.\n\n"
    "## Enseignements\n\nLe basculement n'avait jamais été répété.\n\n"
    "## Analyse\n\nUn contrôleur disque défaillant a remonté des erreurs d'écriture.\n\n"
    "## Travaux restants\n\n* [ ] Répéter le basculement chaque trimestre @lea\n"
)


def _latin1_text() -> bytes:
    """A postmortem saved as Latin-1 by an old editor: the first accent is on line 6."""
    text = _FRONT + "Le caf\xe9 de la salle serveur a d\xe9bord\xe9.\n\n" + _SECTIONS
    return text.encode("latin-1")


def _utf16_export() -> bytes:
    """A wiki export saved as UTF-16 (every other byte is NUL)."""
    return (_FRONT + _SECTIONS).encode("utf-16")


def _png_renamed() -> bytes:
    """An image saved with a `.md` name."""
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06" * 4


def _six_megabytes() -> bytes:
    """Valid Markdown, but a 6 MB log pasted below the sections."""
    head = (_FRONT + _SECTIONS + "\n## Annexes\n\n").encode()
    line = b"    2022-03-15T07:50:00Z kernel: I/O error, dev sdb, sector 123456\n"
    return head + line * (6 * 1024 * 1024 // len(line) + 1)


def _log_pasted_line_by_line() -> bytes:
    """A postmortem with a 12,000-line log pasted into its timeline, one line a line."""
    head = _FRONT + _SECTIONS.split("## Enseignements")[0]
    log = "".join(
        f"* 07:{i // 600 % 60:02d} — écriture refusée sur sdb ({i})\n" for i in range(12_000)
    )
    return (head + log).encode()


GENERATED: dict[str, Callable[[], bytes]] = {
    "PM003-log-pasted-line-by-line.md": _log_pasted_line_by_line,
    "PM001-latin1-text.md": _latin1_text,
    "PM001-utf16-export.md": _utf16_export,
    "PM001-png-renamed-md.md": _png_renamed,
    "PM001-larger-than-5-mb.md": _six_megabytes,
}


def committed_fixtures() -> list[Path]:
    """Fixture inputs: `PM…-case.md` files, and `PM…-case/<file>.md` when the name matters."""
    return sorted([*FIXTURES.glob("PM*.md"), *FIXTURES.glob("PM*/*.md")])


def fixture_id(path: Path) -> str:
    """The fixture's path inside the fixture folder."""
    return path.relative_to(FIXTURES).as_posix()


def code_of(path: Path) -> str:
    """The rule code a fixture is named after (its own name, or its folder's)."""
    name = path.relative_to(FIXTURES).parts[0]
    match = _CODE.match(name)
    assert match, f"{name} is not named after a rule code"
    return match.group(1)


def lint_lines(path: Path) -> list[str]:
    """Lint one file exactly as the fixture contract says; findings as `.expected` lines."""
    fixture_dir = path.parent
    config = build_config({}, fixture_dir, None)
    name = path.relative_to(FIXTURES).parts[0] if path.is_relative_to(FIXTURES) else path.name
    selection = Selection(min_severity=Severity.INFO if name.startswith(SHOWS_INFO) else None)
    report = run_lint([path], config, cwd=fixture_dir, today=TODAY, selection=selection)
    assert report.files == 1
    return [
        f"{d.line}:{d.column} {d.code} {d.severity.label} {d.message}" for d in report.diagnostics
    ]


def expected_lines(path: Path) -> list[str]:
    """The expected findings for a fixture input (committed or generated)."""
    expected = FIXTURES / Path(fixture_id(path) if path.is_relative_to(FIXTURES) else path.name)
    return expected.with_suffix(".expected").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("path", committed_fixtures(), ids=fixture_id)
def test_fixture_findings(path: Path) -> None:
    """The committed fixture gives exactly the findings in its `.expected` file."""
    assert lint_lines(path) == expected_lines(path)


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_fixture_findings(name: str, tmp_path: Path) -> None:
    """Binary, non-UTF-8 and oversize inputs, written at test time, give their findings."""
    path = tmp_path / name
    path.write_bytes(GENERATED[name]())
    assert lint_lines(path) == expected_lines(path)


# --------------------------------------------------------------------------- meta-tests


def test_every_rule_has_a_fixture_that_reports_it() -> None:
    """Each catalogue code has a fixture named after it whose expected output contains it."""
    reported: dict[str, set[str]] = {rule.code: set() for rule in RULES}
    names = [(code_of(p), fixture_id(p)) for p in committed_fixtures()]
    names += [(code_of(FIXTURES / name), name) for name in GENERATED]
    for code, name in names:
        assert code in RULES_BY_CODE, f"{name}: {code} is not in the rule catalogue"
        expected = (FIXTURES / name).with_suffix(".expected").read_text(encoding="utf-8")
        if f" {code} " in expected:
            reported[code].add(name)
    missing = sorted(code for code, found in reported.items() if not found)
    assert not missing, f"rules with no fixture that triggers them: {missing}"


def test_every_expected_file_has_an_input_and_back() -> None:
    """No orphan `.expected` file, and no fixture input without one."""
    inputs = {fixture_id(p) for p in committed_fixtures()} | set(GENERATED)
    expected = {
        p.relative_to(FIXTURES).with_suffix(".md").as_posix()
        for p in [*FIXTURES.glob("PM*.expected"), *FIXTURES.glob("PM*/*.expected")]
    }
    assert expected == inputs
    assert not set(GENERATED) & {fixture_id(p) for p in committed_fixtures()}


def test_expected_files_are_well_formed_and_sorted() -> None:
    """Every expected line has the `LINE:COL CODE severity message` shape, in output order."""
    for path in [*FIXTURES.glob("PM*.expected"), *FIXTURES.glob("PM*/*.expected")]:
        keys = []
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _EXPECTED_LINE.match(line)
            assert match, f"{path.name}: malformed line {line!r}"
            keys.append((int(match.group(1)), int(match.group(2)), match.group(3)))
        assert keys == sorted(keys), f"{path.name} is not sorted"


def test_committed_fixtures_are_text() -> None:
    """Binary or non-UTF-8 inputs are generated by the tests, never committed."""
    for path in committed_fixtures():
        data = path.read_bytes()
        assert b"\x00" not in data, path
        data.decode("utf-8")
        assert len(data) < 64 * 1024, path


def test_every_rule_is_explained() -> None:
    """Each rule has a kebab-case name and non-empty summary, why, example and fix."""
    assert len({rule.code for rule in RULES}) == len(RULES)
    assert len({rule.name for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert re.fullmatch(r"PM\d{3}", rule.code)
        assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", rule.name), rule.name
        for text in (rule.summary, rule.why, rule.example, rule.fix):
            assert text.strip(), f"{rule.code} has an empty explanation field"


def test_catalogue_codes_are_the_public_contract() -> None:
    """The codes the issue publishes keep their names and default severities (more may come)."""
    published = {
        "PM001": ("unreadable-file", "error"),
        "PM002": ("front-matter-syntax", "error"),
        "PM101": ("missing-title", "error"),
        "PM102": ("missing-date", "error"),
        "PM103": ("invalid-field", "error"),
        "PM105": ("future-date", "warning"),
        "PM201": ("missing-section", "error"),
        "PM202": ("empty-section", "error"),
        "PM203": ("duplicate-section", "warning"),
        "PM204": ("section-order", "warning"),
        "PM301": ("broken-link", "error"),
        "PM302": ("missing-alt-text", "warning"),
        "PM303": ("code-block-prose", "warning"),
        "PM305": ("placeholder-text", "warning"),
    }
    found = {
        code: (RULES_BY_CODE[code].name, RULES_BY_CODE[code].severity.label) for code in published
    }
    assert found == published


# --------------------------------------------------------------------------- what fixtures imply


def _load(path: Path) -> FileResult:
    """Read and parse one fixture with the default configuration."""
    config = build_config({}, path.parent, None)
    return parse_file(path, path.parent, config, path.parent)


def test_title_comes_from_the_first_h1() -> None:
    """With no `title` key, the first level-1 heading names the postmortem."""
    parsed = _load(FIXTURES / "PM101-title-from-first-h1.md")
    assert parsed.postmortem.fields.title == "Exports comptables en retard"


def test_date_comes_from_the_file_name_prefix() -> None:
    """With no `date` key, a `YYYY-MM-DD-` file-name prefix dates the postmortem."""
    parsed = _load(FIXTURES / "PM102-date-from-file-name" / "2023-01-17-coupure-dns.md")
    assert parsed.postmortem.fields.date == datetime.date(2023, 1, 17)


@pytest.mark.parametrize(
    ("name", "date", "moment"),
    [
        ("PM103-date-as-quoted-string-accepted.md", datetime.date(2021, 9, 22), None),
        (
            "PM103-date-with-hours-and-minutes-accepted.md",
            datetime.date(2014, 11, 19),
            datetime.datetime(2014, 11, 19, 12, 21),
        ),
    ],
)
def test_dates_given_as_text_are_usable(
    name: str, date: datetime.date, moment: datetime.datetime | None
) -> None:
    """YAML returns these dates as strings; pmgen still reads them."""
    fields = _load(FIXTURES / name).postmortem.fields
    assert (fields.date, fields.datetime) == (date, moment)


def test_jekyll_front_matter_is_kept_and_typed() -> None:
    """Jekyll's keys are kept aside; known fields are normalised."""
    fields = _load(FIXTURES / "PM103-jekyll-keys-ignored.md").postmortem.fields
    assert fields.extra == {
        "layout": "post",
        "permalink": "/incidents/certificat/",
        "categories": ["incident", "tls"],
    }
    assert (fields.status, fields.lang, fields.severity) == (
        "review",
        "fr",
        "SEV2",
    )  # `2` is the second level
    assert fields.services == ("api", "portail")
    assert fields.tags == ("tls", "443")
    assert fields.date == datetime.date(2022, 7, 14)


def test_toml_front_matter_is_read() -> None:
    """`+++` front matter is TOML; its datetime is a date like any other."""
    parsed = _load(FIXTURES / "PM105-toml-front-matter-future-date.md")
    document, fields = parsed.postmortem.document, parsed.postmortem.fields
    assert document.front_matter_format == "toml"
    assert fields.title == "Bascule du datacenter"
    assert fields.date == datetime.date(2031, 4, 2)
    assert document.key_lines["date"] == 4


@pytest.mark.parametrize(
    ("name", "ids"),
    [
        ("PM201-english-aliases.md", list(REQUIRED)),
        (
            "PM201-french-aliases-numbered-and-emphasised.md",
            list(REQUIRED),
        ),
        (
            "PM203-nested-corrective-actions-not-duplicate.md",
            list(REQUIRED),
        ),
        (
            "PM202-optional-section-may-be-empty.md",
            [*REQUIRED, "impact", "appendix"],
        ),
    ],
)
def test_sections_recognised(name: str, ids: list[str]) -> None:
    """Aliases in both languages match; a sub-heading inside a section is not a new one."""
    sections = _load(FIXTURES / name).postmortem.sections
    assert [section.id for section in sections] == ids


def test_crlf_and_bom_fixtures_are_what_they_claim() -> None:
    """The line-ending fixtures really hold CRLF and a BOM (a checkout must not rewrite them)."""
    crlf = (FIXTURES / "PM202-crlf-line-endings.md").read_bytes()
    assert crlf.count(b"\r\n") == crlf.count(b"\n") > 10
    bom = (FIXTURES / "PM202-utf8-bom.md").read_bytes()
    assert bom.startswith(b"\xef\xbb\xbf---\n")
    assert lint_lines(FIXTURES / "PM202-crlf-line-endings.md") == lint_lines(
        FIXTURES / "PM202-utf8-bom.md"
    )


# --------------------------------------------------------------------------- draft and disable


def _copy(name: str, tmp_path: Path, edit: Callable[[str], str]) -> Path:
    """A fixture copied into tmp_path (with its `files/`), its text edited."""
    shutil.copytree(FIXTURES / "files", tmp_path / "files")
    target = tmp_path / name
    target.write_text(edit((FIXTURES / name).read_text(encoding="utf-8")), encoding="utf-8")
    return target


def test_draft_only_relaxes_its_three_rules(tmp_path: Path) -> None:
    """Marked published, the same findings are errors again, except PM305 (a warning)."""
    name = "PM201-draft-relaxes-missing-empty-and-placeholder.md"
    published = _copy(
        name, tmp_path, lambda text: text.replace("status: draft", "status: published")
    )
    draft = [line.split(" ", 3) for line in expected_lines(FIXTURES / name)]
    again = [line.split(" ", 3) for line in lint_lines(published)]
    assert [(pos, code, msg) for pos, code, _, msg in again] == [
        (pos, code, msg) for pos, code, _, msg in draft
    ]
    assert {code: sev for _, code, sev, _ in draft} == {
        "PM201": "warning",
        "PM202": "warning",
        "PM305": "warning",
    }
    assert {code: sev for _, code, sev, _ in again} == {
        "PM201": "error",
        "PM202": "error",
        "PM305": "warning",
    }


def test_draft_does_not_relax_other_rules(tmp_path: Path) -> None:
    """A draft still gets PM103 and PM301 as errors."""
    name = "PM301-missing-relative-file.md"
    draft = _copy(name, tmp_path, lambda text: text.replace("---\n\n", "status: draft\n---\n\n", 1))
    found = lint_lines(draft)
    assert [line.split(" ")[1:3] for line in found] == [["PM301", "error"]] * 3


def test_inline_disable_is_what_silences_pm303(tmp_path: Path) -> None:
    """The disabled fixture reports PM303 once the comment is gone."""
    name = "PM303-disabled-inline.md"
    assert lint_lines(FIXTURES / name) == []
    enabled = _copy(name, tmp_path, lambda text: text.replace("<!-- pmgen-disable PM303 -->", ""))
    assert [line.split(" ")[1] for line in lint_lines(enabled)] == ["PM303"]


@pytest.mark.parametrize(
    ("comment", "codes"),
    [
        ("<!-- pmgen-disable PM303 -->", ["PM305"]),
        ("<!-- pmgen-disable PM305 -->", ["PM303"]),
        ("<!-- pmgen-disable PM3 -->", []),
        ("<!-- pmgen-disable PM303, PM305 -->", []),
        ("<!-- pmgen-disable -->", []),
        ("<!-- pmgen-disable PM202 -->", ["PM303", "PM305"]),
        ("Le texte <!-- pmgen-disable PM303 --> en ligne.", ["PM305"]),
    ],
)
def test_inline_disable_forms(comment: str, codes: list[str], tmp_path: Path) -> None:
    """A listed code or prefix is silenced for the whole file; a bare comment silences all."""
    name = "PM303-prose-indented-four-spaces.md"
    path = _copy(name, tmp_path, lambda text: text + f"\n{comment}\n\nTBD\n")
    assert [line.split(" ")[1] for line in lint_lines(path)] == codes


def test_file_url_is_refused_by_link_check(tmp_path: Path) -> None:
    """`file:` targets (unreachable from Markdown, which refuses them) are never followed."""
    source = tmp_path / "a.md"
    assert link_problem("file:///etc/passwd", source, tmp_path) == (
        "`file:///etc/passwd`: `file:` URLs are never followed"
    )
    assert link_problem("https://example.org/x.png", source, tmp_path) is None
    assert link_problem("mailto:ops@example.org", source, tmp_path) is None
    assert link_problem("#contexte", source, tmp_path) is None
