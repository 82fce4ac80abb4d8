"""The injury plugin's part of generated test data (``fundrules.testing``): its benefit types,
so that generation leans towards them when an indicator of this insurance is checked, and the
money values at its boundaries."""

from __future__ import annotations

from fundrules.testing import TestData

TEST_DATA = TestData(
    benefit_types={
        "injury_medical": "injury",
        "one_time_disability": "injury",
        "disability_allowance": "injury",
        "injury_death_grant": "injury",
    },
    salient_fen=(),
)
