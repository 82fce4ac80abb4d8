"""The unemployment plugin's part of generated test data (``fundrules.testing``): its benefit types,
so that generation leans towards them when an indicator of this insurance is checked, and the
money values at its boundaries."""

from __future__ import annotations

from fundrules.testing import TestData

TEST_DATA = TestData(
    benefit_types={"unemployment_allowance": "unemployment"},
    salient_fen=(232000, 232001),
)
