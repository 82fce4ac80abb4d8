"""Benchmark (not a test): the case database at scale (issue #14).

    flock /work/heavy.lock .venv/bin/python bench/bench_cases.py open [N]       # default 200,000
    flock /work/heavy.lock .venv/bin/python bench/bench_cases.py overdue [N]    # default 1,000,000
    ... --db postgresql+psycopg://postgres@127.0.0.1:5432/DB   (an empty database you created)

Targets: opening cases for 200,000 classified suspicions in at most 30 s on SQLite; ``overdue``
over 1,000,000 cases in at most 2 s (indexes). ``open`` classifies synthetic suspicions (the
classification benchmark's generator) with the real classifier, writes the output, then times
``CaseBook.open_cases`` on a fresh database, and again (a second open adds nothing). ``overdue``
fills the database with a million cases spread over two years — most dispatched, most answered
on time, some late, some outstanding, some consultations — through a bulk insert (not timed), then
times ``CaseBook.overdue`` for a monitor (every agency) and for one agency.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).parent))

from fundrules.cases import CaseBook
from fundrules.cases.models import Case
from fundrules.security import CertificateAuthority, Holder, load_identity
from fundrules.store import open_store

ROUTING = {
    "routing": {
        "default_agency": "CITY",
        "routes": [
            {"insurance": i, "agency": f"AG-{i}", "name": i}
            for i in ("pension", "medical", "injury", "unemployment", "maternity")
        ],
    }
}


def load() -> float:
    return os.getloadavg()[0]


def people(folder: Path) -> tuple[CertificateAuthority, object, object]:
    open_store(folder / "store", create=True)
    ca = CertificateAuthority.init(folder / "store" / "ca", "120100", b"bench")
    out = []
    for pid, holder in (
        ("M", Holder("M", "monitor", "monitor", "o", "120100")),
        ("A", Holder("A", "agency", "agency", "o", "120100", agency="AG-3")),
    ):
        cert, key = ca.issue(holder, b"bench", b"bench").write(folder / "certs", pid)
        out.append(load_identity(cert, key, b"bench"))
    return ca, out[0], out[1]


def bench_open(n: int, db: str | None) -> None:
    from bench_classify import synthetic_suspicions

    from fundrules.classification import classify, write_classification

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ca, _, _ = people(folder)
        t0 = time.perf_counter()
        from fundrules.plugins import get_registry

        result = classify(
            synthetic_suspicions(n), ROUTING, discovered="2025-07-20", registry=get_registry()
        )
        write_classification(folder / "out", result)
        print(f"prepared {n:,} classified suspicions in {time.perf_counter() - t0:.1f} s")
        url = db or f"sqlite:///{folder / 'cases.sqlite'}"
        with CaseBook(url, ca) as book:
            t0, c0 = time.perf_counter(), time.process_time()
            first = book.open_cases(folder / "out")
            took, cpu = time.perf_counter() - t0, time.process_time() - c0
            print(
                f"open {n:,} suspicions → {first.new_cases:,} cases: {took:.1f} s wall, "
                f"{cpu:.1f} s CPU ({book.engine.url.get_backend_name()}, load {load():.1f})"
            )
            t0 = time.perf_counter()
            again = book.open_cases(folder / "out")
            print(
                f"open again: {again.new_cases} new, {again.already_in_cases:,} already in cases: "
                f"{time.perf_counter() - t0:.1f} s"
            )


def fill(book: CaseBook, n: int, seed: int = 7) -> dt.date:
    """``n`` cases over 24 months; returns the as_of date to judge them at."""
    rng = np.random.default_rng(seed)
    start = dt.date(2024, 1, 1)
    opened = rng.integers(0, 720, n)
    dispatched = rng.random(n) < 0.7
    received = dispatched & (rng.random(n) < 0.8)
    fate = rng.random(n)  # on time / late / outstanding
    consult = received & (rng.random(n) < 0.05)
    agencies = np.array([f"AG-{i}" for i in range(20)], dtype=object)[rng.integers(0, 20, n)]
    as_of = start + dt.timedelta(days=760)
    from fundrules.default_plugins.deadlines import consultation_due, feedback_due

    batch: list[dict] = []
    t0 = time.perf_counter()
    with book.engine.begin() as conn:
        for i in range(n):
            o = start + dt.timedelta(days=int(opened[i]))
            row = {
                "warning_id": f"w{i}", "agency": agencies[i], "subject_type": "person",
                "subject_id": f"P{i:08d}", "period": f"{o.year:04d}-{o.month:02d}",
                "insurance": "pension", "indicators": "pension.paid_after_death",
                "suspicion_count": 1, "amount_at_risk_fen": 100_00, "problem_type": "x",
                "severity": "high", "typical": False, "major_grade": "none", "route": "r",
                "grade_ordinary_from_fen": 1_000_000, "grade_major_from_fen": 50_000_000,
                "state": "new", "opened_on": o, "source": "bench", "consult_question": "",
                "consult_answer": "", "feedback_problem_type": "", "recovered_fen": 0,
                "findings": "", "dismissed_reason": "", "last_action_on": o, "version": 1,
                "dispatched_on": None, "received_on": None, "dispatch_due": None,
                "receipt_due": None, "settled_on": None, "feedback_on": None, "consult_asked_on": None,
                "consult_due": None, "consult_answered_on": None,
            }  # fmt: skip
            if dispatched[i]:
                d = o + dt.timedelta(days=3)
                row.update(state="dispatched", dispatched_on=d, dispatch_due=feedback_due(d))
                r = d
                if received[i]:
                    r = d + dt.timedelta(days=2)
                    row.update(state="received", received_on=r, receipt_due=feedback_due(r))
                if fate[i] < 0.92:
                    s = r + dt.timedelta(days=int(rng.integers(5, 28)))
                elif fate[i] < 0.97:
                    s = r + dt.timedelta(days=int(rng.integers(32, 60)))
                else:
                    s = None
                if s is not None and s <= as_of:
                    row.update(state="feedback_submitted", settled_on=s, feedback_on=s)
                if consult[i]:
                    a = r + dt.timedelta(days=1)
                    answered = a + dt.timedelta(days=int(rng.integers(5, 45)))
                    row.update(
                        consult_asked_on=a,
                        consult_due=consultation_due(a),
                        consult_answered_on=answered if answered <= as_of else None,
                    )
            batch.append(row)
            if len(batch) == 50_000:
                conn.execute(insert(Case), batch)
                batch = []
        if batch:
            conn.execute(insert(Case), batch)
    print(f"filled {n:,} cases in {time.perf_counter() - t0:.0f} s (not timed)")
    return as_of


def bench_overdue(n: int, db: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ca, monitor, agency = people(folder)
        url = db or f"sqlite:///{folder / 'cases.sqlite'}"
        with CaseBook(url, ca) as book:
            as_of = fill(book, n)
            if book.engine.url.get_backend_name() == "sqlite":
                with book.engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE")
            else:
                with book.engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE cases")
            for who, name in ((monitor, "monitor (all agencies)"), (agency, "agency AG-3")):
                times, cpus = [], []
                for _ in range(3):
                    t0, c0 = time.perf_counter(), time.process_time()
                    frame = book.overdue(who, as_of)
                    times.append(time.perf_counter() - t0)
                    cpus.append(time.process_time() - c0)
                kinds = frame["kind"].value_counts().to_dict()
                print(
                    f"overdue over {n:,} cases for {name}: best {min(times):.2f} s, "
                    f"worst {max(times):.2f} s wall, best {min(cpus):.2f} s CPU "
                    f"→ {len(frame):,} rows {kinds} "
                    f"({book.engine.url.get_backend_name()}, load {load():.1f})"
                )


def main(argv: list[str]) -> None:
    db = None
    if "--db" in argv:
        i = argv.index("--db")
        db = argv[i + 1]
        argv = argv[:i] + argv[i + 2 :]
    what = argv[0] if argv else "open"
    if what == "open":
        bench_open(int(argv[1]) if len(argv) > 1 else 200_000, db)
    elif what == "overdue":
        bench_overdue(int(argv[1]) if len(argv) > 1 else 1_000_000, db)
    else:
        raise SystemExit("usage: bench_cases.py open|overdue [N] [--db URL]")


if __name__ == "__main__":
    main(sys.argv[1:])
