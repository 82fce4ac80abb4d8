"""The indicator contract (``fundrules.testing.check_indicator``) for every unemployment
indicator: runs, no mutation, determinism, row order, subjects, partitions, monotone parameters.

A few examples here to keep the plugin's tests fast; ``FUNDRULES_HYPOTHESIS=thorough`` runs the
toolkit's thorough profile (checked at 100 examples per indicator when the plugin was written).
"""

from __future__ import annotations

import os

import pytest
from fundrules_unemployment.plugin import INDICATORS

from fundrules.testing import check_indicator

THOROUGH = os.environ.get("FUNDRULES_HYPOTHESIS") == "thorough"


@pytest.mark.parametrize("code", [ind.code for ind in INDICATORS])
def test_the_indicator_keeps_the_contract(registry, code):
    report = check_indicator(
        code, registry=registry, max_examples=None if THOROUGH else 3, shrink_seconds=10
    )
    assert "runs" in report.checked
    assert "same result on partitions" in report.checked
