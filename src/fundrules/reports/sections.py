"""Report sections that plugins add to the monthly summary (hook
``fundrules_register_report_sections``).

A section is a title and a function from the :class:`~fundrules.reports.summary.MonthlySummary`
to its content. Content is data, never markup, so a plugin cannot break the page or make it load
anything: a ``str`` (plain text; blank lines separate paragraphs), a ``pandas.DataFrame`` (shown
as a sortable table, personal ids in columns named ``subject_id``/``person_id``/``id_number``
masked), a :class:`~fundrules.reports.charts.Chart` drawn with :mod:`fundrules.reports.charts`, or
a list of these. A plugin registers ``ReportSection(...)`` or the same fields as a dict::

    @hookimpl
    def fundrules_register_report_sections(register):
        register(ReportSection(key="example.cohorts", title="待遇领取人群", render=cohorts))

A section that fails to render is shown as a failure naming its plugin; the rest of the report
is unaffected (docs/decisions.md D64).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from .charts import Chart

if TYPE_CHECKING:
    from .summary import MonthlySummary

SectionContent = str | pd.DataFrame | Chart | list[str | pd.DataFrame | Chart]
_KEY = re.compile(r"^[a-z][a-z0-9_.-]*$")


@dataclass(frozen=True)
class ReportSection:
    """A section of the monthly summary contributed by a plugin."""

    key: str
    title: str
    render: Callable[[MonthlySummary], SectionContent]
    order: int = 100

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not _KEY.match(self.key):
            raise ValueError(
                f"report section key {self.key!r} must be lower-case letters, digits, . _ -"
            )
        if not isinstance(self.title, str) or not self.title.strip():
            raise ValueError(f"report section {self.key!r} needs a title")
        if not callable(self.render):
            raise ValueError(f"report section {self.key!r}: render must be callable")


@dataclass(frozen=True)
class ContributedSection:
    """A section as registered: its plugin, and the section or why it is unusable."""

    plugin: str
    section: ReportSection | None
    error: str = ""


def contributed_sections(registry: Any | None) -> list[ContributedSection]:
    """The sections the installed plugins registered, in their ``order`` then key; a malformed
    registration is kept as an error naming its plugin."""
    if registry is None:
        return []
    out: list[ContributedSection] = []
    for plugin, thing in registry.report_sections:
        try:
            if isinstance(thing, ReportSection):
                section = thing
            elif isinstance(thing, Mapping):
                section = ReportSection(**dict(thing))
            else:
                raise ValueError(f"register() takes a ReportSection, not {type(thing).__name__}")
        except (TypeError, ValueError) as exc:
            out.append(ContributedSection(plugin, None, str(exc)))
            continue
        out.append(ContributedSection(plugin, section))
    keys = [c.section.key for c in out if c.section]
    dupes = {k for k in keys if keys.count(k) > 1}
    out = [
        ContributedSection(
            c.plugin, None, f"report section key {c.section.key!r} is registered twice"
        )
        if c.section and c.section.key in dupes
        else c
        for c in out
    ]
    return sorted(
        out, key=lambda c: (c.section.order, c.section.key) if c.section else (10**9, c.plugin)
    )
