"""Errors of the case workflow. All but :class:`CaseConflict`'s retry are bad input (exit 2)."""

from __future__ import annotations

from fundrules.errors import InputError


class CaseError(InputError, ValueError):
    """Bad input to the case workflow: the message names the case, action, option or database."""


class DatabaseUnreachable(CaseError):
    """The database URL cannot be reached (or the SQLite file cannot be opened)."""


class SchemaOutdated(CaseError):
    """The database's schema is older than this fundrules: it must be migrated, never silently."""


class CaseNotFound(CaseError):
    """No case with that id."""


class ActionRefused(CaseError):
    """An action unknown, not allowed in the case's state, or not for the actor's role. The
    refusal is recorded on the case (when there is one); nothing else changes."""


class CaseConflict(CaseError):
    """Someone else changed the case between reading and writing it: nothing was changed."""
