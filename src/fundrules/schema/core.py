"""The core tables of the exchange schema (shared/spec/exchange-schema.md), exactly as named there."""

from __future__ import annotations

from .payments import PaymentTable
from .tables import Table, col

#: The schema's insurances, declared once here; plugins extend the ``insurance`` vocabulary with
#: their own (a region's long-term care insurance, say), never the core (D13).
INSURANCE_NAMES_ZH: dict[str, str] = {
    "pension": "养老保险",
    "medical": "医疗保险",
    "injury": "工伤保险",
    "unemployment": "失业保险",
    "maternity": "生育保险",
}
INSURANCES = tuple(INSURANCE_NAMES_ZH)
INCOME_ITEMS = (
    "contribution_income",
    "fiscal_subsidy",
    "interest_income",
    "transfer_in",
    "other_income",
)
EXPENDITURE_ITEMS = ("benefit_expenditure", "transfer_out", "other_expenditure")
REPORT_TOTALS = ("total_income", "total_expenditure", "closing_balance")

CORE_VOCABULARIES: dict[str, tuple[str, ...]] = {
    "insurance": INSURANCES,
    "sex": ("M", "F"),
    "scheme": ("employee", "resident"),
    "account_type": ("income", "expenditure", "fiscal_special"),
    "ledger_item": INCOME_ITEMS + EXPENDITURE_ITEMS,
    "report_line": INCOME_ITEMS + EXPENDITURE_ITEMS + REPORT_TOTALS,
    # closed, made of the values the installed plugins declare
    "benefit_type": (),
}

#: The core's table of payments to persons; plugins declare theirs (D13).
CORE_PAYMENT_TABLES: tuple[PaymentTable, ...] = (
    PaymentTable(
        table="benefits",
        person_column="person_id",
        amount_column="amount",
        insurance_column="insurance",
        paid_date_column="paid_date",
    ),
)

CORE_TABLES: tuple[Table, ...] = (
    Table(
        name="persons",
        owner="core",
        description="one row per person",
        columns=(
            col("*person_id", "person_id"),
            col("name?", "text"),
            col("sex", "code", vocabulary="sex"),
            col("birth_date", "date"),
            col("region_code", "region"),
        ),
    ),
    Table(
        name="employers",
        owner="core",
        columns=(
            col("*employer_id", "employer_id"),
            col("name?", "text"),
            col("region_code", "region"),
            col("industry_code?", "text"),
            col("established_date", "date"),
        ),
    ),
    Table(
        name="enrollments",
        owner="core",
        description="one row per spell of coverage; open spell: empty end_date",
        columns=(
            col("*person_id", "person_id"),
            col("*insurance", "code", vocabulary="insurance"),
            col("scheme", "code", vocabulary="scheme"),
            col("employer_id?", "employer_id"),
            col("*start_date", "date"),
            col("end_date?", "date"),
        ),
    ),
    Table(
        name="contributions",
        owner="core",
        period_column="period",
        columns=(
            col("person_id", "person_id"),
            col("employer_id?", "employer_id"),
            col("insurance", "code", vocabulary="insurance"),
            col("period", "period"),
            col("base", "money"),
            col("employer_amount", "money"),
            col("person_amount", "money"),
            col("paid_date", "date"),
            col("back_payment", "bool"),
        ),
    ),
    Table(
        name="benefits",
        owner="core",
        period_column="period",
        description="every payment out of any fund but medical settlements",
        columns=(
            col("*payment_id", "id"),
            col("person_id", "person_id"),
            col("insurance", "code", vocabulary="insurance"),
            col("benefit_type", "code", vocabulary="benefit_type"),
            col("period", "period"),
            col("amount", "money", signed=True),
            col("paid_date", "date"),
            col("bank_account?", "id", refers_to="account"),
            col("agency_id?", "id"),
            col("region_code?", "region"),
        ),
    ),
    Table(
        name="deaths",
        owner="core",
        description="external data: one row per person",
        columns=(
            col("*person_id", "person_id"),
            col("death_date", "date"),
            col("source?", "text"),
        ),
    ),
    Table(
        name="incarcerations",
        owner="core",
        description="external data; open spell: empty end_date",
        columns=(
            col("*person_id", "person_id"),
            col("*start_date", "date"),
            col("end_date?", "date"),
        ),
    ),
    Table(
        name="national_benefits",
        owner="core",
        period_column="period",
        description="external data: benefits paid by other regions or schemes",
        columns=(
            col("*person_id", "person_id"),
            col("*region_code", "region"),
            col("*insurance", "code", vocabulary="insurance"),
            col("*benefit_type", "code", vocabulary="benefit_type"),
            col("*period", "period"),
            col("amount", "money"),
        ),
    ),
    Table(
        name="ledger",
        owner="core",
        period_column="period",
        description="financial data",
        columns=(
            col("*entry_id", "id"),
            col("insurance", "code", vocabulary="insurance"),
            col("period", "period"),
            col("account_type", "code", vocabulary="account_type"),
            col("item", "code", vocabulary="ledger_item"),
            col("amount", "money", signed=True),
        ),
    ),
    Table(
        name="fund_reports",
        owner="core",
        period_column="period",
        description="report data; several districts add up to the ledger's figure",
        columns=(
            col("*insurance", "code", vocabulary="insurance"),
            col("*period", "period"),
            col("*region_code", "region"),
            col("*line", "code", vocabulary="report_line"),
            col("amount", "money"),
        ),
    ),
    Table(
        name="bank_accounts",
        owner="core",
        period_column="period",
        description="fund accounts, one row per account and period; balance at month end",
        columns=(
            col("*account_id", "id", refers_to="account"),
            col("insurance", "code", vocabulary="insurance"),
            col("account_type", "code", vocabulary="account_type"),
            col("bank_name?", "text"),
            col("*period", "period"),
            col("balance", "money"),
            col("interest_rate", "number"),
            col("designated", "bool"),
        ),
    ),
)
