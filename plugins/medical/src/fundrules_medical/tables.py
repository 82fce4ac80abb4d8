"""The medical plugin's exchange tables and vocabularies (exchange-schema.md, "Plugin tables").

Two kinds of table: the business data of a period (providers, settlements, their item lines) and
the knowledge base (item catalog, conflicting pairs), which a region may supply with the dataset or
from its own folder (see :mod:`fundrules_medical.knowledge`).
"""

from __future__ import annotations

from fundrules.plugin_api import PaymentTable, Table, col

VISIT_TYPES: tuple[str, ...] = ("outpatient", "inpatient", "pharmacy")
PROVIDER_TYPES: tuple[str, ...] = ("hospital", "clinic", "pharmacy")
ITEM_CATEGORIES: tuple[str, ...] = ("drug", "exam", "treatment", "material", "bed", "other")
CONFLICT_SCOPES: tuple[str, ...] = ("same_day", "same_stay")

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "visit_type": VISIT_TYPES,
    "provider_type": PROVIDER_TYPES,
    "item_category": ITEM_CATEGORIES,
    "conflict_scope": CONFLICT_SCOPES,
}
"""``restrict_sex`` uses the core's ``sex`` vocabulary (``M``/``F``)."""

PROVIDERS = Table(
    name="providers",
    owner="medical",
    description="designated medical institutions and pharmacies (定点医药机构)",
    columns=(
        col("*provider_id", "id", refers_to="provider"),
        col("name?", "text"),
        col("level", "integer", minimum=1, maximum=3),
        col("provider_type", "code", vocabulary="provider_type"),
        col("region_code", "region"),
    ),
)

MEDICAL_SETTLEMENTS = Table(
    name="medical_settlements",
    owner="medical",
    period_column="period",
    description="one row per settlement; for outpatient and pharmacy, admit_date is the visit "
    "date and discharge_date is empty or the same day",
    columns=(
        col("*settlement_id", "id"),
        col("person_id", "person_id"),
        col("provider_id", "id", refers_to="provider"),
        col("visit_type", "code", vocabulary="visit_type"),
        col("admit_date", "date"),
        col("discharge_date?", "date"),
        col("diagnosis_code", "text", description="ICD-10"),
        col("total_amount", "money"),
        col("fund_amount", "money"),
        col("period", "period"),
    ),
)

MEDICAL_ITEMS = Table(
    name="medical_items",
    owner="medical",
    description="the item lines of a settlement; they reach the person through it",
    reaches_person_via=("medical_settlements", "settlement_id", "settlement_id"),
    columns=(
        col("*settlement_id", "id"),
        col("*line_no", "integer"),
        col("item_code", "id"),
        col("item_category", "code", vocabulary="item_category"),
        col("service_date", "date"),
        col("quantity", "number"),
        col("unit_price", "price"),
        col("amount", "money"),
        # "number", not "integer": the core quarantines empty optional integer cells (reported)
        col("days_supply?", "number"),
    ),
)

ITEM_CATALOG = Table(
    name="item_catalog",
    owner="medical",
    description="knowledge base: restrictions per item (ages inclusive)",
    columns=(
        col("*item_code", "id"),
        col("name?", "text"),
        col("restrict_sex?", "code", vocabulary="sex"),
        col("min_age?", "number"),
        col("max_age?", "number"),
        col("max_daily_quantity?", "number"),
        col("max_unit_price?", "price"),
    ),
)

ITEM_CONFLICTS = Table(
    name="item_conflicts",
    owner="medical",
    description="knowledge base: pairs of items that must not be billed together (重复收费)",
    columns=(
        col("*item_code_a", "id"),
        col("*item_code_b", "id"),
        col("scope", "code", vocabulary="conflict_scope"),
    ),
)

TABLES: tuple[Table, ...] = (
    PROVIDERS,
    MEDICAL_SETTLEMENTS,
    MEDICAL_ITEMS,
    ITEM_CATALOG,
    ITEM_CONFLICTS,
)
KNOWLEDGE_TABLES: tuple[str, ...] = ("item_catalog", "item_conflicts")

#: Settlements are payments to persons: their fund amounts, by the settlement's period (no paid
#: date is uploaded), are what the core's payment checks and cash-basis totals read.
PAYMENT_TABLES: tuple[PaymentTable, ...] = (
    PaymentTable(
        table="medical_settlements",
        person_column="person_id",
        amount_column="fund_amount",
        insurance="medical",
    ),
)
