"""Lines as markdown-it counts them (CR, LF and CRLF all end a line)."""

from __future__ import annotations

import re

_NEWLINE = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Split text into lines the way markdown-it counts them (CR, LF and CRLF)."""
    return _NEWLINE.split(text)
