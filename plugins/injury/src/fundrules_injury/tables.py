"""The injury plugin's exchange table and vocabularies (exchange-schema.md, "Plugin tables")."""

from __future__ import annotations

from fundrules.plugin_api import Table, col

INJURY_BENEFIT_TYPES: tuple[str, ...] = (
    "injury_medical",
    "one_time_disability",
    "disability_allowance",
    "injury_death_grant",
)
"""Work-injury benefits paid through ``benefits``: medical treatment (工伤医疗), the one-time
disability subsidy (一次性伤残补助金), the monthly disability allowance (伤残津贴) and the
one-time death grant (一次性工亡补助金)."""

DISABILITY_TYPES: tuple[str, ...] = ("one_time_disability", "disability_allowance")
"""The benefits that link to the latest case with a disability grade, where there is one."""

VOCABULARIES: dict[str, tuple[str, ...]] = {"benefit_type": INJURY_BENEFIT_TYPES}

INJURY_CASES = Table(
    name="injury_cases",
    owner="injury",
    description="one row per work-injury case: the accident, the application for recognition "
    "(工伤认定申请), its recognition when granted, and the disability grade when assessed "
    "(劳动能力鉴定, 1 = most severe, 10 = least)",
    columns=(
        col("*case_id", "id"),
        col("person_id", "person_id"),
        col("employer_id", "employer_id"),
        col("accident_date", "date"),
        col("application_date", "date"),
        col("recognition_date?", "date"),
        # "number", not "integer": the core quarantines empty optional integer cells (see README)
        col("disability_grade?", "number", minimum=1, maximum=10),
    ),
)

TABLES: tuple[Table, ...] = (INJURY_CASES,)
