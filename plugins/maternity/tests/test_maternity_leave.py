"""allowance_days_excess and allowance_above_formula: the claim's own figures."""

from __future__ import annotations

from decimal import Decimal

DAYS = "maternity.allowance_days_excess"
FORMULA = "maternity.allowance_above_formula"


MAXIMA = [
    ("birth", None, "false", 158),  # 98 + 60 regional
    ("birth", "1", "false", 158),
    ("birth", "1", "true", 173),  # + 15 dystocia
    ("birth", "2", "false", 173),  # + 15 per extra baby
    ("birth", "3", "true", 203),
    ("birth", "0", "false", 158),  # no baby recorded reads as one
    ("miscarriage_early", "2", "true", 15),  # babies, dystocia, extension: births only
    ("miscarriage_late", None, "true", 42),
]


def test_the_maximum_is_due_one_day_more_is_flagged(kit):
    claims, over = [], {}
    for i, (event_type, babies, dystocia, maximum) in enumerate(MAXIMA):
        at, above = kit.pid(seq=2 + 4 * i), kit.pid(seq=4 + 4 * i)
        for pid, days in ((at, maximum), (above, maximum + 1)):
            claims.append(
                kit.claim(
                    pid, event_type=event_type, babies=babies, dystocia=dystocia, days=str(days)
                )
            )
        over[above] = maximum
    s = kit.screen(DAYS, {"maternity_claims": claims})
    assert kit.flagged(s) == dict.fromkeys(over, Decimal("0.00"))
    for pid, maximum in over.items():
        (rec,) = kit.records(s, pid)
        assert rec["max_days"] == maximum and rec["days_over"] == 1
        assert rec["allowance_days"] == maximum + 1


def test_the_evidence_says_how_the_maximum_is_made_up(kit):
    a = kit.pid()
    claim = kit.claim(a, babies="3", dystocia="true", days="250")
    (rec,) = kit.records(kit.screen(DAYS, {"maternity_claims": [claim]}), a)
    assert rec["basis"] == "98 birth + 15 dystocia + 15×2 extra baby + 60 regional"
    assert rec["babies"] == 3 and rec["dystocia"] is True


def test_other_events_are_not_checked_nor_other_periods(kit):
    claims = [
        kit.claim(kit.pid(seq=2), event_type="other", days="400"),
        kit.claim(kit.pid(seq=4), "2025-05-31", days="400"),
    ]
    assert kit.screen(DAYS, {"maternity_claims": claims}).empty


def test_the_regional_extension_is_dated_and_overridable(kit, registry):
    a = kit.pid()
    claims = [kit.claim(a, "2025-06-10", days="140")]
    s = kit.screen(DAYS, {"maternity_claims": claims}, params={"regional_extension_days": 30})
    assert kit.records(s, a)[0]["max_days"] == 128
    dated = {"regional_extension_days": {"2025-07-01": 30}}
    assert kit.screen(DAYS, {"maternity_claims": claims}, params=dated).empty  # 60 in June
    claims = [kit.claim(a, "2025-07-10", days="140")]
    s = kit.screen(DAYS, {"maternity_claims": claims}, period="2025-07", params=dated)
    assert set(kit.flagged(s)) == {a}
    assert '"effective": "2025-07-01"' in s["parameters"].iloc[0]


def test_the_statutory_days_are_a_standing_law_parameter(kit):
    import fundrules

    a = kit.pid()
    ds = kit.dataset({"maternity_claims": [kit.claim(a, "2030-06-10", days="158")]}, "2030-06")
    res = fundrules.screen(ds, indicators=[DAYS], registry=kit.registry)
    assert res.suspicions.empty and not res.warnings  # no staleness warning: standing law
    law = {"statutory_leave": {"birth": 90}}
    res = fundrules.screen(ds, indicators=[DAYS], params={DAYS: law}, registry=kit.registry)
    assert len(res.suspicions) == 1


def test_the_allowance_one_fen_above_the_tolerance_is_flagged(kit):
    # 9000.00 / 30 × 158 = 47400.00; +1 % = 47874.00 is accepted, 47874.01 is not
    a, b = kit.pid(seq=2), kit.pid(seq=4)
    claims = [kit.claim(a, amount="47874.00"), kit.claim(b, amount="47874.01")]
    s = kit.screen(FORMULA, {"maternity_claims": claims})
    assert kit.flagged(s) == {b: Decimal("0.00")}
    (rec,) = kit.records(s, b)
    assert rec["formula_amount"] == "47400.00" and rec["highest_accepted"] == "47874.00"
    assert rec["excess"] == "474.01" and rec["allowance_amount"] == "47874.01"
    assert rec["employer_avg_wage"] == "9000.00" and rec["allowance_days"] == 158


def test_the_formula_is_exact_without_rounding_to_the_fen(kit):
    # 7777.77 / 30 × 98 = 25407.382 yuan; × 1.01 = 25661.45582: .45 accepted, .46 flagged
    a, b = kit.pid(seq=2), kit.pid(seq=4)
    claims = [
        kit.claim(a, wage="7777.77", days="98", amount="25661.45"),
        kit.claim(b, wage="7777.77", days="98", amount="25661.46"),
    ]
    s = kit.screen(FORMULA, {"maternity_claims": claims})
    assert set(kit.flagged(s)) == {b}
    (rec,) = kit.records(s, b)
    assert rec["formula_amount"] == "25407.38" and rec["highest_accepted"] == "25661.45"


def test_the_claims_own_days_are_used_and_the_tolerance_is_a_parameter(kit):
    a = kit.pid()
    claims = [kit.claim(a, days="300", amount="90000.00")]  # 9000 / 30 × 300 = 90000
    assert kit.screen(FORMULA, {"maternity_claims": claims}).empty
    claims = [kit.claim(a, amount="47500.00")]  # 0.21 % above
    assert kit.screen(FORMULA, {"maternity_claims": claims}).empty
    s = kit.screen(FORMULA, {"maternity_claims": claims}, params={"tolerance_percent": 0.2})
    assert set(kit.flagged(s)) == {a}
    s = kit.screen(FORMULA, {"maternity_claims": claims}, params={"tolerance_percent": 0})
    assert set(kit.flagged(s)) == {a}


def test_zero_days_or_wage_makes_any_allowance_excessive_and_history_is_not_judged(kit):
    a, b = kit.pid(seq=2), kit.pid(seq=4)
    claims = [
        kit.claim(a, days="0", amount="0.01"),
        kit.claim(b, "2025-05-20", amount="99999.00"),
    ]
    s = kit.screen(FORMULA, {"maternity_claims": claims})
    assert set(kit.flagged(s)) == {a}
    assert kit.records(s, a)[0]["excess_percent"] is None
