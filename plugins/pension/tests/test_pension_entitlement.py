"""paid_after_death, paid_during_incarceration, centenarian_unverified."""

from __future__ import annotations

from decimal import Decimal

# --- pension.paid_after_death -----------------------------------------------------------------

DEATH = "pension.paid_after_death"


def test_paid_for_the_month_after_death_is_flagged_with_why(kit):
    a = kit.pid("19400101", 1)
    s = kit.screen(
        DEATH,
        {
            "persons": [kit.person(a)],
            "deaths": [{"person_id": a, "death_date": "2025-05-31", "source": "civil affairs"}],
            "benefits": [kit.pay(a, "3000.00"), kit.pay(a, "100.00", btype="resident_pension")],
        },
    )
    assert kit.flagged(s) == {a: Decimal("3100.00")}
    assert s["subject_type"].tolist() == ["person"]
    assert s["insurance"].tolist() == ["pension"]
    rec = kit.records(s, a)
    assert {r["death_date"] for r in rec} == {"2025-05-31"}
    assert {r["period"] for r in rec} == {"2025-06"}
    assert {r["amount"] for r in rec} == {"3000.00", "100.00"}
    assert rec[0]["death_source"] == "civil affairs"


def test_the_month_of_death_itself_is_due(kit):
    a = kit.pid("19400101", 1)
    s = kit.screen(
        DEATH,
        {
            "deaths": [{"person_id": a, "death_date": "2025-06-01"}],
            "benefits": [kit.pay(a)],
        },
    )
    assert s.empty


def test_only_the_target_period_is_screened_and_history_is_context(kit):
    a = kit.pid("19400101", 1)
    s = kit.screen(
        DEATH,
        {
            "deaths": [{"person_id": a, "death_date": "2025-03-15"}],
            "benefits": [kit.pay(a, period="2025-04"), kit.pay(a, period="2025-05")],
        },
    )
    assert s.empty


def test_reversals_offset_and_a_reversal_alone_is_not_a_payment(kit):
    a, b, c = kit.pid("19400101", 1), kit.pid("19400101", 3), kit.pid("19400101", 5)
    s = kit.screen(
        DEATH,
        {
            "deaths": [{"person_id": x, "death_date": "2025-04-20"} for x in (a, b, c)],
            "benefits": [
                kit.pay(a, "3000.00"),
                kit.pay(a, "-1000.00"),  # partly recovered
                kit.pay(b, "3000.00"),
                kit.pay(b, "-3000.00"),  # fully recovered
                kit.pay(c, "-3000.00"),  # a reversal alone is not a payment
            ],
        },
    )
    # a payment recovered in full was still paid: shown, with nothing left at risk
    assert kit.flagged(s) == {a: Decimal("2000.00"), b: Decimal("0.00")}
    assert [r["amount"] for r in kit.records(s, a)] == ["3000.00", "-1000.00"]


# --- pension.paid_during_incarceration ---------------------------------------------------------

PRISON = "pension.paid_during_incarceration"


def _prison(kit, start, end, period="2025-06"):
    a = kit.pid("19500101", 1)
    return a, kit.screen(
        PRISON,
        {
            "incarcerations": [{"person_id": a, "start_date": start, "end_date": end}],
            "benefits": [kit.pay(a, period=period)],
        },
        period=period,
    )


def test_a_month_strictly_inside_a_sentence_is_flagged(kit):
    a, s = _prison(kit, "2025-05-31", "2025-07-01")
    assert kit.flagged(s) == {a: Decimal("3000.00")}
    rec = kit.records(s, a)[0]
    assert (rec["entry_date"], rec["release_date"]) == ("2025-05-31", "2025-07-01")


def test_month_of_entry_is_due(kit):
    _, s = _prison(kit, "2025-06-01", "2025-12-31")
    assert s.empty


def test_month_of_release_is_due(kit):
    _, s = _prison(kit, "2024-01-01", "2025-06-30")
    assert s.empty


def test_an_open_sentence_covers_every_later_month(kit):
    a, s = _prison(kit, "2025-05-31", None)
    assert kit.flagged(s) == {a: Decimal("3000.00")}
    assert kit.records(s, a)[0]["release_date"] is None


def test_a_payment_inside_two_recorded_spells_counts_once(kit):
    a = kit.pid("19500101", 1)
    s = kit.screen(
        PRISON,
        {
            "incarcerations": [
                {"person_id": a, "start_date": "2025-01-10", "end_date": None},
                {"person_id": a, "start_date": "2025-03-10", "end_date": "2025-12-01"},
            ],
            "benefits": [kit.pay(a)],
        },
    )
    assert kit.flagged(s) == {a: Decimal("3000.00")}


# --- pension.centenarian_unverified ------------------------------------------------------------

CENT = "pension.centenarian_unverified"


def test_aged_exactly_100_on_the_last_day_is_flagged_one_day_short_is_not(kit):
    exact = kit.pid("19250630", 1)  # 100 on 2025-06-30
    short = kit.pid("19250701", 3)  # 100 on 2025-07-01
    s = kit.screen(
        CENT,
        {
            "persons": [kit.person(exact), kit.person(short)],
            "benefits": [kit.pay(exact), kit.pay(short)],
        },
    )
    assert kit.flagged(s) == {exact: Decimal("3000.00")}
    rec = kit.records(s, exact)[0]
    assert (rec["birth_date"], rec["age"]) == ("1925-06-30", 100)


def test_born_on_29_february_reaches_an_age_on_the_last_day_of_february(kit):
    leap = kit.pid("19240229", 1)  # 101 on 2025-02-28: 2025 has no 29 February
    march = kit.pid("19240301", 3)  # 101 on 2025-03-01
    s = kit.screen(
        CENT,
        {"benefits": [kit.pay(leap, period="2025-02"), kit.pay(march, period="2025-02")]},
        period="2025-02",
        params={"age": 101},
    )
    assert set(kit.flagged(s)) == {leap}


def test_birth_date_from_persons_when_the_id_is_invalid(kit):
    bad = "120101192501010010"  # wrong check character
    s = kit.screen(
        CENT,
        {
            "persons": [
                {
                    "person_id": bad,
                    "sex": "M",
                    "birth_date": "1920-01-01",
                    "region_code": "120101",
                }
            ],
            "benefits": [kit.pay(bad)],
        },
    )
    assert kit.flagged(s) == {bad: Decimal("3000.00")}


def test_the_age_threshold_is_a_parameter(kit):
    a = kit.pid("19300101", 1)
    s = kit.screen(CENT, {"benefits": [kit.pay(a)]}, params={"age": 95})
    assert set(kit.flagged(s)) == {a}
    s = kit.screen(CENT, {"benefits": [kit.pay(a)]})
    assert s.empty
