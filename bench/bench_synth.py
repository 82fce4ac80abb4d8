"""Benchmark (not a test): generate the synthetic city at scale.

    .venv/bin/python bench/bench_synth.py                  # 100,000 and 1,000,000 persons
    .venv/bin/python bench/bench_synth.py 300000 --csv

Target (issue #4): 1,000,000 persons (about 3 settlements and 12 item lines per person and
month) in under a minute and well under 8 GB. Each size runs in a fresh process, so the peak
RSS printed is that size's own; CPU time is printed beside wall time because this 2-core
machine is shared.

Recorded on this 2-core machine (pandas 3.1.1, pyarrow 26, numpy 2.4), 2026-11-26, Parquet,
while other engineers' tests and benchmarks shared it (load = the 1-minute load average):

      100,000 persons:  3.2-4.5 s CPU, 8-15 s wall at load ~7, peak RSS 0.9 GB;
                        1.18 M settlements, 4.76 M item lines, 0.74 M contributions, 165 MB
    1,000,000 persons: 38.5-41.2 s CPU, 96-126 s wall at load 5-7.5, peak RSS 3.3-3.5 GB;
                        11.8 M settlements, 47.7 M item lines, 7.4 M contributions, 1.66 GB

On an idle machine wall time is CPU time plus a little I/O: the generator is single-threaded
numpy and pyarrow. Where the CPU goes at 1M: Parquet encoding about a third, drawing the medical
lines and settlements about a third, building id strings and decimals the rest.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time


def one(persons: int, fmt: str) -> dict:
    from fundrules.synth import generate_city

    out = tempfile.mkdtemp(prefix=f"synth{persons}_")
    try:
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        t = time.perf_counter()
        info = generate_city(out, persons=persons, seed=1, fmt=fmt)
        wall = time.perf_counter() - t
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        size = sum(p.stat().st_size for p in info.paths.values())
        return {
            "persons": persons,
            "format": fmt,
            "wall_s": round(wall, 1),
            "cpu_s": round(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime, 1),
            "peak_rss_gb": round(r1.ru_maxrss / 1024 / 1024, 2),
            "load": round(os.getloadavg()[0], 1),
            "disk_mb": round(size / 1e6),
            "settlements": info.rows["medical_settlements"],
            "items": info.rows["medical_items"],
            "contributions": info.rows["contributions"],
            "truth": info.truth_rows,
        }
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    fmt = "csv" if "--csv" in sys.argv else "parquet"
    sizes = [int(a) for a in args] or [100_000, 1_000_000]
    for n in sizes:
        code = f"import json, bench_synth as b; print(json.dumps(b.one({n}, {fmt!r})))"
        env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.abspath(__file__)))
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        if res.returncode:
            print(res.stderr, file=sys.stderr)
            sys.exit(res.returncode)
        r = json.loads(res.stdout.strip().splitlines()[-1])
        print(
            f"{r['persons']:>9,} persons ({r['format']}): {r['wall_s']} s wall, {r['cpu_s']} s CPU, "
            f"peak RSS {r['peak_rss_gb']} GB, load ~{r['load']}; {r['settlements']:,} settlements, "
            f"{r['items']:,} item lines, {r['contributions']:,} contributions, {r['disk_mb']} MB; "
            f"{r['truth']} planted"
        )


if __name__ == "__main__":
    main()
