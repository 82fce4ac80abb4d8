"""The city is made and written batch by batch (D105): files and frames hold the same rows, a
seed and chunk size give the same bytes, and the Tianjin profile has the city's proportions."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
from cli_run import fundrules

from fundrules.synth import PROFILES, Volumes, generate_city, generate_frames


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_same_seed_and_chunks_same_files(tmp_path) -> None:
    a = generate_city(tmp_path / "a", persons=1_000, seed=3, chunk_persons=400)
    b = generate_city(tmp_path / "b", persons=1_000, seed=3, chunk_persons=400)
    assert _bytes(a.out_dir) == _bytes(b.out_dir)
    # persons in slices of 400 of the id store (planted persons too): a row group per slice
    meta = pq.ParquetFile(a.paths["persons"]).metadata
    assert meta.num_row_groups >= 3
    assert meta.num_rows == a.rows["persons"]
    assert pq.ParquetFile(a.paths["enrollments"]).metadata.num_row_groups >= 3


def test_files_and_frames_hold_the_same_rows(tmp_path) -> None:
    info = generate_city(tmp_path / "c", persons=900, seed=4, chunk_persons=300)
    frames = generate_frames(persons=900, seed=4, chunk_persons=300, layout="exchange")
    for table in ("persons", "benefits", "medical_settlements", "medical_items", "ledger"):
        got = pq.read_table(info.paths[table]).to_pandas()
        assert len(got) == len(frames[table]) == info.rows[table], table
        pd.testing.assert_series_equal(
            got.iloc[:, 0].astype(str), frames[table].iloc[:, 0].astype(str), check_names=False
        )


def test_tianjin_profile_proportions() -> None:
    assert PROFILES["tianjin"]() == Volumes.tianjin()
    f = generate_frames(persons=6_000, seed=2, volumes=Volumes.tianjin())
    s = f["medical_settlements"]
    target = s[s.period == s.period.max()]
    n = 6_000
    assert 0.28 < len(target) / n < 0.38  # ~4M settlements at 12M persons
    items = f["medical_items"]
    lines = items["settlement_id"].isin(target["settlement_id"]).sum()
    assert 9.0 < lines / len(target) < 11.0  # ~40M item lines
    b = f["benefits"]
    assert 0.17 < (b.period == b.period.max()).sum() / n < 0.25  # ~2.5M benefit rows


def test_cli_profile_and_by_month(tmp_path) -> None:
    out = tmp_path / "city"
    r = fundrules(
        "synth", str(out), "--persons", "400", "--profile", "tianjin", "--by-month", "--json"
    )
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["profile"] == "tianjin" and summary["by_month"] is True
    assert sorted(summary["months"]) == ["2025-03", "2025-04", "2025-05", "2025-06"]
    assert (out / "2025-06" / "persons.parquet").is_file()
    assert (out / "2025-06" / "truth.csv").is_file()
    bad = fundrules("synth", str(tmp_path / "x"), "--profile", "shanghai")
    assert bad.returncode == 2
    assert "tianjin" in bad.stderr


def test_person_store_grows_in_place_and_keeps_handed_out_arrays() -> None:
    import numpy as np

    from fundrules.synth.world import PersonStore

    store = PersonStore(np.random.default_rng(0))
    birth = np.array(["1980-01-01", "1990-06-30", "2000-02-29"], "datetime64[D]")
    first = store.add(birth, np.array([True, False, True]), 120101)
    before = store.arrays()
    store.set("rec_male", first[:1], np.array([False]))
    more = store.add(birth[:2], True, 120102, listed=False)
    after = store.arrays()
    assert list(first) == [0, 1, 2] and list(more) == [3, 4] and store.n == 5
    assert before["rec_male"].tolist() == [True, False, True]  # handed out before the change
    assert after["rec_male"].tolist() == [False, False, True, True, True]
    assert after["listed"].tolist() == [True, True, True, False, False]
    assert (after["id"][:3] == before["id"]).all() and len(set(after["id"])) == 5
    assert store.id_text([4])[0] == after["id"][4].decode()
