"""The medical plugin's contributions: the object its entry point names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from fundrules.plugin_api import Dataset, Indicator, PluginContributions, hookimpl

from . import (
    classification,
    conflicts,
    external,
    knowledge,
    patterns,
    quantities,
    restrictions,
    stay_charges,
    stays,
    synth,
    tables,
)

INDICATORS: tuple[Indicator[Any], ...] = (
    external.settled_after_death,
    stays.overlapping_inpatient,
    stays.split_admission,
    restrictions.sex_restricted_item,
    restrictions.age_restricted_item,
    quantities.excess_quantity,
    stay_charges.bed_days_exceed_stay,
    quantities.duplicate_charge,
    restrictions.price_above_cap,
    patterns.frequent_visits,
    patterns.provider_cost_outlier,
    stay_charges.fee_outside_stay,
    conflicts.conflicting_items,
    stays.visits_during_stay,
    external.settled_during_incarceration,
)


class MedicalPlugin(PluginContributions):
    """The usual contributions, plus business totals for the ledger and the knowledge folder."""

    @hookimpl
    def fundrules_business_totals(self, dataset: Dataset) -> pd.DataFrame | None:
        """Medical benefits paid = the fund amounts of the settlements of each period."""
        if not dataset.has("medical_settlements"):
            return None
        s = dataset.table("medical_settlements")
        per = s.groupby("period", sort=True)["fund_amount"].sum()
        return pd.DataFrame(
            {
                "insurance": "medical",
                "period": per.index.to_numpy(dtype="int64"),
                "measure": "benefits",
                "amount_fen": per.to_numpy(dtype="int64"),
            }
        )

    @hookimpl
    def fundrules_reference_tables(self, period: int) -> dict[str, Path] | None:
        """The knowledge tables of the region's folder named by ``FUNDRULES_MEDICAL_KNOWLEDGE``:
        ``load_dataset`` reads those the dataset folder lacks (so ``fundrules screen`` uses them)."""
        folder = knowledge.knowledge_folder()
        if folder is None:
            return None
        found = {}
        for table in tables.KNOWLEDGE_TABLES:
            for suffix in (".parquet", ".csv", ".xlsx"):
                if (folder / f"{table}{suffix}").is_file():
                    found[table] = folder / f"{table}{suffix}"
                    break
        return found


plugin = MedicalPlugin(
    prefix="medical",
    payment_tables=tables.PAYMENT_TABLES,
    tables=tables.TABLES,
    vocabularies=tables.VOCABULARIES,
    indicators=INDICATORS,
    problem_types=classification.PROBLEM_TYPES,
    rulesets=[classification.RULESET],
    synth=synth.PART,
    test_data="fundrules_medical.test_data:TEST_DATA",
)
