"""The exchange tables as the generator writes them (exchange-schema.md, verbatim names).

Kinds say how a column is held while generating and how it is written:
``person``/``employer`` int index into the id stores; ``text`` strings; ``money`` int64 fen;
``price`` int64 in 0.0001 yuan; ``date`` datetime64[D]; ``period`` int month number;
``bool``; ``int`` int64 (``INT_NULL`` = empty); ``float`` float64 (NaN = empty).
"""

from __future__ import annotations

import numpy as np

INT_NULL = np.iinfo(np.int64).min

# table -> [(column, kind, optional)]
TABLES: dict[str, list[tuple[str, str, bool]]] = {
    "persons": [
        ("person_id", "person", False),
        ("name", "text", True),
        ("sex", "text", False),
        ("birth_date", "date", False),
        ("region_code", "text", False),
    ],
    "employers": [
        ("employer_id", "employer", False),
        ("name", "text", True),
        ("region_code", "text", False),
        ("industry_code", "text", True),
        ("established_date", "date", False),
    ],
    "enrollments": [
        ("person_id", "person", False),
        ("insurance", "text", False),
        ("scheme", "text", False),
        ("employer_id", "employer", True),
        ("start_date", "date", False),
        ("end_date", "date", True),
    ],
    "contributions": [
        ("person_id", "person", False),
        ("employer_id", "employer", True),
        ("insurance", "text", False),
        ("period", "period", False),
        ("base", "money", False),
        ("employer_amount", "money", False),
        ("person_amount", "money", False),
        ("paid_date", "date", False),
        ("back_payment", "bool", False),
    ],
    "benefits": [
        ("payment_id", "text", False),
        ("person_id", "person", False),
        ("insurance", "text", False),
        ("benefit_type", "text", False),
        ("period", "period", False),
        ("amount", "money", False),
        ("paid_date", "date", False),
        ("bank_account", "text", True),
        ("agency_id", "text", True),
        ("region_code", "text", True),
    ],
    "deaths": [
        ("person_id", "person", False),
        ("death_date", "date", False),
        ("source", "text", True),
    ],
    "incarcerations": [
        ("person_id", "person", False),
        ("start_date", "date", False),
        ("end_date", "date", True),
    ],
    "national_benefits": [
        ("person_id", "person", False),
        ("region_code", "text", False),
        ("insurance", "text", False),
        ("benefit_type", "text", False),
        ("period", "period", False),
        ("amount", "money", False),
    ],
    "ledger": [
        ("entry_id", "text", False),
        ("insurance", "text", False),
        ("period", "period", False),
        ("account_type", "text", False),
        ("item", "text", False),
        ("amount", "money", False),
    ],
    "fund_reports": [
        ("insurance", "text", False),
        ("period", "period", False),
        ("region_code", "text", False),
        ("line", "text", False),
        ("amount", "money", False),
    ],
    "bank_accounts": [
        ("account_id", "text", False),
        ("insurance", "text", False),
        ("account_type", "text", False),
        ("bank_name", "text", True),
        ("period", "period", False),
        ("balance", "money", False),
        ("interest_rate", "float", False),
        ("designated", "bool", False),
    ],
    "retirements": [
        ("person_id", "person", False),
        ("retirement_date", "date", False),
        ("retirement_type", "text", False),
        ("job_category", "text", True),
        ("approval_id", "text", True),
    ],
    "providers": [
        ("provider_id", "text", False),
        ("name", "text", True),
        ("level", "int", False),
        ("provider_type", "text", False),
        ("region_code", "text", False),
    ],
    "medical_settlements": [
        ("settlement_id", "text", False),
        ("person_id", "person", False),
        ("provider_id", "text", False),
        ("visit_type", "text", False),
        ("admit_date", "date", False),
        ("discharge_date", "date", True),
        ("diagnosis_code", "text", False),
        ("total_amount", "money", False),
        ("fund_amount", "money", False),
        ("period", "period", False),
    ],
    "medical_items": [
        ("settlement_id", "text", False),
        ("line_no", "int", False),
        ("item_code", "text", False),
        ("item_category", "text", False),
        ("service_date", "date", False),
        ("quantity", "float", False),
        ("unit_price", "price", False),
        ("amount", "money", False),
        ("days_supply", "int", True),
    ],
    "item_catalog": [
        ("item_code", "text", False),
        ("name", "text", True),
        ("restrict_sex", "text", True),
        ("min_age", "int", True),
        ("max_age", "int", True),
        ("max_daily_quantity", "float", True),
        ("max_unit_price", "price", True),
    ],
    "item_conflicts": [
        ("item_code_a", "text", False),
        ("item_code_b", "text", False),
        ("scope", "text", False),
    ],
    "injury_cases": [
        ("case_id", "text", False),
        ("person_id", "person", False),
        ("employer_id", "employer", False),
        ("accident_date", "date", False),
        ("application_date", "date", False),
        ("recognition_date", "date", True),
        ("disability_grade", "int", True),
    ],
    "unemployment_claims": [
        ("claim_id", "text", False),
        ("person_id", "person", False),
        ("registration_date", "date", False),
        ("first_period", "period", False),
        ("entitled_months", "int", False),
        ("contribution_months", "int", False),
        ("separation_reason", "text", False),
    ],
    "maternity_claims": [
        ("claim_id", "text", False),
        ("person_id", "person", False),
        ("employer_id", "employer", False),
        ("event_type", "text", False),
        ("event_date", "date", False),
        ("babies", "int", True),
        ("dystocia", "bool", False),
        ("allowance_days", "int", False),
        ("allowance_amount", "money", False),
        ("employer_avg_wage", "money", False),
        ("contribution_months", "int", False),
    ],
}

KEYS: dict[str, tuple[str, ...]] = {
    "persons": ("person_id",),
    "employers": ("employer_id",),
    "enrollments": ("person_id", "insurance", "start_date"),
    "benefits": ("payment_id",),
    "deaths": ("person_id",),
    "incarcerations": ("person_id", "start_date"),
    "national_benefits": ("person_id", "region_code", "insurance", "benefit_type", "period"),
    "ledger": ("entry_id",),
    "fund_reports": ("insurance", "period", "region_code", "line"),
    "bank_accounts": ("account_id", "period"),
    "retirements": ("person_id",),
    "providers": ("provider_id",),
    "medical_settlements": ("settlement_id",),
    "medical_items": ("settlement_id", "line_no"),
    "item_catalog": ("item_code",),
    "item_conflicts": ("item_code_a", "item_code_b"),
    "injury_cases": ("case_id",),
    "unemployment_claims": ("claim_id",),
    "maternity_claims": ("claim_id",),
}

INSURANCES = ("pension", "medical", "injury", "unemployment", "maternity")
INCOME_ITEMS = (
    "contribution_income",
    "fiscal_subsidy",
    "interest_income",
    "transfer_in",
    "other_income",
)
EXPENDITURE_ITEMS = ("benefit_expenditure", "transfer_out", "other_expenditure")
