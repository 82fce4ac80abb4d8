"""The case part of ``fundrules demo``: a certificate authority for the city, its staff, and a few
cases taken through their whole life — confirmed, dispatched, answered late, consulted,
escalated and approved, dismissed, closed — then what is overdue and the summary by state."""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from rich import box
from rich.table import Table as RichTable

from fundrules.cases import CaseBook, open_book
from fundrules.security import CertificateAuthority, Holder, Identity, load_identity
from fundrules.store import open_store

from .app import console, shown

REGION = "120100"  # the synthetic city is Tianjin


@dataclass
class DemoCases:
    store: Path
    certs: Path
    case_ids: list[int]
    overdue: pd.DataFrame
    states: pd.DataFrame


def _person(ca: CertificateAuthority, ca_pass: bytes, certs: Path, holder: Holder) -> Identity:
    phrase = secrets.token_urlsafe(18).encode()
    issued = ca.issue(holder, ca_pass, phrase)
    cert, key = issued.write(certs, holder.person_id)
    pass_file = certs / f"{holder.person_id}.pass"
    pass_file.touch(mode=0o600)
    pass_file.write_bytes(phrase + b"\n")
    return load_identity(cert, key, phrase)


def walk_cases(out: Path, results: Path) -> DemoCases:
    """Open the classified demo run as cases and walk a few of them through the workflow."""
    store_dir = out / "store"
    certs = out / "certs"
    # the cases and certificates of an earlier demo go; the store's submissions stay (the demo
    # has just submitted its month into it, and a store never loses a submission)
    for old in (store_dir / "ca", certs):
        if old.exists():
            shutil.rmtree(old)
    for db in store_dir.glob("cases.sqlite*"):
        db.unlink()
    open_store(store_dir, create=True)
    ca_pass = secrets.token_urlsafe(24).encode()
    certs.mkdir(parents=True, exist_ok=True)
    (certs / "ca.pass").touch(mode=0o600)
    (certs / "ca.pass").write_bytes(ca_pass + b"\n")
    ca = CertificateAuthority.init(store_dir / "ca", REGION, ca_pass)
    with open_book(store_dir) as book:
        opened = book.open_cases(results)
        monitor = _person(
            ca,
            ca_pass,
            certs,
            Holder("M001", "王监测", "monitor", "天津市社会保险基金监督处", REGION),
        )
        supervisor = _person(
            ca,
            ca_pass,
            certs,
            Holder("S001", "李处长", "supervisor", "天津市社会保险基金监督处", REGION),
        )
        cases = book.list_cases(monitor)
        persons = cases[(cases.subject_type == "person") & (cases.insurance != "")]
        agency_name = persons.agency.value_counts().index[0]
        mine = persons[persons.agency == agency_name].sort_values("case_id")
        insurance = mine.insurance.iloc[0]
        staff = _person(
            ca,
            ca_pass,
            certs,
            Holder("A001", "赵经办", "agency", agency_name, REGION, agency=agency_name),
        )
        business = _person(
            ca, ca_pass, certs,
            Holder("B001", "孙业务", "business_dept", f"{insurance}业务处", REGION, insurance=insurance),
        )  # fmt: skip
        ids = [int(i) for i in mine.case_id.iloc[:4]]
        start = cases.set_index("case_id").loc[ids[0], "opened_on"]
        _walk(book, ids, start, monitor, supervisor, staff, business, insurance)
        as_of = start + dt.timedelta(days=50)
        overdue = book.overdue(monitor, as_of)
        states = book.list_cases(monitor).groupby("state").size().rename("cases").reset_index()
    console.print(
        f"Cases: {opened.new_cases} opened from the run in {shown(store_dir)}; certificates "
        f"(keys encrypted, passphrases in *.pass files) in {shown(certs)}"
    )
    _print_life(store_dir, ids, as_of, overdue, states)
    return DemoCases(store_dir, certs, ids, overdue, states)


def _walk(
    book: CaseBook,
    ids: list[int],
    start: dt.date,
    monitor: Identity,
    supervisor: Identity,
    staff: Identity,
    business: Identity,
    insurance: str,
) -> None:
    def day(n: int) -> dt.date:
        return start + dt.timedelta(days=n)

    late, consulted, escalated, dismissed = ids[:4]
    # 1. confirmed, dispatched, received, answered a week late, closed
    book.act(monitor, late, "confirm", at=day(1), reason="payments confirmed on review")
    book.act(monitor, late, "dispatch", at=day(3))
    book.act(staff, late, "receive", at=day(4))
    book.act(
        staff, late, "feedback", at=day(4 + 38), reason="paid in error; recovered from the bank",
        conclusion="recovered", data_corrected="yes", recovered="1000.00", confirmed_loss="1000.00",
    )  # fmt: skip
    book.act(monitor, late, "close", at=day(45), reason="recovered; answered late (noted)")
    # 2. a consultation of the business department, then feedback on time: no issue
    book.act(monitor, consulted, "confirm", at=day(1))
    book.act(monitor, consulted, "dispatch", at=day(3))
    book.act(staff, consulted, "receive", at=day(5))
    book.act(monitor, consulted, "consult", at=day(6), reason=f"is this {insurance} payment due?")
    book.act(business, consulted, "answer", at=day(20), reason="due under the regional policy")
    book.act(staff, consulted, "feedback", at=day(25), conclusion="no_issue", data_corrected="no")
    book.act(monitor, consulted, "close", at=day(26), reason="no issue")
    # 3. a typical problem escalated to an on-site check, approved by a supervisor, closed
    book.act(monitor, escalated, "confirm", at=day(1))
    book.act(monitor, escalated, "escalate", at=day(2), kind="on_site_check")
    try:  # a monitor may not close an escalated case: refused, recorded, nothing changed
        book.act(monitor, escalated, "close", at=day(3))
    except Exception as exc:
        console.print(f"[yellow]refused as it should be:[/] {shown(str(exc))}", highlight=False)
    book.act(supervisor, escalated, "approve", at=day(3), reason="on-site check approved")
    book.act(
        supervisor, escalated, "close", at=day(30), findings="payments stopped after the visit"
    )
    # 4. dismissed on review, kept
    book.act(monitor, dismissed, "dismiss", at=day(1), reason="explained by a late death report")


def _print_life(
    store: Path, ids: list[int], as_of: dt.date, overdue: pd.DataFrame, states: pd.DataFrame
) -> None:
    with open_book(store) as book:
        events = book.events()
    t = RichTable(title="Four cases through their life", box=box.SIMPLE_HEAD, pad_edge=False)
    for c in ("case", "at", "action", "state", "by"):
        t.add_column(c)
    shown_events = events[events.case_id.isin(ids)]
    for e in shown_events.itertuples():
        state = e.to_state if e.outcome == "done" else f"refused ({e.from_state})"
        t.add_row(str(e.case_id), str(e.at), e.action, state, e.actor_role or "—")
    console.print(t)
    late = overdue[overdue.case_id.isin(ids)]
    for r in late.itertuples():
        console.print(
            f"case {r.case_id}: {r.kind} due {r.due}, {r.status}"
            + (f" (answered {r.answered_on}, {r.days_overdue} days late)" if r.answered_on else ""),
            highlight=False,
        )
    console.print(
        f"overdue at {as_of}: {len(overdue)}; cases by state: "
        + ", ".join(f"{r.state} {r.cases}" for r in states.itertuples()),
        highlight=False,
    )
