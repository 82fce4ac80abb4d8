"""``fundrules dispatch | receive | feedback`` (sealed packages), ``fundrules audit verify | head``
(the hash-chained audit trail), ``fundrules rules approve`` (Art. 21) and ``fundrules ca publish``
(the public part of the region's CA for an agency's store). Passphrases come from a file or a
prompt, never from the command line (decisions D50, D80-D85)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from fundrules.errors import InputError

from .app import app, console, shown
from .cases import Cert, Db, Json, Key, KeyPass, Store, _book, _identity, _print_json

audit_app = typer.Typer(help="The hash-chained audit trail: verify it, export its head.")
rules_app = typer.Typer(help="Rules under approval (Art. 21).")
app.add_typer(audit_app, name="audit")
app.add_typer(rules_app, name="rules")

Out = Annotated[Path, typer.Option("--out", help="the package file to write (never overwritten)")]
At = Annotated[
    str | None,
    typer.Option("--at", help="business date YYYY-MM-DD (default: today, China time)"),
]


def _result(r: Any, as_json: bool, verb: str) -> None:
    doc = {
        "package_id": r.package_id,
        "kind": r.kind,
        "agency": r.agency,
        "cases": r.case_ids,
        "file": str(r.path) if r.path else None,
        "recipients": r.recipients,
        "signer": r.signer,
    }
    if as_json:
        _print_json(doc)
        return
    where = f" → {shown(r.path)}" if r.path else ""
    to = f", encrypted to {len(r.recipients)} certificate(s)" if r.recipients else ""
    console.print(
        f"{verb} {r.kind} package {r.package_id} ({shown(r.agency)}): "
        f"{len(r.case_ids)} case(s) {', '.join(map(str, r.case_ids))}{to}{where}"
    )


@app.command("dispatch")
def dispatch_cmd(
    store: Store,
    agency: Annotated[str, typer.Option("--agency", help="the agency whose warnings leave")],
    cert: Cert,
    key: Key,
    out: Out,
    at: At = None,
    db: Db = None,
    passphrase_file: KeyPass = None,
    as_json: Json = False,
) -> None:
    """Dispatch the confirmed warnings of one agency as one sealed package (signed by you,
    a monitor or supervisor; encrypted to every valid staff certificate of the agency)."""
    from fundrules.cases.exchange import dispatch

    me = _identity(cert, key, passphrase_file)
    with _book(store, db) as book:
        r = dispatch(book, me, agency, out, at=at)
    _result(r, as_json, "wrote")


@app.command("receive")
def receive_cmd(
    package: Annotated[Path, typer.Argument(help="the package file (DER)")],
    store: Store,
    cert: Cert,
    key: Key,
    at: At = None,
    db: Db = None,
    passphrase_file: KeyPass = None,
    as_json: Json = False,
) -> None:
    """Open, verify and record a package addressed to this store: warnings in an agency's
    store, feedback in the supervision body's. Refused, with the reason, when altered,
    addressed to someone else, already received, or signed by a certificate that may not."""
    from fundrules.cases.exchange import receive

    try:
        data = package.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the package {package}: {exc.strerror}") from None
    me = _identity(cert, key, passphrase_file)
    with _book(store, db) as book:
        r = receive(book, me, data, at=at, source=str(package))
    _result(r, as_json, "received")


@app.command("feedback")
def feedback_cmd(
    store: Store,
    case: Annotated[list[int], typer.Option("--case", help="a case to answer (repeatable)")],
    cert: Cert,
    key: Key,
    out: Out,
    conclusion: Annotated[
        str, typer.Option("--conclusion", help="no_issue, rectified, recovered or referred")
    ],
    problem_type: Annotated[
        str | None, typer.Option("--problem-type", help="the problem type found")
    ] = None,
    data_corrected: Annotated[
        str | None, typer.Option("--data-corrected", help="yes or no")
    ] = None,
    recovered: Annotated[
        str | None, typer.Option("--recovered", help="amount recovered, yuan")
    ] = None,
    confirmed_loss: Annotated[
        str | None, typer.Option("--confirmed-loss", help="the confirmed loss, yuan")
    ] = None,
    reason: Annotated[str, typer.Option("--reason", help="the conclusion in words")] = "",
    at: At = None,
    db: Db = None,
    passphrase_file: KeyPass = None,
    as_json: Json = False,
) -> None:
    """In the agency's store: answer cases (signed by you, agency staff) and write the answer,
    with the receipt dates, as one package to the supervision body."""
    from fundrules.cases.exchange import feedback

    me = _identity(cert, key, passphrase_file)
    details = {
        "conclusion": conclusion,
        "problem_type": problem_type,
        "data_corrected": data_corrected,
        "recovered": recovered,
        "confirmed_loss": confirmed_loss,
    }
    with _book(store, db) as book:
        r = feedback(book, me, case, out, at=at, reason=reason, details=details)
    _result(r, as_json, "wrote")


@audit_app.command("verify")
def audit_verify(
    store: Store,
    head: Annotated[
        Path | None,
        typer.Option("--head", help="a head exported earlier: the chain must still hold it"),
    ] = None,
    db: Db = None,
    as_json: Json = False,
) -> None:
    """Check the chain and every signature; name the first entry altered, removed or
    reordered. Exit 2 when it does not hold."""
    from fundrules.security import audit
    from fundrules.security.packages_cms import CmsError, verify_signed

    exported = None
    if head is not None:
        try:
            signed = verify_signed(head.read_bytes())
            exported = json.loads(signed.content)
        except (OSError, CmsError, ValueError) as exc:
            raise InputError(f"--head {head}: not a signed audit head ({exc})") from None
    with _book(store, db) as book, book.session() as s:
        result = audit.verify(s)
        cut = audit.check_head(s, exported) if exported is not None else ""
        if exported is not None and not cut:
            try:
                book.ca.check(signed.signer, at=signed.signing_time)
            except InputError as exc:
                cut = f"the head's signer cannot be trusted: {exc}"
    problem = result.problem or cut
    if as_json:
        _print_json(
            {
                "ok": not problem,
                "entries": result.entries,
                "head_seq": result.head_seq,
                "head_hash": result.head_hash,
                "problem": problem,
                "first_bad_seq": result.first_bad_seq,
            }
        )
    elif not problem:
        console.print(
            f"audit trail holds: {result.entries} entries, head {result.head_seq} "
            f"{result.head_hash[:16]}…"
            + (f"; it still holds the head of {shown(head)}" if head else "")
        )
    if problem:
        raise InputError(f"the audit trail does not hold: {problem}")


@audit_app.command("head")
def audit_head(
    store: Store,
    cert: Cert,
    key: Key,
    out: Annotated[Path, typer.Option("--out", help="the signed head (CMS, DER) to keep")],
    db: Db = None,
    passphrase_file: KeyPass = None,
) -> None:
    """Export the chain's head (last entry and its hash), signed by you, to keep outside."""
    from fundrules.security import audit
    from fundrules.security.canonical import canonical_json
    from fundrules.security.packages_cms import sign

    if out.exists():
        raise InputError(f"--out {out} exists; it is never overwritten")
    me = _identity(cert, key, passphrase_file)
    with _book(store, db) as book:
        book.holder(me)
        with book.session() as s:
            result = audit.verify(s)
            if not result.ok:
                raise InputError(f"the audit trail does not hold: {result.problem}")
            doc = audit.head(s) | {"store": str(store), "signer": me.serial}
    out.write_bytes(sign(canonical_json(doc), me.certificate, me.key))
    console.print(f"audit head {doc['seq']} {doc['hash'][:16]}… signed → {shown(out)}")


@rules_app.command("approve")
def rules_approve(
    store: Store,
    cert: Cert,
    key: Key,
    from_run: Annotated[
        Path | None,
        typer.Option("--from", help="a screening output folder: approve the rules it ran"),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option("--period", help="without --from: the period whose parameters are in force"),
    ] = None,
    params: Annotated[
        Path | None, typer.Option("--params", help="without --from: parameter overrides (YAML)")
    ] = None,
    db: Db = None,
    passphrase_file: KeyPass = None,
    as_json: Json = False,
) -> None:
    """A supervisor signs a rule set (indicator codes, versions, parameter values): that of a
    run (--from), or what is installed for a period. Runs with other rules are then found by
    process.unapproved_rules."""
    from fundrules.screening import installed_rule_set, manifest
    from fundrules.security.rule_approval import approve, manifest_from_run

    me = _identity(cert, key, passphrase_file)
    if from_run is not None:
        rules = manifest_from_run(from_run)
    else:
        when = period or dt.date.today().strftime("%Y-%m")
        from fundrules.plugins import get_registry

        rules = manifest(installed_rule_set(when, params=params, registry=get_registry()))
    with _book(store, db) as book:
        holder = book.holder(me)
        if holder.role != "supervisor":
            raise InputError(
                f"certificate {me.serial} is of role {holder.role}: only a supervisor approves rules"
            )
        with book.session() as s, s.begin():
            row = approve(s, rules, me.certificate, me.key)
            approval_id = row.approval_id
    if as_json:
        _print_json(
            {
                "approval_id": approval_id,
                "fingerprint": rules["fingerprint"],
                "rules": len(rules["rules"]),
            }
        )
    else:
        console.print(
            f"approved rule set {rules['fingerprint'][:16]}… ({len(rules['rules'])} rules), "
            f"approval {approval_id}"
        )


def _register_ca_publish() -> None:
    from .cases import ca_app

    @ca_app.command("publish")
    def ca_publish(
        store: Store,
        to: Annotated[
            Path, typer.Option("--to", help="an agency's store (a new folder becomes one)")
        ],
    ) -> None:
        """Copy the public part of the region's CA (certificate, CRL, issued certificates; never
        the key) into an agency's store, so it can check who signed what it receives. Run it
        again after a certificate is issued or revoked."""
        from fundrules.cases.exchange import publish_ca
        from fundrules.security import CertificateAuthority
        from fundrules.store import open_store

        ca = CertificateAuthority(store / "ca")
        open_store(to, create=True)
        written = publish_ca(ca, to / "ca")
        console.print(
            f"published the CA of {shown(store)}: {len(written)} files → {shown(to / 'ca')}"
        )


_register_ca_publish()
