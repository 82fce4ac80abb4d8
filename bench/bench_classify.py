"""Benchmark (not a test): classify synthetic suspicions at scale.

    .venv/bin/python bench/bench_classify.py            # 100,000 and 200,000 suspicions
    .venv/bin/python bench/bench_classify.py 50000

Target (issue #7): 100,000 suspicions classified in at most 4 s on the 2-core machine. The engine
itself does about 25,000–50,000 events/s, so the figure rests on how few distinct fact tuples the
pipeline sends it; the run prints that count beside the time.

Recorded on this 2-core machine (durable-rules 2.0.28, pandas 3.1.1, pyarrow 26), 2026-11-26,
while other engineers' benchmarks shared it (load = the 1-minute load average):

    100,000 suspicions: 2.38 s wall at load ~4; 1.66–1.94 s CPU in every run
    200,000 suspicions: 3.27–3.77 s CPU (11–13 s wall at load ~7)
    engine messages: 151 for 100,000 or 200,000 suspicions (distinct fact tuples over the six
    decisions), one worker process; the engine's own CPU 0.05 s

The worker's start (a Python process importing durable-rules) is ~0.1 s of the total.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from decimal import Decimal

import numpy as np
import pandas as pd

from fundrules.classification import classify
from fundrules.plugins import build_registry
from fundrules.screening import SUSPICION_COLUMNS

INDICATORS = [
    ("data.invalid_person_id", ""),
    ("data.unknown_person", ""),
    ("data.duplicate_payment", "pension"),
    ("fund.business_ledger_mismatch", "pension"),
    ("pension.paid_after_death", "pension"),
    ("pension.paid_during_incarceration", "pension"),
    ("pension.duplicate_receipt", "pension"),
    ("pension.early_retirement", "pension"),
    ("pension.benefit_jump", "pension"),
    ("pension.centenarian_unverified", "pension"),
    ("medical.settled_after_death", "medical"),
    ("medical.overlapping_inpatient", "medical"),
    ("medical.split_admission", "medical"),
    ("medical.excess_quantity", "medical"),
    ("medical.price_above_cap", "medical"),
    ("medical.frequent_visits", "medical"),
    ("injury.late_application", "injury"),
    ("injury.paid_after_death", "injury"),
    ("unemployment.paid_while_employed", "unemployment"),
    ("unemployment.insufficient_contribution", "unemployment"),
    ("unemployment.paid_with_pension", "unemployment"),
    ("maternity.male_claimant", "maternity"),
    ("maternity.insufficient_contribution", "maternity"),
    ("maternity.allowance_above_formula", "maternity"),
]
SEVERITIES = ["low", "medium", "high", "critical"]


def synthetic_suspicions(n: int, seed: int = 7) -> pd.DataFrame:
    """``n`` suspicions shaped like a screening run's: persons hit by one to several indicators,
    employers and providers in the evidence, amounts spread from 0 to above 500,000 yuan."""
    rng = np.random.default_rng(seed)
    persons = max(n * 3 // 5, 1)
    which = rng.integers(0, len(INDICATORS), n)
    person = rng.integers(0, persons, n)
    # one suspicion per (indicator, subject): drop repeats, then top up
    frame = pd.DataFrame({"which": which, "person": person}).drop_duplicates()
    while len(frame) < n:
        extra = pd.DataFrame(
            {"which": rng.integers(0, len(INDICATORS), n), "person": rng.integers(0, persons, n)}
        )
        frame = pd.concat([frame, extra]).drop_duplicates()
    frame = frame.iloc[:n].reset_index(drop=True)
    codes = np.array([c for c, _ in INDICATORS], dtype=object)[frame["which"]]
    insurance = np.array([i for _, i in INDICATORS], dtype=object)[frame["which"]]
    fen = np.where(
        rng.random(n) < 0.02,
        rng.integers(1_000_000, 80_000_000, n),
        rng.integers(0, 1_500_000, n),
    )
    employer = rng.integers(0, max(n // 40, 1), n)
    provider = rng.integers(0, max(n // 200, 1), n)
    region = rng.choice(["120101", "120102", "120103", "120104", "120105", "120106"], n)
    agency = rng.random(n) < 0.1
    evidence = [
        json.dumps(
            {
                "records": [
                    {
                        ("provider_id" if ins == "medical" else "employer_id"): (
                            f"H{p:05d}" if ins == "medical" else f"E{e:06d}"
                        ),
                        "region_code": r,
                        **({"agency_id": f"AG{r}"} if a else {}),
                        "amount": f"{f / 100:.2f}",
                    }
                ]
            }
        )
        for ins, p, e, r, a, f in zip(
            insurance, provider, employer, region, agency, fen, strict=True
        )
    ]
    return pd.DataFrame(
        {
            "indicator": codes,
            "insurance": insurance,
            "subject_type": "person",
            "subject_id": [f"P{p:08d}" for p in frame["person"]],
            "period": "2025-06",
            "amount_at_risk": [Decimal(int(f)).scaleb(-2) for f in fen],
            "severity": rng.choice(SEVERITIES, n, p=[0.3, 0.4, 0.2, 0.1]),
            "evidence": evidence,
            "parameters": "{}",
            "rule_version": "1",
        },
        columns=SUSPICION_COLUMNS,
    ).astype("object")


CONFIG = {
    "region_code": "120000",
    "routing": {
        "default_agency": "市社会保险基金管理中心",
        "routes": [
            {"region_code": r, "insurance": i, "agency": f"{r}-{i}"}
            for r in ("120101", "120102", "120103")
            for i in ("pension", "medical")
        ]
        + [{"insurance": "unemployment", "agency": "市就业服务中心"}],
    },
}


def _children_cpu() -> float:
    """CPU of finished child processes (the engine worker): wall time on a shared machine
    measures the neighbours too, CPU time does not."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(n: int) -> None:
    registry = build_registry(entry_points=False)
    suspicions = synthetic_suspicions(n)
    t0, cpu0, child0 = time.perf_counter(), time.process_time(), _children_cpu()
    result = classify(suspicions, CONFIG, discovered="2025-09-26", registry=registry)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0 + _children_cpu() - child0
    stats = result.stats
    print(
        f"{n:>8,} suspicions: classified in {seconds:5.2f} s wall, {cpu:5.2f} s CPU "
        f"(load {os.getloadavg()[0]:.1f}); engine messages {stats['engine_messages']:,} "
        f"{stats['messages']}; workers {stats['engine_workers']}; "
        f"warnings {len(result.warnings):,}; major {int((result.suspicions.major_grade != 'none').sum()):,}"
    )


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]] or [100_000, 200_000]
    for size in sizes:
        run(size)
