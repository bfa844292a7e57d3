"""Failures that are not about one document: configuration, usage, output folder."""


class PmgenError(Exception):
    """A problem pmgen reports as one clear message and exit code 2."""


class ConfigError(PmgenError):
    """The configuration file is unreadable, malformed or has an unknown key."""


class Interrupted(BaseException):
    """Ctrl-C (or SIGTERM where a command asks for it). A BaseException of pmgen's own: click's
    "Aborted!" and `except Exception` handlers let it through, while `finally` blocks still
    clean up (staging folders, the preview's temporary site)."""
