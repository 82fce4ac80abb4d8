"""Screening from the store: the same suspicions, byte for byte, as the one-shot screen of the
same data, whatever the shard count and the executor (this process, local worker processes, a
Dask LocalCluster started here); the data as of a month across submissions; the faults."""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster
from store_kit import PERIOD, fundrules_cli

import fundrules
from fundrules.cases import handed_tables
from fundrules.period import parse_period
from fundrules.plugins import get_registry
from fundrules.screening.engine import evaluate, plan_run
from fundrules.screening.execution import (
    LOADED_PER_STORED,
    ShardFailed,
    default_shards,
    screen_store,
)
from fundrules.screening.output import suspicions_to_arrow
from fundrules.store import StoreError, open_store
from fundrules.store.dataset import store_dataset
from fundrules.store.shards import person_buckets, shard_buckets


@pytest.fixture(scope="module")
def stored(city, tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("screen") / "store", create=True)
    store.intake(city, PERIOD, received_at="2025-07-10T09:00")
    return store


@pytest.fixture(scope="module")
def handed(stored):
    """The process checks' tables (submissions, cases) as the entry point hands them."""
    return handed_tables(stored.root)


@pytest.fixture(scope="module")
def one_shot(city, handed):
    return fundrules.screen(fundrules.load_dataset(city, PERIOD), handed=handed)


def _bytes(result) -> bytes:
    table = suspicions_to_arrow(result.suspicions)
    return table.to_pandas().to_csv(index=False).encode() + repr(table.schema).encode()


@pytest.mark.slow
def test_same_suspicions_whatever_the_shards_and_the_executor(stored, one_shot, handed):
    assert one_shot.failed.empty, one_shot.failed
    assert len(one_shot.skipped) <= 1, one_shot.skipped  # rule approvals are not handed here
    codes = set(one_shot.suspicions["indicator"])
    assert len(codes) >= 40  # the city plants anomalies for nearly every indicator
    expected = _bytes(one_shot)
    runs = {
        "1 shard, this process": screen_store(stored, PERIOD, handed=handed, shards=1),
        "3 shards, this process": screen_store(stored, PERIOD, handed=handed, workers=1, shards=3),
    }
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        runs["16 shards, local workers"] = screen_store(
            stored, PERIOD, handed=handed, shards=16, executor=pool
        )
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        runs["3 shards, Dask LocalCluster"] = screen_store(
            stored, PERIOD, handed=handed, shards=3, executor=client
        )
    statuses = one_shot.runs[["indicator", "status"]]
    for label, result in runs.items():
        assert result.runs[["indicator", "status"]].equals(statuses), (label, result.runs)
        assert _bytes(result) == expected, label


def _read(stored, handed, codes=None, prune=True):
    """What a store run of ``codes`` (None: the whole catalog) read: (table, columns, rows)."""
    reg = get_registry()
    plan = plan_run(parse_period(PERIOD), codes, None, registry=reg)
    ds = store_dataset(stored, PERIOD, indicators=plan.order, registry=reg, prune_columns=prune)
    outcomes = evaluate(plan, ds, handed=handed)
    assert all(o.row["status"] != "failed" for o in outcomes), [o.row for o in outcomes]
    assert ds.store_tables is not None
    return ds.store_tables.reads


def _cells(reads) -> int:
    return sum(len(cols) * rows for _, cols, rows in reads)


def test_the_catalog_reads_only_the_columns_and_months_it_declares(stored, handed):
    """D95–D97: the whole catalog reads fewer columns (and cells) than whole tables; the id
    checks read the id columns only, the target month only, and never medical_items' lines."""
    pruned, whole = _read(stored, handed), _read(stored, handed, prune=False)
    cols = {(t, c) for t, cs, _ in pruned for c in cs}
    all_cols = {(t, c) for t, cs, _ in whole for c in cs}
    assert cols < all_cols
    assert ("benefits", "bank_account") in cols  # pension.shared_bank_account declares it
    assert _cells(pruned) < _cells(whole)
    ids = _read(stored, handed, ["data.invalid_employer_id"])
    assert "medical_items" not in {t for t, _, _ in ids}
    reg = get_registry()
    for table, read, _ in ids:
        decl = reg.tables[table]
        allowed = {*decl.columns_of("employer_id"), "insurance", *decl.key}
        allowed |= {*decl.subject_columns("person"), decl.period_column}
        assert set(read) <= allowed, (table, read)
    by_table = {t: n for t, _, n in ids}
    every = {t: n for t, _, n in whole}
    assert by_table["contributions"] < every["contributions"]  # the target month only


def test_cli_screen_from_the_store_equals_the_one_shot_screen_byte_for_byte(city, stored, tmp_path):
    one = fundrules_cli("screen", str(city), "--period", PERIOD, "--out", str(tmp_path / "a"))
    assert one.returncode == 0, one.stderr
    two = fundrules_cli(
        "screen", "--store", str(stored.root), "--period", PERIOD, "--out", str(tmp_path / "b"),
        "--workers", "2", "--shards", "3",
    )  # fmt: skip
    assert two.returncode == 0, two.stderr
    for name in ("suspicions.csv", "suspicions.parquet", "quarantine.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    # not a terminal: one line per stage on stderr, none with --quiet
    assert "done in" in two.stderr
    three = fundrules_cli(
        "screen", "--store", str(stored.root), "--period", PERIOD, "--out", str(tmp_path / "c"),
        "--workers", "1", "--indicators", "pension.paid_after_death", "--quiet",
    )  # fmt: skip
    assert three.returncode == 0, three.stderr
    assert "done in" not in three.stderr


def test_screen_store_bad_input_exits_2(stored, city, tmp_path):
    out = str(tmp_path / "o")
    cases = {
        "is not in the store": ["--store", str(stored.root), "--period", "2025-05"],
        "has no version 7 (versions: 1)": [
            "--store", str(stored.root), "--period", PERIOD, "--version", "7",
        ],
        "is not a fundrules store": ["--store", str(city), "--period", PERIOD],
        "either a dataset folder or --store": [str(city), "--store", str(stored.root)],
    }  # fmt: skip
    for message, args in cases.items():
        res = fundrules_cli("screen", *args, "--out", out)
        assert res.returncode == 2, (message, res.stderr)
        assert message in res.stderr, (message, res.stderr)
        assert "Traceback" not in res.stderr


def test_data_as_of_a_month_merges_submissions_on_the_key(city, tmp_path):
    """A May submission, then June's: June's rows replace May's with the same key; May's rows
    June does not have stay; screening June reads both, May only May."""
    may = tmp_path / "may"
    shutil.copytree(city, may)
    persons = pq.read_table(city / "persons.parquet").to_pandas()
    extra = persons.iloc[[0]].assign(person_id="X-ONLY-IN-MAY")
    changed = persons.iloc[[1]].assign(region_code="999999")
    pd.concat([changed, extra], ignore_index=True).to_parquet(may / "persons.parquet", index=False)
    store = open_store(tmp_path / "store", create=True)
    store.intake(may, "2025-05")
    store.intake(city, PERIOD)
    as_of_june = store.read_table(store.as_of(PERIOD), "persons")
    assert len(as_of_june) == len(persons) + 1
    row = as_of_june[as_of_june.person_id == persons.loc[1, "person_id"]]
    assert row["region_code"].tolist() == [persons.loc[1, "region_code"]]  # June's replaced May's
    assert "X-ONLY-IN-MAY" in set(as_of_june.person_id)
    as_of_may = store.read_table(store.as_of("2025-05"), "persons")
    assert len(as_of_may) == 2 and "999999" in set(as_of_may.region_code)
    with pytest.raises(StoreError, match="not in the store"):
        store.as_of("2025-04")


def test_a_worker_that_dies_fails_the_run_naming_shard_and_indicator(stored):
    pool = ProcessPoolExecutor(2, mp_context=get_context("spawn"))
    outcome: dict[str, BaseException | object] = {}

    def run() -> None:
        try:
            outcome["result"] = screen_store(stored, PERIOD, shards=4, executor=pool)
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.time() + 120
    beats = f"{tempfile.gettempdir()}/fundrules-run-{os.getpid()}-*/*.current"
    while time.time() < deadline:
        running = [p for p in glob.glob(beats) if Path(p).read_text().strip()]
        if running:
            break
        time.sleep(0.01)
    assert running, "no task started"
    for pid in list(pool._processes):  # a real worker process, killed as the OOM killer would
        os.kill(pid, signal.SIGKILL)
    thread.join(timeout=120)
    pool.shutdown(wait=False)
    error = outcome.get("error")
    assert isinstance(error, ShardFailed), outcome
    message = str(error)
    assert "running when it failed: " in message and "no suspicions were written" in message
    # the task that was running is named with the indicator it was at
    assert re.search(r"(shard \d+/4|whole data) at indicator [a-z]+\.[a-z_0-9]+", message), message
    assert "result" not in outcome


def test_an_earlier_version_of_the_month_can_be_screened(city, tmp_path):
    changed = tmp_path / "changed"
    shutil.copytree(city, changed)
    deaths = pq.read_table(city / "deaths.parquet").to_pandas()
    deaths.iloc[1:].to_parquet(changed / "deaths.parquet", index=False)  # one death withdrawn
    store = open_store(tmp_path / "store", create=True)
    store.intake(city, PERIOD)
    store.intake(changed, PERIOD)
    code = "pension.paid_after_death"
    first = screen_store(store, PERIOD, code, version=1, workers=1)
    latest = screen_store(store, PERIOD, code, workers=1)
    loaded = fundrules.load_dataset(city, PERIOD)
    assert _bytes(first) == _bytes(fundrules.screen(loaded, code))
    pd.testing.assert_frame_equal(
        store_dataset(store, PERIOD, 1).table("deaths"), loaded.table("deaths")
    )
    assert len(store_dataset(store, PERIOD).table("deaths")) == len(deaths) - 1
    assert len(latest.suspicions) <= len(first.suspicions)


def test_default_shards_follow_the_data_size_not_the_workers(stored):
    stored_bytes = sum(
        f.stat().st_size
        for v in stored.as_of(PERIOD)
        for t in v.tables
        for f in v.table_files(t, None)
    )
    loaded = stored_bytes * LOADED_PER_STORED
    assert default_shards(stored, PERIOD, None, workers=2) == 1  # fits one: this process
    assert default_shards(stored, PERIOD, None, workers=1, memory=loaded // 5 + 1) == 5
    # the same budget on two workers: rounded up to whole rounds of the workers
    assert default_shards(stored, PERIOD, None, workers=2, memory=loaded // 5 + 1) == 6
    assert default_shards(stored, PERIOD, None, workers=2, memory=1) == stored.buckets


def test_a_table_released_is_read_again_the_same(stored):
    ds = store_dataset(stored, PERIOD)
    tables = ds.store_tables
    first = ds.table("benefits").copy()
    ds.table("deaths")
    assert tables.loaded() == ["benefits", "deaths"]
    assert tables.release(["deaths"]) == ["benefits"]
    assert tables.loaded() == ["deaths"]
    pd.testing.assert_frame_equal(ds.table("benefits"), first)


def test_a_later_month_replaces_rows_on_the_whole_key_in_every_shard(city, tmp_path):
    """June's rows replace May's with the same key — the whole key (a settlement's other line
    stays), and in every shard, even when the row's person (so its bucket) changed."""
    may = tmp_path / "may"
    shutil.copytree(city, may)
    items = pq.read_table(city / "medical_items.parquet").to_pandas()
    extra_line = items.iloc[[0]].assign(line_no=int(items["line_no"].max()) + 1)
    pd.concat([items.iloc[[0]], extra_line]).to_parquet(may / "medical_items.parquet", index=False)
    settlements = pq.read_table(city / "medical_settlements.parquet").to_pandas()
    store = open_store(tmp_path / "store", create=True)
    ids = settlements.person_id
    bucket_of = dict(zip(ids, person_buckets(ids, 32), strict=True))
    first = settlements.iloc[0]
    moved = next(p for p in settlements.person_id if bucket_of[p] != bucket_of[first.person_id])
    settlements.iloc[[0]].assign(person_id=moved).to_parquet(
        may / "medical_settlements.parquet", index=False
    )
    store.intake(may, "2025-05")
    store.intake(city, PERIOD)
    as_of = store.as_of(PERIOD)
    lines = store.read_table(as_of, "medical_items")
    assert len(lines) == len(items) + 1  # May's other line stays, its same line is June's
    key = ["settlement_id", "line_no"]
    assert not lines.duplicated(key).any()
    for n in (1, 3):
        parts = [
            store.read_table(as_of, "medical_settlements", buckets=shard_buckets(j, n, 32))
            for j in range(n)
        ]
        found = pd.concat(parts, ignore_index=True)
        mine = found[found.settlement_id == first.settlement_id]
        assert mine.person_id.tolist() == [first.person_id], n  # June's, once, in its own shard
        assert len(found) == len(settlements)
