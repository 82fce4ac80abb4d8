"""Money parameters are exact: yuan in, int fen once, never through a binary float (D14); the
intake's row accounting is a real check, also under ``python -O``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import fundrules
from fundrules.money import MoneyError, fen_from_yuan, yuan_text
from fundrules.plugin_api import (
    Params,
    PluginContributions,
    ScreeningContext,
    Yuan,
    indicator,
    param,
)
from fundrules.plugins import build_registry
from fundrules.screening import ParameterError, ParameterSet


@pytest.mark.parametrize(
    ("given", "fen"),
    [
        ("2320.50", 232050),
        (" 1,234.5 ", 123450),
        (Decimal("0.29"), 29),
        (2320, 232000),
        (1.15, 115),  # int(1.15 * 100) == 114: the float's own digits are "1.15"
        (0.29, 29),  # int(0.29 * 100) == 28
        (2320.5, 232050),
        ("-0.05", -5),
    ],
)
def test_yuan_become_exact_fen(given: object, fen: int) -> None:
    assert fen_from_yuan(given) == fen


@pytest.mark.parametrize("given", ["2320.555", 0.001, Decimal("1.005"), "abc", True, None, "nan"])
def test_what_is_not_a_yuan_amount_to_the_fen_is_refused(given: object) -> None:
    with pytest.raises(MoneyError, match=re.escape(repr(given))):
        fen_from_yuan(given)


def test_yuan_text_of_fen() -> None:
    assert [yuan_text(f) for f in (232050, -5, 0, 7)] == ["2320.50", "-0.05", "0.00", "0.07"]


class CapParams(Params):
    cap_yuan: Yuan = param(
        {"2025-01-01": Decimal("2320.00")}, description="a cap in yuan", stricter="higher"
    )


@indicator(
    code="probe.cap",
    name_zh="上限",
    name_en="Cap probe",
    insurance=None,
    area="management",
    legal_basis="a test indicator",
    reads={"bank_accounts": ("account_id", "balance")},
    subject="account",
    partition="account",
    params=CapParams,
)
def cap_probe(ctx: ScreeningContext, p: CapParams) -> pd.DataFrame:
    """Accounts whose balance is above the cap (compared in fen)."""
    a = ctx.target("bank_accounts")
    bad = a[a["balance"] > p.cap_yuan]
    return pd.DataFrame({"subject_id": bad["account_id"], "amount_fen": bad["balance"]})


def _resolve(yaml_text: str, tmp_path: Path) -> tuple[int, dict[str, object]]:
    path = tmp_path / "params.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    ps = ParameterSet()
    ps.add_file(path, {"probe.cap": CapParams})
    resolved = ps.resolve("probe.cap", CapParams, pd.Timestamp("2025-06-01").date())
    return resolved.values.cap_yuan, resolved.used["cap_yuan"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("yaml_value", "fen", "shown"),
    [
        ("2320.5", 232050, "2320.50"),  # YAML makes a float: read through its text
        ("'2320.50'", 232050, "2320.50"),
        ("1.15", 115, "1.15"),
        ("2400", 240000, "2400.00"),
    ],
)
def test_a_yaml_money_parameter_is_read_exactly(
    yaml_value: str, fen: int, shown: str, tmp_path: Path
) -> None:
    value, used = _resolve(f"probe.cap:\n  cap_yuan: {yaml_value}\n", tmp_path)
    assert value == fen
    assert used == {"value": shown, "effective": None}


def test_a_yaml_money_parameter_with_three_decimals_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(
        ParameterError, match=r"(?s)probe\.cap.*2320\.555 has more than two decimals"
    ):
        _resolve("probe.cap:\n  cap_yuan: {'2025-01-01': 2320.555}\n", tmp_path)


def test_a_run_records_the_money_parameter_as_yuan_text() -> None:
    ds = fundrules.dataset_from_frames(
        {
            "bank_accounts": pd.DataFrame(
                {
                    "account_id": ["A1", "A2"],
                    "insurance": ["pension", "pension"],
                    "account_type": ["income", "income"],
                    "period": ["2025-06", "2025-06"],
                    "balance": ["1.16", "1.15"],
                    "interest_rate": ["0.35", "0.35"],
                    "designated": ["true", "true"],
                }
            )
        },
        "2025-06",
    )
    reg = build_registry(
        entry_points=False,
        strict=True,
        extra_plugins=[("probe", PluginContributions(prefix="probe", indicators=[cap_probe]))],
    )
    result = fundrules.screen(ds, ["probe.cap"], {"probe.cap": {"cap_yuan": 1.15}}, registry=reg)
    assert result.suspicions["subject_id"].tolist() == ["A1"]
    assert json.loads(result.suspicions["parameters"].iloc[0])["cap_yuan"]["value"] == "1.15"


def test_the_row_accounting_check_holds_under_python_O() -> None:
    code = (
        "import sys\n"
        "assert False, 'asserts run'\n"  # vanishes under -O: proves the flag took effect
        "from fundrules.intake import AccountingError, check_row_accounting\n"
        "check_row_accounting('benefits', 10, 10, 0)\n"
        "try:\n"
        "    check_row_accounting('benefits', 10, 7, 2)\n"
        "except AccountingError as exc:\n"
        "    print(exc)\n"
        "    sys.exit(3)\n"
    )
    run = subprocess.run(
        [sys.executable, "-O", "-c", code], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 3, run.stderr
    assert "row accounting broken for table benefits: 10 row(s) read, 7 loaded + 2" in run.stdout
