"""The rule authors' kit: valid ids, rows through real intake, one indicator screened."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from types import SimpleNamespace

import pandas as pd
import pytest

from fundrules.plugin_api import hookimpl
from fundrules.schema.identifiers import ric_profile, ric_valid, uscc_valid
from fundrules.testing import RuleKit, kit_registry


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
