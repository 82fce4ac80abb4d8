"""The case part of ``fundrules demo``: four cases through their life with real certificates."""

from __future__ import annotations

from fundrules.cases import open_book
from fundrules.cli.demo_cases import walk_cases
from fundrules.security import CertificateAuthority, load_identity

from .conftest import suspicion, write_run

PEOPLE = [f"12010119500101{n:03d}X" for n in range(5)]


def test_demo_walks_cases_through_their_life(tmp_path):
    results = write_run(
        tmp_path / "results",
        [suspicion("pension.paid_after_death", p, f"{1000 + i}.00") for i, p in enumerate(PEOPLE)],
    )
    demo = walk_cases(tmp_path, results)
    assert dict(zip(demo.states.state, demo.states.cases, strict=True)) == {
        "closed": 3, "dismissed": 1, "new": 1,
    }  # fmt: skip
    late = demo.overdue.set_index("case_id").loc[demo.case_ids[0]]
    assert late.status == "late" and late.days_overdue == 7
    monitor = load_identity(
        demo.certs / "M001.pem",
        demo.certs / "M001.key",
        (demo.certs / "M001.pass").read_bytes().strip(),
    )
    with open_book(demo.store) as book:
        assert book.verify_signatures() == []
        events = book.events(demo.case_ids[2])
        assert list(events.outcome) == ["done", "done", "done", "refused", "done", "done"]
        closed = book.list_cases(monitor).set_index("case_id").loc[demo.case_ids[0]]
        assert closed.conclusion == "recovered" and str(closed.recovered) == "1000.00"
    assert len(CertificateAuthority(demo.store / "ca").issued()) == 4
