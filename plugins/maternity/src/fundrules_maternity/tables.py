"""The maternity plugin's exchange table and vocabularies (exchange-schema.md, "Plugin tables")."""

from __future__ import annotations

from fundrules.plugin_api import Table, col

BENEFIT_TYPES: tuple[str, ...] = ("maternity_allowance", "maternity_medical")
"""``maternity_allowance`` (生育津贴) and ``maternity_medical`` (生育医疗费用)."""

EVENT_TYPES: tuple[str, ...] = ("birth", "miscarriage_early", "miscarriage_late", "other")
"""``miscarriage_early``: before 4 months of pregnancy; ``miscarriage_late``: 4 months or more;
``other``: family-planning operations and the like, whose leave the catalog does not check."""

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "benefit_type": BENEFIT_TYPES,
    "maternity_event_type": EVENT_TYPES,
}

MATERNITY_CLAIMS = Table(
    name="maternity_claims",
    owner="maternity",
    description="one row per maternity claim: the event (birth, miscarriage, other) and the "
    "allowance granted on it; an empty babies reads as 1; allowance_amount and "
    "employer_avg_wage (the employer's average monthly wage) in yuan",
    columns=(
        col("*claim_id", "id"),
        col("person_id", "person_id"),
        col("employer_id", "employer_id"),
        col("event_type", "code", vocabulary="maternity_event_type"),
        col("event_date", "date"),
        # "number", not "integer": the core quarantines empty optional integer cells (to_integer
        # reads NaN as a fraction); babies is optional, so it is held as float64 until that is fixed
        col("babies?", "number", description="babies born; empty = 1"),
        col("dystocia", "bool", description="a difficult birth (难产)"),
        col("allowance_days", "integer"),
        col("allowance_amount", "money"),
        col("employer_avg_wage", "money"),
        col("contribution_months", "integer"),
    ),
)

TABLES: tuple[Table, ...] = (MATERNITY_CLAIMS,)
