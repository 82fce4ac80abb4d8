"""Files on disk: Parquet types, CSV text, truth.csv; the core's intake loads them cleanly."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fundrules.plugins import get_registry
from fundrules.synth import generate_city
from fundrules.synth.schema import layouts

TABLES = layouts(get_registry().tables.values())

ALL_PLUGINS = {"pension", "medical", "injury", "unemployment", "maternity"}


@pytest.fixture(scope="module")
def parquet_city(tmp_path_factory):
    return generate_city(tmp_path_factory.mktemp("pq"), persons=800, seed=2)


def test_parquet_types(parquet_city) -> None:
    info = parquet_city
    assert set(info.paths) == set(TABLES)
    for table, cols in TABLES.items():
        sch = pq.read_schema(info.paths[table])
        assert sch.names == [c for c, _, _ in cols]
        for c, kind, _ in cols:
            t = sch.field(c).type
            if kind == "money":
                assert t == pa.decimal128(18, 2), (table, c)
            elif kind == "price":
                assert t == pa.decimal128(18, 4), (table, c)
            elif kind == "date":
                assert t == pa.date32(), (table, c)
            elif kind in ("period", "text", "person", "employer"):
                assert t == pa.string(), (table, c)
            elif kind == "bool":
                assert t == pa.bool_(), (table, c)
        assert pq.read_metadata(info.paths[table]).num_rows == info.rows[table]
    period = pq.read_table(info.paths["benefits"], columns=["period"]).column(0).to_pylist()
    assert all(re.fullmatch(r"\d{4}-\d{2}", p) for p in period)
    assert info.truth_path.read_text().splitlines()[0] == "indicator,subject_type,subject_id,period"


def test_csv_text(tmp_path) -> None:
    info = generate_city(tmp_path, persons=400, seed=3, fmt="csv")
    lines = (tmp_path / "benefits.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(c for c, _, _ in TABLES["benefits"])
    amounts = [ln.split(",")[5] for ln in lines[1:]]
    assert all(re.fullmatch(r"-?\d+\.\d\d", a) for a in amounts)
    contrib = (tmp_path / "contributions.csv").read_text().splitlines()[1].split(",")
    assert contrib[-1] in ("true", "false") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", contrib[7])
    assert info.rows["persons"] == len((tmp_path / "persons.csv").read_text().splitlines()) - 1


def test_intake_loads_everything(parquet_city) -> None:
    from fundrules.intake import load_dataset
    from fundrules.plugins import get_registry

    reg = get_registry()
    if not set(reg.plugins) >= ALL_PLUGINS:
        pytest.skip("the five insurance plugins are not all installed")
    ds = load_dataset(parquet_city.out_dir, "2025-06", registry=reg)
    acc = ds.accounting
    assert int(acc.quarantined.sum()) == 0, acc[acc.quarantined > 0]
    assert set(acc.table) == set(TABLES)


def test_exchange_frames_load_like_files_and_match_the_dataset_layout() -> None:
    """``layout="exchange"`` feeds intake without files; ``layout="dataset"`` is what it yields."""
    import fundrules
    from fundrules.plugins import get_registry
    from fundrules.synth import generate_frames

    reg = get_registry()
    if not set(reg.plugins) >= ALL_PLUGINS:
        pytest.skip("the five insurance plugins are not all installed")
    raw = generate_frames(persons=600, seed=8, layout="exchange")
    raw.pop("truth")
    raw.pop("near_misses")
    ds = fundrules.dataset_from_frames(raw, "2025-06", registry=reg, fill_optional=False)
    assert int(ds.accounting.quarantined.sum()) == 0
    mine = generate_frames(persons=600, seed=8)
    for table in TABLES:
        got, want = ds.table(table), mine[table]
        assert list(got.columns) == list(want.columns), table
        assert [str(t) for t in got.dtypes] == [str(t) for t in want.dtypes], table
        assert len(got) == len(want), table
    b1, b2 = ds.table("benefits"), mine["benefits"]
    assert b1["amount"].sum() == b2["amount"].sum()
    assert b1["period"].max() == b2["period"].max()


def test_rewriting_a_folder_replaces_the_other_format(tmp_path) -> None:
    generate_city(tmp_path, persons=300, seed=1, fmt="csv")
    info = generate_city(tmp_path, persons=300, seed=1, fmt="parquet")
    assert not list(tmp_path.glob("*.csv")) or {p.name for p in tmp_path.glob("*.csv")} == {
        "truth.csv",
        "near_misses.csv",
    }
    assert all(p.suffix == ".parquet" for p in info.paths.values())
