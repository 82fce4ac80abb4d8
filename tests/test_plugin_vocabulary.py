"""What a plugin brings besides indicators: its insurance, its code prefix, its payment tables
(D13). A third party's insurance is treated like the schema's five; a code without its plugin's
prefix, a prefix taken, an insurance nobody declares are refused, naming plugin and code, and
only that plugin suffers."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from ids import person_id

import fundrules
from fundrules.default_plugins.money import core_business_totals
from fundrules.plugin_api import (
    NoParams,
    PaymentTable,
    PluginContributions,
    ScreeningContext,
    Table,
    col,
    indicator,
)
from fundrules.plugins import Registry, build_registry
from fundrules.screening.suspicions import evidence_records

CARE = Table(
    name="care_payments",
    owner="care",
    period_column="period",
    columns=(
        col("*payment_id", "id"),
        col("person_id", "person_id"),
        col("period", "period"),
        col("amount", "money", signed=True),
    ),
)
CARE_PAYMENTS = PaymentTable(
    table="care_payments", person_column="person_id", amount_column="amount", insurance="care"
)


def _care_indicator(code: str, insurance: str | None = "care") -> object:
    @indicator(
        code=code,
        name_zh="护理",
        name_en="Care",
        insurance=insurance,
        area="expenditure",
        legal_basis="a test plugin",
        reads={"care_payments": ("person_id", "amount")},
        subject="person",
        partition="person",
    )
    def every_payment(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
        """Every care payment of the period."""
        rows = ctx.target("care_payments")
        return pd.DataFrame({"subject_id": rows["person_id"], "amount_fen": rows["amount"]})

    return every_payment


def _registry(*plugins: tuple[str, object]) -> Registry:
    return build_registry(entry_points=False, extra_plugins=plugins, strict=False)


def _care(prefix: str | None = "care", *indicators: object) -> PluginContributions:
    return PluginContributions(
        prefix=prefix,
        tables=[CARE],
        payment_tables=[CARE_PAYMENTS],
        vocabularies={"insurance": ["care"]},
        indicators=indicators or [_care_indicator("care.every_payment")],
    )


def _failures(reg: Registry) -> dict[str, str]:
    """Each failed plugin's errors, in order, one per line."""
    out: dict[str, str] = {}
    for f in reg.failures:
        out[f.plugin] = (out[f.plugin] + "\n" if f.plugin in out else "") + f.error
    return out


def test_a_plugins_insurance_is_a_value_of_the_vocabulary_like_the_schemas() -> None:
    reg = _registry(("care", _care()))
    assert reg.failures == []
    assert {"pension", "medical", "care"} <= reg.insurances
    assert reg.indicators["care.every_payment"].plugin == "care"
    assert reg.prefixes["care"] == "care"
    period = "2025-06"
    ds = fundrules.dataset_from_frames(
        {
            "enrollments": pd.DataFrame(
                {
                    "person_id": [person_id(seq=1), person_id(seq=3)],
                    "insurance": ["care", "dental"],
                    "scheme": ["employee", "employee"],
                    "start_date": ["2020-01-01", "2020-01-01"],
                }
            )
        },
        period,
        registry=reg,
    )
    assert ds.table("enrollments")["insurance"].tolist() == ["care"]
    assert "dental" in ds.quarantine["value"].tolist()


@pytest.mark.parametrize(
    ("code", "prefix", "error"),
    [
        ("pension.every_payment", "care", "does not carry the plugin's prefix 'care'"),
        ("care.every_payment", None, "declares no code prefix"),
        ("fund.every_payment", "fund", "belongs to the core"),
    ],
)
def test_a_code_without_its_plugins_prefix_is_refused_by_name(
    code: str, prefix: str | None, error: str
) -> None:
    good = _care_indicator("care.first")
    reg = _registry(("care", _care(prefix, good, _care_indicator(code))), ("other", _other()))
    failures = _failures(reg)
    assert set(failures) == {"care"}
    assert error in failures["care"]
    if "prefix 'care'" in error:
        assert "'care'" in failures["care"] and code in failures["care"]
    # all of the plugin's indicators or none; the other plugin runs
    assert not any(c.startswith("care.") for c in reg.indicators)
    assert "other.check" in reg.indicators
    assert "fund.low_deposit_rate" in reg.indicators


def _other(prefix: str = "other") -> PluginContributions:
    @indicator(
        code=f"{prefix}.check",
        name_zh="另一个",
        name_en="Other",
        insurance="pension",
        area="expenditure",
        legal_basis="a test plugin",
        reads={"benefits": ("person_id",)},
        subject="person",
        partition="person",
    )
    def check(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
        """Nothing."""
        return pd.DataFrame({"subject_id": [], "amount_fen": []})

    return PluginContributions(prefix=prefix, indicators=[check])


def test_two_plugins_cannot_share_a_prefix() -> None:
    reg = _registry(("first", _other("shared")), ("second", _other("shared")))
    failures = _failures(reg)
    assert list(failures) == ["second"]
    assert "'shared' is already declared by plugin 'first'" in failures["second"]
    assert reg.indicators["shared.check"].plugin == "first"


def test_an_indicator_of_an_insurance_nobody_declares_is_refused() -> None:
    plugin = PluginContributions(
        prefix="care",
        tables=[CARE],
        indicators=[_care_indicator("care.every_payment", insurance="dental")],
    )
    failures = _failures(_registry(("care", plugin)))
    assert "indicator care.every_payment names insurance 'dental'" in failures["care"]


def test_strict_mode_raises_on_a_refused_code() -> None:
    with pytest.raises(fundrules.PluginError, match=r"pension\.every_payment"):
        build_registry(
            entry_points=False,
            extra_plugins=[("care", _care("care", _care_indicator("pension.every_payment")))],
            strict=True,
        )


def _care_dataset(reg: Registry) -> fundrules.Dataset:
    known, unknown = person_id(seq=1), person_id(seq=3)
    return fundrules.dataset_from_frames(
        {
            "persons": pd.DataFrame(
                {
                    "person_id": [known],
                    "sex": ["M"],
                    "birth_date": ["1960-01-01"],
                    "region_code": ["120101"],
                }
            ),
            "care_payments": pd.DataFrame(
                {
                    "payment_id": ["C1", "C2", "C3", "C4"],
                    "person_id": [known, unknown, unknown, unknown],
                    "period": ["2025-06", "2025-06", "2025-06", "2025-05"],
                    "amount": ["100.00", "250.50", "-50.00", "999.00"],
                }
            ),
        },
        "2025-06",
        registry=reg,
    )


def test_the_cores_payment_checks_read_a_plugins_declared_payment_table() -> None:
    reg = _registry(("care", _care()))
    result = fundrules.screen(_care_dataset(reg), ["data.unknown_person"], registry=reg)
    s = result.suspicions
    assert s["subject_id"].tolist() == [person_id(seq=3)]
    assert s["insurance"].tolist() == ["care"]
    assert s["amount_at_risk"].tolist() == [Decimal("200.50")]  # the reversal offsets
    [record] = evidence_records(s["evidence"].iloc[0])
    assert record["source"] == "care_payments"
    assert result.runs.set_index("indicator").loc["data.unknown_person", "rows_in"] == 5


def test_cash_basis_totals_include_a_plugins_payment_table_by_its_period() -> None:
    reg = _registry(("care", _care()))
    ds = _care_dataset(reg)
    ctx = ScreeningContext(ds, payment_tables=tuple(reg.payment_tables.values()))
    totals = core_business_totals(ctx)
    care = totals[totals["insurance"] == "care"]
    assert care[["measure", "amount_fen", "source"]].values.tolist() == [
        ["benefits", 30050, "care_payments"]
    ]


@pytest.mark.parametrize(
    ("declared", "error"),
    [
        (
            PaymentTable(
                table="benefits",
                person_column="person_id",
                amount_column="amount",
                insurance="care",
            ),
            "'benefits' is not a table the plugin declares",
        ),
        (
            PaymentTable(
                table="care_payments",
                person_column="payment_id",
                amount_column="amount",
                insurance="care",
            ),
            "column 'payment_id' is id, not person_id",
        ),
        (
            PaymentTable(
                table="care_payments",
                person_column="person_id",
                amount_column="amount",
                insurance="dental",
            ),
            "insurance 'dental' is not declared",
        ),
    ],
)
def test_a_payment_table_that_does_not_fit_is_refused(declared: PaymentTable, error: str) -> None:
    plugin = PluginContributions(
        prefix="care",
        tables=[CARE],
        payment_tables=[declared],
        vocabularies={"insurance": ["care"]},
    )
    reg = _registry(("care", plugin))
    assert error in _failures(reg)["care"]
    assert list(reg.payment_tables) == ["benefits"]
