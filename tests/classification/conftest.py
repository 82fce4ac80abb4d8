"""Fixtures for classification tests."""

from __future__ import annotations

import pytest

from fundrules.plugins import build_registry


@pytest.fixture(scope="session")
def core_registry():
    """The core's plugins only: no installed plugin changes what these tests expect."""
    return build_registry(entry_points=False, strict=True)
