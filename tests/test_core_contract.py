"""The core's own indicators keep the contract every indicator must keep (check_indicator):
deterministic, row-order independent, input untouched, real subjects, partition-stable,
monotone thresholds."""

from __future__ import annotations

import pytest

from fundrules.plugins import get_registry
from fundrules.testing import check_indicator

CORE = sorted(c for c in get_registry().indicators if c.split(".")[0] in ("data", "fund"))


@pytest.mark.parametrize("code", CORE)
def test_core_indicator_keeps_the_contract(code):
    check_indicator(code, max_examples=3)
