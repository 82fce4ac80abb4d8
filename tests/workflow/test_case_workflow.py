"""Cases in a real database (a SQLite file and a fresh PostgreSQL database), acted on with real
certificates: opening, the states and roles of workflow.md, refusals, regrading, conflicts."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from fundrules.cases import ActionRefused, CaseBook, CaseConflict, CaseError, CaseNotFound

from .conftest import BASE_ROWS, PERSON_A, PERSON_B, suspicion, write_run


def case_of(book, pki, subject, agency=None):
    frame = book.list_cases(pki.people["monitor"], agency=agency)
    rows = frame[frame.subject_id == subject]
    assert len(rows) == 1, rows
    return int(rows.case_id.iloc[0])


def test_opening_twice_creates_nothing_new(book, base_run, pki):
    first = book.open_cases(base_run)
    assert (first.new_cases, first.new_suspicions, first.already_in_cases) == (3, 4, 0)
    again = book.open_cases(base_run)
    assert (again.new_cases, again.joined_cases, again.new_suspicions) == (0, 0, 0)
    assert again.already_in_cases == 4
    cases = book.list_cases(pki.people["monitor"])
    assert len(cases) == 3
    a = cases[cases.subject_id == PERSON_A].iloc[0]
    # the case keeps the classification of its strongest suspicion, and the summed amount
    assert a.indicators == "pension.benefit_jump,pension.paid_after_death"
    assert str(a.amount_at_risk) == "3500.00"
    assert (a.agency, a.insurance, a.problem_type, a.severity) == (
        "PENSION", "pension", "fraud_suspected", "high",
    )  # fmt: skip
    assert a.route == "supervision_notice" and a.major_grade == "none" and a.state == "new"
    b = cases[cases.subject_id == PERSON_B].iloc[0]
    assert b.major_grade == "ordinary"  # 12,000 yuan: provisional grade from the amount


def test_new_suspicion_joins_open_case_or_opens_a_new_one(book, base_run, pki, tmp_path):
    book.open_cases(base_run)
    a = case_of(book, pki, PERSON_A)
    more = write_run(
        tmp_path / "more", [*BASE_ROWS, suspicion("pension.shared_bank_account", PERSON_A, "70.00")]
    )
    joined = book.open_cases(more)
    assert (joined.new_cases, joined.joined_cases, joined.new_suspicions) == (0, 1, 1)
    row = book.list_cases(pki.people["monitor"]).set_index("case_id").loc[a]
    assert row.suspicion_count == 3 and str(row.amount_at_risk) == "3570.00"
    mon = pki.people["monitor"]
    book.act(mon, a, "dismiss", at="2025-07-21", reason="paid to the estate, recovered already")
    again = write_run(
        tmp_path / "again", [*BASE_ROWS, suspicion("pension.centenarian_unverified", PERSON_A)]
    )
    opened = book.open_cases(again)
    assert (opened.new_cases, opened.joined_cases, opened.new_suspicions) == (1, 0, 1)
    rows = book.list_cases(mon)
    rows = rows[rows.subject_id == PERSON_A]
    assert sorted(rows.state) == ["dismissed", "new"]  # the dismissed one is kept


def test_whole_life_with_consultation(book, base_run, pki):
    book.open_cases(base_run)
    p = pki.people
    cid = case_of(book, pki, PERSON_B)
    book.act(p["monitor"], cid, "confirm", at="2025-07-22", reason="confirmed on review")
    book.act(p["monitor"], cid, "dispatch", at="2025-07-31")
    book.act(p["agency"], cid, "receive", at="2025-08-02")
    book.act(p["monitor"], cid, "consult", at="2025-08-03", reason="is a survivor allowance due?")
    with pytest.raises(ActionRefused, match="department of medical does not answer it"):
        book.act(p["medical_business"], cid, "answer", at="2025-08-04", reason="no")
    book.act(p["business"], cid, "answer", at="2025-08-10", reason="no allowance is due")
    book.act(
        p["agency"], cid, "feedback", at="2025-08-20", reason="recovered from the bank",
        conclusion="recovered", problem_type="fraud_suspected", data_corrected="yes",
        recovered="12000.00", confirmed_loss="600000.00",
    )  # fmt: skip
    book.act(p["monitor"], cid, "close", at="2025-08-25", reason="recovered in full")
    row = book.list_cases(p["monitor"]).set_index("case_id").loc[cid]
    assert row.state == "closed" and row.conclusion == "recovered"
    assert str(row.recovered) == "12000.00" and str(row.confirmed_loss) == "600000.00"
    assert row.major_grade == "ordinary" and row.confirmed_grade == "major"  # regraded 要情
    events = book.events(cid)
    done = events[events.outcome == "done"]
    assert list(done.action) == [
        "open", "confirm", "dispatch", "receive", "consult", "answer", "feedback", "close",
    ]  # fmt: skip
    assert set(done.actor_serial[1:]) == {p[n].serial for n in ("monitor", "agency", "business")}
    assert (events.outcome == "refused").sum() == 1
    assert book.verify_signatures() == []


def test_escalation_needs_a_supervisor(book, base_run, pki):
    book.open_cases(base_run)
    p = pki.people
    cid = case_of(book, pki, PERSON_A)
    book.act(p["monitor"], cid, "confirm", at="2025-07-22")
    with pytest.raises(ActionRefused, match="escalate needs a kind, one of: on_site_check"):
        book.act(p["monitor"], cid, "escalate", at="2025-07-23")
    book.act(p["monitor"], cid, "escalate", at="2025-07-23", kind="on_site_check")
    with pytest.raises(ActionRefused, match="role monitor may not approve"):
        book.act(p["monitor"], cid, "approve", at="2025-07-24")
    with pytest.raises(
        ActionRefused, match="role monitor may not close; allowed for monitor: none"
    ):
        book.act(p["monitor"], cid, "close", at="2025-07-24")
    with pytest.raises(ActionRefused, match="not approved"):
        book.act(p["supervisor"], cid, "close", at="2025-07-24")
    book.act(p["supervisor"], cid, "approve", at="2025-07-24", reason="on-site check approved")
    book.act(
        p["supervisor"], cid, "close", at="2025-08-30", findings="payments stopped; 3,500 recovered"
    )
    row = book.list_cases(p["monitor"]).set_index("case_id").loc[cid]
    assert row.state == "closed" and row.escalation_kind == "on_site_check"


def test_illegal_action_refused_recorded_nothing_changed(book, base_run, pki):
    book.open_cases(base_run)
    p = pki.people
    cid = case_of(book, pki, PERSON_A)
    before = book.list_cases(p["monitor"])
    with pytest.raises(ActionRefused) as err:
        book.act(p["monitor"], cid, "close", at="2025-07-22")
    assert str(err.value) == (f"case {cid} is new: close is not allowed; allowed: confirm, dismiss")
    with pytest.raises(ActionRefused, match="unknown action 'frobnicate'"):
        book.act(p["monitor"], cid, "frobnicate", at="2025-07-22")
    with pytest.raises(ActionRefused, match="dismiss needs a reason"):
        book.act(p["monitor"], cid, "dismiss", at="2025-07-22")
    with pytest.raises(ActionRefused, match="before the case existed"):
        book.act(p["monitor"], cid, "confirm", at="2025-07-01")
    with pytest.raises(ActionRefused, match="role agency may not confirm"):
        book.act(p["agency"], cid, "confirm", at="2025-07-22")
    with pytest.raises(CaseNotFound, match="case 999 does not exist"):
        book.act(p["monitor"], 999, "confirm", at="2025-07-22")
    with pytest.raises(CaseError, match="--at '22/07/2025' is not a date YYYY-MM-DD"):
        book.act(p["monitor"], cid, "confirm", at="22/07/2025")
    assert book.list_cases(p["monitor"]).equals(before)
    ev = book.events(cid)
    refused = ev[ev.outcome == "refused"]
    assert list(refused.action) == ["close", "frobnicate", "dismiss", "confirm", "confirm"]
    assert all(refused.from_state == "new") and all(refused.to_state == "new")
    assert refused.message.iloc[0].startswith(f"case {cid} is new")


def test_agency_sees_only_its_own_and_business_dept_only_consultations(book, base_run, pki):
    book.open_cases(base_run)
    p = pki.people
    assert set(book.list_cases(p["agency"]).agency) == {"PENSION"}
    assert set(book.list_cases(p["other_agency"]).agency) == {"MEDICAL"}
    with pytest.raises(ActionRefused, match="sees only its own warnings"):
        book.list_cases(p["agency"], agency="MEDICAL")
    with pytest.raises(ActionRefused, match="role info_centre does not read cases"):
        book.list_cases(p["info"])
    assert book.list_cases(p["business"]).empty
    cid = case_of(book, pki, PERSON_A)
    book.act(p["monitor"], cid, "confirm", at="2025-07-22")
    book.act(p["monitor"], cid, "dispatch", at="2025-07-23")
    with pytest.raises(ActionRefused, match="routed to agency PENSION, not to MEDICAL"):
        book.act(p["other_agency"], cid, "receive", at="2025-07-24")
    book.act(p["monitor"], cid, "consult", at="2025-07-24", reason="is it due?")
    assert list(book.list_cases(p["business"]).case_id) == [cid]
    assert book.list_cases(p["medical_business"]).empty


def test_revoked_certificate_cannot_act_but_its_signatures_stay_valid(db_url, base_run, tmp_path):
    from fundrules.security import CertificateAuthority, CertificateRefused, Holder, load_identity

    from .conftest import CA_PASS, KEY_PASS, REGION

    ca = CertificateAuthority.init(tmp_path / "ca", REGION, CA_PASS)
    issued = ca.issue(Holder("M5", "离职", "monitor", "基金监督处", REGION), CA_PASS, KEY_PASS)
    cert, key = issued.write(tmp_path, "m5")
    me = load_identity(cert, key, KEY_PASS)
    with CaseBook(db_url, ca) as book:
        book.open_cases(base_run)
        cid = int(book.list_cases(me).case_id.iloc[0])
        book.act(me, cid, "confirm", at="2025-07-22")
        ca.revoke(
            me.serial, "left_post", CA_PASS, now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
        )
        import time

        time.sleep(1.2)
        with pytest.raises(CertificateRefused, match="revoked"):
            book.act(me, cid, "dispatch", at="2025-07-23")
        assert book.verify_signatures() == []  # valid when it signed
        ev = book.events(cid)
        assert list(ev.outcome) == ["done", "done", "refused"]


def test_stale_version_is_a_conflict(book, base_run, pki):
    book.open_cases(base_run)
    p = pki.people
    cid = case_of(book, pki, PERSON_A)
    book.act(p["monitor"], cid, "confirm", at="2025-07-22", expected_version=1)
    with pytest.raises(CaseConflict, match=f"case {cid}: conflict"):
        book.act(p["supervisor"], cid, "dismiss", at="2025-07-22", reason="x", expected_version=1)
    assert book.list_cases(p["monitor"]).set_index("case_id").loc[cid].state == "confirmed"


def test_two_people_at_once_on_postgresql(pg_url, base_run, pki):
    """Two real connections race to act on one case: exactly one succeeds."""
    with CaseBook(pg_url, pki.ca) as setup:
        setup.open_cases(base_run)
        cid = case_of(setup, pki, PERSON_A)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def worker(who: str, action: str, reason: str) -> None:
        with CaseBook(pg_url, pki.ca) as own:
            barrier.wait()
            try:
                own.act(pki.people[who], cid, action, at="2025-07-22", reason=reason,
                        expected_version=1)  # fmt: skip
                outcomes.append(f"{who} done")
            except CaseConflict:
                outcomes.append(f"{who} conflict")

    threads = [
        threading.Thread(target=worker, args=("monitor", "confirm", "")),
        threading.Thread(target=worker, args=("supervisor", "dismiss", "no case")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o.split()[1] for o in outcomes) == ["conflict", "done"], outcomes
    with CaseBook(pg_url, pki.ca) as check:
        ev = check.events(cid)
        assert (ev.outcome == "done").sum() == 2  # open + the winner
        state = check.list_cases(pki.people["monitor"]).set_index("case_id").loc[cid].state
        winner = next(o.split()[0] for o in outcomes if o.endswith("done"))
        assert state == {"monitor": "confirmed", "supervisor": "dismissed"}[winner]


def test_two_opens_of_one_run_at_once_on_postgresql(pg_url, base_run, pki):
    """Two real connections open the same run together: its cases exist once, and a loser is a
    clear conflict that changed nothing."""
    with CaseBook(pg_url, pki.ca):
        pass  # the schema, before the race
    results: list[object] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        with CaseBook(pg_url, pki.ca) as own:
            barrier.wait()
            try:
                results.append(own.open_cases(base_run).new_cases)
            except CaseConflict as exc:
                results.append(str(exc))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 3 in results and all(r in (0, 3) or "ran at the same time" in str(r) for r in results)
    with CaseBook(pg_url, pki.ca) as check:
        cases = check.list_cases(pki.people["monitor"])
        assert len(cases) == 3 and cases.case_id.is_unique
        with check.engine.connect() as conn:  # the id sequence is past the drawn ids
            nxt = conn.exec_driver_sql("SELECT nextval(pg_get_serial_sequence('cases', 'id'))")
            assert nxt.scalar_one() > cases.case_id.max()
