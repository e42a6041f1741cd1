"""Error catalogue for errors that need more than a one-line ``ValueError``."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "SparkError",
    "ConfigError",
    "WiringError",
    "BuildError",
    "FileFormatError",
    "UnsafeFileError",
    "RegistryError",
    "suggest",
]


class SparkError(Exception):
    """Base class of every error raised by Spark on purpose."""


class ConfigError(SparkError, ValueError):
    """A configuration is invalid: unknown, missing or wrong-valued fields."""


class WiringError(SparkError, ValueError):
    """A brain's wiring is wrong: a port map to nowhere, mismatched payloads, ..."""


class BuildError(SparkError, RuntimeError):
    """A module could not be built from the specs of its inputs."""


class FileFormatError(SparkError, ValueError):
    """A file is not a valid Spark file (wrong format, version or content)."""


class UnsafeFileError(FileFormatError):
    """A file asked for something a safe loader refuses (links, traversal, unknown classes)."""


class RegistryError(SparkError, KeyError):
    """A registered name is unknown or clashes with another one."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable.
        return str(self.args[0]) if self.args else ""


def suggest(name: str, candidates: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest candidate, or ``""``."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
