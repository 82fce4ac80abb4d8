"""The ``fundrules`` command run as a user runs it (a real subprocess), and the smallest dataset
folder that screens: one bank account."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def fundrules_cli(
    *args: str, env: Mapping[str, str] | None = None, columns: int = 80, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    """``python -m fundrules ARGS`` with output captured (COLUMNS=80 unless told: a pipe)."""
    full = dict(os.environ, COLUMNS=str(columns))
    full.pop("FUNDRULES_STRICT_PLUGINS", None)  # ./dev test sets it; each test chooses
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "fundrules", *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=timeout,
    )


def bank_account_folder(folder: Path) -> Path:
    """A dataset folder with one income account holding 1234.56 (fund.income_account_not_swept
    fires; fund.low_deposit_rate runs and finds nothing)."""
    folder.mkdir()
    (folder / "bank_accounts.csv").write_text(
        "account_id,insurance,account_type,bank_name,period,balance,interest_rate,designated\n"
        "A1,pension,income,ICBC,2025-06,1234.56,0.35,true\n",
        encoding="utf-8",
    )
    return folder
