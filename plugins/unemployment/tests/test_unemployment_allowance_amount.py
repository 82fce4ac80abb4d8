"""The monthly allowance against the regional cap."""

from __future__ import annotations

from decimal import Decimal

CAP = "unemployment.amount_above_cap"


def test_the_monthly_allowance_is_the_sum_of_the_period_rows(kit):
    a, b, c, d, e = (kit.pid(seq=s) for s in (1, 3, 5, 7, 9))
    tables = {
        "benefits": [
            kit.pay(a, amount="2320.00"),  # exactly the cap: due
            kit.pay(b, amount="2320.01"),  # one fen above
            kit.pay(c, amount="1500.00"),  # two part-payments of one month add up
            kit.pay(c, amount="900.00"),
            kit.pay(d, amount="2500.00"),  # a reversal brings it back to the cap
            kit.pay(d, amount="-180.00"),
            kit.pay(e, "2025-05", amount="2400.00"),  # another period: history
            kit.pay(e, amount="2000.00"),
        ],
    }
    s = kit.screen(CAP, tables)
    assert kit.flagged(s) == {b: Decimal("2320.01"), c: Decimal("2400.00")}
    recs = kit.records(s, c)
    assert [r["amount"] for r in recs] == ["1500.00", "900.00"]
    assert {(r["monthly_allowance"], r["cap"], r["excess"]) for r in recs} == {
        ("2400.00", "2320.00", "80.00")
    }


def test_the_cap_is_dated_and_the_value_in_force_on_the_first_day_is_used(kit):
    a = kit.pid()
    tables = {"benefits": [kit.pay(a, "2025-06", "2450.00"), kit.pay(a, "2025-07", "2450.00")]}
    caps = {"cap_yuan": {"2024-07-01": 2320, "2025-07-01": 2500}}
    assert not kit.screen(CAP, tables, "2025-06", params=caps).empty
    assert kit.screen(CAP, tables, "2025-07", params=caps).empty
    assert kit.screen(CAP, tables, "2025-06", params={"cap_yuan": 2450.0}).empty


def test_the_shipped_cap_is_the_catalog_placeholder_with_a_staleness_warning(kit, registry):
    import fundrules

    a = kit.pid()
    res = fundrules.screen(
        kit.dataset({"benefits": [kit.pay(a, amount="2320.00")]}),
        indicators=[CAP],
        registry=registry,
    )
    assert res.parameters[CAP]["cap_yuan"] == {"value": "2320.00", "effective": "1999-01-22"}
    assert any("cap_yuan" in w for w in res.warnings)
