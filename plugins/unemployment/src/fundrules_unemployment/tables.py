"""The unemployment plugin's exchange table and vocabularies (exchange-schema.md, "Plugin tables")."""

from __future__ import annotations

from fundrules.plugin_api import Table, col

ALLOWANCE: str = "unemployment_allowance"
"""The benefit type of the unemployment insurance allowance (失业保险金)."""

BENEFIT_TYPES: tuple[str, ...] = (ALLOWANCE,)
SEPARATION_REASONS: tuple[str, ...] = ("involuntary", "voluntary", "other")

BASIC_PENSION_TYPES: tuple[str, ...] = ("basic_pension", "resident_pension")
""""Basic pension" in the catalog ("Sets that count"). The pension plugin declares these values
of ``benefit_type``; this plugin only reads them (without the pension plugin such rows do not
load)."""

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "benefit_type": BENEFIT_TYPES,
    "separation_reason": SEPARATION_REASONS,
}

UNEMPLOYMENT_CLAIMS = Table(
    name="unemployment_claims",
    owner="unemployment",
    description="one row per claim for unemployment insurance benefits (失业保险金申领): when it "
    "was registered, the first month it pays for, the months of allowance granted, the months of "
    "contribution it was assessed on and why the job ended. Allowances carry no claim id: they "
    "link to the person's latest claim registered on or before the end of their period",
    columns=(
        col("*claim_id", "id"),
        col("person_id", "person_id"),
        col("registration_date", "date"),
        col("first_period", "period"),
        col("entitled_months", "integer", minimum=0),
        col("contribution_months", "integer", minimum=0),
        col("separation_reason", "code", vocabulary="separation_reason"),
    ),
)

TABLES: tuple[Table, ...] = (UNEMPLOYMENT_CLAIMS,)
