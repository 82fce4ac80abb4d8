"""The example plugin's part of generated test data: its threshold (25,000 yuan) as a salient
money value, so that generated payments meet it."""

from __future__ import annotations

from fundrules.testing import TestData

TEST_DATA = TestData(salient_fen=(2500000,))
