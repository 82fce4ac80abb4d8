"""Shared helpers for the core's tests: valid ids, and a registry with a benefit-type plugin.

With no insurance plugin installed, ``benefit_type`` is an empty closed vocabulary; the core's
tests register a tiny plugin of their own so they do not depend on which plugins are installed.
"""

from __future__ import annotations

import types
from collections.abc import Mapping

import pandas as pd
import pytest

import fundrules
from fundrules.plugins import build_registry, hookimpl


def _vocab_plugin() -> types.SimpleNamespace:
    @hookimpl
    def fundrules_register_vocabularies(extend):
        extend("benefit_type", ["basic_pension", "resident_pension", "unemployment_allowance"])

    return types.SimpleNamespace(fundrules_register_vocabularies=fundrules_register_vocabularies)


@pytest.fixture(scope="session")
def registry():
    return build_registry(entry_points=False, extra_plugins=[("testvocab", _vocab_plugin())])


@pytest.fixture
def load(registry):
    def _load(frames: Mapping[str, pd.DataFrame | list[dict]], period: str = "2025-06"):
        frames = {k: pd.DataFrame(v) if isinstance(v, list) else v for k, v in frames.items()}
        return fundrules.dataset_from_frames(frames, period, registry=registry)

    return _load


@pytest.fixture
def run(load, registry):
    """Screen frames with one indicator; return its suspicions (asserting nothing quarantined)."""

    def _run(code: str, frames, period: str = "2025-06", params=None, allow_quarantine=False):
        ds = load(frames, period)
        if not allow_quarantine:
            assert ds.quarantine.empty, ds.quarantine.to_string()
        res = fundrules.screen(ds, indicators=[code], params=params, registry=registry)
        assert res.failed.empty, res.failed.to_string()
        return res.suspicions

    return _run
