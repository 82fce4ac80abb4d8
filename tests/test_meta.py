"""Every registered indicator has a positive and a negative case file, a legal basis and
documentation (as datasette tests that every hook is documented and tested)."""

from __future__ import annotations

import pytest

from fundrules.plugins import get_registry
from fundrules.testing import case_coverage

REGISTRY = get_registry()
COVERAGE, ERRORS = case_coverage(REGISTRY)


def test_every_case_file_reads():
    assert ERRORS == []


@pytest.mark.parametrize("code", sorted(REGISTRY.indicators))
def test_indicator_has_cases_legal_basis_and_docs(code):
    meta = REGISTRY.indicators[code].meta
    assert meta.legal_basis.strip(), f"{code} has no legal basis"
    assert len(meta.description.strip()) >= 20, f"{code} has no documentation"
    cov = COVERAGE[code]
    assert cov.positive, f"{code}: no positive case file (a case that expects suspicions)"
    assert cov.negative, f"{code}: no negative case file (a case that expects none)"
