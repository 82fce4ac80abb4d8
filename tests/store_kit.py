"""Running the command line as a user does (real subprocesses) for the store's tests."""

from __future__ import annotations

import os
import subprocess
import sys

PERIOD = "2025-06"


def fundrules_cli(*args: str, **popen: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fundrules", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "200"},
        **popen,  # type: ignore[arg-type]
    )


def start_cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "fundrules", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
