"""The API reference is generated from the docstrings (``./dev docs``, pdoc with warnings as
errors), so a docstring that breaks the build, or a public module that no longer imports, fails
the suite."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_api_reference_builds_without_warnings(tmp_path):
    out = tmp_path / "api"
    res = subprocess.run(
        ["bash", str(ROOT / "dev"), "docs", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    errors = (out / "fundrules" / "errors.html").read_text(encoding="utf-8")
    assert "UnknownIndicatorError" in errors and "did you mean" in errors
    contract = (out / "fundrules" / "testing.html").read_text(encoding="utf-8")
    assert "check_indicator" in contract
    assert (out / "index.html").is_file()
