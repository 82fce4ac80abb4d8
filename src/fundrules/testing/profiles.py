"""Hypothesis profiles for fundrules' property tests.

- ``ci``: a fixed, modest number of examples (``CI_EXAMPLES``) and derandomized, so the contract
  check of every registered indicator fits the suite's time and a run repeats exactly. fundrules'
  own test suite asks for it (``fundrules_hypothesis_profile = "ci"`` in pyproject.toml).
- ``thorough``: many more examples, random each run, for a deliberate search before a release
  or after changing an indicator.

The pytest plugin loads none of them unless asked: ``pytest --fundrules-hypothesis-profile=ci``,
the ini setting ``fundrules_hypothesis_profile``, or ``FUNDRULES_HYPOTHESIS=thorough``;
Hypothesis' own ``--hypothesis-profile=thorough`` works too (after :func:`register_profiles`).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILE_ENV = "FUNDRULES_HYPOTHESIS"
CI_EXAMPLES = 20
THOROUGH_EXAMPLES = 400
_SLOW_DATA = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]


def register_profiles() -> None:
    """Register ``ci`` and ``thorough`` (idempotent: both derive from Hypothesis' ``default``,
    not from whichever profile is loaded)."""
    base = settings.get_profile("default")
    settings.register_profile(
        "ci",
        parent=base,
        max_examples=CI_EXAMPLES,
        deadline=None,
        derandomize=True,
        print_blob=True,
        suppress_health_check=_SLOW_DATA,
    )
    settings.register_profile(
        "thorough",
        parent=base,
        max_examples=THOROUGH_EXAMPLES,
        deadline=None,
        print_blob=True,
        suppress_health_check=_SLOW_DATA,
    )


def load_profile(name: str | None = None) -> str:
    """Load ``name``, else the one ``FUNDRULES_HYPOTHESIS`` names, else ``ci``; return it."""
    register_profiles()
    chosen = name or os.environ.get(PROFILE_ENV) or "ci"
    settings.load_profile(chosen)
    return chosen
