"""A small helper process that starts each measured command and reports its `os.wait4` figures.

Linux carries a process's peak RSS across `exec`, and a child started with vfork or fork starts
from its parent's: `ru_maxrss` of a command started by the harness directly is never below the
harness's own peak (tens of MiB once it holds a corpus of 5,000 postmortems). Started from this
process, which stays at about 13 MiB, the figure is the command's own.

Protocol, one JSON object per line: the harness writes `{"argv": [...], "cwd": "..."}`; this
process answers `{"pid": N}` as soon as the command runs, then `{"code": ..., "seconds": ...,
"maxrss_kib": ..., "cpu_s": ..., "stderr": "last lines"}` when it ends.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any


def reply(message: dict[str, Any]) -> None:
    """One JSON line to the harness."""
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def serve_one(request: dict[str, Any]) -> None:
    """Run one command to completion and report on it."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        try:
            process = subprocess.Popen(
                request["argv"],
                cwd=request["cwd"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
        except OSError as error:
            reply({"pid": None, "error": str(error)})
            return
        reply({"pid": process.pid})
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        errors.seek(0)
        tail = errors.read().decode(errors="replace").strip().splitlines()[-8:]
        reply(
            {
                "code": os.waitstatus_to_exitcode(status),
                "seconds": seconds,
                "maxrss_kib": usage.ru_maxrss,
                "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
                "stderr": "\n".join(tail),
            }
        )


def main() -> int:
    """Serve requests until stdin closes."""
    for line in sys.stdin:
        if line.strip():
            serve_one(json.loads(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
