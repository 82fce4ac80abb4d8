"""Hypothesis profiles for fundrules' property tests.

- ``ci``: a fixed, modest number of examples (``CI_EXAMPLES``) and derandomized, so the contract
  check of every registered indicator fits the suite's time and a run repeats exactly. The pytest
  plugin loads it by default.
- ``thorough``: many more examples, random each run, for a deliberate search before a release
  or after changing an indicator.

Choose one with ``pytest --hypothesis-profile=thorough`` (Hypothesis' own option) or the
environment variable ``FUNDRULES_HYPOTHESIS=thorough``; the option wins.
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
