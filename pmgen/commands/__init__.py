"""Use cases (lint, build, new, serve, publish): options in, values out; never print or exit."""
