"""Reports people read and sign (Art. 14–16): the monthly summary (one self-contained HTML file),
the agency workbooks (.xlsx), the supervision notice and the major-incident report (.docx).

Each report is a function that writes one file and returns its path; the data behind the monthly
summary is :class:`MonthlySummary`, plain DataFrames a host system can render itself.
"""

from __future__ import annotations

from .capitals import amount_in_capitals
from .charts import Bar, Chart, bar_chart, column_chart, stacked_bar_chart
from .documents import DocumentSettings, check_template, load_settings, official_date
from .errors import ReportInputError, TemplateError
from .from_cases import items_from_store, summary_from_store
from .issuing import major_incident_report, supervision_notice
from .monthly import monthly, render_monthly, write_monthly
from .sections import ReportSection
from .summary import COLUMNS, MonthlySummary, summary_from_output
from .workbook import agency_workbook

__all__ = [
    "COLUMNS",
    "Bar",
    "Chart",
    "DocumentSettings",
    "MonthlySummary",
    "ReportInputError",
    "ReportSection",
    "TemplateError",
    "agency_workbook",
    "amount_in_capitals",
    "bar_chart",
    "check_template",
    "column_chart",
    "items_from_store",
    "load_settings",
    "major_incident_report",
    "monthly",
    "official_date",
    "render_monthly",
    "stacked_bar_chart",
    "summary_from_output",
    "summary_from_store",
    "supervision_notice",
    "write_monthly",
]
