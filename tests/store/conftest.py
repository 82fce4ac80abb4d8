"""A small synthetic city, built once per session, that the store's tests submit."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_kit import PERIOD

from fundrules.synth import generate_city


@pytest.fixture(scope="session")
def city(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("city") / "data"
    generate_city(folder, persons=1500, seed=11, period=PERIOD)
    return folder
