"""The shape of pmgen, checked with `ast`: the pipeline stages as packages, imports going down
the stages only, the declared order inside each stage (so no cycles), each third-party library
and each sensitive standard-library module confined to one module, only the CLI talking.

Stages, bottom up (docs/architecture.md):

    charts → vocabulary (top-level modules) → read → lint → pages → write → commands → cli
"""

from __future__ import annotations

import ast
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pmgen"

# The stages, bottom up. A module imports only from its own stage or the ones before it.
STAGES = ("charts", "vocabulary", "read", "lint", "pages", "write", "commands", "cli")

# Inside a stage, the modules bottom up: a module imports only the ones listed before it.
# This is where same-stage imports are declared; it also rules out cycles.
ORDER: dict[str, tuple[str, ...]] = {
    "charts": (
        "charts.model",
        "charts.words",
        "charts.formatting",
        "charts.layout",
        "charts.placement",
        "charts.clock",
        "charts.ticks",
        "charts.data",
        "charts.description",
        "charts.table",
        "charts.svg",
        "charts.axes",
        "charts.plot",
        "charts.breaks",
        "charts.timemarks",
        "charts.timeline",
        "charts.vertical",
        "charts.figure",
        "charts",
    ),
    "vocabulary": (
        "__init__",
        "errors",
        "pauses",
        "diagnostics",
        "rules",
        "severities",
        "slugs",
        "prompts",
        "tomlfile",
        "atomic",
        "safepaths",
        "processes",
        "model",
        "theme_words",
        "config",
        "configdoc",
        "cache",
        "i18n",
    ),
    "read": (
        "read",
        "read.lines",
        "read.markdown",
        "read.frontmatter",
        "read.files",
        "read.publishable",
        "read.linked",
        "read.fields",
        "read.sections",
        "read.zones",
        "read.clock",
        "read.calendar",
        "read.blocks",
        "read.stamps",
        "read.regions",
        "read.placing",
        "read.timeline",
        "read.milestones",
        "read.language",
        "read.dating",
        "read.actions",
        "read.incident",
        "read.details",
        "read.findings",
        "read.chartspecs",
        "read.postmortem",
    ),
    "lint": ("lint", "lint.fix", "lint.formatters", "lint.checks", "lint.run"),
    "pages": (
        "pages",
        "pages.sanitize",
        "pages.library",
        "pages.theme",
        "pages.templates",
        "pages.severity",
        "pages.filters",
        "pages.marks",
        "pages.body",
        "pages.incident",
        "pages.article",
        "pages.actions",
        "pages.stats",
        "pages.fragments",
        "pages.dashboard",
        "pages.links",
        "pages.export",
        "pages.context",
        "pages.feeds",
        "pages.site",
        "pages.assemble",
    ),
    "write": ("write", "write.whole", "write.search", "write.incremental", "write.shards"),
    "commands": (
        "commands",
        "commands.git",
        "commands.parse",
        "commands.lint",
        "commands.stages",
        "commands.build",
        "commands.export",
        "commands.new",
        "commands.init",
        "commands.live",
        "commands.serve",
        "commands.publish",
    ),
    "cli": (
        "cli.common",
        "cli.build",
        "cli.lint",
        "cli.new",
        "cli.init",
        "cli.serve",
        "cli.publish",
        "cli.export",
        "cli",
        "__main__",
    ),
}

# Third-party packages, and standard-library modules that reach outside the process or run
# code (databases, processes, native calls), each allowed in the listed modules only.
CONFINED: dict[str, frozenset[str]] = {
    "markdown_it": frozenset({"read.markdown"}),
    "mdit_py_plugins": frozenset({"read.markdown"}),
    "yaml": frozenset({"read.frontmatter"}),
    "defusedxml": frozenset({"read.publishable"}),
    "jinja2": frozenset({"pages.templates"}),
    "markupsafe": frozenset({"pages.templates"}),
    "nh3": frozenset({"pages.sanitize"}),
    "babel": frozenset({"i18n"}),
    "click": frozenset(name for name in ORDER["cli"] if name != "__main__"),
    "sqlite3": frozenset({"cache"}),
    "pickle": frozenset({"cache"}),
    "subprocess": frozenset({"processes"}),
    "tomllib": frozenset({"tomlfile"}),
    "ctypes": frozenset({"write.whole"}),
    "multiprocessing": frozenset({"commands.parse"}),
    "concurrent": frozenset({"commands.parse"}),
    "http": frozenset({"commands.serve"}),
    "watchfiles": frozenset({"commands.serve"}),
    "socketserver": frozenset({"commands.serve"}),
}

# Only the command line prints, writes to the standard streams or ends the process.
TALKERS = frozenset(ORDER["cli"])


@dataclass(frozen=True, slots=True)
class Import:
    """One import statement found in a pmgen source file."""

    source: str  # the importing module, dotted under pmgen (`read.timeline`, `model`)
    file: str  # path relative to the package, for messages
    line: int
    target: str  # a pmgen module (dotted) or a top-level library name
    internal: bool


def module_name(path: Path, package: Path = PACKAGE) -> str:
    """`read/timeline.py` → `read.timeline`; `read/__init__.py` → `read`; `model.py` → `model`."""
    parts = list(path.relative_to(package).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def stage_of(module: str) -> str:
    """The stage a module belongs to: its package, or `vocabulary` for top-level modules."""
    if module == "__main__":
        return "cli"
    head = module.split(".")[0]
    return head if head in STAGES and head != "vocabulary" else "vocabulary"


def source_files(package: Path = PACKAGE) -> list[Path]:
    return sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)


def _existing(dotted: str, package: Path) -> str:
    """The pmgen module a dotted name refers to (`pmgen.read.timeline.X` → `read.timeline`)."""
    parts = dotted.split(".")[1:]
    while parts:
        path = package.joinpath(*parts)
        if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
            return ".".join(parts)
        parts.pop()
    return "__init__"


def imports_of(path: Path, text: str | None = None, package: Path = PACKAGE) -> Iterator[Import]:
    """Every import in one file (also inside functions and `if TYPE_CHECKING:`)."""
    tree = ast.parse(text if text is not None else path.read_text(encoding="utf-8"))
    source = module_name(path, package)
    shown = path.relative_to(package).as_posix()
    package_parts = ["pmgen", *path.relative_to(package).parts[:-1]]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "pmgen" or alias.name.startswith("pmgen."):
                    target = _existing(alias.name, package)
                    yield Import(source, shown, node.lineno, target, True)
                else:
                    yield Import(source, shown, node.lineno, alias.name.split(".")[0], False)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                dotted = ".".join([*base, *([node.module] if node.module else [])])
            else:
                dotted = node.module or ""
            if dotted == "pmgen" or dotted.startswith("pmgen."):
                for alias in node.names:  # `from pmgen.read import timeline` names a module
                    target = _existing(f"{dotted}.{alias.name}", package)
                    yield Import(source, shown, node.lineno, target, True)
            else:
                yield Import(source, shown, node.lineno, dotted.split(".")[0], False)


def all_imports(package: Path = PACKAGE) -> list[Import]:
    return [found for path in source_files(package) for found in imports_of(path, None, package)]


def layering_violations(imports: list[Import]) -> list[str]:
    """Imports that go up the stages, or up (or sideways, undeclared) inside a stage."""
    problems = []
    for found in imports:
        if not found.internal or found.source == found.target:
            continue
        source_stage, target_stage = stage_of(found.source), stage_of(found.target)
        where = f"pmgen/{found.file}:{found.line}: `{found.source}` imports `{found.target}`"
        if STAGES.index(target_stage) > STAGES.index(source_stage):
            problems.append(
                f"{where}: the {target_stage} stage is above the {source_stage} stage; a "
                "module imports only from its own stage or the ones below"
            )
        elif target_stage == source_stage:
            order = ORDER[source_stage]
            if found.source not in order or found.target not in order:
                missing = found.source if found.source not in order else found.target
                problems.append(f"{where}: `{missing}` is not declared in ORDER[{source_stage!r}]")
            elif order.index(found.target) > order.index(found.source):
                problems.append(
                    f"{where}: inside the {source_stage} stage, `{found.target}` is declared "
                    f"above `{found.source}`; reorder ORDER or move the code down"
                )
    return problems


def cycles(imports: list[Import]) -> list[list[str]]:
    """Every import cycle between pmgen modules (each once, as a list of modules)."""
    graph: dict[str, set[str]] = {}
    for found in imports:
        if found.internal and found.source != found.target:
            graph.setdefault(found.source, set()).add(found.target)
    found_cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found_cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    return found_cycles


def confinement_violations(imports: list[Import]) -> list[str]:
    return [
        f"pmgen/{found.file}:{found.line}: `{found.target}` may only be imported by "
        f"{', '.join(sorted(CONFINED[found.target]))}"
        for found in imports
        if not found.internal
        and found.target in CONFINED
        and found.source not in CONFINED[found.target]
    ]


def third_party(imports: list[Import]) -> list[Import]:
    stdlib = sys.stdlib_module_names
    return [found for found in imports if not found.internal and found.target not in stdlib]


def _talks(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in ("print", "exit", "quit", "input"):
                yield node.lineno, f"{func.id}("
            elif (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and (func.value.id, func.attr) in (("sys", "exit"), ("os", "_exit"))
            ):
                yield node.lineno, f"{func.value.id}.{func.attr}("
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "sys"
            and node.attr in ("stdout", "stderr", "stdin")
        ):
            yield node.lineno, f"sys.{node.attr}"


def talk_violations(package: Path = PACKAGE) -> list[str]:
    return [
        f"pmgen/{path.relative_to(package).as_posix()}:{line}: uses {call}; core code returns "
        "values and lets pmgen/cli/ talk to the user"
        for path in source_files(package)
        if module_name(path, package) not in TALKERS
        for line, call in _talks(ast.parse(path.read_text(encoding="utf-8")))
    ]


# --- the tests ------------------------------------------------------------------------------


def test_every_module_is_declared_in_its_stage() -> None:
    undeclared = sorted(
        name
        for name in (module_name(path) for path in source_files())
        if name not in ORDER[stage_of(name)]
    )
    assert not undeclared, (
        f"pmgen modules not declared in ORDER: {', '.join(undeclared)}. Add each one to its "
        "stage in tests/test_architecture.py, above what it imports, and to "
        "docs/architecture.md."
    )


def test_declared_modules_exist() -> None:
    present = {module_name(path) for path in source_files()}
    stale = sorted(name for names in ORDER.values() for name in names if name not in present)
    assert not stale, f"declared in ORDER but not in pmgen/: {', '.join(stale)}"


def test_top_level_holds_only_the_vocabulary() -> None:
    loose = sorted(
        path.name
        for path in PACKAGE.glob("*.py")
        if stage_of(module_name(path)) == "vocabulary"
        and module_name(path) not in ORDER["vocabulary"]
    )
    assert not loose, f"top-level modules outside the shared vocabulary: {loose}"


def test_imports_go_down_the_stages() -> None:
    problems = layering_violations(all_imports())
    assert not problems, "\n".join(problems)


def test_no_import_cycles() -> None:
    found = cycles(all_imports())
    assert not found, "\n".join(" → ".join(cycle) for cycle in found)


def test_libraries_are_confined() -> None:
    problems = confinement_violations(all_imports())
    assert not problems, "\n".join(problems)


def test_every_other_third_party_library_lives_in_one_module() -> None:
    users: dict[str, set[str]] = {}
    for found in third_party(all_imports()):
        if found.target not in CONFINED:
            users.setdefault(found.target, set()).add(found.source)
    spread = {library: sorted(modules) for library, modules in users.items() if len(modules) > 1}
    assert not spread, (
        f"third-party libraries imported from several modules: {spread}; wrap each one in a "
        "single module and add it to CONFINED in tests/test_architecture.py"
    )


def test_only_the_cli_talks() -> None:
    problems = talk_violations()
    assert not problems, "\n".join(problems)


# --- the checker checks: each rule fails on a planted violation ----------------------------


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """A copy of the package to plant violations in."""
    copy = tmp_path / "pmgen"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _plant(package: Path, relative: str, line: str) -> None:
    path = package / relative
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_the_real_tree_is_clean_and_the_copy_too(planted: Path) -> None:
    imports = all_imports(planted)
    assert ("cli.lint", "click") in {(i.source, i.target) for i in imports}
    assert not layering_violations(imports)
    assert not cycles(imports)
    assert not confinement_violations(imports)
    assert not talk_violations(planted)


def test_a_planted_upward_import_fails(planted: Path) -> None:
    _plant(planted, "read/timeline.py", "from pmgen.pages.library import Entry")
    problems = layering_violations(all_imports(planted))
    assert len(problems) == 1
    assert "`read.timeline` imports `pages.library`" in problems[0]
    assert "the pages stage is above the read stage" in problems[0]


def test_a_planted_upward_import_inside_a_stage_fails(planted: Path) -> None:
    _plant(planted, "read/markdown.py", "from pmgen.read.timeline import parse_time")
    (problem,) = layering_violations(all_imports(planted))
    assert "inside the read stage, `read.timeline` is declared above `read.markdown`" in problem


def test_a_planted_cycle_fails(planted: Path) -> None:
    _plant(planted, "read/markdown.py", "import pmgen.read.postmortem")
    assert ["read.markdown", "read.postmortem", "read.markdown"] in [
        cycle[-3:] for cycle in cycles(all_imports(planted))
    ]


def test_a_planted_print_fails(planted: Path) -> None:
    _plant(planted, "pages/library.py", "print('debug')")
    _plant(planted, "write/whole.py", "import sys\nsys.stderr.write('x')")
    problems = talk_violations(planted)
    assert len(problems) == 2
    assert "pmgen/pages/library.py" in problems[0] and "print(" in problems[0]
    assert "pmgen/write/whole.py" in problems[1] and "sys.stderr" in problems[1]


def test_a_planted_sqlite3_import_fails(planted: Path) -> None:
    _plant(planted, "pages/export.py", "import sqlite3")
    (problem,) = confinement_violations(all_imports(planted))
    assert problem.startswith("pmgen/pages/export.py:")
    assert "`sqlite3` may only be imported by cache" in problem


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("from pmgen.cli import main\n", "cli"),
        ("import pmgen.commands.lint\n", "commands.lint"),
        ("from pmgen.read import timeline\n", "read.timeline"),
        ("from pmgen.read.timeline import parse_time\n", "read.timeline"),
        ("from pmgen import __version__\n", "__init__"),
        ("from . import cli\n", "cli"),
        ("from .cli import main\n", "cli"),
    ],
)
def test_the_collector_resolves_import_forms(text: str, target: str) -> None:
    (found,) = imports_of(PACKAGE / "rules.py", text)
    assert (found.target, found.internal) == (target, True)


def test_the_collector_sees_libraries_inside_functions() -> None:
    (found,) = imports_of(PACKAGE / "rules.py", "def f():\n    import click\n")
    assert (found.target, found.internal) == ("click", False)
    assert confinement_violations([found])


def test_every_imported_pmgen_name_exists() -> None:
    """Imports inside functions run late: check now that each names something real."""
    import importlib

    missing = []
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and not node.level and node.module:
                if not (node.module == "pmgen" or node.module.startswith("pmgen.")):
                    continue
                module = importlib.import_module(node.module)
                for alias in node.names:
                    if not hasattr(module, alias.name):
                        try:
                            importlib.import_module(f"{node.module}.{alias.name}")
                        except ImportError:
                            where = f"pmgen/{path.relative_to(PACKAGE).as_posix()}:{node.lineno}"
                            missing.append(f"{where}: {node.module} has no {alias.name}")
    assert not missing, "\n".join(missing)
