"""Benchmark: intake into the store, and screening from it, at growing city sizes.

    python bench/bench_store.py --persons 1000000 3000000 [--out bench/out] [--dask 3000000]
                                [--one-shot] [--write-results]
    python bench/bench_store.py --persons 12000000 --profile tianjin [--buckets 64] [--city DIR]

Per size (the city under --out/city-N, generated once, shared with bench_screen.py), each step in
its own process, its wall time and the peak resident memory of its whole process tree (workers
included; sampled from /proc every 0.1 s):

- generate (once per city): ``generate_city`` — with ``--profile tianjin`` (Tianjin's month: at
  12M persons ~4M settlements, ~40M item lines, ~2.5M benefit rows in the target month) under
  --out/city-N-tianjin, and for 12M persons or more (or ``--by-month``) written month by month,
  ``<city>/<YYYY-MM>/``, each month a submission;
- a city by month: its earlier months are intaken first, in order, each timed on its own
  (``intake_history``); the steps below then take the target month's folder — the reported intake
  is the target month's, with the history already in the store;
- baseline: a bare ``pyarrow.parquet.read_table`` of every file the intake reads;
- intake: ``open_store(...).intake(city)`` — full validation, Parquet per person bucket
  (``--buckets N``: a store of N person buckets instead of the default);
- screen: ``screen_store`` of the whole catalog with the default plan (local workers, all cores);
- screen on Dask (sizes given to ``--dask``, e.g. ``--dask 3000000``): the same plan on a
  ``LocalCluster`` of 2 workers, its suspicions compared byte for byte with the local run's;
- the shared subset (bench_screen.SUBSET) from the store against hand-written DuckDB SQL over the
  same raw Parquet files (bench_screen.DUCKDB_SQL; the target month's folder), results checked
  equal; ours is timed after the plugins' registry is built (reported as ``registry_seconds``),
  as DuckDB's is after its import and connect;
- with ``--one-shot`` (a city in one folder only): the one-shot ``load_dataset`` + ``screen`` of
  the same city, and its suspicions compared byte for byte with the store run's.

The runs of issue #11 (the lead runs them on the idle machine, under ``flock /work/heavy.lock``)::

    python bench/bench_store.py --persons 1000000 3000000 --dask 3000000 --one-shot
    python bench/bench_store.py --persons 12000000 --profile tianjin \
        --city /work/perf/city-12m-tianjin --out /work/perf/bench-12m

A benchmark, not a test: it asserts nothing about speed. Results go to --out/store-report.json
and, with --write-results, bench/STORE-RESULTS.md (then pasted into RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PERIOD = "2025-06"
sys.path.insert(0, str(HERE))


# -- measuring a process tree ----------------------------------------------------------------


def _tree_rss_kb(pid: int) -> int:
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
            for task in Path(f"/proc/{p}/task").iterdir():
                kids = (task / "children").read_text().split()
                stack.extend(int(k) for k in kids)
        except (OSError, ValueError):
            continue
    return total


#: cities of this many persons or more are written (and intaken) month by month
BY_MONTH_FROM = 12_000_000

DEADLINE: float | None = None  # epoch seconds: a step still running then is stopped


def run_child(*args: str) -> dict:
    """Run one step in a fresh process; its JSON answer plus wall seconds and tree peak MB."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    t0 = time.perf_counter()
    sampler.start()
    try:
        left = None if DEADLINE is None else max(1.0, DEADLINE - time.time())
        out, err = proc.communicate(timeout=left)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the step and its workers
        proc.communicate()
        done.set()
        raise RuntimeError(f"step {args[0]} stopped at the deadline") from None
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{err[-4000:]}")
    answer = json.loads(out.strip().splitlines()[-1])
    answer.update(wall_seconds=wall, tree_peak_mb=peak[0] / 1024)
    return answer


def _write(suspicions, out: Path) -> None:
    from fundrules.outputs import RunWriter
    from fundrules.screening.output import write_suspicions

    with RunWriter(out) as writer:
        write_suspicions(suspicions, writer)


# -- the steps (children) ------------------------------------------------------------------


def child_pyarrow(city: Path) -> dict:
    import pyarrow.parquet as pq

    t0 = time.perf_counter()
    rows = 0
    for f in sorted(city.glob("*.parquet")):
        rows += pq.read_table(f).num_rows
    return {"seconds": time.perf_counter() - t0, "rows": rows}


def child_generate(persons: int, city: Path, profile: str, by_month: bool) -> dict:
    from fundrules.synth import PROFILES, generate_city

    t0 = time.perf_counter()
    info = generate_city(
        city, persons=persons, seed=1, period=PERIOD, volumes=PROFILES[profile](), by_month=by_month
    )
    return {"seconds": time.perf_counter() - t0, "rows": info.rows, "months": info.months}


def _received(period: str) -> str:
    """On time: the 10th of the month after."""
    y, m = map(int, period.split("-"))
    return f"{y + m // 12}-{m % 12 + 1:02d}-10T09:00"


def child_intake(city: Path, store: Path, period: str = PERIOD, buckets: int = 0) -> dict:
    from fundrules.store import open_store
    from fundrules.store.folder import create_marker

    t0 = time.perf_counter()
    if buckets and not store.exists():
        create_marker(store, buckets)
    v = open_store(store, create=True).intake(city, period, received_at=_received(period))
    return {
        "seconds": time.perf_counter() - t0,
        "rows_read": v.info["rows_read"],
        "rows_loaded": v.info["rows_loaded"],
    }


def child_screen(store: Path, out: Path, dask: bool) -> dict:
    import fundrules

    t0 = time.perf_counter()
    if dask:
        from distributed import Client, LocalCluster

        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            res = fundrules.screen_store(store, PERIOD, executor=client)
    else:
        res = fundrules.screen_store(store, PERIOD)
    seconds = time.perf_counter() - t0
    _write(res.suspicions, out)
    return {
        "seconds": seconds,
        "suspicions": len(res.suspicions),
        "failed": res.failed[["indicator", "reason"]].to_dict(orient="records"),
        "indicator_seconds": dict(zip(res.runs.indicator, res.runs.seconds, strict=True)),
    }


def child_subset(store: Path, city: Path) -> dict:
    from bench_screen import SUBSET, _as_sets, _duckdb_subset

    import fundrules
    from fundrules.plugins import get_registry

    # the plugins' registry is built once per process (entry points, plugin imports), as
    # DuckDB's import and connect are outside its timing; reported beside
    t0 = time.perf_counter()
    get_registry()
    registry_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = fundrules.screen_store(store, PERIOD, indicators=list(SUBSET), workers=1, shards=1)
    ours = time.perf_counter() - t0
    duck_s, duck = _duckdb_subset(city)
    return {
        "ours_seconds": ours,
        "registry_seconds": registry_s,
        "indicator_seconds": dict(zip(res.runs.indicator, res.runs.seconds, strict=True)),
        "duckdb_seconds": duck_s,
        "agree": _as_sets(res.suspicions) == duck["result"],
    }


def child_one_shot(city: Path, out: Path) -> dict:
    import fundrules

    t0 = time.perf_counter()
    ds = fundrules.load_dataset(city, PERIOD)
    t_load = time.perf_counter() - t0
    res = fundrules.screen(ds)
    seconds = time.perf_counter() - t0
    _write(res.suspicions, out)
    return {"seconds": seconds, "load_seconds": t_load, "suspicions": len(res.suspicions)}


# -- the driver ------------------------------------------------------------------------------


def bench_size(
    n: int,
    out: Path,
    dask: bool,
    one_shot: bool,
    e: dict,
    profile: str = "default",
    by_month: bool = False,
    buckets: int = 0,
    city_dir: Path | None = None,
) -> dict:
    """Fill ``e`` step by step (the caller saves it after each step)."""
    tag = "" if profile == "default" else f"-{profile}"
    home = city_dir or out / f"city-{n}{tag}{'-by-month' if by_month and n < BY_MONTH_FROM else ''}"
    city = home / PERIOD if by_month else home
    if not (city / "truth.csv").exists():
        e["generate"] = run_child("generate", str(n), str(home), profile, str(int(by_month)))
    store = out / f"store-{n}{tag}"
    shutil.rmtree(store, ignore_errors=True)
    if by_month:  # the history first, month by month, then the target month is the intake
        history = sorted(p.name for p in home.iterdir() if p.is_dir() and p.name < PERIOD)
        e["intake_history"] = {
            m: run_child("intake", str(home / m), str(store), m, str(buckets)) for m in history
        }
    e["pyarrow"] = run_child("pyarrow", str(city))
    e["intake"] = run_child("intake", str(city), str(store), PERIOD, str(buckets))
    e["screen"] = run_child("screen", str(store), str(out / f"sus-store-{n}"), "local")
    if dask:
        e["screen_dask"] = run_child("screen", str(store), str(out / f"sus-dask-{n}"), "dask")
        e["dask_equal"] = _same(out / f"sus-store-{n}", out / f"sus-dask-{n}")
    e["subset"] = run_child("subset", str(store), str(city))
    if one_shot and not by_month:  # one folder holds the whole city only when not by month
        e["one_shot"] = run_child("oneshot", str(city), str(out / f"sus-one-{n}"))
        e["one_shot_equal"] = _same(out / f"sus-store-{n}", out / f"sus-one-{n}")
    return e


class _Saving(dict):
    """A step's results, saved to the report file as each step ends."""

    def __init__(self, entry: dict, path: Path, report: dict) -> None:
        super().__init__()
        self.entry, self.path, self.report = entry, path, report

    def __setitem__(self, key: str, value: object) -> None:
        super().__setitem__(key, value)
        self.entry[key] = value
        self.path.write_text(json.dumps(self.report, indent=2, default=str))


def _same(a: Path, b: Path) -> bool:
    return all(
        (a / f).read_bytes() == (b / f).read_bytes()
        for f in ("suspicions.csv", "suspicions.parquet")
    )


def render(report: dict) -> str:
    lines = [
        "| persons | rows | pyarrow read s | intake s | intake / read | intake peak MB | "
        "intake rows/s | screen s | screen peak MB (tree) | screen rows/s | subset ours s | "
        "DuckDB s | ours / DuckDB | agree |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
        "---: | --- |",
    ]
    for n, e in sorted(report["sizes"].items(), key=lambda kv: int(kv[0])):
        rows = e["intake"]["rows_read"]
        lines.append(
            f"| {int(n):,} | {rows:,} | {e['pyarrow']['seconds']:.1f} | "
            f"{e['intake']['wall_seconds']:.1f} | "
            f"{e['intake']['wall_seconds'] / e['pyarrow']['wall_seconds']:.1f} | "
            f"{e['intake']['tree_peak_mb']:.0f} | {rows / e['intake']['wall_seconds']:,.0f} | "
            f"{e['screen']['wall_seconds']:.1f} | {e['screen']['tree_peak_mb']:.0f} | "
            f"{rows / e['screen']['wall_seconds']:,.0f} | {e['subset']['ours_seconds']:.2f} | "
            f"{e['subset']['duckdb_seconds']:.2f} | "
            f"{e['subset']['ours_seconds'] / e['subset']['duckdb_seconds']:.1f} | "
            f"{e['subset']['agree']} |"
        )
    extra = []
    for n, e in sorted(report["sizes"].items(), key=lambda kv: int(kv[0])):
        if "screen_dask" in e:
            d = e["screen_dask"]
            extra.append(
                f"- {int(n):,} persons on a Dask LocalCluster (2 workers): {d['wall_seconds']:.1f} s, "
                f"tree peak {d['tree_peak_mb']:.0f} MB, suspicions byte-identical to the local "
                f"run: {e['dask_equal']}"
            )
        if "one_shot" in e:
            o = e["one_shot"]
            extra.append(
                f"- {int(n):,} persons one-shot (load + screen, same run): "
                f"{o['wall_seconds']:.1f} s (load {o['load_seconds']:.1f} s), tree peak "
                f"{o['tree_peak_mb']:.0f} MB; suspicions byte-identical to the store run: "
                f"{e['one_shot_equal']}"
            )
        if "intake_history" in e:
            h = e["intake_history"]
            extra.append(
                f"- {int(n):,} persons by month: the history months intaken first — "
                + ", ".join(
                    f"{m} {r['wall_seconds']:.1f} s ({r['rows_read']:,} rows, tree peak "
                    f"{r['tree_peak_mb']:.0f} MB)"
                    for m, r in sorted(h.items())
                )
                + "; the intake above is the target month's"
            )
        if "generate" in e:
            g = e["generate"]
            extra.append(
                f"- {int(n):,} persons: city generated in {g['wall_seconds']:.0f} s, tree peak "
                f"{g['tree_peak_mb']:.0f} MB, {sum(g['rows'].values()):,} rows"
            )
        failed = e["screen"].get("failed")
        if failed:
            extra.append(f"- {int(n):,}: failed indicators {failed}")
    return "\n".join([*lines, "", *extra]) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--dask", type=int, nargs="*", default=[], help="sizes also run on Dask")
    ap.add_argument("--one-shot", action="store_true")
    ap.add_argument("--profile", default="default", help="synth volume profile: default or tianjin")
    ap.add_argument(
        "--by-month",
        action="store_true",
        help=f"write the city by month at every size (always from {BY_MONTH_FROM:,} persons)",
    )
    ap.add_argument(
        "--city",
        type=Path,
        help="the city's folder (one size; generated there when missing), e.g. a 12M city "
        "generated before: /work/perf/city-12m-tianjin",
    )
    ap.add_argument(
        "--buckets", type=int, default=0, help="person buckets of the store (0: the default)"
    )
    ap.add_argument("--write-results", action="store_true")
    ap.add_argument("--deadline", type=float, help="epoch seconds: stop a step still running")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, *rest = args.child
        p = [Path(r) for r in rest]
        if kind == "generate":
            answer = child_generate(int(rest[0]), p[1], rest[2], rest[3] == "1")
        elif kind == "pyarrow":
            answer = child_pyarrow(p[0])
        elif kind == "intake":
            answer = child_intake(p[0], p[1], rest[2], int(rest[3]))
        elif kind == "screen":
            answer = child_screen(p[0], p[1], rest[2] == "dask")
        elif kind == "subset":
            answer = child_subset(p[0], p[1])
        else:
            answer = child_one_shot(p[0], p[1])
        print(json.dumps(answer, default=str))
        return
    global DEADLINE
    DEADLINE = args.deadline
    args.out.mkdir(parents=True, exist_ok=True)
    report_file = args.out / "store-report.json"
    report = json.loads(report_file.read_text()) if report_file.exists() else {"sizes": {}}
    for n in args.persons:
        entry: dict = {}
        report["sizes"][str(n)] = entry
        try:
            bench_size(
                n,
                args.out,
                n in args.dask,
                args.one_shot,
                _Saving(entry, report_file, report),
                profile=args.profile,
                by_month=args.by_month or n >= BY_MONTH_FROM,
                buckets=args.buckets,
                city_dir=args.city,
            )
        finally:
            report_file.write_text(json.dumps(report, indent=2, default=str))
        print(render(report), flush=True)
    if args.write_results:
        (HERE / "STORE-RESULTS.md").write_text(render(report), encoding="utf-8")


if __name__ == "__main__":
    main()
