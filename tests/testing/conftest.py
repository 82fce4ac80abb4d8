"""Fixtures of the toolkit's own tests."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest


@pytest.fixture(scope="session")
def plugin_args() -> list[str]:
    """Arguments that load fundrules' pytest plugin in a pytester run: none once the ``pytest11``
    entry point is installed (naming it again would register it twice)."""
    installed = any(
        e.value == "fundrules.testing.pytest_plugin" for e in entry_points(group="pytest11")
    )
    return [] if installed else ["-p", "fundrules.testing.pytest_plugin"]


@pytest.fixture
def hypothesis_off_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hypothesis loads its own ``ci`` profile when it sees a CI variable (``CI=true`` in our CI):
    tests that check fundrules leaves Hypothesis' profile alone clear those variables for the runs
    they start, so they see Hypothesis' plain default wherever they run."""
    from hypothesis._settings import _CI_VARS

    for name in _CI_VARS:
        monkeypatch.delenv(name, raising=False)
