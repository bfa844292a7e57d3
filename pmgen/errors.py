"""Failures that are not about one document: configuration, usage, output folder."""


class PmgenError(Exception):
    """A problem pmgen reports as one clear message and exit code 2."""


class ConfigError(PmgenError):
    """The configuration file is unreadable, malformed or has an unknown key."""
