"""Named pause points, so that tests can interrupt a real build at a chosen moment.

Inert unless the environment variable PMGEN_PAUSE_AT names the point. Then, on reaching it,
pmgen creates the file named by PMGEN_PAUSE_FILE (the test waits for it) and sleeps for
PMGEN_PAUSE_SECONDS (30 by default), so that a signal sent now lands exactly there. Points:
`startup`, `parse`, `render`, `write` (the staged site is complete, not yet swapped in),
`search`, `push`.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PAUSE_SECONDS = 30.0
_reached: set[str] = set()


def pause_point(name: str) -> None:
    """Pause here once, when PMGEN_PAUSE_AT asks for this point; otherwise do nothing."""
    if os.environ.get("PMGEN_PAUSE_AT") != name or name in _reached:
        return
    _reached.add(name)
    marker = os.environ.get("PMGEN_PAUSE_FILE")
    if marker:
        Path(marker).touch()
    time.sleep(float(os.environ.get("PMGEN_PAUSE_SECONDS", PAUSE_SECONDS)))
