"""Errors of an output folder: it cannot take a run (CLI exit code 2)."""

from __future__ import annotations

from fundrules.errors import InputError


class OutputError(InputError):
    """The output folder cannot take this run: a file, not writable, full, or in use."""


class OutputLocked(OutputError):
    """Another run holds the output folder's lock."""
