"""One exception hierarchy: what the user must fix is an InputError (exit 2), with suggestions for
a mistyped indicator code; anything else is an internal error (exit 1)."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from ids import person_id

import fundrules
from fundrules.classification import CalendarError, RulesError
from fundrules.classification.problem_types import ProblemTypeError
from fundrules.classification.profiles import AmountError
from fundrules.testing.cases import CaseFileError

P1 = person_id("19600101", 1)
PERSON = {
    "person_id": P1,
    "name": "a",
    "sex": "M",
    "birth_date": "1960-01-01",
    "region_code": "120101",
}


def cli(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fundrules", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_every_user_error_is_an_input_error_and_exported_from_the_package():
    for exc in (
        fundrules.DataError,
        fundrules.ParameterError,
        fundrules.PluginError,
        fundrules.UnknownIndicatorError,
        CaseFileError,
        CalendarError,
        RulesError,
        ProblemTypeError,
        AmountError,
    ):
        assert issubclass(exc, fundrules.InputError), exc
        assert issubclass(exc, fundrules.FundrulesError), exc
    # the built-in bases they had before stay, so old except clauses keep working
    assert issubclass(fundrules.ParameterError, ValueError)
    assert issubclass(fundrules.UnknownIndicatorError, KeyError)


def test_a_mistyped_code_says_which_one_was_meant(load, registry):
    ds = load({"persons": [PERSON]})
    with pytest.raises(fundrules.UnknownIndicatorError) as err:
        fundrules.screen(ds, indicators=["data.invalid_persn_id"], registry=registry)
    assert err.value.codes == ["data.invalid_persn_id"]
    assert err.value.suggestions["data.invalid_persn_id"][0] == "data.invalid_person_id"
    assert "did you mean 'data.invalid_person_id'" in str(err.value)
    assert not str(err.value).startswith('"')  # not KeyError's quoted repr


def test_a_single_code_given_as_a_string_is_one_code(load, registry):
    ds = load(
        {"persons": pd.DataFrame([{**PERSON, "person_id": "1234"}])},
    )
    res = fundrules.screen(ds, indicators="data.invalid_person_id", registry=registry)
    assert list(res.runs["indicator"]) == ["data.invalid_person_id"]
    with pytest.raises(fundrules.UnknownIndicatorError) as err:
        fundrules.screen(ds, indicators="a.b", registry=registry)
    assert err.value.codes == ["a.b"]  # not ["a", ".", "b"]


def test_cli_refuses_an_unknown_code_before_reading_the_data(tmp_path):
    missing = tmp_path / "no-such-folder"  # loading it would fail: the code is checked first
    res = cli(
        "screen",
        str(missing),
        "--period",
        "2025-06",
        "--out",
        str(tmp_path / "o"),
        "--indicators",
        "data.invalid_persn_id",
    )
    assert res.returncode == 2, res.stderr
    assert "data.invalid_persn_id" in res.stderr
    assert "did you mean 'data.invalid_person_id'" in res.stderr
    assert "no-such-folder" not in res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "o").exists()


def test_internal_error_exits_1_and_shows_the_traceback_only_with_debug(tmp_path):
    # a real bug path: a command raising something that is not an InputError
    script = tmp_path / "boom.py"
    script.write_text(
        "import sys\n"
        "from fundrules.cli import app, main\n"
        "@app.command('boom')\n"
        "def boom() -> None:\n"
        "    raise ZeroDivisionError('division by zero in a rule')\n"
        "sys.argv = ['fundrules', *sys.argv[1:]]\n"
        "main()\n",
        encoding="utf-8",
    )
    plain = subprocess.run(
        [sys.executable, str(script), "boom"], capture_output=True, text=True, timeout=60
    )
    assert plain.returncode == 1
    assert "internal error: ZeroDivisionError: division by zero in a rule" in plain.stderr
    assert "Traceback" not in plain.stderr and "--debug" in plain.stderr
    debug = subprocess.run(
        [sys.executable, str(script), "--debug", "boom"], capture_output=True, text=True, timeout=60
    )
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr and "internal error" in debug.stderr


def test_version_option_prints_the_package_version():
    res = cli("--version")
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"fundrules {fundrules.__version__}"
