"""The indicator contract (fundrules.testing.check_indicator) for every unemployment indicator:
runs, no mutation, determinism, row order, subjects, partitions, monotone parameters.

Few examples by default to keep the plugin's tests fast; raise them with
``FUNDRULES_CONTRACT_EXAMPLES`` (e.g. 200) for a thorough run.
"""

from __future__ import annotations

import os

import pytest
from fundrules_unemployment.plugin import INDICATORS

contract = pytest.importorskip("fundrules.testing.contract")

EXAMPLES = int(os.environ.get("FUNDRULES_CONTRACT_EXAMPLES", "4"))


@pytest.mark.parametrize("code", [ind.code for ind in INDICATORS])
def test_the_indicator_keeps_the_contract(registry, code):
    report = contract.check_indicator(code, registry=registry, max_examples=EXAMPLES)
    assert "runs" in report.checked
    assert "same result on partitions" in report.checked
