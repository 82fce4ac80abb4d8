"""What an indicator function receives: the dataset, the target period, shared derived tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import pandas as pd

from fundrules.intake import Dataset
from fundrules.period import first_day, format_period, last_day
from fundrules.schema import PaymentTable


@dataclass
class ScreeningContext:
    dataset: Dataset
    business_totals: Callable[[], pd.DataFrame] = field(
        default=lambda: pd.DataFrame(columns=["insurance", "period", "measure", "amount_fen"])
    )
    #: Tables the engine or the entry point hands over beside the data (the run's ``rule_set``,
    #: the store's ``rule_approvals``…); a table the dataset itself holds comes first.
    handed: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: The person-payment tables the plugins declare (the core's ``benefits`` among them): where
    #: the core's checks find money paid to persons without naming any plugin's table.
    payment_tables: tuple[PaymentTable, ...] = ()

    @property
    def period(self) -> int:
        """The target period as a month number (fundrules.period)."""
        return self.dataset.period

    @property
    def period_text(self) -> str:
        return format_period(self.period)

    @property
    def period_start(self) -> date:
        return first_day(self.period)

    @property
    def period_end(self) -> date:
        return last_day(self.period)

    def has(self, name: str) -> bool:
        return self.dataset.has(name) or name in self.handed

    def table(self, name: str) -> pd.DataFrame:
        if not self.dataset.has(name) and name in self.handed:
            return self.handed[name]
        return self.dataset.table(name)

    def target(self, name: str) -> pd.DataFrame:
        """Rows of a table that belong to the target period (by its period column)."""
        df = self.table(name)
        decl = self.dataset.schema.get(name)
        pcol = decl.period_column if decl is not None else None
        if pcol is None:
            return df
        return df[df[pcol] == self.period]

    @property
    def profiles(self) -> pd.DataFrame:
        """Sex and birth date per person_id (ID where valid, else ``persons``)."""
        return self.dataset.person_profiles

    @cached_property
    def cache(self) -> dict[str, object]:
        """Scratch space shared by the indicators of one run (derived tables)."""
        return {}
