"""Running the ``fundrules`` command as a supervisor would: a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys


def fundrules(*args: str, env_extra=None, cwd=None, timeout: float = 120):
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "fundrules", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
    )
