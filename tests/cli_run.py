"""Running the ``fundrules`` command as a supervisor would: a real subprocess, in the
environment as it is (``commandline.run_fundrules`` is the one runner)."""

from __future__ import annotations

import subprocess

from commandline import run_fundrules


def fundrules(
    *args: str, env_extra=None, cwd=None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return run_fundrules(
        args, env=env_extra, columns=None, keep_strict=True, cwd=cwd, timeout=timeout
    )
