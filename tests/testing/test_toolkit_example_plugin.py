"""The example plugin of docs/plugin-guide.md works as the guide says: its cases pass, it keeps
the contract, and the meta-test finds its case files through its root."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

import fundrules
from fundrules.plugins import build_registry
from fundrules.testing import case_coverage, check_indicator, find_case_files, run_case_file

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "fundrules-example-plugin"


@pytest.fixture(scope="module")
def example_registry():
    """The installed registry when the example is installed (./dev setup installs it), else one
    that loads it from its source folder, as its entry point would."""
    reg = fundrules.get_registry()
    if "example" in reg.plugins and not reg.plugins["example"].error:
        return reg
    sys.path.insert(0, str(EXAMPLE / "src"))
    try:
        module = importlib.import_module("fundrules_example.plugin")
    finally:
        sys.path.remove(str(EXAMPLE / "src"))
    return build_registry(extra_plugins=[("example", module)])


def test_the_example_registers_its_table_vocabulary_and_indicator(example_registry):
    assert "payment_approvals" in example_registry.tables
    assert example_registry.vocabularies["approval_level"] == {"section", "director"}
    assert example_registry.indicators["example.large_single_payment"].plugin == "example"


def test_the_example_cases_pass(example_registry):
    files = find_case_files(EXAMPLE / "tests")
    assert files
    for path in files:
        for outcome in run_case_file(path, registry=example_registry):
            assert outcome.passed, outcome.report


def test_the_example_keeps_the_contract(example_registry):
    report = check_indicator("example.large_single_payment", registry=example_registry)
    print(report)
    assert "same result on partitions" in report.checked
    assert "monotone in stricter parameters" in report.checked


def test_the_meta_test_finds_the_example_cases_through_its_root(example_registry):
    coverage, _ = case_coverage(example_registry)
    entry = coverage["example.large_single_payment"]
    assert entry.positive and entry.negative
