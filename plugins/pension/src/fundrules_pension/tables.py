"""The pension plugin's exchange table and vocabularies (exchange-schema.md, "Plugin tables")."""

from __future__ import annotations

from fundrules.plugin_api import Table, col

BASIC_PENSION_TYPES: tuple[str, ...] = ("basic_pension", "resident_pension")
""""Basic pension" in the catalog: the employee scheme's and the resident scheme's."""

RETIREMENT_TYPES: tuple[str, ...] = ("normal", "special_work", "illness")
JOB_CATEGORIES: tuple[str, ...] = ("worker", "cadre")

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "benefit_type": BASIC_PENSION_TYPES,
    "retirement_type": RETIREMENT_TYPES,
    "job_category": JOB_CATEGORIES,
}

RETIREMENTS = Table(
    name="retirements",
    owner="pension",
    description="one row per retired person: the date the pension right starts and how it was "
    "granted; an empty job_category reads as worker (it decides women's statutory age)",
    columns=(
        col("*person_id", "person_id"),
        col("retirement_date", "date"),
        col("retirement_type", "code", vocabulary="retirement_type"),
        col("job_category?", "code", vocabulary="job_category"),
        col("approval_id?", "id"),
    ),
)

TABLES: tuple[Table, ...] = (RETIREMENTS,)
