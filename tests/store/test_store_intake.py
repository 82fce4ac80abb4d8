"""The validated store: intake once, versions, identical and changed re-submissions, late flags,
and the faults (not a store, no such period or version, a killed intake, two intakes at once)."""

from __future__ import annotations

import shutil
import signal
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from store_kit import PERIOD, fundrules_cli, start_cli

import fundrules
from fundrules.store import StoreError, open_store


def test_a_stored_submission_reads_back_exactly_as_validated(city, tmp_path):
    store = open_store(tmp_path / "store", create=True)
    version = store.intake(city, PERIOD, received_at="2025-07-10T09:00")
    assert version.version == 1 and (version.path / "submission.json").is_file()
    loaded = fundrules.load_dataset(city, PERIOD)
    assert version.manifest().content == loaded.manifest.content  # same SHA-256 per file
    for name, frame in loaded.tables.items():
        got = store.read_table(store.as_of(PERIOD), name)
        pd.testing.assert_frame_equal(got, frame, check_exact=True)
    assert version.accounting()["read"].sum() == loaded.accounting["read"].sum()
    # one file per person bucket: a shard reads only its own persons' rows
    parts = {p.name for p in (version.path / "tables" / "medical_items").iterdir()}
    assert "part-shared.parquet" in parts and len(parts) > 10
    # one row group per month in a bucket file: reading the target month skips the others
    months_per_file = []
    for f in (version.path / "tables" / "benefits").glob("part-*.parquet"):
        md = pq.ParquetFile(f).metadata
        col = md.schema.to_arrow_schema().get_field_index("period")
        stats = [md.row_group(i).column(col).statistics for i in range(md.num_row_groups)]
        assert all(s.min == s.max for s in stats if s is not None and s.has_min_max), f
        months_per_file.append(len({s.min for s in stats if s is not None and s.has_min_max}))
    assert max(months_per_file) > 1  # the city's benefits hold back months


def test_identical_resubmission_adds_nothing_changed_one_is_a_new_version(city, tmp_path):
    store = open_store(tmp_path / "store", create=True)
    first = store.intake(city, PERIOD, received_at="2025-07-10T09:00")
    again = store.intake(city, PERIOD, received_at="2025-07-12T09:00")
    assert again.path == first.path and len(store.versions(PERIOD)) == 1
    changed = tmp_path / "changed"
    shutil.copytree(city, changed)
    persons = pq.read_table(changed / "persons.parquet").to_pandas()
    persons.loc[0, "region_code"] = (
        "120102" if persons.loc[0, "region_code"] != "120102" else "120103"
    )
    persons.to_parquet(changed / "persons.parquet", index=False)
    second = store.intake(changed, PERIOD, received_at="2025-07-20T09:00")
    assert second.version == 2
    subs = store.submissions()
    assert subs[["period", "version", "changed", "late"]].values.tolist() == [
        [PERIOD, 1, False, False],
        [PERIOD, 2, True, True],
    ]
    assert subs.loc[1, "changed_tables"] == "persons" and subs.loc[1, "changes_version"] == 1
    assert subs.loc[1, "manifest_id"] != subs.loc[0, "manifest_id"]
    # nothing overwritten: version 1 still reads as it was, version 2 has the change
    v1 = store.read_table([store.version(PERIOD, 1)], "persons")
    v2 = store.read_table([store.version(PERIOD, 2)], "persons")
    assert v1.loc[0, "region_code"] != v2.loc[0, "region_code"]


@pytest.mark.parametrize(
    ("received", "late"),
    [
        ("2025-07-15T23:59:59", False),  # no offset: China time; day 15 is on time
        ("2025-07-16T00:00:00", True),
        ("2025-07-15T15:59:59+00:00", False),  # 23:59:59 in China
        ("2025-07-15T16:00:00+00:00", True),  # 00:00 on the 16th in China
    ],
)
def test_late_after_day_15_of_the_next_month_china_time(city, tmp_path, received, late):
    store = open_store(tmp_path / "store", create=True)
    v = store.intake(city, PERIOD, received_at=received)
    row = store.submissions().iloc[0]
    assert bool(row["late"]) is late and v.info["late"] is late
    assert (
        row["received_at"] == pd.Timestamp(received).tz_localize("Asia/Shanghai")
        if (pd.Timestamp(received).tzinfo is None)
        else pd.Timestamp(received)
    )


def test_not_a_store_no_such_period_no_such_version(city, tmp_path):
    with pytest.raises(StoreError, match="not a fundrules store"):
        open_store(city)
    with pytest.raises(StoreError, match="store folder not found"):
        open_store(tmp_path / "nowhere")
    with pytest.raises(StoreError, match="not empty and not a fundrules store"):
        open_store(city, create=True)
    store = open_store(tmp_path / "store", create=True)
    store.intake(city, PERIOD)
    with pytest.raises(StoreError, match=r"period 2025-05 is not in the store .*2025-06"):
        store.version("2025-05")
    with pytest.raises(StoreError, match=r"no version 3 \(versions: 1\)"):
        store.version(PERIOD, 3)
    res = fundrules_cli("intake", str(city), "--period", PERIOD, "--store", str(city))
    assert res.returncode == 2 and "not a fundrules store" in res.stderr
    assert "Traceback" not in res.stderr
    res = fundrules_cli(
        "intake",
        str(city),
        "--period",
        PERIOD,
        "--store",
        str(tmp_path / "s2"),
        "--received-at",
        "15 July",
    )
    assert res.returncode == 2 and "ISO 8601" in res.stderr


def _wait_for_incoming(store: Path, proc) -> Path:
    deadline = time.time() + 120
    while time.time() < deadline:
        found = [
            p
            for p in (store / "submissions" / PERIOD).glob(".incoming-*")
            if (p / "tables").is_dir() and any((p / "tables").iterdir())
        ]
        if found:
            return found[0]
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.005)
    raise AssertionError("the intake never started writing")


def test_a_killed_intake_leaves_no_version_and_the_next_one_commits(city, tmp_path):
    store = tmp_path / "store"
    proc = start_cli("intake", str(city), "--period", PERIOD, "--store", str(store))
    incoming = _wait_for_incoming(store, proc)
    proc.send_signal(signal.SIGSTOP)  # caught half-way through writing its tables
    proc.kill()
    proc.wait()
    assert incoming.is_dir()  # the half-written version is there…
    opened = open_store(store)
    with pytest.raises(StoreError, match="not in the store"):  # …and never read as complete
        opened.version(PERIOD)
    assert opened.submissions().empty
    res = fundrules_cli("intake", str(city), "--period", PERIOD, "--store", str(store))
    assert res.returncode == 0, res.stderr
    assert [v.version for v in opened.versions(PERIOD)] == [1]
    assert not incoming.exists()  # the next intake cleared the leftover


def test_two_intakes_of_one_period_at_once_one_wins_the_other_is_told(city, tmp_path):
    store = tmp_path / "store"
    first = start_cli("intake", str(city), "--period", PERIOD, "--store", str(store))
    _wait_for_incoming(store, first)
    first.send_signal(signal.SIGSTOP)  # hold it mid-intake while the second one arrives
    try:
        second = fundrules_cli("intake", str(city), "--period", PERIOD, "--store", str(store))
    finally:
        first.send_signal(signal.SIGCONT)
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert second.returncode == 2
    assert "another intake of period 2025-06 is running" in second.stderr
    assert [v.version for v in open_store(store).versions(PERIOD)] == [1]
