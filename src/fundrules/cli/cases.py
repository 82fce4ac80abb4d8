"""``fundrules ca …`` (the region's certificate authority) and ``fundrules cases …`` (the case
workflow). Passphrases come from a file (``--passphrase-file`` / ``--ca-passphrase-file`` or the
environment variables naming one) or a prompt, never from the command line (decisions D50)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table as RichTable

from fundrules.errors import InputError
from fundrules.security import (
    CA_PASSPHRASE_FILE_ENV,
    PASSPHRASE_FILE_ENV,
    CertificateAuthority,
    Holder,
    load_identity,
    read_passphrase,
    serial_text,
)

from .app import app, console, shown

ca_app = typer.Typer(help="The region's certificate authority (run by the info centre).")
cases_app = typer.Typer(help="The case workflow: open, list, act, overdue, summary.")
app.add_typer(ca_app, name="ca")
app.add_typer(cases_app, name="cases")

Store = Annotated[Path, typer.Option("--store", help="the store folder")]
Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="case database URL (default: SQLite in the store), e.g. "
        "postgresql+psycopg://user@host/db",
    ),
]
CaPass = Annotated[
    Path | None,
    typer.Option(
        "--ca-passphrase-file",
        help=f"file holding the CA key's passphrase (or ${CA_PASSPHRASE_FILE_ENV}; else a prompt)",
    ),
]
KeyPass = Annotated[
    Path | None,
    typer.Option(
        "--passphrase-file",
        help=f"file holding your key's passphrase (or ${PASSPHRASE_FILE_ENV}; else a prompt)",
    ),
]
Cert = Annotated[Path, typer.Option("--cert", help="your certificate (PEM or DER)")]
Key = Annotated[Path, typer.Option("--key", help="your encrypted private key (PEM)")]
Json = Annotated[bool, typer.Option("--json", help="one JSON document on stdout")]


def _ca_folder(store: Path) -> Path:
    return store / "ca"


def _identity(cert: Path, key: Path, passphrase_file: Path | None):
    phrase = read_passphrase(passphrase_file, PASSPHRASE_FILE_ENV, f"the key {key}")
    return load_identity(cert, key, phrase)


def _certificate_event(store: Path, event: str, serial: str, **details: str) -> None:
    """Certificate events join the store's audit trail (workflow.md "Actions … audit trail")."""
    from fundrules.security import audit

    with _book(store, None) as book, book.session() as s, s.begin():
        audit.append(s, "certificate", {"event": event, "serial": serial, **details}, "")


def _book(store: Path, db: str | None):
    from fundrules.cases import open_book

    return open_book(store, db)


def _cell(v: Any) -> Any:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
        return None
    if isinstance(v, Decimal):
        return f"{v:.2f}"
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "item"):
        return v.item()
    return v


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _cell(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _print_json(doc: Any) -> None:
    print(json.dumps(doc, ensure_ascii=False, indent=2))


def _table(frame: pd.DataFrame, title: str, columns: list[str]) -> None:
    t = RichTable(title=title)
    for c in columns:
        t.add_column(c, overflow="fold")
    for row in frame[columns].itertuples(index=False):
        t.add_row(*(shown("" if _cell(v) is None else _cell(v)) for v in row))
    console.print(t)


# ---- ca ---------------------------------------------------------------------------------
@ca_app.command("init")
def ca_init(
    store: Store,
    region: Annotated[str, typer.Option("--region", help="6-digit division code of the region")],
    org: Annotated[str, typer.Option("--org", help="the info centre running the CA")] = (
        "information centre"
    ),
    ca_passphrase_file: CaPass = None,
) -> None:
    """Create the region's certificate authority in STORE/ca (a new folder becomes a store)."""
    phrase = read_passphrase(
        ca_passphrase_file, CA_PASSPHRASE_FILE_ENV, "the new CA key", confirm=True
    )
    from fundrules.store import open_store

    open_store(store, create=True)  # a new or empty folder becomes a store
    ca = CertificateAuthority.init(_ca_folder(store), region, phrase, organisation=org)
    console.print(
        f"certificate authority of region {ca.region} in {shown(ca.folder)} "
        f"(serial {serial_text(ca.certificate.serial_number)}); CRL {shown(ca.folder / 'crl.pem')}"
    )


@ca_app.command("issue")
def ca_issue(
    store: Store,
    id: Annotated[str, typer.Option("--id", help="the person's id (names the files)")],
    name: Annotated[str, typer.Option("--name", help="the person's name")],
    role: Annotated[
        str,
        typer.Option(
            "--role",
            help="supervisor, monitor, administrator, info_centre, agency or business_dept",
        ),
    ],
    org: Annotated[str, typer.Option("--org", help="the person's organisation")],
    out: Annotated[Path, typer.Option("--out", help="folder for ID.pem and ID.key")],
    agency: Annotated[str | None, typer.Option("--agency", help="agency staff: the agency")] = None,
    insurance: Annotated[
        str | None, typer.Option("--insurance", help="business department: its insurance")
    ] = None,
    days: Annotated[int, typer.Option("--days", help="validity in days")] = 730,
    ca_passphrase_file: CaPass = None,
    passphrase_file: KeyPass = None,
) -> None:
    """Issue a certificate and an encrypted key: OUT/ID.pem, OUT/ID.key."""
    from fundrules.security import CertificateError

    if agency and insurance:
        raise CertificateError("give --agency or --insurance, not both")
    if "/" in id or id.startswith("."):
        raise CertificateError(f"--id {id!r} cannot name a file")
    ca = CertificateAuthority(_ca_folder(store))
    holder = Holder(id, name, role, org, ca.region, agency=agency, insurance=insurance).check()
    ca_phrase = read_passphrase(ca_passphrase_file, CA_PASSPHRASE_FILE_ENV, "the CA key")
    key_phrase = read_passphrase(
        passphrase_file, PASSPHRASE_FILE_ENV, f"the new key of {id}", confirm=True
    )
    for suffix in (".pem", ".key"):
        if (out / f"{id}{suffix}").exists():
            raise CertificateError(f"{out / (id + suffix)} exists; it is never overwritten")
    issued = ca.issue(holder, ca_phrase, key_phrase, days=days)
    _certificate_event(
        store, "issued", issued.serial, role=role, agency=agency or "", insurance=insurance or ""
    )
    cert, key = issued.write(out, id)
    console.print(f"issued {issued.serial} to {shown(name)} ({role}) → {shown(cert)}, {shown(key)}")


@ca_app.command("revoke")
def ca_revoke(
    store: Store,
    serial: Annotated[str, typer.Option("--serial", help="the certificate's serial (hex)")],
    reason: Annotated[str, typer.Option("--reason", help="left_post, lost or damaged")],
    ca_passphrase_file: CaPass = None,
) -> None:
    """Revoke a certificate (a lost or damaged one is then replaced by a new issue)."""
    ca = CertificateAuthority(_ca_folder(store))
    phrase = read_passphrase(ca_passphrase_file, CA_PASSPHRASE_FILE_ENV, "the CA key")
    done = ca.revoke(serial, reason, phrase)
    _certificate_event(store, "revoked", done.serial, reason=done.reason)
    console.print(
        f"revoked {done.serial} ({done.reason}) at {done.revoked_at:%Y-%m-%d %H:%M} UTC; "
        f"CRL {shown(ca.folder / 'crl.pem')}"
    )


@ca_app.command("list")
def ca_list(store: Store, as_json: Json = False) -> None:
    """Every certificate the CA issued, with its holder and status."""
    ca = CertificateAuthority(_ca_folder(store))
    revoked = ca.revocations()
    rows = []
    for cert in ca.issued():
        h = Holder.from_certificate(cert)
        serial = serial_text(cert.serial_number)
        r = revoked.get(serial)
        rows.append(
            {
                "serial": serial,
                "id": h.person_id,
                "name": h.name,
                "role": h.role,
                "organisation": h.organisation,
                "agency": h.agency or "",
                "insurance": h.insurance or "",
                "not_after": cert.not_valid_after_utc.date(),
                "status": f"revoked ({r.reason})" if r else "valid",
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "serial",
            "id",
            "name",
            "role",
            "organisation",
            "agency",
            "insurance",
            "not_after",
            "status",
        ],
    )
    if as_json:
        _print_json(_records(frame))
    else:
        _table(frame, f"Certificates of region {ca.region}", list(frame.columns))


# ---- cases ------------------------------------------------------------------------------
@cases_app.command("migrate")
def cases_migrate(store: Store, db: Db = None) -> None:
    """Upgrade the case database's schema to this fundrules (never done silently)."""
    from fundrules.cases import migrate

    before, after = migrate(store, db)
    console.print(f"case database: {before} → {after}")


@cases_app.command("open")
def cases_open(
    store: Store,
    source: Annotated[Path, typer.Option("--from", help="a classified screening output folder")],
    db: Db = None,
    as_json: Json = False,
) -> None:
    """Open cases from a classified run: one per warning; a suspicion already in a case adds
    nothing."""
    with _book(store, db) as book:
        r = book.open_cases(source)
    doc = {
        "new_cases": r.new_cases,
        "joined_cases": r.joined_cases,
        "new_suspicions": r.new_suspicions,
        "already_in_cases": r.already_in_cases,
    }
    if as_json:
        _print_json(doc)
    else:
        console.print(
            f"{r.new_cases} new cases, {r.joined_cases} joined by new suspicions, "
            f"{r.new_suspicions} suspicions added, {r.already_in_cases} already in cases"
        )


LIST_COLUMNS = [
    "case_id",
    "state",
    "agency",
    "subject_id",
    "period",
    "indicators",
    "amount_at_risk",
    "major_grade",
]


@cases_app.command("list")
def cases_list(
    store: Store,
    cert: Cert,
    key: Key,
    state: Annotated[str | None, typer.Option("--state", help="only cases in this state")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="only this agency's")] = None,
    db: Db = None,
    passphrase_file: KeyPass = None,
    as_json: Json = False,
) -> None:
    """The cases your certificate may see (an agency its own warnings)."""
    me = _identity(cert, key, passphrase_file)
    with _book(store, db) as book:
        frame = book.list_cases(me, state=state, agency=agency)
    if as_json:
        _print_json(_records(frame))
    else:
        _table(frame, f"Cases ({len(frame)})", LIST_COLUMNS)


@cases_app.command("show")
def cases_show(
    store: Store,
    case_id: Annotated[int, typer.Argument(help="the case")],
    cert: Cert,
    key: Key,
    db: Db = None,
    passphrase_file: KeyPass = None,
    as_json: Json = False,
) -> None:
    """One case with its suspicions and every event (done and refused)."""
    me = _identity(cert, key, passphrase_file)
    with _book(store, db) as book:
        doc = book.case(me, case_id)
    if as_json:
        _print_json(
            {
                k: (
                    [{a: _cell(b) for a, b in r.items()} for r in v]
                    if isinstance(v, list)
                    else {a: _cell(b) for a, b in v.items()}
                )
                for k, v in doc.items()
            }
        )
        return
    for k, v in doc["case"].items():
        console.print(f"{k}: {shown('' if _cell(v) is None else _cell(v))}", highlight=False)
    ev = pd.DataFrame(doc["events"])
    _table(
        ev,
        "Events",
        [
            "event_id",
            "action",
            "outcome",
            "from_state",
            "to_state",
            "at",
            "actor_role",
            "actor_serial",
            "reason",
            "message",
        ],
    )


#: actions that only sealed packages carry (Art. 11), and the command that does each
PACKAGE_ACTIONS = {
    "dispatch": "fundrules dispatch --store STORE --agency A --cert F --key F --out FILE",
    "receive": "fundrules receive FILE --store AGENCY_STORE --cert F --key F [--at DATE]",
    "feedback": "fundrules feedback --store AGENCY_STORE --case ID --conclusion C --cert F "
    "--key F --out FILE",
}


@cases_app.command("act")
def cases_act(
    store: Store,
    case_id: Annotated[int, typer.Argument(help="the case")],
    action: Annotated[
        str,
        typer.Argument(
            help="confirm, dismiss, dispatch, receive, consult, "
            "answer, feedback, escalate, approve or close"
        ),
    ],
    cert: Cert,
    key: Key,
    reason: Annotated[
        str,
        typer.Option(
            "--reason", help="why (dismiss: required; consult: the question; answer: the answer)"
        ),
    ] = "",
    at: Annotated[
        str | None,
        typer.Option("--at", help="business date YYYY-MM-DD (default: today, China time)"),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="escalate: on_site_check, "
            "supervision_notice, special_inspection, major_incident_report",
        ),
    ] = None,
    conclusion: Annotated[
        str | None,
        typer.Option("--conclusion", help="feedback: no_issue, rectified, recovered or referred"),
    ] = None,
    problem_type: Annotated[
        str | None, typer.Option("--problem-type", help="feedback: the problem type found")
    ] = None,
    data_corrected: Annotated[
        str | None, typer.Option("--data-corrected", help="feedback: yes or no")
    ] = None,
    recovered: Annotated[
        str | None, typer.Option("--recovered", help="feedback: amount recovered, yuan")
    ] = None,
    confirmed_loss: Annotated[
        str | None,
        typer.Option("--confirmed-loss", help="feedback: the confirmed loss, yuan (regrades 要情)"),
    ] = None,
    findings: Annotated[
        str | None, typer.Option("--findings", help="escalate/close: on-site findings")
    ] = None,
    expect_version: Annotated[
        int | None,
        typer.Option(
            "--expect-version", help="refuse if the case changed since you read this version"
        ),
    ] = None,
    db: Db = None,
    passphrase_file: KeyPass = None,
    as_json: Json = False,
) -> None:
    """Take an action on a case, signed with your certificate. Dispatch, receive and feedback
    travel only as sealed packages: ``fundrules dispatch``, ``receive``, ``feedback``."""
    if action in PACKAGE_ACTIONS:
        raise InputError(
            f"{action} goes through a sealed package (decisions.md D85): {PACKAGE_ACTIONS[action]}"
        )
    me = _identity(cert, key, passphrase_file)
    with _book(store, db) as book:
        r = book.act(
            me,
            case_id,
            action,
            at=at,
            reason=reason,
            expected_version=expect_version,
            kind=kind,
            conclusion=conclusion,
            problem_type=problem_type,
            data_corrected=data_corrected,
            recovered=recovered,
            confirmed_loss=confirmed_loss,
            findings=findings,
        )
    if as_json:
        _print_json(
            {
                "case_id": r.case_id,
                "action": r.action,
                "from_state": r.from_state,
                "to_state": r.to_state,
                "event_id": r.event_id,
                "at": r.at.isoformat(),
            }
        )
    else:
        console.print(f"case {r.case_id}: {r.action} — {r.from_state} → {r.to_state} ({r.at})")


OVERDUE_SHOWN = [
    "agency",
    "kind",
    "case_id",
    "subject_id",
    "started_on",
    "due",
    "answered_on",
    "days_overdue",
    "status",
]


@cases_app.command("overdue")
def cases_overdue(
    store: Store,
    cert: Cert,
    key: Key,
    as_of: Annotated[str, typer.Option("--as-of", help="judge the deadlines at YYYY-MM-DD")],
    agency: Annotated[str | None, typer.Option("--agency", help="only this agency's")] = None,
    db: Db = None,
    passphrase_file: KeyPass = None,
    as_json: Json = False,
) -> None:
    """Feedback and consultations past due at AS_OF, per agency."""
    from fundrules.cases import parse_date

    day = parse_date(as_of, "--as-of")
    me = _identity(cert, key, passphrase_file)
    with _book(store, db) as book:
        frame = book.overdue(me, day, agency=agency)
    if as_json:
        _print_json({"as_of": day.isoformat(), "overdue": _records(frame)})
    else:
        _table(frame, f"Overdue at {day} ({len(frame)})", OVERDUE_SHOWN)


@cases_app.command("summary")
def cases_summary(
    store: Store,
    cert: Cert,
    key: Key,
    period: Annotated[str | None, typer.Option("--period", help="cases of YYYY-MM only")] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="judge deadlines at YYYY-MM-DD (default: the latest action date)"
        ),
    ] = None,
    db: Db = None,
    passphrase_file: KeyPass = None,
    as_json: Json = False,
) -> None:
    """Summary data (Art. 16): counts and amounts by insurance, indicator, problem type, agency,
    state and outcome; recovered; overdue rates; each indicator's yield."""
    from fundrules.cases import ActionRefused, summary, summary_json

    me = _identity(cert, key, passphrase_file)
    with _book(store, db) as book:
        holder = book.holder(me)
        if holder.role not in ("supervisor", "monitor"):
            raise ActionRefused(f"role {holder.role} does not read the region's summary")
        frames = summary(book, period, as_of=as_of)
    if as_json:
        _print_json(summary_json(frames))
        return
    for name, frame in frames.items():
        if name == "major":
            frame = frame.drop(columns=["subject_id"])
        _table(frame, name, list(frame.columns))


@cases_app.command("verify")
def cases_verify(store: Store, db: Db = None) -> None:
    """Check every signed action: its signature, and its certificate valid when it signed."""
    with _book(store, db) as book:
        problems = book.verify_signatures()
        n = int((book.events().actor_serial != "").sum())
    if problems:
        for p in problems:
            console.print(shown(p), highlight=False)
        raise typer.Exit(1)
    console.print(f"{n} signed actions verified")
