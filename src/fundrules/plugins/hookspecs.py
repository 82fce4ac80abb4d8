"""The hooks a fundrules plugin may implement. One documented function per hook.

Hooks that contribute things take a ``register`` callback (as llm's ``register_models``): small,
stable signatures that can grow without breaking plugins. Every hook is optional.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import pandas as pd

    from fundrules.intake import Dataset
    from fundrules.schema import PaymentTable, Table
    from fundrules.screening.indicator import Indicator
    from fundrules.synth.part import SynthPart

hookspec = pluggy.HookspecMarker("fundrules")
hookimpl = pluggy.HookimplMarker("fundrules")


@hookspec
def fundrules_register_tables(register: Callable[[Table], None]) -> None:
    """Declare the exchange tables the plugin owns: ``register(Table(...))``."""


@hookspec
def fundrules_register_vocabularies(extend: Callable[[str, Iterable[str]], None]) -> None:
    """Add values to closed vocabularies: ``extend("benefit_type", ["basic_pension", ...])``.
    A new vocabulary name creates that vocabulary (for the plugin's own code columns)."""


@hookspec
def fundrules_code_prefix() -> str | None:
    """The prefix every indicator code of the plugin carries: its insurance (``ltc`` for
    ``ltc.paid_after_death``) or a name of its own such as ``example``. ``data``, ``fund``
    and ``process`` belong to the core; no two plugins share a prefix. A plugin that registers
    indicators must declare one; an indicator without it is refused."""


@hookspec
def fundrules_register_payment_tables(register: Callable[[PaymentTable], None]) -> None:
    """Declare the plugin's tables of payments to persons: ``register(PaymentTable(table=...,
    person_column=..., amount_column=..., insurance=... | insurance_column=...,
    paid_date_column=...))``. The core's checks that read payments (``data.*`` amounts at risk,
    the cash-basis business totals) read every declared table; only the plugin's own tables."""


@hookspec
def fundrules_register_indicators(register: Callable[[Indicator[Any]], None]) -> None:
    """Register the plugin's indicators: ``register(my_indicator)``."""


@hookspec
def fundrules_register_parameters(register: Callable[[Mapping[str, Any] | Path], None]) -> None:
    """Register parameter values (a mapping or a YAML file ``{code: {param: value | {date:
    value}}}``) that the plugin ships, e.g. a region's caps; user configuration overrides them."""


@hookspec
def fundrules_business_totals(dataset: Dataset) -> pd.DataFrame | None:
    """Business totals for reconciliation with the ledger, cash basis, for the insurances whose
    business tables the plugin owns: columns ``insurance``, ``period`` (month number),
    ``measure`` (``benefits`` or ``contributions``), ``amount_fen``. Return None to leave an
    insurance to the core's reading of ``benefits`` and ``contributions``."""


@hookspec
def fundrules_reference_tables(period: int) -> Mapping[str, Path] | None:
    """Files of reference (knowledge) tables the plugin takes from its own configuration, such
    as a region's item catalog kept outside the uploads: ``{table: path}``. ``load_dataset``
    reads each one the dataset folder lacks, validated and quarantined like the folder's own
    files (and listed in the manifest); a table the folder has is kept."""


@hookspec
def fundrules_register_synth(register: Callable[[SynthPart], None]) -> None:
    """Contribute the plugin's part of the synthetic city: ``register(SynthPart(...))`` with the
    background rows of its tables for one chunk of the population, one plant per indicator
    (firing instances, near misses and the ground truth) and the tables whose money the books
    carry (see :mod:`fundrules.synth.part`; authors import from :mod:`fundrules.synth.api`)."""


@hookspec
def fundrules_register_test_data(register: Callable[[Any], None]) -> None:
    """Contribute the plugin's part of generated test data (``fundrules.testing``):
    ``register(TestData(...))`` or ``register("my_plugin.test_data:TEST_DATA")`` (imported only
    when data are generated) with hand-tuned generators for its tables, their salient money
    values, its benefit types by insurance and its payment tables."""


@hookspec
def fundrules_register_problem_types(register: Callable[[Any], None]) -> None:
    """Contribute problem types (fundrules.classification.ProblemType or a dict)."""


@hookspec
def fundrules_register_classification_rules(register: Callable[[Mapping[str, Any]], None]) -> None:
    """Contribute a classification ruleset (durable-rules declarative form plus metadata)."""


@hookspec
def fundrules_register_report_sections(register: Callable[[Any], None]) -> None:
    """Contribute sections of the monthly summary: ``register(ReportSection(key=..., title=...,
    render=...))`` (``fundrules.reports.ReportSection``, or a dict of the same fields), where
    ``render(summary)`` returns text, a DataFrame or a ``fundrules.reports.Chart`` — data, never
    markup (docs/decisions.md D64)."""
