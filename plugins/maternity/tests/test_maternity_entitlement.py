"""male_claimant and insufficient_contribution: allowance payments of the target period."""

from __future__ import annotations

from decimal import Decimal

MALE = "maternity.male_claimant"
SHORT = "maternity.insufficient_contribution"


def test_allowance_paid_to_a_man_is_flagged_and_a_woman_is_not(kit):
    man, woman = kit.pid(seq=1), kit.pid(seq=2)
    s = kit.screen(
        MALE,
        {
            "persons": [kit.person(man), kit.person(woman)],
            "benefits": [kit.pay(man), kit.pay(woman)],
            "maternity_claims": [kit.claim(man, claim_id="cm")],
        },
    )
    assert kit.flagged(s) == {man: Decimal("47400.00")}
    (rec,) = kit.records(s, man)
    assert rec["sex"] == "M" and rec["sex_from"] == "id"
    assert rec["claim_id"] == "cm" and rec["event_date"] == "2025-06-10"
    assert rec["period"] == "2025-06" and rec["amount"] == "47400.00"


def test_maternity_medical_to_a_man_is_not_judged(kit):
    """An insured man's unemployed wife has her maternity medical costs paid on his insurance."""
    man = kit.pid(seq=1)
    s = kit.screen(MALE, {"benefits": [kit.pay(man, "3000.00", btype="maternity_medical")]})
    assert s.empty


def test_sex_comes_from_the_id_where_valid_else_from_persons(kit):
    valid_man = kit.pid(seq=1)
    bad_id = "120101199501010019"  # wrong check character: persons decides
    assert bad_id != kit.pid(seq=1)
    s = kit.screen(
        MALE,
        {
            # persons says F for the valid male id: the id wins
            "persons": [kit.person(valid_man, sex="F"), kit.person(bad_id, sex="M")],
            "benefits": [kit.pay(valid_man), kit.pay(bad_id)],
        },
    )
    assert set(kit.flagged(s)) == {valid_man, bad_id}
    assert kit.records(s, bad_id)[0]["sex_from"] == "persons"


def test_unknown_sex_is_not_judged(kit):
    bad_id = "120101199501010019"
    assert kit.screen(MALE, {"benefits": [kit.pay(bad_id)]}).empty


def test_other_periods_are_history_and_reversals_offset(kit):
    a, b, c = kit.pid(seq=1), kit.pid(seq=3), kit.pid(seq=5)
    s = kit.screen(
        MALE,
        {
            "benefits": [
                kit.pay(a, period="2025-05"),  # history
                kit.pay(b, "1000.00"),
                kit.pay(b, "-400.00"),  # partly reversed
                kit.pay(c, "-500.00"),  # a reversal alone is not a payment
            ]
        },
    )
    assert kit.flagged(s) == {b: Decimal("600.00")}
    assert len(kit.records(s, b)) == 2


def test_a_payment_fully_reversed_is_shown_at_zero(kit):
    a = kit.pid(seq=1)
    s = kit.screen(MALE, {"benefits": [kit.pay(a, "1000.00"), kit.pay(a, "-1000.00")]})
    assert kit.flagged(s) == {a: Decimal("0.00")}


def _short(kit, months: str, **claim):
    a = kit.pid()
    return a, {
        "benefits": [kit.pay(a)],
        "maternity_claims": [kit.claim(a, months=months, **claim)],
    }


def test_eleven_contribution_months_are_flagged_twelve_are_not(kit):
    a, tables = _short(kit, "11")
    s = kit.screen(SHORT, tables)
    assert kit.flagged(s) == {a: Decimal("47400.00")}
    (rec,) = kit.records(s, a)
    assert rec["contribution_months"] == 11 and rec["min_months"] == 12
    assert rec["claim_id"] and rec["payment_id"]
    _, tables = _short(kit, "12")
    assert kit.screen(SHORT, tables).empty


def test_the_threshold_is_a_parameter(kit):
    a, tables = _short(kit, "12")
    assert set(kit.flagged(kit.screen(SHORT, tables, params={"min_months": 13}))) == {a}


def test_the_payment_links_to_the_latest_claim_on_or_before_the_period_end(kit):
    a = kit.pid()
    tables = {
        "benefits": [kit.pay(a)],
        "maternity_claims": [
            kit.claim(a, "2024-03-01", months="6"),  # an old short claim
            kit.claim(a, "2025-06-30", months="30"),  # the one paid now
            kit.claim(a, "2025-07-01", months="3"),  # a later claim is not this payment's
        ],
    }
    assert kit.screen(SHORT, tables).empty
    tables["maternity_claims"][1]["contribution_months"] = "8"
    assert set(kit.flagged(kit.screen(SHORT, tables))) == {a}


def test_an_allowance_paid_ahead_of_the_event_links_to_the_next_claim(kit):
    a, tables = _short(kit, "5", event_date="2025-07-03")
    s = kit.screen(SHORT, tables)
    assert set(kit.flagged(s)) == {a}
    assert kit.records(s, a)[0]["event_date"] == "2025-07-03"


def test_an_allowance_without_a_claim_and_other_benefits_are_not_judged(kit):
    a, b = kit.pid(seq=2), kit.pid(seq=4)
    s = kit.screen(
        SHORT,
        {
            "benefits": [kit.pay(a), kit.pay(b, "3000.00", btype="maternity_medical")],
            "maternity_claims": [kit.claim(b, months="3")],
        },
    )
    assert s.empty
