"""The pension plugin's part of generated test data (``fundrules.testing``): its benefit types,
so that generation leans towards them when an indicator of this insurance is checked, and the
money values at its boundaries."""

from __future__ import annotations

from fundrules.testing import TestData

TEST_DATA = TestData(
    benefit_types={"basic_pension": "pension", "resident_pension": "pension"},
    salient_fen=(300000, 360000, 360001),
)
