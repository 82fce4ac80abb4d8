"""The claim behind an allowance: linking, entitlement, contribution months, separation reason."""

from __future__ import annotations

from decimal import Decimal

import pytest

EXCEEDS = "unemployment.exceeds_entitlement"
INSUFFICIENT = "unemployment.insufficient_contribution"
VOLUNTARY = "unemployment.voluntary_separation"


# ---- linking an allowance to its claim -------------------------------------------------------


@pytest.mark.parametrize(
    ("registered", "linked_to_new"),
    [("2025-06-30", True), ("2025-07-01", False)],
)
def test_an_allowance_links_to_the_latest_claim_registered_by_the_end_of_its_period(
    kit, registered, linked_to_new
):
    a = kit.pid()
    tables = {
        "unemployment_claims": [
            kit.claim(a, "2023-01-10", "2023-02", reason="voluntary", claim_id="old"),
            kit.claim(a, registered, "2025-07", reason="involuntary", claim_id="new"),
        ],
        "benefits": [kit.pay(a)],
    }
    s = kit.screen(VOLUNTARY, tables)
    assert s.empty is linked_to_new
    if not linked_to_new:
        assert kit.records(s, a)[0]["claim_id"] == "old"


def test_two_claims_registered_the_same_day_link_to_the_larger_claim_id(kit):
    a = kit.pid()
    tables = {
        "unemployment_claims": [
            kit.claim(a, "2025-05-10", reason="involuntary", claim_id="c-2"),
            kit.claim(a, "2025-05-10", reason="voluntary", claim_id="c-1"),
        ],
        "benefits": [kit.pay(a)],
    }
    assert kit.screen(VOLUNTARY, tables).empty
    tables["unemployment_claims"][1]["claim_id"] = "c-3"
    assert kit.records(kit.screen(VOLUNTARY, tables), a)[0]["claim_id"] == "c-3"


def test_an_allowance_without_a_claim_is_not_judged_on_its_claim(kit):
    a, b = kit.pid(seq=1), kit.pid(seq=3)
    tables = {
        "unemployment_claims": [kit.claim(b, contributed=3, reason="voluntary")],
        "benefits": [kit.pay(a)],
    }
    for code in (EXCEEDS, INSUFFICIENT, VOLUNTARY):
        assert kit.screen(code, tables).empty, code


# ---- exceeds_entitlement --------------------------------------------------------------------


def test_one_month_more_than_entitled_is_flagged_with_the_count_in_the_evidence(kit):
    a = kit.pid()
    tables = {
        "unemployment_claims": [kit.claim(a, "2025-02-20", "2025-03", entitled=3, contributed=24)],
        "benefits": kit.months(a, "2025-03", "2025-06"),
    }
    s = kit.screen(EXCEEDS, tables)
    assert kit.flagged(s) == {a: Decimal("1800.00")}
    (rec,) = kit.records(s, a)
    assert rec["months_paid"] == 4 and rec["entitled_months"] == 3
    assert rec["statutory_max_months"] == 12 and rec["first_period"] == "2025-03"
    assert rec["reason"] == "months paid beyond the entitlement"


def test_exactly_the_entitled_months_are_due(kit):
    a = kit.pid()
    tables = {
        "unemployment_claims": [kit.claim(a, "2025-02-20", "2025-03", entitled=4, contributed=24)],
        "benefits": kit.months(a, "2025-03", "2025-06"),
    }
    assert kit.screen(EXCEEDS, tables).empty


def test_months_before_first_period_reversed_months_and_later_months_do_not_count(kit):
    a = kit.pid()
    rows = kit.months(a, "2024-01", "2024-12")  # an earlier claim's months
    rows += kit.months(a, "2025-03", "2025-06")  # 4 months of this claim
    rows += [kit.pay(a, "2025-04", "-1800.00")]  # April recovered in full: not paid
    rows += kit.months(a, "2025-07", "2025-09")  # paid in advance: not yet history
    tables = {
        "unemployment_claims": [
            kit.claim(a, "2023-12-10", "2024-01", entitled=12, contributed=30),
            kit.claim(a, "2025-02-20", "2025-03", entitled=3, contributed=24),
        ],
        "benefits": rows,
    }
    assert kit.screen(EXCEEDS, tables).empty
    tables["benefits"] = [r for r in rows if r["amount"] != "-1800.00"]
    assert kit.records(kit.screen(EXCEEDS, tables), a)[0]["months_paid"] == 4


def test_split_payments_of_one_month_count_once(kit):
    a = kit.pid()
    tables = {
        "unemployment_claims": [kit.claim(a, "2025-04-20", "2025-05", entitled=2, contributed=24)],
        "benefits": [
            kit.pay(a, "2025-05", "900.00"),
            kit.pay(a, "2025-05", "900.00"),
            kit.pay(a, "2025-06", "900.00"),
            kit.pay(a, "2025-06", "900.00"),
        ],
    }
    assert kit.screen(EXCEEDS, tables).empty


STATUTORY_CASES = [
    (12, 12, False),
    (12, 13, True),
    (59, 12, False),
    (59, 13, True),
    (60, 18, False),
    (60, 19, True),
    (119, 18, False),
    (119, 19, True),
    (120, 24, False),
    (120, 25, True),
    (240, 24, False),
    (11, 30, False),  # below 12: insufficient_contribution's alone
    (0, 30, False),
]


def test_entitlement_above_the_statutory_maximum(kit):
    """12–59 contribution months: 12; 60–119: 18; 120 and more: 24; one person per case."""
    people = [kit.pid(seq=2 * i + 1) for i in range(len(STATUTORY_CASES))]
    tables = {
        "unemployment_claims": [
            kit.claim(a, "2025-05-20", "2025-06", entitled=entitled, contributed=contributed)
            for a, (contributed, entitled, _) in zip(people, STATUTORY_CASES, strict=True)
        ],
        "benefits": [kit.pay(a) for a in people],
    }
    s = kit.screen(EXCEEDS, tables)
    want = {a for a, (_, _, flagged) in zip(people, STATUTORY_CASES, strict=True) if flagged}
    assert set(s["subject_id"]) == want
    for a in want:
        (rec,) = kit.records(s, a)
        assert rec["reason"] == "entitlement above the statutory maximum"
        assert rec["months_paid"] == 1


def test_both_reasons_at_once(kit):
    a = kit.pid()
    tables = {
        "unemployment_claims": [kit.claim(a, "2024-01-20", "2024-02", entitled=15, contributed=36)],
        "benefits": kit.months(a, "2024-02", "2025-06"),
    }
    (rec,) = kit.records(kit.screen(EXCEEDS, tables), a)
    assert rec["months_paid"] == 17
    assert rec["reason"] == (
        "months paid beyond the entitlement; entitlement above the statutory maximum"
    )


def test_the_statutory_table_is_a_parameter(kit):
    a = kit.pid()
    tables = {
        "unemployment_claims": [kit.claim(a, "2025-05-20", "2025-06", entitled=18, contributed=40)],
        "benefits": [kit.pay(a)],
    }
    assert not kit.screen(EXCEEDS, tables).empty
    bands = [
        {"min_contribution_months": 12, "max_allowance_months": 12},
        {"min_contribution_months": 36, "max_allowance_months": 18},
    ]
    assert kit.screen(EXCEEDS, tables, params={"entitlement": bands}).empty


def test_a_reversed_allowance_beyond_the_entitlement_is_shown_at_zero(kit):
    a = kit.pid()
    tables = {
        "unemployment_claims": [kit.claim(a, "2025-01-20", "2025-02", entitled=2, contributed=24)],
        "benefits": [*kit.months(a, "2025-02", "2025-06"), kit.pay(a, "2025-06", "-1800.00")],
    }
    s = kit.screen(EXCEEDS, tables)
    assert kit.flagged(s) == {a: Decimal("0.00")}
    assert len(kit.records(s, a)) == 2


# ---- insufficient_contribution -----------------------------------------------------------------


def test_fewer_than_12_contribution_months(kit):
    cases = {0: True, 11: True, 12: False, 13: False}
    people = {c: kit.pid(seq=2 * c + 1) for c in cases}
    tables = {
        "unemployment_claims": [
            kit.claim(a, contributed=c, entitled=12) for c, a in people.items()
        ],
        "benefits": [kit.pay(a, amount="1700.00") for a in people.values()],
    }
    s = kit.screen(INSUFFICIENT, tables)
    assert kit.flagged(s) == {people[c]: Decimal("1700.00") for c, f in cases.items() if f}
    rec = kit.records(s, people[11])[0]
    assert rec["contribution_months"] == 11 and rec["min_months"] == 12


def test_the_threshold_is_a_parameter(kit):
    a = kit.pid()
    tables = {
        "unemployment_claims": [kit.claim(a, contributed=11)],
        "benefits": [kit.pay(a)],
    }
    assert kit.screen(INSUFFICIENT, tables, params={"min_months": 11}).empty


def test_a_reversal_alone_is_not_an_allowance(kit):
    a = kit.pid()
    tables = {
        "unemployment_claims": [kit.claim(a, contributed=5)],
        "benefits": [kit.pay(a, amount="-1800.00")],
    }
    assert kit.screen(INSUFFICIENT, tables).empty


# ---- voluntary_separation --------------------------------------------------------------------


def test_only_a_voluntary_separation_is_flagged(kit):
    people = {
        r: kit.pid(seq=2 * i + 1) for i, r in enumerate(("voluntary", "involuntary", "other"))
    }
    tables = {
        "unemployment_claims": [kit.claim(a, reason=r) for r, a in people.items()],
        "benefits": [
            row
            for a in people.values()
            for row in (kit.pay(a, amount="1500.00"), kit.pay(a, amount="-500.00"))
        ],
    }
    s = kit.screen(VOLUNTARY, tables)
    assert kit.flagged(s) == {people["voluntary"]: Decimal("1000.00")}
    assert {r["separation_reason"] for r in kit.records(s, people["voluntary"])} == {"voluntary"}


def test_allowances_of_other_periods_are_history(kit):
    a = kit.pid()
    tables = {
        "unemployment_claims": [kit.claim(a, reason="voluntary")],
        "benefits": [kit.pay(a, "2025-05"), kit.pay(a, "2025-07")],
    }
    assert kit.screen(VOLUNTARY, tables).empty
