"""What the reports refuse: bad input the user must fix (CLI exit code 2)."""

from __future__ import annotations

from fundrules.errors import InputError


class ReportInputError(InputError, ValueError):
    """A report cannot be made from this input: no data for the period, an unknown agency or
    case, a case that is not escalated, a bad template. The message names what and why."""


class TemplateError(ReportInputError):
    """A document template lacks a required placeholder or holds an unknown one."""
