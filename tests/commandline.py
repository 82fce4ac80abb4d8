"""The ``fundrules`` command run as a user runs it (a real subprocess), and the smallest dataset
folder that screens: one bank account."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def run_fundrules(
    args: tuple[str, ...],
    *,
    env: Mapping[str, str] | None = None,
    columns: int | None = 80,
    keep_strict: bool = False,
    cwd: str | Path | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``python -m fundrules ARGS`` with output captured. ``columns``: COLUMNS for the child
    (a pipe has none; None leaves the environment's). ``keep_strict``: keep the
    FUNDRULES_STRICT_PLUGINS that ./dev test sets (else each test chooses)."""
    full = dict(os.environ)
    if columns is not None:
        full["COLUMNS"] = str(columns)
    if not keep_strict:
        full.pop("FUNDRULES_STRICT_PLUGINS", None)
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "fundrules", *map(str, args)],
        capture_output=True,
        text=True,
        env=full,
        cwd=cwd,
        timeout=timeout,
    )


def fundrules_cli(
    *args: str, env: Mapping[str, str] | None = None, columns: int = 80, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    """``python -m fundrules ARGS`` with output captured (COLUMNS=80 unless told: a pipe)."""
    return run_fundrules(args, env=env, columns=columns, timeout=timeout)


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
