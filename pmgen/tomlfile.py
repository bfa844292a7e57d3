"""TOML as pmgen reads it (configuration and `+++` front matter): the only tomllib importer."""

from __future__ import annotations

import re
import tomllib
from typing import Any

_WHERE = re.compile(r"\(at (?:line (\d+), column (\d+)|end of document)\)$")


class TomlError(ValueError):
    """TOML that does not parse: the message, and the 1-based line and column it names."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def load_toml(text: str) -> dict[str, Any]:
    """Parse TOML text; TomlError with a position when it is not valid (or nested too deep)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = _WHERE.search(str(error))
        if match and match.group(1):
            line, column = int(match.group(1)), int(match.group(2))
        else:  # at the end of the document, or no position given
            line, column = (len(text.split("\n")) if match else 1), 1
        raise TomlError(_WHERE.sub("", str(error)).rstrip(), line, column) from None
    except RecursionError:
        raise TomlError("tables or arrays are nested too deeply", 1, 1) from None
    except ValueError as error:  # an integer of more than 4,300 digits, and such
        raise TomlError(str(error).split(";")[0], 1, 1) from None
