"""The `pmgen` command and `python -m pmgen`: Ctrl-C is one line and exit code 130, always.

SIGTERM (`kill`, a cancelled CI job, `timeout`, a service manager) stops pmgen the same way, so
that its clean-up runs: no staging folder, spill file or temporary site is left behind. This
module imports almost nothing before it takes over both signals, so that even an interruption
while the rest of pmgen (click, Jinja, markdown-it…) is being imported ends cleanly.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

from pmgen.errors import Interrupted
from pmgen.pauses import pause_point

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a Ctrl-C


STOPPING = (signal.SIGINT, signal.SIGTERM)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    # A second signal must not cut the clean-up short (a half-removed staging folder).
    for stopping in STOPPING:
        signal.signal(stopping, signal.SIG_IGN)
    raise Interrupted


def run() -> None:
    """Run the command line; on Ctrl-C or SIGTERM, say "Interrupted." and exit with code 130."""
    for stopping in STOPPING:
        signal.signal(stopping, _interrupt)
    try:
        pause_point("startup")
        from pmgen.cli import main

        main()
    except Interrupted:
        # On a terminal the cursor may sit after "^C" or a progress bar: start a new line.
        start = "\n" if sys.stderr.isatty() else ""
        sys.stderr.write(f"{start}Interrupted.\n")
        sys.stderr.flush()
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    run()
