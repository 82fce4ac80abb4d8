"""Bench the medical indicators on a generated city month; compare two of them with DuckDB SQL.

    /work/main/.venv/bin/python plugins/medical/bench/run.py --persons 1000000

The month comes from ``fundrules.synth`` (about 3 settlements and 12 item lines per person in the
target period, plus history months at ``--history-share`` of that volume). Tables are handed to
the indicators in the layout intake produces (decisions.md D1) without going through intake:
this measures the rules, not the reading of files.

Reported per indicator: seconds (wall and CPU: the machine may be shared) and peak resident memory above the level before it ran, from one
``fundrules.screen`` of the fifteen codes in catalog order (the first indicator that needs a
shared derived table pays for it; those derivations are also timed on their own). Then split
admission and overlapping stays are computed by DuckDB SQL (window functions) on the same
frames, checked to give the same persons and amounts, and timed against the pandas indicators.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from fundrules_medical import records, stays

import fundrules
from fundrules.plugin_api import Dataset, ScreeningContext, parse_period
from fundrules.synth import Volumes, generate_frames

MEDICAL = ("providers", "medical_settlements", "medical_items", "item_catalog", "item_conflicts")
CONTEXT = ("persons", "deaths", "incarcerations")
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


class PeakSampler:
    """Samples the resident set every few milliseconds; ``mark()`` starts a new window."""

    def __init__(self, every: float = 0.005) -> None:
        self.every = every
        self.start = self.peak = rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss())
            time.sleep(self.every)

    def mark(self) -> tuple[int, int]:
        """(peak in the window that ends now, resident at its start); starts the next one."""
        now = rss()
        out = (max(self.peak, now), self.start)
        self.start = self.peak = now
        return out

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def conform(frames: dict[str, pd.DataFrame], registry: Any) -> dict[str, pd.DataFrame]:
    """The generator's frames in the dtypes intake gives under the plugin's declarations."""
    out = {}
    for name in (*MEDICAL, *CONTEXT):
        df = frames[name]
        for c in registry.tables[name].columns:
            s = df[c.name]
            if c.kind == "number":
                df[c.name] = s.astype("float64")
            elif c.kind in ("money", "price") and c.optional and s.dtype == np.int64:
                df[c.name] = s.astype("Int64").mask(s == np.iinfo(np.int64).min)
        out[name] = df
    return out


def generate(persons: int, seed: int, period: str, history_share: float) -> dict[str, Any]:
    t0 = time.perf_counter()
    frames = generate_frames(
        persons=persons,
        seed=seed,
        period=period,
        volumes=Volumes(history_medical_share=history_share),
    )
    seconds = time.perf_counter() - t0
    keep = {k: frames[k] for k in (*MEDICAL, *CONTEXT)}
    del frames
    return {"frames": keep, "seconds": seconds}


SQL_STAYS = """
    SELECT settlement_id, person_id, provider_id, admit_date,
           coalesce(discharge_date, admit_date) AS end_date,
           upper(substr(trim(diagnosis_code), 1, 3)) AS category, period, fund_amount
    FROM settlements WHERE visit_type = 'inpatient'
"""

SQL_SPLIT = f"""
WITH s AS ({SQL_STAYS}),
p AS (
    SELECT *, lag(end_date) OVER w AS prev_end, lag(category) OVER w AS prev_category
    FROM s
    WINDOW w AS (PARTITION BY person_id, provider_id ORDER BY admit_date, end_date, settlement_id)
)
SELECT person_id, sum(fund_amount) AS amount_fen FROM p
WHERE period = $period AND category = prev_category AND category NOT IN ('Z49', 'Z51')
  AND date_diff('day', prev_end, admit_date) BETWEEN 0 AND 15
GROUP BY person_id
"""

SQL_OVERLAP = f"""
WITH s AS ({SQL_STAYS}),
o AS (
    SELECT *, end_date > admit_date AS has_night,
        max(end_date) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_reach,
        min(CASE WHEN end_date > admit_date THEN admit_date END)
            OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_admit
    FROM s
    WINDOW w AS (PARTITION BY person_id ORDER BY admit_date, end_date, settlement_id)
),
f AS (
    SELECT *, has_night AND prev_reach > admit_date AS later,
              has_night AND next_admit < end_date AS earlier
    FROM o
)
SELECT person_id, sum(CASE WHEN later THEN fund_amount ELSE 0 END) AS amount_fen FROM f
WHERE period = $period AND (later OR earlier)
GROUP BY person_id
"""


def duckdb_baseline(ds: Dataset, period: int) -> dict[str, Any]:
    """Split admission and overlapping stays in DuckDB SQL, each against the pandas indicator
    (cold: a fresh context, its derived tables included), same persons and amounts checked."""
    con = duckdb.connect()
    con.register("settlements", ds.table("medical_settlements"))
    out = {}
    for name, sql, ind in (
        ("split_admission", SQL_SPLIT, stays.split_admission),
        ("overlapping_inpatient", SQL_OVERLAP, stays.overlapping_inpatient),
    ):
        timings = []
        for _ in range(2):
            t0 = time.perf_counter()
            got = con.execute(sql, {"period": period}).df()
            timings.append(time.perf_counter() - t0)
        pandas_times = []
        for _ in range(2):
            ctx = ScreeningContext(ds)
            t0 = time.perf_counter()
            hits = ind(ctx, ind.params())
            pandas_times.append(time.perf_counter() - t0)
        mine = hits.groupby("subject_id")["amount_fen"].sum()
        theirs = got.set_index("person_id")["amount_fen"].astype("int64").sort_index()
        same = mine.sort_index().to_dict() == theirs.to_dict()
        out[name] = {
            "duckdb_seconds": round(min(timings), 3),
            "pandas_seconds": round(min(pandas_times), 3),
            "ratio_pandas_over_duckdb": round(min(pandas_times) / min(timings), 2),
            "persons": len(theirs),
            "same_result": same,
        }
    con.close()
    return out


def shared_derivations(ds: Dataset) -> dict[str, float]:
    ctx = ScreeningContext(ds)
    out = {}
    t_cpu = time.process_time()
    for name, fn in (
        ("profiles (core)", lambda: ctx.profiles),
        ("settlements", lambda: records.settlements(ctx)),
        ("target_settlements", lambda: records.target_settlements(ctx)),
        ("stays", lambda: records.stays(ctx)),
        ("target_lines (Arrow hash join)", lambda: records.target_lines(ctx)),
        ("catalog_positions", lambda: records.catalog_positions(ctx)),
    ):
        t0 = time.perf_counter()
        fn()
        out[name] = round(time.perf_counter() - t0, 3)
    out["cpu_seconds_all"] = round(time.process_time() - t_cpu, 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--period", default="2025-06")
    ap.add_argument("--history-share", type=float, default=1 / 3)
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("results.json"))
    args = ap.parse_args()

    registry = fundrules.get_registry()
    gen = generate(args.persons, args.seed, args.period, args.history_share)
    frames = conform(gen["frames"], registry)
    period = parse_period(args.period)
    ds = Dataset(period=period, tables=frames, schema={k: registry.tables[k] for k in frames})
    s = frames["medical_settlements"]
    sizes = {
        "persons": args.persons,
        "settlements_target": int((s["period"] == period).sum()),
        "settlements_all": len(s),
        "inpatient_all": int((s["visit_type"] == "inpatient").sum()),
        "item_lines_all": len(frames["medical_items"]),
        "generation_seconds": round(gen["seconds"], 1),
        "resident_after_generation_gb": round(rss() / 2**30, 2),
    }
    print(json.dumps(sizes, indent=1))

    derived = shared_derivations(ds)
    print("shared derivations (s):", json.dumps(derived, indent=1))

    codes = [c for c in registry.indicators if c.startswith("medical.")]
    sampler = PeakSampler()
    marks: list[tuple[str, int, int]] = []
    current: list[str] = []

    cpu: dict[str, float] = {}
    clock = [time.process_time()]

    def progress(code: str, i: int, n: int) -> None:
        if current:
            peak, start = sampler.mark()
            marks.append((current[0], peak, start))
            cpu[current[0]] = time.process_time() - clock[0]
        clock[0] = time.process_time()
        current[:] = [code]

    sampler.mark()
    t0 = time.perf_counter()
    res = fundrules.screen(ds, indicators=codes, progress=progress)
    total = time.perf_counter() - t0
    peak, start = sampler.mark()
    marks.append((current[0], peak, start))
    cpu[current[0]] = time.process_time() - clock[0]
    sampler.stop()
    memory = {c: (p, s0) for c, p, s0 in marks}
    rows = []
    for r in res.runs.itertuples():
        p, s0 = memory[r.indicator]
        rows.append(
            {
                "indicator": r.indicator,
                "status": r.status,
                "seconds": r.seconds,
                "cpu_seconds": round(cpu[r.indicator], 2),
                "hits": r.hits,
                "suspicions": r.suspicions,
                "peak_gb": round(p / 2**30, 2),
                "peak_above_start_gb": round((p - s0) / 2**30, 2),
            }
        )
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    print(f"all fifteen in one screen: {total:.1f} s (suspicions gathered included)")

    baseline = duckdb_baseline(ds, period)
    print("DuckDB baseline:", json.dumps(baseline, indent=1))
    args.out.write_text(
        json.dumps(
            {
                "sizes": sizes,
                "shared_derivations_seconds": derived,
                "indicators": rows,
                "screen_total_seconds": round(total, 1),
                "duckdb": baseline,
                "duckdb_threads": duckdb.connect()
                .execute("SELECT current_setting('threads')")
                .fetchone()[0],
                "cpus": os.cpu_count(),
                "load_average_at_end": os.getloadavg(),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
