"""The import layering of pmgen (GUIDE.md, "Suggested module map"), checked with `ast`.

A module imports only from its own layer or a lower one; each third-party library is confined
to the one module that wraps it; only the CLI talks to the user (print, sys.exit).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pmgen"

# Module (top-level name under pmgen/; a sub-package counts as one module) -> layer.
LAYERS: dict[str, int] = {
    # 0: values and catalogues, no behaviour that needs another pmgen module.
    "__init__": 0,
    "diagnostics": 0,
    "rules": 0,
    "model": 0,
    "errors": 0,
    "prompts": 0,
    "slugs": 0,
    # 1: one concern each, often one third-party library each.
    "config": 1,
    "source": 1,
    "markdown": 1,
    "formatters": 1,
    "gitchanges": 1,
    "output": 1,
    "sanitize": 1,
    "i18n": 1,
    "search": 1,
    "cache": 1,
    "sitefiles": 1,
    # 2: meaning drawn from the parsed document.
    "sections": 2,
    "schema": 2,
    # 3: whole postmortems and sets of them.
    "postmortem": 3,
    "fix": 3,
    "lint": 3,
    "timeline": 3,
    "actions": 3,
    "charts": 3,
    "library": 3,
    "links": 3,
    "incident": 3,
    "chartspec": 3,
    # 4: pages.
    "render": 4,
    "export": 4,
    "fragments": 4,
    "assemble": 4,
    "views": 4,
    # 5: use cases.
    "check": 5,
    "build": 5,
    "scaffold": 5,
    "serve": 5,
    "publish": 5,
    # 6: the command line.
    "cli": 6,
    "__main__": 6,
}

# Third-party top-level package -> the only modules allowed to import it.
CONFINED: dict[str, frozenset[str]] = {
    "markdown_it": frozenset({"markdown"}),
    "mdit_py_plugins": frozenset({"markdown"}),
    "yaml": frozenset({"source"}),
    "jinja2": frozenset({"render"}),
    "markupsafe": frozenset({"render"}),
    "click": frozenset({"cli"}),
    "nh3": frozenset({"render", "sanitize"}),
    "babel": frozenset({"i18n"}),
}

# Only the command line prints or ends the process.
TALKERS = frozenset({"cli"})


@dataclass(frozen=True, slots=True)
class Import:
    """One import statement found in a pmgen source file."""

    source: str  # the importing module's key in LAYERS
    file: str  # path relative to the package, for messages
    line: int
    target: str  # a pmgen module key, or a third-party top-level package
    internal: bool


def module_key(path: Path) -> str:
    """`lint/checks.py` -> `lint`; `cli/build.py` -> `cli`; `model.py` -> `model`."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _internal_key(dotted: str) -> str:
    """The module key for `pmgen.x.y` (or `pmgen` itself)."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _is_module(name: str) -> bool:
    return (PACKAGE / f"{name}.py").is_file() or (PACKAGE / name / "__init__.py").is_file()


def _shown_module(name: str) -> str:
    """How messages name a module key: `cli/` for a sub-package, `markdown.py` for a file."""
    return f"{name}/" if (PACKAGE / name / "__init__.py").is_file() else f"{name}.py"


def imports_of(path: Path, text: str | None = None) -> Iterator[Import]:
    """Every import in one file (also inside functions and `if TYPE_CHECKING:`)."""
    tree = ast.parse(text if text is not None else path.read_text(encoding="utf-8"))
    source = module_key(path)
    shown = path.relative_to(PACKAGE).as_posix()
    relative = path.relative_to(PACKAGE)
    package_parts = ["pmgen", *relative.parts[:-1]]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "pmgen" or alias.name.startswith("pmgen."):
                    yield Import(source, shown, node.lineno, _internal_key(alias.name), True)
                else:
                    yield Import(source, shown, node.lineno, alias.name.split(".")[0], False)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                dotted = ".".join([*base, *([node.module] if node.module else [])])
            else:
                dotted = node.module or ""
            if dotted == "pmgen":
                for alias in node.names:
                    target = alias.name if _is_module(alias.name) else "__init__"
                    yield Import(source, shown, node.lineno, target, True)
            elif dotted.startswith("pmgen."):
                yield Import(source, shown, node.lineno, _internal_key(dotted), True)
            else:
                yield Import(source, shown, node.lineno, dotted.split(".")[0], False)


def all_imports() -> list[Import]:
    return [found for path in source_files() for found in imports_of(path)]


def layering_violations(imports: list[Import]) -> list[str]:
    problems = []
    for found in imports:
        if not found.internal or found.source not in LAYERS or found.target not in LAYERS:
            continue
        if LAYERS[found.target] > LAYERS[found.source]:
            problems.append(
                f"pmgen/{found.file}:{found.line}: `{found.source}` (layer "
                f"{LAYERS[found.source]}) imports `{found.target}` (layer "
                f"{LAYERS[found.target]}); a module imports only from its layer or below"
            )
    return problems


def third_party(imports: list[Import]) -> list[Import]:
    stdlib = sys.stdlib_module_names
    return [found for found in imports if not found.internal and found.target not in stdlib]


# --- the tests ------------------------------------------------------------------------------


def test_every_module_has_a_layer() -> None:
    unknown = sorted({module_key(path) for path in source_files()} - set(LAYERS))
    assert not unknown, (
        f"pmgen modules without a layer: {', '.join(unknown)}. Add each one to LAYERS in "
        "tests/test_architecture.py (and to the module map in GUIDE.md) at the lowest layer "
        "its imports allow."
    )


def test_imported_pmgen_modules_exist() -> None:
    missing = [
        f"pmgen/{found.file}:{found.line}: imports `pmgen.{found.target}`, which does not exist"
        for found in all_imports()
        if found.internal and found.target != "__init__" and not _is_module(found.target)
    ]
    assert not missing, "\n".join(missing)


def test_imports_go_down_the_layers() -> None:
    problems = layering_violations(all_imports())
    assert not problems, "\n".join(problems)


def test_third_party_libraries_are_confined() -> None:
    problems = [
        f"pmgen/{found.file}:{found.line}: `{found.target}` may only be imported by "
        f"{', '.join(_shown_module(m) for m in sorted(CONFINED[found.target]))}"
        for found in third_party(all_imports())
        if found.target in CONFINED and found.source not in CONFINED[found.target]
    ]
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


def _talks(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("print", "exit", "quit"):
            yield node.lineno, f"{func.id}("
        elif (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and (func.value.id, func.attr) in (("sys", "exit"), ("os", "_exit"))
        ):
            yield node.lineno, f"{func.value.id}.{func.attr}("


def test_only_the_cli_prints_or_exits() -> None:
    problems = [
        f"pmgen/{path.relative_to(PACKAGE).as_posix()}:{line}: calls {call}; core code "
        "returns values and lets pmgen/cli/ talk to the user"
        for path in source_files()
        if module_key(path) not in TALKERS
        for line, call in _talks(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not problems, "\n".join(problems)


# --- the checker checks -------------------------------------------------------------------


def test_the_collector_sees_real_imports() -> None:
    found = {(i.source, i.target) for i in all_imports()}
    assert ("cli", "check") in found
    assert ("cli", "click") in found
    assert ("lint", "lint") in found  # lint/__init__.py imports pmgen.lint.checks
    assert ("markdown", "markdown_it") in found
    assert ("cli", "__init__") in found  # from pmgen import __version__


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from pmgen.cli import main\n", ("cli", True)),
        ("import pmgen.check\n", ("check", True)),
        ("from pmgen import check\n", ("check", True)),
        ("from pmgen import __version__\n", ("__init__", True)),
        ("from . import cli\n", ("cli", True)),
        ("from .cli import main\n", ("cli", True)),
        ("def f():\n    import click\n", ("click", False)),
        ("from markdown_it.token import Token\n", ("markdown_it", False)),
    ],
)
def test_the_collector_resolves_import_forms(text: str, expected: tuple[str, bool]) -> None:
    (found,) = imports_of(PACKAGE / "rules.py", text)
    assert (found.target, found.internal) == expected
    # rules.py is layer 0: importing any higher pmgen module from it is a violation.
    upward = expected[1] and LAYERS[expected[0]] > 0
    assert bool(layering_violations([found])) == upward


def test_relative_import_inside_a_subpackage() -> None:
    (found,) = imports_of(PACKAGE / "lint" / "checks.py", "from ..cli import main\n")
    assert (found.source, found.target) == ("lint", "cli")
    assert layering_violations([found])


def test_subpackages_count_as_one_module() -> None:
    # Every file of a sub-package shares its layer, its confined libraries and its right to talk.
    assert module_key(PACKAGE / "charts" / "svg.py") == "charts"
    assert module_key(PACKAGE / "cli" / "common.py") == "cli"
    assert module_key(PACKAGE / "cli" / "__init__.py") == "cli"
    cli_files = sorted((PACKAGE / "cli").glob("*.py"))
    assert cli_files and all(module_key(path) in TALKERS for path in cli_files)
    (found,) = imports_of(PACKAGE / "cli" / "lint.py", "from .common import reported\n")
    assert (found.source, found.target) == ("cli", "cli")
    assert not layering_violations([found])


def test_the_talk_check_sees_print_and_exit() -> None:
    tree = ast.parse("import sys\nprint('x')\nsys.exit(2)\nclick.echo('y')\n")
    assert [call for _, call in _talks(tree)] == ["print(", "sys.exit("]
