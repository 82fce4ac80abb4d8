"""early_retirement and paid_before_retirement."""

from __future__ import annotations

from decimal import Decimal

EARLY = "pension.early_retirement"


def test_retiring_one_day_before_the_statutory_date_is_flagged_on_the_day_is_not(kit):
    early = kit.pid("19650115", 1)  # man, 60y1m -> 2025-02-15
    on_time = kit.pid("19650115", 3)
    s = kit.screen(
        EARLY,
        {
            "retirements": [
                kit.retirement(early, "2025-02-14"),
                kit.retirement(on_time, "2025-02-15"),
            ],
        },
        period="2025-02",
    )
    assert kit.flagged(s) == {early: Decimal("0.00")}
    rec = kit.records(s, early)[0]
    assert rec["retirement_date"] == "2025-02-14"
    assert rec["statutory_date"] == "2025-02-15"
    assert rec["statutory_age"] == "60y1m"
    assert rec["days_early"] == 1
    assert (rec["sex"], rec["job_category"], rec["retirement_type"]) == ("M", "worker", "normal")


def test_only_retirements_of_the_target_period_are_screened(kit):
    a = kit.pid("19650115", 1)
    s = kit.screen(EARLY, {"retirements": [kit.retirement(a, "2025-01-31")]}, period="2025-02")
    assert s.empty


def test_women_workers_and_cadres_differ_and_empty_category_is_worker(kit):
    worker = kit.pid("19750320", 2)  # 50y2m -> 2025-05-20
    blank = kit.pid("19750320", 4)
    cadre = kit.pid("19750320", 6)  # cadre 55 + delay: not before 2030
    s = kit.screen(
        EARLY,
        {
            "retirements": [
                kit.retirement(worker, "2025-05-19", job="worker"),
                kit.retirement(blank, "2025-05-20"),
                kit.retirement(cadre, "2025-05-20", job="cadre"),
            ],
        },
        period="2025-05",
    )
    assert set(kit.flagged(s)) == {worker, cadre}
    assert kit.records(s, cadre)[0]["statutory_age"] == "56y4m"


def test_special_work_and_illness_have_their_own_ages(kit):
    special_ok = kit.pid("19700601", 1)  # special work, man: 55 on 2025-06-01
    special_early = kit.pid("19700602", 3)  # 55 on 2025-06-02
    ill_ok = kit.pid("19750601", 5)  # illness, man: 50
    ill_woman = kit.pid("19800610", 2)  # illness, woman: 45 on 2025-06-10
    s = kit.screen(
        EARLY,
        {
            "retirements": [
                kit.retirement(special_ok, "2025-06-01", "special_work"),
                kit.retirement(special_early, "2025-06-01", "special_work"),
                kit.retirement(ill_ok, "2025-06-01", "illness"),
                kit.retirement(ill_woman, "2025-06-09", "illness", job="cadre"),
            ],
        },
    )
    assert set(kit.flagged(s)) == {special_early, ill_woman}


def test_sex_and_birth_from_persons_where_the_id_is_invalid_unknown_not_judged(kit):
    bad = "120101196501010010"  # bad check character: persons says born 1966
    unknown = "120101196501010020"
    s = kit.screen(
        EARLY,
        {
            "persons": [
                {"person_id": bad, "sex": "M", "birth_date": "1966-01-01", "region_code": "120101"}
            ],
            "retirements": [
                kit.retirement(bad, "2025-06-01"),
                kit.retirement(unknown, "2025-06-01"),
            ],
        },
    )
    assert set(kit.flagged(s)) == {bad}
    assert kit.records(s, bad)[0]["birth_date"] == "1966-01-01"


def test_29_february_birth_reaches_the_age_on_the_last_day_of_february(kit):
    on_time = kit.pid("19800229", 2)  # woman, illness 45 -> 2025-02-28 (no 29th in 2025)
    early = kit.pid("19800229", 4)
    s = kit.screen(
        EARLY,
        {
            "retirements": [
                kit.retirement(on_time, "2025-02-28", "illness"),
                kit.retirement(early, "2025-02-27", "illness"),
            ],
        },
        period="2025-02",
    )
    assert set(kit.flagged(s)) == {early}
    assert kit.records(s, early)[0]["statutory_date"] == "2025-02-28"


# --- pension.paid_before_retirement ------------------------------------------------------------

BEFORE = "pension.paid_before_retirement"


def test_paid_before_the_month_of_retirement_or_with_no_retirement_row(kit):
    before = kit.pid("19650101", 1)
    month_of = kit.pid("19650101", 3)
    none = kit.pid("19650101", 5)
    resident = kit.pid("19650101", 7)
    s = kit.screen(
        BEFORE,
        {
            "retirements": [
                kit.retirement(before, "2025-07-01"),
                kit.retirement(month_of, "2025-06-30"),
            ],
            "benefits": [
                kit.pay(before),
                kit.pay(month_of),
                kit.pay(none, "1500.00"),
                kit.pay(resident, "200.00", btype="resident_pension"),
            ],
        },
    )
    assert kit.flagged(s) == {before: Decimal("3000.00"), none: Decimal("1500.00")}
    assert kit.records(s, before)[0]["retirement_period"] == "2025-07"
    assert kit.records(s, before)[0]["reason"] == "paid before the retirement month"
    rec = kit.records(s, none)[0]
    assert rec["reason"] == "no retirements row"
    assert rec["retirement_date"] is None


def test_reversals_offset_before_retirement_and_alone_are_no_payment(kit):
    a = kit.pid("19650101", 1)
    b = kit.pid("19650101", 3)
    s = kit.screen(
        BEFORE,
        {
            "retirements": [kit.retirement(a, "2025-08-01"), kit.retirement(b, "2025-08-01")],
            "benefits": [kit.pay(a), kit.pay(a, "-3500.00"), kit.pay(b, "-3000.00")],
        },
    )
    assert kit.flagged(s) == {a: Decimal("0.00")}  # over-reversed: never below 0


def test_the_age_table_is_a_dated_standing_law_parameter_and_can_be_overridden(kit):
    import fundrules

    a = kit.pid("19650115", 1)
    tables = {"retirements": [kit.retirement(a, "2027-06-01")]}  # 60y1m was 2025-02-15
    ds = kit.dataset(tables, "2027-06")
    res = fundrules.screen(ds, indicators=[EARLY], registry=kit.registry)
    assert res.suspicions.empty
    assert not res.warnings  # standing law: no staleness warning two years on
    assert res.parameters[EARLY]["retirement_ages"]["effective"] == "2025-01-01"
    stricter = [{"sex": "M", "retirement_type": "normal", "age_years": 65}]
    res = fundrules.screen(
        ds,
        indicators=[EARLY],
        params={EARLY: {"retirement_ages": {"2026-01-01": stricter}}},
        registry=kit.registry,
    )
    assert kit.flagged(res.suspicions) == {a: Decimal("0.00")}
    assert kit.records(res.suspicions, a)[0]["statutory_age"] == "65y0m"
