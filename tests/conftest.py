"""Shared pytest options: `--update-snapshots` and `--update-golden` rewrite expected output."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register `--update-snapshots`."""
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        default=False,
        help="Rewrite tests/snapshots/ from the current output instead of comparing with it.",
    )
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/site/ from a fresh build of postmortems/ (on purpose only).",
    )


@pytest.fixture
def update_snapshots(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite snapshots on purpose."""
    return bool(request.config.getoption("--update-snapshots"))


@pytest.fixture(autouse=True)
def own_working_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test starts in an empty folder of its own: a command run without `--src` or a
    configuration never reads or fills the repository's own files or `.pmgen-cache/`."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
