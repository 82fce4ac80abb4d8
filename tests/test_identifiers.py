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


# -- one id, a sequence, a Series; which check failed (issue #13) -----------------------------


def test_the_id_helpers_take_a_str_a_sequence_or_a_series():
    from ids import person_id

    from fundrules.schema.identifiers import ric_failure

    good = person_id("19600101", 1)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    assert ric_valid(good) is True and ric_valid(bad) is False
    assert ric_valid([good, bad]).tolist() == [True, False]
    assert ric_valid((good,)).tolist() == [True]
    assert ric_valid(pd.Series([bad], index=[7])).index.tolist() == [7]
    assert ric_check_characters(good[:17]) == good[17]
    assert ric_failure(good) == ""
    assert len(ric_profile(good)) == 1
    code = "91120000" + "MA05JKLM0"
    full = code + uscc_check_characters(code)
    assert uscc_valid(full) is True and uscc_valid([full, full[:-1] + "Y"]).tolist() == [
        True,
        False,
    ]


def test_ric_failure_names_the_check_each_invalid_id_fails():
    from fundrules.schema.identifiers import RIC_CHECKS, ric_failure

    body = "12010119600101001"
    good = body + ric_check_characters(body)
    wrong_check = body + ("0" if good[-1] != "0" else "1")
    no_province = "99" + body[2:]
    no_province += ric_check_characters(no_province)  # right check character, unknown prefix
    future = "120101" + "20300101" + "001"
    future += ric_check_characters(future)
    ids = [good, body, body + "Y", "120101" + "19601301" + "0011", wrong_check, no_province, future]
    got = ric_failure(ids, date(2025, 6, 30)).tolist()
    assert got == [
        "",
        "length",
        "characters",
        "birth date",  # 13th month
        "check character",
        "province code",
        "birth date",  # after the period
    ]
    assert set(got) - {""} == set(RIC_CHECKS)
