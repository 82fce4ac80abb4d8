"""employer_claim_concentration and sham_employment: claims seen through their employer."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from fundrules_maternity import insured_on

CONC = "maternity.employer_claim_concentration"
SHAM = "maternity.sham_employment"


def _employer(kit, eid: str, claims: list[str], insured: int, *, seq: int = 2):
    """Claims on the given dates at ``eid`` by distinct claimants, all insured there, plus
    coworkers up to ``insured`` insured persons."""
    rows, enrol = [], []
    for i, day in enumerate(claims):
        p = kit.pid("19920101", seq + 2 * i)
        rows.append(kit.claim(p, day, employer=eid))
        enrol.append(kit.enrollment(p, eid, "2018-01-01"))
    enrol += kit.coworkers(eid, insured - len(claims), first_seq=seq + 400)
    return rows, enrol


SHAPES = [  # (claims, insured, fires)
    (2, 4, True),  # 50 %
    (3, 10, True),  # exactly 30 %
    (2, 7, False),  # 28.6 %
    (1, 2, False),  # 50 %, but one claim only
    (5, 20, True),  # 5 claims with 20 insured
    (4, 20, False),  # 20 %, fewer than 5
    (5, 21, False),  # 23.8 %, more than 20 insured
]


def test_the_share_and_the_small_employer_rules(kit):
    claims, enrol, fire = [], [], set()
    for i, (n_claims, insured, fires) in enumerate(SHAPES):
        e = kit.eid(10 + i)
        days = ["2025-06-10"] + [f"2025-0{m}-05" for m in range(1, n_claims)]
        c, en = _employer(kit, e, days, insured, seq=2 + 100 * i)
        claims += c
        enrol += en
        if fires:
            fire.add(e)
    s = kit.screen(CONC, {"maternity_claims": claims, "enrollments": enrol})
    assert kit.flagged(s) == dict.fromkeys(fire, Decimal("0.00"))
    assert set(s["subject_type"]) == {"employer"}
    recs = kit.records(s, kit.eid(11))
    assert len(recs) == 3
    assert {(r["claims"], r["insured"], r["claims_percent"]) for r in recs} == {(3, 10, 30.0)}
    assert recs[0]["window_from"] == "2024-07-01" and recs[0]["window_to"] == "2025-06-30"
    assert recs[0]["reason"] == "at least 2 claims and 30 % of insured"
    assert kit.records(s, kit.eid(14))[0]["reason"] == "at least 5 claims with at most 20 insured"


def test_the_window_is_the_12_months_ending_on_the_periods_last_day(kit):
    e = kit.eid(7)
    claims, enrol = _employer(kit, e, ["2025-06-10", "2024-07-01"], 6)  # 2 of 6
    assert set(kit.flagged(kit.screen(CONC, {"maternity_claims": claims, "enrollments": enrol})))
    claims[1]["event_date"] = "2024-06-30"  # the day before the window
    assert kit.screen(CONC, {"maternity_claims": claims, "enrollments": enrol}).empty


def test_an_employer_needs_a_claim_event_in_the_target_period(kit):
    e = kit.eid(7)
    claims, enrol = _employer(kit, e, ["2025-05-10", "2025-04-10", "2025-03-10"], 4)
    assert kit.screen(CONC, {"maternity_claims": claims, "enrollments": enrol}).empty
    # later claims (after the period) do not count either
    claims, enrol = _employer(kit, e, ["2025-06-10", "2025-07-10"], 4)
    assert kit.screen(CONC, {"maternity_claims": claims, "enrollments": enrol}).empty


def test_insured_persons_are_counted_on_the_periods_last_day(kit):
    """Each employer has 2 claims and 7 spells (2 of 7 = 28.6 %: quiet); the last coworker's
    spell varies. Counted: open on 2025-06-30, maternity, at that employer."""
    variants = {
        "ended the day before": ({"end_date": "2025-06-29"}, True),
        "ended on the day": ({"end_date": "2025-06-30"}, False),
        "starts the day after": ({"start_date": "2025-07-01"}, True),
        "starts on the day": ({"start_date": "2025-06-30"}, False),
        "another insurance": ({"insurance": "medical"}, True),
        "another employer": ({"employer_id": kit.eid(99)}, True),
    }
    claims, enrol, fire = [], [], set()
    for i, (change, fires) in enumerate(variants.values()):
        e = kit.eid(20 + i)
        c, en = _employer(kit, e, ["2025-06-10", "2025-05-10"], 7, seq=2 + 20 * i)
        en[-1].update(change)
        claims += c
        enrol += en
        if fires:
            fire.add(e)
    s = kit.screen(CONC, {"maternity_claims": claims, "enrollments": enrol})
    assert set(kit.flagged(s)) == fire


def test_a_person_with_two_overlapping_spells_counts_once(kit):
    e = kit.eid(7)
    claims, enrol = _employer(kit, e, ["2025-06-10", "2025-05-10"], 6)  # 2 of 6
    twice = dict(enrol[-1], start_date="2016-01-01")
    s = kit.screen(CONC, {"maternity_claims": claims, "enrollments": [*enrol, twice]})
    assert {r["insured"] for r in kit.records(s, e)} == {6}


def test_the_thresholds_are_parameters(kit):
    e = kit.eid(7)
    claims, enrol = _employer(kit, e, ["2025-06-10", "2025-05-10"], 7)
    tables = {"maternity_claims": claims, "enrollments": enrol}
    s = kit.screen(CONC, tables, params={"share_percent": 28.57})
    assert set(kit.flagged(s)) == {e}
    assert kit.screen(CONC, tables, params={"share_percent": 28.58}).empty
    s = kit.screen(CONC, tables, params={"n_claims": 2, "max_insured": 7})
    assert set(kit.flagged(s)) == {e}


def test_insured_on_counts_open_spells_by_employer_and_day():
    spells = pd.DataFrame(
        {
            "person_id": ["a", "a", "b", "c", "d"],
            "employer_id": ["E", "E", "E", "E", "F"],
            "start_date": pd.to_datetime(
                ["2020-01-01", "2020-06-01", "2021-01-01", "2024-01-01", "2020-01-01"]
            ).astype("datetime64[s]"),
            "end_date": pd.to_datetime(
                ["2022-12-31", None, "2021-06-30", "2024-01-01", None]
            ).astype("datetime64[s]"),
        }
    )
    q = pd.DataFrame(
        {
            "employer_id": ["E", "E", "E", "E", "E", "F", "G"],
            "on": pd.to_datetime(
                [
                    "2019-12-31",
                    "2020-01-01",
                    "2021-06-30",
                    "2021-07-01",
                    "2024-01-01",
                    "2030-01-01",
                    "2024-01-01",
                ]
            ),
        },
        index=[10, 11, 12, 13, 14, 15, 16],
    )
    assert insured_on(spells, q).to_dict() == {10: 0, 11: 1, 12: 2, 13: 1, 14: 2, 15: 1, 16: 0}


def _sham(kit, start: str, coworkers: int = 0, established: str = "2010-01-01", **claim):
    a, e = kit.pid(), kit.eid(9)
    return a, {
        "maternity_claims": [kit.claim(a, "2025-06-15", employer=e, **claim)],
        "enrollments": [kit.enrollment(a, e, start), *kit.coworkers(e, coworkers)],
        "employers": [kit.employer(e, established)],
    }


def test_enrolled_less_than_ten_months_before_at_a_small_employer_is_flagged(kit):
    a, tables = _sham(kit, "2024-08-16", coworkers=2)  # a day less than 10 months; 3 insured
    s = kit.screen(SHAM, tables)
    assert kit.flagged(s) == {a: Decimal("0.00")}
    (rec,) = kit.records(s, a)
    assert rec["enrollment_start"] == "2024-08-16" and rec["insured"] == 3
    assert rec["enrolled_days"] == 303 and rec["reason"] == "at most 3 insured"
    assert rec["allowance_amount"] == "47400.00"


def test_enrolled_exactly_ten_months_before_is_not(kit):
    _, tables = _sham(kit, "2024-08-15", coworkers=0)
    assert kit.screen(SHAM, tables).empty


def test_four_insured_at_an_old_employer_is_not(kit):
    _, tables = _sham(kit, "2025-01-01", coworkers=3)
    assert kit.screen(SHAM, tables).empty


def test_a_young_employer_is_flagged_whatever_its_size(kit):
    a, tables = _sham(kit, "2025-01-01", coworkers=30, established="2024-06-16")
    s = kit.screen(SHAM, tables)
    assert kit.records(s, a)[0]["reason"] == "employer founded less than 12 months before"
    _, tables = _sham(kit, "2025-01-01", coworkers=30, established="2024-06-15")  # exactly 12
    assert kit.screen(SHAM, tables).empty


def test_without_the_employers_table_only_the_size_rule_applies(kit):
    a, tables = _sham(kit, "2025-01-01", coworkers=30, established="2025-01-01")
    del tables["employers"]
    assert kit.screen(SHAM, tables).empty
    a, tables = _sham(kit, "2025-01-01", coworkers=1)
    del tables["employers"]
    assert set(kit.flagged(kit.screen(SHAM, tables))) == {a}


def test_the_enrollment_must_cover_the_event_at_the_claims_employer(kit):
    _, tables = _sham(kit, "2025-01-01")
    tables["enrollments"][0]["end_date"] = "2025-06-14"  # ended before the event
    assert kit.screen(SHAM, tables).empty
    tables["enrollments"][0]["end_date"] = "2025-06-15"  # covers the event day
    assert set(kit.flagged(kit.screen(SHAM, tables)))
    other = kit.eid(10)
    tables["enrollments"][0]["employer_id"] = other  # another employer's spell
    assert kit.screen(SHAM, tables).empty


def test_of_several_covering_spells_the_earliest_start_counts(kit):
    a, tables = _sham(kit, "2025-01-01")
    e = tables["maternity_claims"][0]["employer_id"]
    tables["enrollments"].append(kit.enrollment(a, e, "2020-01-01"))
    assert kit.screen(SHAM, tables).empty


def test_claims_of_other_periods_are_history_and_parameters_apply(kit):
    a, tables = _sham(kit, "2025-01-01")
    tables["maternity_claims"][0]["event_date"] = "2025-05-31"
    assert kit.screen(SHAM, tables).empty
    a, tables = _sham(kit, "2025-01-01", coworkers=3)
    s = kit.screen(SHAM, tables, params={"max_insured": 4})
    assert set(kit.flagged(s)) == {a}
    assert kit.screen(SHAM, tables, params={"max_insured": 4, "enrolled_months": 5}).empty
