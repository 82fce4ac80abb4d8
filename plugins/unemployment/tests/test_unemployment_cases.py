"""The YAML case files (tests/cases/test_<indicator>.yaml), through the testing toolkit.

When the toolkit's pytest plugin is active (entry point ``pytest11``) it collects the files
itself, one item per case, and this module only checks coverage; otherwise each file is run
here with ``fundrules.testing.assert_case_file``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fundrules_unemployment.plugin import INDICATORS

from fundrules.testing import assert_case_file, case_coverage, find_case_files

CASES = Path(__file__).parent / "cases"


def test_every_indicator_has_a_positive_and_a_negative_case(registry):
    coverage, errors = case_coverage(registry)
    assert errors == []
    for ind in INDICATORS:
        assert (CASES / f"test_{ind.code.split('.', 1)[1]}.yaml").is_file(), ind.code
        assert coverage[ind.code].positive and coverage[ind.code].negative, ind.code


def _collected_by_the_toolkit(config: pytest.Config) -> bool:
    return any(
        getattr(p, "__name__", "") == "fundrules.testing.pytest_plugin"
        for p in config.pluginmanager.get_plugins()
    )


@pytest.mark.parametrize("path", find_case_files(CASES), ids=lambda p: p.stem)
def test_case_file(request, registry, path):
    if _collected_by_the_toolkit(request.config):
        pytest.skip("collected as test items by fundrules.testing.pytest_plugin")
    assert_case_file(path, registry=registry)
