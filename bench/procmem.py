"""Sample the resident memory of a process tree from /proc, by kind of process.

`ru_maxrss` from `os.wait4` is the peak of the largest single process of a tree; it cannot tell
pmgen from the Pagefind process it starts, nor add up pmgen's worker processes. `TreeSampler`
reads /proc every `interval` seconds (20 ms by default) while a command runs: it finds every
descendant of the child (by parent pid, as this kernel has no /proc/PID/task/TID/children),
reads each one's RSS from /proc/PID/statm and classifies it by its command line, then keeps
the peak of the largest "own" process, the peak of the sum of own processes at one instant, and
the peak of Pagefind's processes, separately. A child whose memory figures are exactly its
parent's is taken for a vfork'd child that has not exec'd yet (they share one address space) and
is not counted twice.

RSS counts pages shared between processes (a forked worker shares its parent's pages until
either writes them) once per process, so the sum is an upper bound of what the tree really uses.
A process that starts and ends between two samples is not seen.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
PROC = Path("/proc")


def kind_of(argv: list[str]) -> str:
    """`pagefind` for Pagefind (its binary or its `python -m pagefind_bin` launcher), else `own`."""
    for part in argv[:3]:
        if os.path.basename(part).startswith("pagefind"):
            return "pagefind"
    return "own"


def _parent(pid: int) -> int | None:
    """The parent pid of `pid` from /proc/PID/stat, None if it is gone."""
    try:
        data = (PROC / str(pid) / "stat").read_bytes()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: split after the last one.
    fields = data[data.rfind(b")") + 2 :].split()
    return int(fields[1]) if len(fields) > 1 else None


def _statm(pid: int) -> bytes:
    """/proc/PID/statm (sizes in pages; the second field is the resident set), or b""."""
    try:
        return (PROC / str(pid) / "statm").read_bytes()
    except OSError:
        return b""


def _rss_kib(statm: bytes) -> int:
    """Resident set size in KiB from a statm line (0 once the process has exited)."""
    try:
        return int(statm.split()[1]) * PAGE_KIB
    except (IndexError, ValueError):
        return 0


def _argv(pid: int) -> list[str]:
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


@dataclass(slots=True)
class TreePeaks:
    """Peak RSS figures of one command's process tree, in KiB."""

    own_largest: int = 0  # the largest single own process (pmgen's main process or a worker)
    own_sum: int = 0  # the largest sum of own processes at one instant
    pagefind: int = 0  # the largest sum of Pagefind processes at one instant
    tree_sum: int = 0  # the largest sum of the whole tree at one instant
    own_processes: int = 0  # how many distinct own processes were seen
    samples: int = 0

    def as_json(self) -> dict[str, int]:
        """The figures in KiB, with the process and sample counts."""
        return {
            "own_largest_kib": self.own_largest,
            "own_sum_kib": self.own_sum,
            "pagefind_kib": self.pagefind,
            "tree_sum_kib": self.tree_sum,
            "own_processes": self.own_processes,
            "samples": self.samples,
        }


@dataclass(slots=True)
class TreeSampler:
    """Samples the tree under `root` in a background thread until `stop()`."""

    root: int
    interval: float = 0.02
    peaks: TreePeaks = field(default_factory=TreePeaks)
    _kinds: dict[int, str] = field(default_factory=dict)  # pid in the tree → its kind
    _parents: dict[int, int] = field(default_factory=dict)
    _outside: set[int] = field(default_factory=set)  # pids checked and not in the tree
    _own: set[int] = field(default_factory=set)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> TreeSampler:
        """Start sampling (the first sample is taken at once)."""
        self._kinds[self.root] = "own"
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> TreePeaks:
        """Stop sampling and return the peaks."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.peaks.own_processes = len(self._own)
        return self.peaks

    def _loop(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.interval):
                return

    def _discover(self) -> None:
        """Add processes whose parent is in the tree (new pids only, oldest first)."""
        try:
            names = os.listdir(PROC)
        except OSError:
            return
        fresh = sorted(
            pid
            for pid in (int(name) for name in names if name.isdigit())
            if pid not in self._kinds and pid not in self._outside
        )
        for pid in fresh:
            parent = _parent(pid)
            if parent is not None and parent in self._kinds:
                self._kinds[pid] = "own"
                self._parents[pid] = parent
            else:
                self._outside.add(pid)

    def sample(self) -> None:
        """One sample: find the tree, classify each process, update the peaks."""
        self._discover()
        sums = {"own": 0, "pagefind": 0}
        lines = {pid: _statm(pid) for pid in list(self._kinds)}
        for pid, line in lines.items():
            rss = _rss_kib(line)
            if rss == 0:
                continue
            if line == lines.get(self._parents.get(pid, -1)):
                continue  # started with vfork, not yet exec'd: it shares its parent's memory
            argv = _argv(pid)
            if argv:  # re-read: a process may exec (Pagefind's launcher does)
                self._kinds[pid] = kind_of(argv)
            kind = self._kinds[pid]
            sums[kind] += rss
            if kind == "own":
                self._own.add(pid)
                self.peaks.own_largest = max(self.peaks.own_largest, rss)
        self.peaks.own_sum = max(self.peaks.own_sum, sums["own"])
        self.peaks.pagefind = max(self.peaks.pagefind, sums["pagefind"])
        self.peaks.tree_sum = max(self.peaks.tree_sum, sums["own"] + sums["pagefind"])
        self.peaks.samples += 1
