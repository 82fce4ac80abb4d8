"""End to end: screening the city finds exactly the planted truth and no near miss."""

from __future__ import annotations

import pytest

from fundrules.synth import generate_city

KEY = ["indicator", "subject_type", "subject_id"]


@pytest.mark.slow
def test_screening_finds_exactly_the_truth(tmp_path) -> None:
    """Whatever plugins are installed: each plants its anomalies, and screening finds exactly
    those (recall and precision 1 for every code) and none of the near misses."""
    import pandas as pd

    from fundrules.intake import load_dataset
    from fundrules.plugins import get_registry
    from fundrules.screening import screen

    reg = get_registry()
    info = generate_city(tmp_path, persons=1_500, seed=21)
    result = screen(load_dataset(tmp_path, "2025-06", registry=reg), registry=reg)
    assert result.failed.empty, result.failed
    ran = set(result.runs.loc[result.runs.status == "ok", "indicator"])
    truth = pd.read_csv(info.truth_path, dtype=str)
    assert set(truth.indicator) <= ran, "a planted indicator did not run"
    plugin_codes = {c for c in reg.indicators if not c.startswith(("data.", "fund.", "process."))}
    assert plugin_codes <= set(truth.indicator), "an installed plugin's indicator has no plant"
    found = set(map(tuple, result.suspicions[KEY].astype(str).to_numpy()))
    planted = set(map(tuple, truth.loc[truth.indicator.isin(ran), KEY].to_numpy()))
    assert found - planted == set(), "false positives"
    assert planted - found == set(), "missed"
    near = pd.read_csv(info.near_misses_path, dtype=str)
    assert not set(map(tuple, near[KEY].to_numpy())) & found, "a near miss fired"
