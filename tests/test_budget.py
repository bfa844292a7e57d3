"""Time budget on hostile text (issue 10, items 4 and 5): nothing pmgen runs on user text is
worse than linear.

Two tests:
- every regular expression of pmgen (module constants, and literal patterns passed to `re`
  functions) runs, with `search` and `finditer` (every start position: what `sub` and
  `findall` do), on adversarial strings generated from its own structure: each prefix of a
  match repeated, and each character of a match stretched into a long run;
- every pathological postmortem of tests/pathological.py lints and builds within the budget.

The budget (docs/bad-input.md): a postmortem of up to 1 MB lints in 2 s and builds in 5 s on
a two-core machine, measured here in processor time (the machine running the tests may be
busy with other work). `make test` runs the postmortems at 100 kB and the patterns on 100 kB
strings; `make fuzz` (HYPOTHESIS_PROFILE=long) runs the postmortems at 1 MB.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from re import _constants as sre  # type: ignore[attr-defined]  # the parser behind `re`
from re import _parser as sre_parse  # type: ignore[attr-defined]

import pytest
from pathological import CATALOGUE

from pmgen.commands.build import BuildOptions, build_site
from pmgen.commands.lint import run_lint
from pmgen.config import build_config

PACKAGE = Path(__file__).resolve().parent.parent / "pmgen"
LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
TEXT_SIZE = 100_000
# Per adversarial string of 100 kB: a linear scan takes milliseconds, a quadratic one minutes;
# no pattern may take the whole lint budget on one line.
PATTERN_SECONDS = 2.0
POSTMORTEM_SIZE = 1_000_000 if LONG else 100_000
LINT_SECONDS, BUILD_SECONDS = 2.0, 5.0
TODAY = dt.date(2024, 6, 1)


# --- every pattern ----------------------------------------------------------------------------


def module_names() -> list[str]:
    return sorted(
        ".".join(("pmgen", *p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
        for p in PACKAGE.rglob("*.py")
        if p.name != "__main__.py"
    )


def _patterns_in(value: object) -> Iterator[re.Pattern[str]]:
    if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
        yield value
    elif isinstance(value, tuple | list | frozenset | set):
        for item in value:
            yield from _patterns_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _patterns_in(item)


def literal_patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    """Patterns written as literals in `re.sub(...)`, `re.findall(...)` and such calls."""
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.func.attr in ("sub", "subn", "search", "match", "findall", "finditer")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                where = f"{path.relative_to(PACKAGE.parent).as_posix()}:{node.lineno}"
                yield where, re.compile(node.args[0].value)


def all_patterns() -> dict[str, re.Pattern[str]]:
    found: dict[str, re.Pattern[str]] = {}
    for name in module_names():
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if getattr(value, "__module__", name) not in (name, None) and not isinstance(
                value, re.Pattern | tuple | list | dict | frozenset
            ):
                continue
            for index, pattern in enumerate(_patterns_in(value)):
                found.setdefault(f"{name}.{attribute}[{index}]", pattern)
    found.update(literal_patterns())
    seen: set[tuple[str, int]] = set()
    unique = {}
    for name, pattern in sorted(found.items()):
        if (pattern.pattern, pattern.flags) not in seen:
            seen.add((pattern.pattern, pattern.flags))
            unique[name] = pattern
    return unique


PATTERNS = all_patterns()
_CATEGORY_SAMPLES = {
    sre.CATEGORY_DIGIT: "1",
    sre.CATEGORY_NOT_DIGIT: "a",
    sre.CATEGORY_SPACE: " ",
    sre.CATEGORY_NOT_SPACE: "a",
    sre.CATEGORY_WORD: "a",
    sre.CATEGORY_NOT_WORD: " ",
    sre.CATEGORY_LINEBREAK: "\n",
    sre.CATEGORY_NOT_LINEBREAK: "a",
}
_CATEGORY_REGEX = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
}
_CANDIDATES = "a1 !-.:/_x<>é\t"


def _in_set(items: list[tuple[object, object]], filler: str) -> str:
    """A character of a character class (for a negated one, one it does not hold)."""
    negated = bool(items) and items[0][0] is sre.NEGATE
    members = items[1:] if negated else items

    def holds(char: str) -> bool:
        for op, av in members:
            if op is sre.LITERAL and chr(av) == char:  # type: ignore[arg-type]
                return True
            if op is sre.RANGE and av[0] <= ord(char) <= av[1]:  # type: ignore[index]
                return True
            if op is sre.CATEGORY and re.fullmatch(_CATEGORY_REGEX.get(av, "(?!)"), char):
                return True
        return False

    if negated:
        return next((c for c in filler + _CANDIDATES if not holds(c)), "\x01")
    op, av = members[0]
    if op is sre.LITERAL:
        return chr(av)  # type: ignore[arg-type]
    if op is sre.RANGE:
        return chr(av[0])  # type: ignore[index]
    if op is sre.CATEGORY:
        return _CATEGORY_SAMPLES.get(av, "a")  # type: ignore[call-overload]
    return "a"


def sample(items: object, choice: int, filler: str = "a") -> str:
    """One string the parsed pattern matches (roughly: lookarounds and anchors ignored),
    taking alternative number `choice` (modulo) at every branch, and `filler` where any
    character (or any but some) will do: a letter, or a space (which ends a word)."""
    out = []
    for op, av in items:  # type: ignore[attr-defined]
        if op is sre.LITERAL:
            out.append(chr(av))
        elif op is sre.NOT_LITERAL:
            out.append(filler if av != ord(filler) else "b")
        elif op is sre.ANY:
            out.append(filler)
        elif op is sre.IN:
            out.append(_in_set(list(av), filler))
        elif op is sre.CATEGORY:
            out.append(_CATEGORY_SAMPLES.get(av, "a"))
        elif op is sre.BRANCH:
            branches = av[1]
            out.append(sample(branches[choice % len(branches)], choice, filler))
        elif op is sre.SUBPATTERN:
            out.append(sample(av[-1], choice, filler))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            low, high, sub = av
            times = min(max(low, 2), high) if high else 0
            out.append(sample(sub, choice, filler) * times)
        elif op is getattr(sre, "ATOMIC_GROUP", None):
            out.append(sample(av, choice, filler))
        elif op is sre.GROUPREF_EXISTS:
            out.append(sample(av[1], choice, filler))
    return "".join(out)


def adversarial(pattern: re.Pattern[str], size: int = TEXT_SIZE) -> list[str]:
    """Strings about `size` long that make a backtracking engine retry: every prefix of a
    match repeated (many near-starts), every character of a match stretched into a run that
    ends in a character nothing expects (long failed attempts)."""
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    width = max(
        [len(av[1]) for op, av in _walk(parsed) if op is sre.BRANCH] + [1]  # type: ignore[index]
    )
    choices = range(min(width, 8))
    samples = {sample(parsed, choice, filler) for choice in choices for filler in "a "} - {""}
    texts: set[str] = set()
    for text in samples:
        positions = sorted({round(i * (len(text) - 1) / 11) for i in range(12)})
        for end in positions:
            unit = text[: end + 1]
            texts.add((unit * (size // len(unit) + 1))[:size] + "\x01")
            texts.add(text[:end] + text[end] * size + "\x01")
    return sorted(texts)


def _walk(items: object) -> Iterator[tuple[object, object]]:
    for op, av in items:  # type: ignore[attr-defined]
        yield op, av
        if op is sre.BRANCH:
            for branch in av[1]:  # type: ignore[index]
                yield from _walk(branch)
        elif op is sre.SUBPATTERN:
            yield from _walk(av[-1])  # type: ignore[index]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            yield from _walk(av[2])  # type: ignore[index]


def test_every_pattern_is_found() -> None:
    """The collector sees the patterns the issue named (so a new one is seen too)."""
    sources = {p.pattern for p in PATTERNS.values()}
    assert len(PATTERNS) >= 40, sorted(PATTERNS)
    assert any("pmgen-disable" in s for s in sources)
    assert any("owner" in s for s in sources)
    assert any(s.startswith(r"\b(?:due") for s in sources)


def test_the_generator_catches_a_quadratic_pattern() -> None:
    """The detector works: the patterns the issue reported take seconds on its strings."""
    for source in (r"\bdue\b\s*:?\s*x", r"[\s:.?!]+$", r"<!--\s*pmgen-disable\b([^>]*?)-->"):
        pattern = re.compile(source)
        slow = (_time(pattern, text) > 0.02 for text in adversarial(pattern, 8_000))
        assert any(slow), source  # stops at the first slow one


def _time(pattern: re.Pattern[str], text: str) -> float:
    started = time.process_time()
    pattern.search(text)
    for _ in pattern.finditer(text):
        pass
    return time.process_time() - started


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_every_pattern_is_linear_on_adversarial_text(name: str) -> None:
    """Each string is first tried at a tenth of its size, so that a pattern too slow there
    fails at once instead of running for minutes at full size."""
    pattern = PATTERNS[name]
    slow = []
    for small, text in zip(
        adversarial(pattern, TEXT_SIZE // 10), adversarial(pattern), strict=True
    ):
        seconds = _time(pattern, small) * 10  # linear: ten times the tenth
        if seconds <= PATTERN_SECONDS:  # else even a linear growth would be too slow
            seconds = _time(pattern, text)
        if seconds > PATTERN_SECONDS:
            slow.append(f"{seconds:.2f} s on {text[:40]!r}… ({len(text):,} characters)")
    assert not slow, f"{name} = {pattern.pattern!r}:\n" + "\n".join(slow)


# --- every pathological postmortem -------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_pathological_postmortems_lint_and_build_within_budget(tmp_path: Path, name: str) -> None:
    content = tmp_path / "postmortems"
    content.mkdir()
    for file_name, text in CATALOGUE[name](POSTMORTEM_SIZE).items():
        (content / file_name).write_text(text, encoding="utf-8")
    config = build_config({"search": False}, tmp_path, None)
    # Processor time: what the budget costs on a quiet machine, whatever else runs on this one.
    started = time.process_time()
    report = run_lint([content], config, tmp_path, TODAY)
    linted = time.process_time() - started
    started = time.process_time()
    result = build_site(
        config, BuildOptions(source=content, output=tmp_path / "site", cache=False), tmp_path, TODAY
    )
    built = time.process_time() - started
    assert report.files == 1
    assert linted < LINT_SECONDS, f"{name}: lint took {linted:.2f} s"
    assert built < BUILD_SECONDS, f"{name}: build took {built:.2f} s"
    assert result.ok or {d.code for d in result.blocking} <= {"PM002", "PM003"}, result.blocking
