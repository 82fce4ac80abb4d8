"""Dated parameters: strict dates, unknown keys refused, values in force, staleness warnings."""

from __future__ import annotations

from datetime import date

import pytest

from fundrules.screening import ParameterError, ParameterSet, Params, param


class CapParams(Params):
    cap: float = param(
        {"2023-07-01": 2200, "2024-07-01": 2320}, description="cap", stricter="higher"
    )
    n: int = param(3, description="n", stricter="higher")


class StandingParams(Params):
    age: int = param({"2011-07-01": 60}, description="age", standing_law=True)


KNOWN = {"x.cap": CapParams, "x.standing": StandingParams}


def test_value_in_force_on_the_first_day_of_the_period():
    ps = ParameterSet()
    r = ps.resolve("x.cap", CapParams, date(2024, 6, 1))
    assert r.values.cap == 2200 and r.used["cap"]["effective"] == "2023-07-01"
    r = ps.resolve("x.cap", CapParams, date(2024, 7, 1))
    assert r.values.cap == 2320 and r.warnings == []


def test_stale_value_warns_unless_standing_law():
    ps = ParameterSet()
    r = ps.resolve("x.cap", CapParams, date(2025, 8, 1))
    assert any("more than a year older" in w for w in r.warnings)
    assert ps.resolve("x.standing", StandingParams, date(2025, 8, 1)).warnings == []


def test_override_adds_dated_values_and_plain_values_replace():
    ps = ParameterSet()
    ps.add({"x.cap": {"cap": {"2025-07-01": 2500}, "n": 5}}, KNOWN, "config.yaml")
    r = ps.resolve("x.cap", CapParams, date(2025, 8, 1))
    assert (r.values.cap, r.values.n, r.warnings) == (2500, 5, [])
    assert ps.resolve("x.cap", CapParams, date(2024, 8, 1)).values.cap == 2320


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"x.nope": {"n": 1}}, "unknown indicator 'x.nope'"),
        ({"x.cap": {"m": 1}}, "unknown parameter 'm'"),
        ({"x.cap": {"cap": {"2025-13-01": 1}}}, "'2025-13-01' is not a real date"),
        ({"x.cap": {"cap": {"01/07/2025": 1}}}, "is not a date in the form YYYY-MM-DD"),
        ({"x.cap": {"n": "many"}}, "invalid parameter value"),
    ],
)
def test_bad_overrides_are_refused(data, message):
    ps = ParameterSet()
    with pytest.raises(ParameterError, match=message):
        ps.add(data, KNOWN, "config.yaml")
        ps.resolve("x.cap", CapParams, date(2025, 8, 1))


def test_yaml_file_with_unquoted_dates(tmp_path):
    f = tmp_path / "params.yaml"
    f.write_text("x.cap:\n  cap:\n    2025-07-01: 2600\n", encoding="utf-8")
    ps = ParameterSet()
    ps.add_file(f, KNOWN)
    assert ps.resolve("x.cap", CapParams, date(2025, 7, 1)).values.cap == 2600


def test_no_value_in_force_is_an_error():
    ps = ParameterSet()
    with pytest.raises(ParameterError, match="no value in force"):
        ps.resolve("x.cap", CapParams, date(2020, 1, 1))
