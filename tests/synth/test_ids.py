"""Identifiers: resident IDs and credit codes held to python-stdnum, calendar rules."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from fundrules.synth import ids
from fundrules.synth.dates import add_months, age_on, statutory_retirement_date


def _ric_batch(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    birth = np.datetime64("1920-01-01") + rng.integers(0, 38000, n).astype("timedelta64[D]")
    male = rng.random(n) < 0.5
    region = rng.choice([120101, 120116, 120225, 130102, 370102, 110105], n)
    return ids.PersonIdFactory(rng).new(region, birth, male), male


def test_resident_id_check_characters_match_stdnum() -> None:
    got, male = _ric_batch(20_000, 1)
    text = [b.decode() for b in got]
    assert all(ric.calc_check_digit(t) == t[-1] for t in text)
    assert any(t.endswith("X") for t in text)
    assert len(set(text)) == len(text)
    assert all((int(t[14:17]) % 2 == 1) == m for t, m in zip(text, male, strict=True))
    assert ids.ric_valid_check(got).all()


def test_corrupted_resident_ids_fail_the_check() -> None:
    got, _ = _ric_batch(2_000, 2)
    bad = ids.corrupt_ric(got, np.random.default_rng(3))
    assert not ids.ric_valid_check(bad).any()
    assert all(ric.calc_check_digit(b.decode()) != b.decode()[-1] for b in bad)
    assert all(b.decode()[:17] == g.decode()[:17] for b, g in zip(bad, got, strict=True))


@settings(max_examples=200, deadline=None)
@given(
    region=st.integers(110000, 659999),
    days=st.integers(0, 40000),
    seq=st.integers(0, 999),
)
def test_resident_id_property(region: int, days: int, seq: int) -> None:
    birth = np.array([np.datetime64("1910-01-01") + np.timedelta64(days, "D")])
    t = ids.ric_ids(np.array([region]), birth, np.array([seq]))[0].decode()
    assert ric.calc_check_digit(t) == t[-1]


def test_credit_codes_match_stdnum() -> None:
    rng = np.random.default_rng(4)
    codes = ids.EmployerIdFactory(rng).new(rng.choice([120101, 120116, 120118], 20_000))
    text = [c.decode() for c in codes]
    assert all(uscc.calc_check_digit(t[:17]) == t[-1] for t in text)
    assert all(uscc.is_valid(t) for t in text)  # stricter: the organisation code checks too
    assert any(any(ch.isalpha() for ch in t[8:17]) for t in text)
    assert len(set(text)) == len(text)
    bad = ids.corrupt_uscc(codes[:2_000], rng)
    assert all(uscc.calc_check_digit(b.decode()[:17]) != b.decode()[-1] for b in bad)
    assert not ids.uscc_valid_check(bad).any()


def test_prefixed_ids() -> None:
    out = ids.prefixed_ids("ST", np.array([0, 42, 999_999_999_999]), 12).to_pylist()
    assert out == ["ST000000000000", "ST000000000042", "ST999999999999"]


def test_statutory_retirement_examples_from_the_catalog() -> None:
    birth = np.array(
        ["1965-01-15", "1965-05-10", "1975-03-31", "1976-09-01", "1964-12-31", "1970-01-05"],
        "M8[D]",
    )
    male = np.array([True, True, False, True, True, False])
    cadre = np.array([False, False, False, False, False, True])
    got = statutory_retirement_date(birth, male, cadre)
    want = np.array(
        ["2025-02-15", "2025-07-10", "2025-05-31", "2039-09-01", "2024-12-31", "2025-02-05"],
        "M8[D]",
    )
    assert (got == want).all()  # 60y1m, 60y2m, 50y2m (last day), 63, old 60, 55y1m


def test_ages_reached_on_missing_days_are_the_month_end() -> None:
    b = np.array(["2000-02-29"], "M8[D]")
    assert add_months(b, 12)[0] == np.datetime64("2001-02-28")
    assert age_on(b, np.array(["2001-02-28"], "M8[D]"))[0] == 1
    assert age_on(b, np.array(["2001-02-27"], "M8[D]"))[0] == 0
