"""Vectorized check characters held to python-stdnum (the reference) on many generated numbers."""

from __future__ import annotations

from datetime import date

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from fundrules.schema.identifiers import (
    USCC_ALPHABET,
    ric_check_characters,
    ric_profile,
    ric_valid,
    uscc_check_characters,
    uscc_valid,
)

bodies = st.lists(st.text("0123456789", min_size=17, max_size=17), min_size=1, max_size=200)
uscc_bodies = st.lists(st.text(USCC_ALPHABET, min_size=17, max_size=17), min_size=1, max_size=200)


@settings(max_examples=50, deadline=None)
@given(bodies)
def test_ric_check_matches_stdnum(items):
    got = ric_check_characters(pd.Series(items)).tolist()
    assert got == [ric.calc_check_digit(b + "0") for b in items]


@settings(max_examples=50, deadline=None)
@given(uscc_bodies)
def test_uscc_check_matches_stdnum(items):
    got = uscc_check_characters(pd.Series(items)).tolist()
    assert got == [uscc.calc_check_digit(b) for b in items]
    full = pd.Series([b + c for b, c in zip(items, got, strict=True)])
    assert uscc_valid(full).all()


def test_ric_validity_rules():
    def full(body):
        return body + ric_check_characters(pd.Series([body]))[0]

    ok = full("11010519491231002")
    cases = {
        ok: True,
        ok[:-1] + ("0" if ok[-1] != "0" else "1"): False,  # wrong check character
        full("99010519491231002"): False,  # no such province
        full("81000019900101001"): True,  # residence permit (Hong Kong)
        full("12010120300101001"): False,  # born after the period
        full("12010119900230001"): False,  # 30 February
        ok[:17]: False,  # 17 characters
        "1201011990010100X1": False,
        full("12010119491231002")[:-1].lower() + "x": None,
    }
    ids = pd.Series([k for k in cases])
    got = ric_valid(ids, date(2025, 6, 30)).tolist()
    for (k, want), g in zip(cases.items(), got, strict=True):
        if want is not None:
            assert g == want, k


def test_old_county_codes_are_not_looked_up():
    # 120221 (宁河县) was renamed; stdnum's validate rejects it for an elderly person, we do not
    body = "12022119300101001"
    pid = body + ric_check_characters(pd.Series([body]))[0]
    assert ric_valid(pd.Series([pid]), date(2025, 6, 30)).all()


def test_profile_from_id():
    prof = ric_profile(pd.Series(["11010519491231002X", "120101199001010017", "bad"]))
    assert prof["sex"].tolist()[:2] == ["F", "M"]
    assert str(prof["birth_date"][0].date()) == "1949-12-31"
    assert pd.isna(prof["birth_date"][2])


def test_uscc_rejects_letters_outside_the_alphabet():
    body = "91120000MA05ABCD1"
    code = body + uscc_check_characters(pd.Series([body]))[0]
    assert uscc_valid(pd.Series([code, code.replace("A", "I", 1), code[:17]])).tolist() == [
        True,
        False,
        False,
    ]
