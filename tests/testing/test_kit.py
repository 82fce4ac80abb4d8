"""The rule authors' kit: valid ids, rows through real intake, one indicator screened."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from fundrules.plugin_api import NoParams, ScreeningContext, as_hits, hookimpl, indicator
from fundrules.schema.identifiers import ric_profile, ric_valid, uscc_valid
from fundrules.testing import RuleKit, kit_registry
from fundrules.testing.declared import UndeclaredRead


@hookimpl
def _types(extend: Callable[[str, Iterable[str]], None]) -> None:
    extend("benefit_type", ["basic_pension"])


#: a stand-in plugin: the core declares no benefit types of its own
TYPES = SimpleNamespace(fundrules_register_vocabularies=_types)


@pytest.fixture(scope="module")
def kit() -> RuleKit:
    return RuleKit(kit_registry(("types", TYPES)), insurance="pension")


def test_ids_are_valid_and_carry_birth_and_sex(kit: RuleKit) -> None:
    ids = pd.Series([kit.pid("19620315", 3), kit.pid("1990-01-02", 4, "120104")])
    assert ric_valid(ids).all()
    prof = ric_profile(ids)
    assert list(prof["sex"]) == ["M", "F"]
    assert kit.person(ids[1])["birth_date"] == "1990-01-02"
    assert kit.person(ids[1])["region_code"] == "120104"
    assert uscc_valid(pd.Series([kit.eid(1), kit.eid(42, "120101")])).all()


def test_rows_go_through_intake_and_a_bad_row_is_named(kit: RuleKit) -> None:
    pid = kit.pid()
    ds = kit.dataset({"persons": [kit.person(pid)], "benefits": []})
    assert len(ds.table("persons")) == 1
    assert ds.table("benefits").empty
    bad = kit.benefit(pid, "pension", "basic_pension", "12.345")  # three decimals
    with pytest.raises(AssertionError, match="amount"):
        kit.dataset({"persons": [kit.person(pid)], "benefits": [bad]})


def test_screen_one_indicator_and_its_flagged_subjects(kit: RuleKit) -> None:
    """Two payments of the same first pension in one period: data.duplicate_payment (a core
    indicator, so the kit needs no plugin here)."""
    pid, other = kit.pid("19600101", 1), kit.pid("19600101", 3)
    twice = [kit.benefit(pid, "pension", "basic_pension", "3000.00") for _ in range(2)]
    once = [kit.benefit(other, "pension", "basic_pension", "3000.00")]
    tables = {"persons": [kit.person(pid), kit.person(other)], "benefits": twice + once}
    s = kit.screen("data.duplicate_payment", tables)
    assert kit.subjects(s) == {pid}
    assert kit.flagged(s) == kit.flagged("data.duplicate_payment", tables)
    assert set(kit.flagged(s).values()) <= {Decimal("3000.00")}
    assert kit.records(s, pid)
    wrong = RuleKit(kit.registry, insurance="medical")
    with pytest.raises(AssertionError):
        wrong.screen("data.duplicate_payment", tables)


def test_contributions_and_enrollments_are_valid_rows(kit: RuleKit) -> None:
    pid, eid = kit.pid(), kit.eid()
    ds = kit.dataset(
        {
            "persons": [kit.person(pid)],
            "employers": [kit.employer(eid)],
            "enrollments": [kit.enrollment(pid, "pension", "2010-01-01", employer_id=eid)],
            "contributions": [kit.contribution(pid, "pension", employer_id=eid)],
        }
    )
    assert ds.table("contributions")["employer_amount"].iloc[0] == 80_000
    assert list(kit.months("2025-01", "2025-03")) == ["2025-01", "2025-02", "2025-03"]


# -- an indicator reads only what it declares (the store hands it nothing else) ----------------

_META = dict(
    name_zh="测试",
    name_en="test",
    insurance=None,
    area="expenditure",
    legal_basis="none: a test indicator",
    reads={"benefits": ("payment_id", "person_id", "insurance", "period", "amount")},
    history_months=0,
    subject="person",
    partition="person",
)


@indicator(code="kit.paid_on", **_META)
def _paid_on(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """Shows the paid date, a column it does not declare."""
    b = ctx.target("benefits")
    return as_hits(b, evidence=["payment_id", "paid_date"])


@indicator(code="kit.with_date_if_there", **_META)
def _with_date_if_there(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """Shows the paid date when the table has it: no KeyError, but other evidence."""
    b = ctx.target("benefits")
    shown = ["payment_id", "paid_date"] if "paid_date" in b else ["payment_id"]
    return as_hits(b, evidence=shown)


@indicator(code="kit.two_months", **_META)
def _two_months(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """Declares the target month only, but counts the month before too."""
    b = ctx.table("benefits")
    b = b[b["period"] >= ctx.period - 1]
    return as_hits(b, evidence=["payment_id"])


@indicator(code="kit.declared", **{**_META, "history_months": 1})
def _declared(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """The same, declared: one month back."""
    b = ctx.table("benefits")
    b = b[b["period"] >= ctx.period - 1]
    return as_hits(b, evidence=["payment_id"])


@hookimpl
def _register(register: Callable[[Any], None]) -> None:
    for ind in (_paid_on, _with_date_if_there, _two_months, _declared):
        register(ind)


@hookimpl
def _prefix() -> str:
    return "kit"


READERS = SimpleNamespace(fundrules_register_indicators=_register, fundrules_code_prefix=_prefix)


@pytest.fixture(scope="module")
def readers() -> RuleKit:
    return RuleKit(kit_registry(("types", TYPES), ("readers", READERS)), insurance="pension")


def _two_payments(kit: RuleKit) -> dict[str, list[dict[str, Any]]]:
    pid = kit.pid()
    return {
        "persons": [kit.person(pid)],
        "benefits": [
            kit.benefit(pid, "pension", "basic_pension", "3000.00", period="2025-05"),
            kit.benefit(pid, "pension", "basic_pension", "3000.00"),
        ],
    }


def test_an_undeclared_column_fails_the_kit_naming_it(readers: RuleKit) -> None:
    with pytest.raises(UndeclaredRead, match="KeyError: 'paid_date'") as caught:
        readers.screen("kit.paid_on", _two_payments(readers))
    text = str(caught.value)
    assert "kit.paid_on failed when handed only what it declares" in text
    assert "benefits: amount, insurance, payment_id, period, person_id" in text
    assert "test_kit.py" in text  # where it read it


def test_a_column_tested_for_and_not_declared_fails_the_kit(readers: RuleKit) -> None:
    with pytest.raises(UndeclaredRead, match="finds other suspicions"):
        readers.screen("kit.with_date_if_there", _two_payments(readers))


def test_an_undeclared_month_fails_the_kit_and_a_declared_one_passes(readers: RuleKit) -> None:
    with pytest.raises(UndeclaredRead, match="history_months=0"):
        readers.screen("kit.two_months", _two_payments(readers))
    s = readers.screen("kit.declared", _two_payments(readers))
    assert len(json.loads(s["evidence"].iloc[0])["records"]) == 2
