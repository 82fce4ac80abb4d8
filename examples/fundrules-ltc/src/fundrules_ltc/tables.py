"""The long-term care insurance's exchange tables and vocabularies.

A long-term care scheme (Tianjin's 长期护理保险, piloted since 2020 for the employee medical
insured) pays for care of the severely disabled: a person is assessed (失能等级评估) and only an
assessment at the eligible grade or worse opens the benefit; the care is then paid per day of
service, at home, in a care institution or in a medical institution's care ward, to the provider.
"""

from __future__ import annotations

from fundrules.plugin_api import PaymentTable, Table, col

#: the national assessment standard's grades: 0 normal … 3-5 severe disability (重度失能 I-III)
GRADES = (0, 1, 2, 3, 4, 5)
CARE_TYPES: tuple[str, ...] = ("home", "institution", "medical_institution")

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "insurance": ("ltc",),
    "ltc_care_type": CARE_TYPES,
}

LTC_ASSESSMENTS = Table(
    name="ltc_assessments",
    owner="ltc",
    description="disability assessments (失能等级评估): who was assessed, when, at which grade",
    columns=(
        col("*assessment_id", "id"),
        col("person_id", "person_id"),
        col("assessment_date", "date"),
        col("disability_grade", "integer", minimum=0, maximum=5),
    ),
)

LTC_SERVICES = Table(
    name="ltc_services",
    owner="ltc",
    period_column="period",
    description="care services the fund pays (护理服务结算): one row per person, provider and "
    "stretch of days within a month",
    columns=(
        col("*service_id", "id"),
        col("person_id", "person_id"),
        col("provider_id", "id", description="the care provider (护理服务机构)"),
        col("care_type", "code", vocabulary="ltc_care_type"),
        col("service_start", "date"),
        col("service_end", "date"),
        col("service_days", "integer", minimum=1, maximum=31),
        col("fund_amount", "money"),
        col("period", "period"),
    ),
)

TABLES: tuple[Table, ...] = (LTC_ASSESSMENTS, LTC_SERVICES)

#: Care services are payments to persons (through their providers): the core's payment checks and
#: cash-basis totals (fund.business_ledger_mismatch) read their fund amounts by period.
PAYMENT_TABLES: tuple[PaymentTable, ...] = (
    PaymentTable(
        table="ltc_services",
        person_column="person_id",
        amount_column="fund_amount",
        insurance="ltc",
    ),
)
