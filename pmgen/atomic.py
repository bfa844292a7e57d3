"""Replace a file's bytes all at once: written beside it, then renamed over it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace a file's bytes all at once; no reader ever sees it half-written.

    The new bytes go to a new file that is renamed over the old one, so a file hard-linked
    elsewhere is never written into. `mode` defaults to the existing file's permissions.
    """
    if mode is None:
        mode = path.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
