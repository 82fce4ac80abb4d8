"""Small synthetic cities shared by the synth tests (built once per session)."""

from __future__ import annotations

import pytest

from fundrules.synth import default_rates, generate_frames

PERIOD = "2025-06"


@pytest.fixture(scope="session")
def city():
    """A small city with every anomaly planted (D1 layout frames plus truth)."""
    return generate_frames(persons=2_000, seed=5, period=PERIOD)


@pytest.fixture(scope="session")
def clean_city():
    """The same kind of city with nothing planted: the background alone (and near misses)."""
    return generate_frames(
        persons=2_000, seed=6, period=PERIOD, rates=dict.fromkeys(default_rates(), 0.0)
    )
