"""The city: valid ids, consistent profiles, truth for every code, determinism, volumes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from stdnum.cn import ric, uscc

from fundrules.plugins import get_registry
from fundrules.schema import INSURANCES
from fundrules.synth import generate_frames, planted_codes
from fundrules.synth.schema import layouts

TABLES = layouts(get_registry().tables.values())

INDICATORS = planted_codes()

CATALOG = Path("/work/shared/spec/indicators.md")


def _subjects(truth: pd.DataFrame, code: str) -> set[str]:
    return set(truth.loc[truth.indicator == code, "subject_id"])


def test_person_ids_valid_except_planted(city) -> None:
    persons = city["persons"]
    bad = _subjects(city["truth"], "data.invalid_person_id")
    assert bad
    for pid in persons["person_id"]:
        assert (ric.calc_check_digit(pid) == pid[-1]) == (pid not in bad), pid
    known = set(persons["person_id"])
    unknown = _subjects(city["truth"], "data.unknown_person")
    named = set()
    for table, cols in TABLES.items():
        if table != "persons" and any(c == "person_id" for c, _, _ in cols):
            named |= set(city[table]["person_id"])
    assert named - known == unknown


def test_profiles_agree_with_ids_except_planted(city) -> None:
    p = city["persons"]
    t = city["truth"]
    skip = _subjects(t, "data.invalid_person_id") | _subjects(t, "data.id_profile_mismatch")
    ok = ~p["person_id"].isin(skip)
    ids = p.loc[ok, "person_id"]
    birth = pd.to_datetime(ids.str[6:14], format="%Y%m%d")
    sex = np.where(ids.str[14:17].astype(int) % 2 == 1, "M", "F")
    assert (birth.to_numpy() == p.loc[ok, "birth_date"].to_numpy()).all()
    assert (sex == p.loc[ok, "sex"].to_numpy()).all()
    mism = p[p["person_id"].isin(_subjects(t, "data.id_profile_mismatch"))]
    assert len(mism) and all(ric.calc_check_digit(x) == x[-1] for x in mism["person_id"])


def test_employer_ids_valid_except_planted(city) -> None:
    bad = _subjects(city["truth"], "data.invalid_employer_id")
    assert bad
    for eid in city["employers"]["employer_id"]:
        assert (uscc.calc_check_digit(eid[:17]) == eid[-1]) == (eid not in bad), eid


def test_truth_covers_every_catalog_code(city) -> None:
    truth = city["truth"]
    assert list(truth.columns) == ["indicator", "subject_type", "subject_id", "period"]
    assert set(truth["indicator"]) == set(INDICATORS)
    assert (truth["period"] == "2025-06").all()
    assert not truth.duplicated().any()
    if CATALOG.exists():
        codes = set(
            re.findall(
                r"^\| ((?:data|fund|pension|medical|injury|unemployment|maternity)\.[a-z_]+) \|",
                CATALOG.read_text(encoding="utf-8"),
                flags=re.M,
            )
        )
        assert codes <= set(INDICATORS)  # and the installed third parties' codes
    from fundrules.plugins import get_registry

    registered = {c for c in get_registry().indicators if not c.startswith("process.")}
    assert registered <= set(INDICATORS)


def test_subjects_follow_the_catalog(city) -> None:
    truth = city["truth"]
    for row in truth.itertuples():
        code = row.indicator
        if code in (
            "fund.business_ledger_mismatch",
            "fund.report_ledger_mismatch",
            "fund.report_arithmetic",
            "fund.low_months_payable",
        ):
            assert row.subject_type == "fund" and row.subject_id in INSURANCES
        elif code.startswith("fund."):
            assert row.subject_type == "account"
            assert row.subject_id in set(city["bank_accounts"]["account_id"])
        elif code == "pension.shared_bank_account":
            assert row.subject_type == "account"
            assert row.subject_id in set(city["benefits"]["bank_account"])
        elif code == "medical.provider_cost_outlier":
            assert row.subject_type == "provider"
            assert row.subject_id in set(city["providers"]["provider_id"])
        elif code in ("maternity.employer_claim_concentration", "data.invalid_employer_id"):
            assert row.subject_type == "employer"
            assert row.subject_id in set(city["employers"]["employer_id"])
        else:
            assert row.subject_type == "person" and len(row.subject_id) == 18
    # one fresh subject per anomaly: no person carries two planted codes
    persons = truth[truth.subject_type == "person"]
    assert not persons["subject_id"].duplicated().any()


def test_rates_scale_and_switch_off() -> None:
    f = generate_frames(
        persons=1_500, seed=9, rates={"pension.benefit_jump": 0.004, "medical.frequent_visits": 0}
    )
    counts = f["truth"]["indicator"].value_counts()
    assert counts["pension.benefit_jump"] == 6
    assert "medical.frequent_visits" not in counts
    assert counts.min() >= 1


def test_deterministic_by_seed() -> None:
    a = generate_frames(persons=600, seed=11)
    b = generate_frames(persons=600, seed=11)
    c = generate_frames(persons=600, seed=12)
    for table in a:
        pd.testing.assert_frame_equal(a[table], b[table], check_exact=True)
    assert not a["persons"]["person_id"].equals(c["persons"]["person_id"])


def test_volumes_and_window(city) -> None:
    s = city["medical_settlements"]
    n = len(city["persons"])
    target = s[s.period == s.period.max()]
    assert 2.5 < len(target) / n < 3.6  # about 3 settlements per person and month
    items_per = len(city["medical_items"]) / len(s)
    assert 3.5 < items_per < 5.0  # about 12 lines per person and month
    months = set(city["ledger"]["period"])
    assert months == set(range(s.period.max() - 3, s.period.max() + 1))  # target and 3 before
    assert city["contributions"]["back_payment"].any()
    old_claims = city["unemployment_claims"]["first_period"] < s.period.max() - 3
    assert old_claims.any()  # older events the indicators look back to


def test_chunks_of_the_population_make_one_city() -> None:
    """Rows made chunk by chunk (as a large city is written) keep ids unique and the books in
    balance; the chunk size is part of the seed's recipe."""
    one = generate_frames(persons=900, seed=13)
    three = generate_frames(persons=900, seed=13, chunk_persons=300)
    # small cities top up a few fresh persons per chunk (someone is paid every month)
    assert len(one["persons"]) <= len(three["persons"]) <= 1.1 * len(one["persons"])
    assert not three["persons"]["person_id"].duplicated().any()
    assert set(three["truth"].indicator) == set(one["truth"].indicator)
    for table in ("enrollments", "contributions", "benefits", "medical_settlements"):
        assert len(three[table]) > 0.8 * len(one[table]), table
    again = generate_frames(persons=900, seed=13, chunk_persons=300)
    pd.testing.assert_frame_equal(three["benefits"], again["benefits"], check_exact=True)
