"""The case workflow (workflow.md): from warning to closed case, in a real database.

- :class:`CaseBook` — ``open_cases(out_dir)``, ``act(identity, case_id, action, at=, reason=, …)``,
  ``list_cases(identity, state=, agency=)``, ``case(identity, id)``, ``events()``,
  ``overdue(identity, as_of)``, ``verify_signatures()``, ``screening_tables()``;
- :func:`open_book` — the case book of a store (SQLite in the store, or ``db=`` a URL);
- :func:`migrate` — upgrade a database's schema (never done silently);
- :func:`summary` — the Art. 16 summary data as DataFrames;
- states, actions, conclusions and escalation kinds in :mod:`fundrules.cases.workflow`.
"""

from .book import CASE_COLUMNS, ActResult, CaseBook, OpenResult, parse_date
from .errors import (
    ActionRefused,
    CaseConflict,
    CaseError,
    CaseNotFound,
    DatabaseUnreachable,
    SchemaOutdated,
)
from .store import handed_tables, migrate, open_book, store_locations, submissions_table
from .summary import SUMMARY_FRAMES, summary, summary_json
from .workflow import ACTIONS, CONCLUSIONS, ESCALATION_KINDS, STATES, allowed_actions

__all__ = [
    "ACTIONS",
    "CASE_COLUMNS",
    "CONCLUSIONS",
    "ESCALATION_KINDS",
    "STATES",
    "SUMMARY_FRAMES",
    "ActResult",
    "ActionRefused",
    "CaseBook",
    "CaseConflict",
    "CaseError",
    "CaseNotFound",
    "DatabaseUnreachable",
    "OpenResult",
    "SchemaOutdated",
    "allowed_actions",
    "handed_tables",
    "migrate",
    "open_book",
    "parse_date",
    "store_locations",
    "submissions_table",
    "summary",
    "summary_json",
]
