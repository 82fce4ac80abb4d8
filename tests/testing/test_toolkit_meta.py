"""Every registered indicator has a positive and a negative case, a legal basis and documentation.

Case files are found under ``tests/`` of each plugin's root: the folder holding the
``pyproject.toml`` above the plugin module's file (``fundrules.testing.plugin_root``), which is
this repository for the core's ``data.*`` and ``fund.*`` (``tests/cases/``) and
``plugins/<type>/`` for the insurance plugins (``tests/cases/``). A case whose ``expect`` is
empty is negative; otherwise positive. New plugins are picked up as they are installed.
"""

from __future__ import annotations

import pytest

import fundrules
from fundrules.testing import case_coverage

REGISTRY = fundrules.get_registry()


@pytest.fixture(scope="module")
def coverage():
    return case_coverage(REGISTRY)


def test_every_case_file_parses(coverage):
    _, errors = coverage
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("code", sorted(REGISTRY.indicators))
def test_the_indicator_has_cases_a_legal_basis_and_documentation(code, coverage):
    ind = REGISTRY.indicators[code]
    entry = coverage[0][code]
    missing = []
    if not entry.positive:
        missing.append("a positive case (a case file case whose expect is not empty)")
    if not entry.negative:
        missing.append("a negative case (a case whose expect is [])")
    if not ind.meta.legal_basis.strip():
        missing.append("a legal basis")
    if not ind.meta.description.strip():
        missing.append("documentation (the function's docstring or description=)")
    assert not missing, f"{code} (plugin {ind.plugin}) lacks " + "; ".join(missing)


@pytest.mark.parametrize("code", sorted(REGISTRY.indicators))
def test_the_indicator_says_how_far_back_it_reads(code):
    """D97: every installed indicator sets ``history_months`` (None too, but said), so a store
    run reads no older months than it needs."""
    ind = REGISTRY.indicators[code]
    assert "history_months" in ind.meta.model_fields_set, (
        f"{code} (plugin {ind.plugin}) does not set history_months: 0 for the target month "
        "only, N for N months back, None for all history"
    )
