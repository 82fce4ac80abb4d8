"""The case book: opening cases from a classified run, acting on them with a certificate, reading
them as each role may, and the deadlines. ``fundrules cases …`` is a thin layer over this."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from fundrules.classification import CLASSIFIED_COLUMNS
from fundrules.default_plugins.deadlines import (
    OVERDUE_COLUMNS,
    consultation_due,
    consultation_overdue,
    feedback_due,
    feedback_overdue,
)
from fundrules.money import MoneyError, fen_from_yuan
from fundrules.security import CertificateAuthority, Holder, Identity, audit, canonical
from fundrules.security.certificates import utc_now

from . import database
from .errors import ActionRefused, CaseConflict, CaseError, CaseNotFound
from .models import Case, CaseEvent, CaseSuspicion
from .workflow import ACTIONS, CONCLUSIONS, ESCALATION_KINDS, FINISHED, allowed_actions

CHINA = dt.timezone(dt.timedelta(hours=8))
CASE_COLUMNS = [
    "case_id",
    "state",
    "agency",
    "insurance",
    "subject_type",
    "subject_id",
    "period",
    "indicators",
    "suspicion_count",
    "amount_at_risk",
    "problem_type",
    "severity",
    "typical",
    "major_grade",
    "confirmed_grade",
    "route",
    "opened_on",
    "dispatched_on",
    "received_on",
    "feedback_on",
    "conclusion",
    "recovered",
    "confirmed_loss",
    "escalation_kind",
    "closed_on",
]
#: The columns of a classified suspicion a case keeps (``fundrules.classification``).
CASE_INPUT_COLUMNS = frozenset(
    {
        "indicator",
        "insurance",
        "subject_type",
        "subject_id",
        "period",
        "amount_at_risk",
        "severity",
        "evidence",
        "rule_version",
        "problem_type",
        "typical",
        "major_grade",
        "report_due",
        "action",
        "agency",
    }
)
#: Roles that read cases, and what they see (workflow.md "Roles").
READERS = ("supervisor", "monitor", "agency", "business_dept")


def today_cst() -> dt.date:
    return dt.datetime.now(CHINA).date()


def parse_date(text: str | dt.date, option: str = "date") -> dt.date:
    """An ISO date ``YYYY-MM-DD``; anything else names the option and the value."""
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    try:
        if len(str(text)) != 10:
            raise ValueError
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise CaseError(f"{option} {text!r} is not a date YYYY-MM-DD") from None


def yuan_to_fen(text: str | Decimal | int, option: str) -> int:
    """Exact fen of a non-negative yuan amount with at most two decimals (``fundrules.money``'s
    reading, refused with the option's name)."""
    try:
        fen = fen_from_yuan(text)
    except MoneyError as exc:
        raise CaseError(f"{option}: {exc}") from None
    if fen < 0:
        raise CaseError(f"{option} {text!r} must be a non-negative amount with at most 2 decimals")
    return fen


def fen_to_yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else Decimal(int(fen)).scaleb(-2)


def grade(loss_fen: int, ordinary_from: int, major_from: int) -> str:
    """The 要情 grade of a confirmed loss, with the thresholds the case was classified under."""
    if loss_fen >= major_from:
        return "major"
    if loss_fen >= ordinary_from:
        return "ordinary"
    return "none"


@dataclass
class OpenResult:
    """What opening cases from a classified run did."""

    new_cases: int = 0
    joined_cases: int = 0
    new_suspicions: int = 0
    already_in_cases: int = 0
    case_ids: list[int] = field(default_factory=list)


@dataclass
class ActResult:
    case_id: int
    action: str
    from_state: str
    to_state: str
    event_id: int
    at: dt.date


class CaseBook:
    """The cases of one region: a database (SQLite in the store by default, or a URL) and the
    region's certificate authority, which decides who may act."""

    def __init__(
        self, url: str, ca: CertificateAuthority | str | Path | None = None, *, where: str = ""
    ) -> None:
        """``where``: how the user names this database (``--store S [--db URL]``), for the
        command in the message when its schema must be migrated."""
        self.url = url
        self.engine: Engine = database.create(url)
        try:
            database.ensure_current(self.engine, what=where or f" --db {database.shown_url(url)}")
        except Exception:
            self.engine.dispose()
            raise
        self.session = sessionmaker(self.engine, expire_on_commit=False)
        self._ca = ca

    @property
    def ca(self) -> CertificateAuthority:
        if self._ca is None:
            raise CaseError("this case book has no certificate authority (give the store)")
        if not isinstance(self._ca, CertificateAuthority):
            self._ca = CertificateAuthority(self._ca)
        return self._ca

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> CaseBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- who is acting -------------------------------------------------------------------
    def holder(self, identity: Identity) -> Holder:
        """The holder of ``identity`` if its certificate may act now (CA check) in this region."""
        holder = self.ca.check(identity.certificate)
        if holder.region != self.ca.region:
            raise ActionRefused(
                f"certificate {identity.serial} is of region {holder.region}, not {self.ca.region}"
            )
        return holder

    # ---- opening -------------------------------------------------------------------------
    def open_cases(self, out_dir: str | Path, *, opened_on: dt.date | None = None) -> OpenResult:
        """Open cases from a classified screening output (``classified.parquet`` or ``.csv`` and
        ``classification.json``). A suspicion already in a case adds nothing; a new one joins the
        unfinished case of its warning (subject, period, agency) or opens a new case."""
        classified, manifest = read_classified(out_dir)
        found = opened_on or parse_date(manifest.get("discovered") or today_cst().isoformat())
        params = manifest.get("parameters") or {}
        ordinary = yuan_to_fen(params.get("ordinary_from_yuan", "10000.00"), "ordinary_from_yuan")
        major = yuan_to_fen(params.get("major_from_yuan", "500000.00"), "major_from_yuan")
        try:
            return self._open(classified, found, str(Path(out_dir).resolve()), ordinary, major)
        except IntegrityError as exc:
            raise CaseConflict(
                f"--from {out_dir}: another opening of cases ran at the same time; nothing was "
                "changed — run it again (what the other one opened is not opened twice)"
            ) from exc

    def _open(
        self, frame: pd.DataFrame, opened_on: dt.date, source: str, ordinary: int, major: int
    ) -> OpenResult:
        result = OpenResult()
        if frame.empty:
            return result
        keys = ["indicator", "subject_type", "subject_id", "period"]
        wkey = ["agency", "subject_type", "subject_id", "period"]
        periods = sorted(frame["period"].unique().tolist())
        with self.session() as s, s.begin():
            existing = pd.DataFrame(
                s.execute(
                    select(
                        CaseSuspicion.indicator,
                        CaseSuspicion.subject_type,
                        CaseSuspicion.subject_id,
                        CaseSuspicion.period,
                    ).where(CaseSuspicion.period.in_(periods))
                ).all(),
                columns=keys,
            )
            if len(existing):
                seen = frame[keys].merge(existing.assign(_seen=True), on=keys, how="left")
                known = seen["_seen"].fillna(False).to_numpy(dtype=bool)
            else:
                known = np.zeros(len(frame), dtype=bool)
            result.already_in_cases = int(known.sum())
            new = frame[~known].reset_index(drop=True)
            if new.empty:
                return result
            open_cases = pd.DataFrame(
                s.execute(
                    select(
                        Case.id, Case.agency, Case.subject_type, Case.subject_id, Case.period
                    ).where(Case.period.in_(periods), Case.state.not_in(FINISHED))
                ).all(),
                columns=["case_id", *wkey],
            )
            groups = summarise(new)
            groups = groups.merge(open_cases, on=wkey, how="left")
            fresh = groups[groups["case_id"].isna()]
            joined = groups[groups["case_id"].notna()]
            ids: list[int] = []
            if len(fresh):
                rows = [
                    {
                        "warning_id": r.warning_id,
                        "agency": r.agency,
                        "subject_type": r.subject_type,
                        "subject_id": r.subject_id,
                        "period": r.period,
                        "insurance": r.insurance,
                        "indicators": r.indicators,
                        "suspicion_count": int(r.suspicion_count),
                        "amount_at_risk_fen": int(r.fen),
                        "problem_type": r.problem_type,
                        "severity": r.severity,
                        "typical": bool(r.typical),
                        "major_grade": r.major_grade,
                        "route": r.route,
                        "report_due": r.report_due,
                        "grade_ordinary_from_fen": ordinary,
                        "grade_major_from_fen": major,
                        "state": "new",
                        "opened_on": opened_on,
                        "last_action_on": opened_on,
                        "source": source,
                        "consult_question": "",
                        "consult_answer": "",
                        "feedback_problem_type": "",
                        "recovered_fen": 0,
                        "findings": "",
                        "dismissed_reason": "",
                        "version": 1,
                    }
                    for r in fresh.itertuples(index=False)
                ]
                # ids drawn here (the transaction holds the write lock on SQLite; a concurrent
                # open on PostgreSQL fails on the primary key and changes nothing): a Core
                # executemany, far faster than the ORM's bulk insert with RETURNING
                first = int(s.execute(select(func.coalesce(func.max(Case.id), 0))).scalar_one())
                ids = list(range(first + 1, first + 1 + len(rows)))
                for row, i in zip(rows, ids, strict=True):
                    row["id"] = i
                bulk_insert(s, Case.__table__, rows)
                if s.bind.dialect.name == "postgresql":  # keep the id sequence past drawn ids
                    s.execute(
                        text("SELECT setval(pg_get_serial_sequence('cases', 'id'), :last)"),
                        {"last": ids[-1]},
                    )
                fresh = fresh.assign(case_id=ids)
            for r in joined.itertuples(index=False):
                case = s.get(Case, int(r.case_id))
                assert case is not None
                merge_classification(case, r)
            case_of = pd.concat([fresh, joined])[[*wkey, "case_id"]]
            new = new.merge(case_of, on=wkey, how="left")
            bulk_insert(s, CaseSuspicion.__table__, suspicion_rows(new))
            now = utc_now()
            bulk_insert(
                s,
                CaseEvent.__table__,
                [
                    {
                        "case_id": i,
                        "action": "open",
                        "outcome": "done",
                        "from_state": "",
                        "to_state": "new",
                        "at": opened_on,
                        "recorded_at": now,
                        "actor_serial": "",
                        "actor_role": "",
                        "actor_agency": "",
                        "reason": f"opened from {source}",
                        "details": "{}",
                        "content": "",
                        "signature": "",
                        "message": "",
                    }
                    for i in ids
                ],
            )
            result.new_cases = len(ids)
            result.joined_cases = len(joined)
            result.new_suspicions = len(new)
            result.case_ids = sorted(ids + [int(i) for i in joined["case_id"]])
        return result

    # ---- acting --------------------------------------------------------------------------
    def act(
        self,
        identity: Identity,
        case_id: int,
        action: str,
        *,
        at: dt.date | str | None = None,
        reason: str = "",
        expected_version: int | None = None,
        **details: Any,
    ) -> ActResult:
        """Take ``action`` on a case as the holder of ``identity``, on the business date ``at``
        (default: today in China). Refused actions raise :class:`ActionRefused` (or a
        :class:`~fundrules.security.SecurityError` for the certificate) and are recorded on the
        case; nothing else changes. A concurrent change is :class:`CaseConflict`, and so is a case
        whose ``version`` is no longer ``expected_version`` (the version the person looked at)."""
        day = parse_date(at, "--at") if at is not None else today_cst()
        details = {k: v for k, v in details.items() if v is not None}
        recorded = utc_now()
        content = {
            "case_id": int(case_id),
            "action": action,
            "at": day.isoformat(),
            "reason": reason,
            "details": {k: str(v) for k, v in sorted(details.items())},
            "actor": identity.serial,
            "recorded_at": recorded.isoformat(),
        }
        if expected_version is not None:
            content["expected_version"] = int(expected_version)
        signature = identity.sign(content)
        holder = Holder.from_certificate(identity.certificate)
        with self.session() as s:
            case = s.get(Case, int(case_id))
            if case is None:
                raise CaseNotFound(f"case {case_id} does not exist")
            from_state = case.state
            version = case.version if expected_version is None else int(expected_version)
        event = {
            "case_id": int(case_id),
            "action": action[:20],
            "from_state": from_state,
            "at": day,
            "recorded_at": recorded,
            "actor_serial": identity.serial,
            "actor_role": holder.role,
            "actor_agency": holder.agency or "",
            "reason": reason,
            "details": json.dumps(content["details"], ensure_ascii=False, sort_keys=True),
            "content": canonical(content).decode(),
            "signature": signature,
        }
        try:
            self.holder(identity)
            with self.session() as s, s.begin():
                case = s.get(Case, int(case_id))
                assert case is not None
                if case.version != version:
                    raise StaleDataError("changed since read")
                to_state = apply(case, holder, action, day, reason, details)
                s.flush()
                ev = CaseEvent(outcome="done", to_state=to_state, message="", **event)
                s.add(ev)
                s.flush()
                event_id = ev.id
                # the same transaction links it into the audit trail (decisions.md D83)
                audit.append(
                    s, "action", content, identity.serial,
                    signer=(identity.certificate, identity.key),
                )  # fmt: skip
        except StaleDataError:
            message = (
                f"case {case_id}: conflict — someone else acted on it at the same time; "
                "nothing was changed, read it again and retry"
            )
            self._refused(event, message)
            raise CaseConflict(message) from None
        except CaseError as exc:
            self._refused(event, str(exc))
            raise
        except Exception as exc:
            from fundrules.security import SecurityError

            if isinstance(exc, SecurityError):
                self._refused(event, str(exc))
            raise
        return ActResult(int(case_id), action, from_state, to_state, event_id, day)

    def _refused(self, event: dict[str, Any], message: str) -> None:
        with self.session() as s, s.begin():
            s.add(
                CaseEvent(outcome="refused", to_state=event["from_state"], message=message, **event)
            )
            audit.append(
                s,
                "refusal",
                {"case_id": event["case_id"], "action": event["action"], "reason": message,
                 "signed_content": json.loads(event["content"])},
                event["actor_serial"],
            )  # fmt: skip

    # ---- reading -------------------------------------------------------------------------
    def list_cases(
        self,
        identity: Identity,
        *,
        state: str | None = None,
        agency: str | None = None,
        case_ids: Iterable[int] | None = None,
    ) -> pd.DataFrame:
        """The cases the holder may see (an agency its own, a business department the
        consultations of its insurance), optionally of one state or agency."""
        holder = self.holder(identity)
        query = select(Case).order_by(Case.id)
        query = self._visible(query, holder, agency)
        if state is not None:
            from .workflow import STATES

            if state not in STATES:
                raise CaseError(f"--state {state!r} is not one of: {', '.join(STATES)}")
            query = query.where(Case.state == state)
        if case_ids is not None:
            query = query.where(Case.id.in_(list(case_ids)))
        with self.session() as s:
            cases = s.scalars(query).all()
        return cases_frame(cases)

    def _visible(self, query: Any, holder: Holder, agency: str | None) -> Any:
        if holder.role not in READERS:
            raise ActionRefused(f"role {holder.role} does not read cases")
        if holder.role == "agency":
            if agency is not None and agency != holder.agency:
                raise ActionRefused(
                    f"agency {holder.agency} sees only its own warnings, not those of {agency}"
                )
            return query.where(Case.agency == holder.agency)
        if holder.role == "business_dept":
            query = query.where(
                Case.insurance == holder.insurance, Case.consult_asked_on.is_not(None)
            )
        if agency is not None:
            query = query.where(Case.agency == agency)
        return query

    def case(self, identity: Identity, case_id: int) -> dict[str, Any]:
        """One case the holder may see, with its suspicions and events."""
        frame = self.list_cases(identity, case_ids=[int(case_id)])
        if frame.empty:
            with self.session() as s:
                if s.get(Case, int(case_id)) is None:
                    raise CaseNotFound(f"case {case_id} does not exist")
            raise ActionRefused(f"case {case_id} is not visible to {identity.serial}")
        with self.session() as s:
            sus = s.scalars(
                select(CaseSuspicion).where(CaseSuspicion.case_id == int(case_id))
            ).all()
        return {
            "case": frame.iloc[0].to_dict(),
            "suspicions": [
                {
                    "indicator": x.indicator,
                    "insurance": x.insurance,
                    "amount_at_risk": fen_to_yuan(x.amount_at_risk_fen),
                    "severity": x.severity,
                    "problem_type": x.problem_type,
                    "evidence": x.evidence,
                }
                for x in sus
            ],
            "events": self.events(int(case_id)).to_dict("records"),
        }

    def events(self, case_id: int | None = None) -> pd.DataFrame:
        """Every event (done and refused), oldest first."""
        query = select(CaseEvent).order_by(CaseEvent.id)
        if case_id is not None:
            query = query.where(CaseEvent.case_id == int(case_id))
        with self.session() as s:
            rows = s.scalars(query).all()
        columns = [
            "event_id",
            "case_id",
            "action",
            "outcome",
            "from_state",
            "to_state",
            "at",
            "recorded_at",
            "actor_serial",
            "actor_role",
            "actor_agency",
            "reason",
            "details",
            "message",
        ]
        return pd.DataFrame(
            [
                (
                    e.id,
                    e.case_id,
                    e.action,
                    e.outcome,
                    e.from_state,
                    e.to_state,
                    e.at,
                    e.recorded_at,
                    e.actor_serial,
                    e.actor_role,
                    e.actor_agency,
                    e.reason,
                    e.details,
                    e.message,
                )
                for e in rows
            ],
            columns=columns,
        )

    def verify_signatures(self) -> list[str]:
        """Check every signed event: the signature over its content by the certificate of its
        serial, and that the certificate was valid when it signed. Returns the problems."""
        from fundrules.security import SecurityError, verify

        problems = []
        with self.session() as s:
            rows = s.scalars(select(CaseEvent).where(CaseEvent.signature != "")).all()
        for e in rows:
            try:
                cert = self.ca.find(e.actor_serial)
            except SecurityError as exc:
                problems.append(f"event {e.id}: {exc}")
                continue
            content = json.loads(e.content)
            if not verify(cert, content, e.signature):
                problems.append(f"event {e.id} (case {e.case_id}): the signature does not match")
                continue
            if e.outcome == "done":
                when = e.recorded_at
                if when.tzinfo is None:
                    when = when.replace(tzinfo=dt.UTC)
                try:
                    self.ca.check(cert, at=when)
                except SecurityError as exc:
                    problems.append(f"event {e.id}: signed when {exc}")
        return problems

    # ---- deadlines -----------------------------------------------------------------------
    def overdue(
        self, identity: Identity, as_of: dt.date | str, *, agency: str | None = None
    ) -> pd.DataFrame:
        """Warnings with feedback past due and consultations without an answer past due at
        ``as_of``, per agency, as the holder may see them."""
        day = parse_date(as_of, "--as-of")
        holder = self.holder(identity)
        with self.session() as s:
            first = s.execute(select(func.min(Case.opened_on))).scalar()
        if first is not None and day < first:
            raise CaseError(
                f"--as-of {day} is before the first case was opened ({first}); nothing existed then"
            )
        cols = [
            Case.id.label("case_id"),
            Case.agency,
            Case.insurance,
            Case.subject_type,
            Case.subject_id,
            Case.period,
            Case.dispatched_on,
            Case.received_on,
            Case.settled_on,
            Case.consult_asked_on,
            Case.consult_answered_on,
        ]
        # candidates by the partial indexes of open deadlines (models.FEEDBACK_OPEN): answered on
        # or before the earlier due date means never overdue; the exact rule runs in pandas
        feedback_q = self._visible(
            select(*cols).where(
                Case.dispatch_due < day,
                or_(Case.settled_on.is_(None), Case.settled_on > Case.dispatch_due),
                Case.dispatched_on <= day,
            ),
            holder,
            agency,
        )
        consult_q = self._visible(
            select(*cols).where(
                Case.consult_due < day,
                or_(
                    Case.consult_answered_on.is_(None),
                    Case.consult_answered_on > Case.consult_due,
                ),
                Case.consult_asked_on <= day,
            ),
            holder,
            agency,
        )
        names = [c.key for c in cols]
        with self.session() as s:
            fb = pd.DataFrame.from_records(list(s.execute(feedback_q)), columns=names)
            cq = pd.DataFrame.from_records(list(s.execute(consult_q)), columns=names)
        parts = [feedback_overdue(fb, day), consultation_overdue(cq, day)]
        if holder.role == "business_dept":
            parts = parts[1:]
        out = (
            pd.concat([p for p in parts if len(p)], ignore_index=True)
            if any(len(p) for p in parts)
            else pd.DataFrame({c: pd.Series(dtype="object") for c in OVERDUE_COLUMNS})
        )
        return out.sort_values(["agency", "kind", "due", "case_id"], ignore_index=True)

    def screening_tables(self) -> dict[str, pd.DataFrame]:
        """The ``cases`` and ``case_events`` tables the store hands to screening (the
        ``process.*`` indicators read them; screening never imports this package)."""
        with self.session() as s:
            cases = s.scalars(select(Case).order_by(Case.id)).all()
            events = s.execute(
                select(
                    CaseEvent.case_id,
                    CaseEvent.action,
                    CaseEvent.at,
                    CaseEvent.actor_role,
                    CaseEvent.from_state,
                    CaseEvent.to_state,
                )
                .where(CaseEvent.outcome == "done")
                .order_by(CaseEvent.id)
            ).all()
        from .tables import case_events_table, cases_table

        return {"cases": cases_table(cases), "case_events": case_events_table(events)}


# ---- applying an action -----------------------------------------------------------------
def apply(
    case: Case, holder: Holder, action: str, day: dt.date, reason: str, details: dict[str, Any]
) -> str:
    """Check and apply ``action`` to ``case``; return the new state. Raises :class:`ActionRefused`
    naming the case, its state and the actions allowed."""
    spec = ACTIONS.get(action)
    role = holder.role
    if spec is None:
        raise ActionRefused(
            f"case {case.id}: unknown action {action!r}; in state {case.state} the actions are: "
            f"{', '.join(allowed_actions(case.state)) or 'none (finished)'}"
        )
    if case.state not in spec.from_states:
        raise ActionRefused(
            f"case {case.id} is {case.state}: {action} is not allowed; allowed: "
            f"{', '.join(allowed_actions(case.state)) or 'none (finished)'}"
        )
    if role not in spec.roles or (
        action == "close" and case.state == "escalated" and role != "supervisor"
    ):
        mine = allowed_actions(case.state, role)
        raise ActionRefused(
            f"case {case.id} is {case.state}: role {role} may not {action}; "
            f"allowed for {role}: {', '.join(mine) or 'none'}"
        )
    if role == "agency" and holder.agency != case.agency:
        raise ActionRefused(
            f"case {case.id} is routed to agency {case.agency}, not to {holder.agency}"
        )
    if role == "business_dept" and holder.insurance != case.insurance:
        raise ActionRefused(
            f"case {case.id} is of insurance {case.insurance or '(none)'}; the business "
            f"department of {holder.insurance} does not answer it"
        )
    if day < case.opened_on:
        raise ActionRefused(
            f"case {case.id}: --at {day} is before the case existed (opened {case.opened_on})"
        )
    if day < case.last_action_on:
        raise ActionRefused(
            f"case {case.id}: --at {day} is before its last action ({case.last_action_on})"
        )
    unknown = set(details) - ALLOWED_DETAILS.get(action, set())
    if unknown:
        raise ActionRefused(f"case {case.id}: {action} takes no {', '.join(sorted(unknown))}")
    handler = _HANDLERS.get(action)
    if handler is not None:
        handler(case, day, reason, details)
    case.state = spec.to_state
    case.last_action_on = day
    return spec.to_state


def _confirm(case: Case, day: dt.date, reason: str, d: dict[str, Any]) -> None:
    case.confirmed_on = day


def _dismiss(case: Case, day: dt.date, reason: str, d: dict[str, Any]) -> None:
    if not reason.strip():
        raise ActionRefused(f"case {case.id}: dismiss needs a reason (--reason)")
    case.dismissed_reason = reason
    case.closed_on = day


def _dispatch(case: Case, day: dt.date, reason: str, d: dict[str, Any]) -> None:
    case.dispatched_on = day
    case.dispatch_due = feedback_due(day)


def _receive(case: Case, day: dt.date, reason: str, d: dict[str, Any]) -> None:
    case.received_on = day
    case.receipt_due = feedback_due(day)


def _consult(case: Case, day: dt.date, reason: str, d: dict[str, Any]) -> None:
    if not case.insurance:
        raise ActionRefused(
            f"case {case.id} has no insurance: there is no business department to consult"
        )
    if not reason.strip():
        raise ActionRefused(f"case {case.id}: consult needs the question (--reason)")
    case.consult_asked_on = day
    case.consult_due = consultation_due(day)
    case.consult_question = reason


def _answer(case: Case, day: dt.date, reason: str, d: dict[str, Any]) -> None:
    if not reason.strip():
        raise ActionRefused(f"case {case.id}: answer needs the answer text (--reason)")
    case.consult_answered_on = day
    case.consult_answer = reason


def _feedback(case: Case, day: dt.date, reason: str, d: dict[str, Any]) -> None:
    conclusion = d.get("conclusion")
    if conclusion not in CONCLUSIONS:
        raise ActionRefused(
            f"case {case.id}: feedback needs a conclusion, one of: {', '.join(CONCLUSIONS)}"
            + (f" (got {conclusion!r})" if conclusion else "")
        )
    corrected = d.get("data_corrected")
    if corrected is not None and not isinstance(corrected, bool):
        text = str(corrected).strip().lower()
        if text not in ("yes", "no", "true", "false"):
            raise ActionRefused(
                f"case {case.id}: data corrected must be yes or no, not {corrected!r}"
            )
        corrected = text in ("yes", "true")
    try:
        recovered = yuan_to_fen(d.get("recovered", "0"), "recovered amount")
        loss = (
            yuan_to_fen(d["confirmed_loss"], "confirmed loss")
            if d.get("confirmed_loss") is not None
            else None
        )
    except CaseError as exc:
        raise ActionRefused(f"case {case.id}: {exc}") from None
    case.feedback_on = day
    case.settled_on = case.settled_on or day
    case.conclusion = conclusion
    case.feedback_problem_type = str(d.get("problem_type") or case.problem_type)
    case.data_corrected = corrected
    case.recovered_fen = recovered
    case.confirmed_loss_fen = loss
    if loss is not None:
        case.confirmed_grade = grade(loss, case.grade_ordinary_from_fen, case.grade_major_from_fen)


def _escalate(case: Case, day: dt.date, reason: str, d: dict[str, Any]) -> None:
    kind = d.get("kind")
    if kind not in ESCALATION_KINDS:
        raise ActionRefused(
            f"case {case.id}: escalate needs a kind, one of: {', '.join(ESCALATION_KINDS)}"
            + (f" (got {kind!r})" if kind else "")
        )
    case.escalation_kind = kind
    case.escalated_on = day
    case.settled_on = case.settled_on or day
    if d.get("findings"):
        case.findings = str(d["findings"])


def _approve(case: Case, day: dt.date, reason: str, d: dict[str, Any]) -> None:
    if case.escalation_approved_on is not None:
        raise ActionRefused(
            f"case {case.id}: the escalation was already approved on {case.escalation_approved_on}"
        )
    case.escalation_approved_on = day


def _close(case: Case, day: dt.date, reason: str, d: dict[str, Any]) -> None:
    if case.state == "escalated" and case.escalation_approved_on is None:
        raise ActionRefused(
            f"case {case.id} is escalated ({case.escalation_kind}) but not approved: "
            "a supervisor approves it before it is closed; allowed: approve"
        )
    if d.get("findings"):
        case.findings = str(d["findings"])
    case.closed_on = day
    case.settled_on = case.settled_on or day


_HANDLERS = {
    "confirm": _confirm,
    "dismiss": _dismiss,
    "dispatch": _dispatch,
    "receive": _receive,
    "consult": _consult,
    "answer": _answer,
    "feedback": _feedback,
    "escalate": _escalate,
    "approve": _approve,
    "close": _close,
}
ALLOWED_DETAILS: dict[str, set[str]] = {
    "feedback": {"conclusion", "problem_type", "data_corrected", "recovered", "confirmed_loss"},
    "escalate": {"kind", "findings"},
    "close": {"findings"},
}


# ---- frames -----------------------------------------------------------------------------
def cases_frame(cases: Iterable[Case]) -> pd.DataFrame:
    rows = [
        (
            c.id,
            c.state,
            c.agency,
            c.insurance,
            c.subject_type,
            c.subject_id,
            c.period,
            c.indicators,
            c.suspicion_count,
            fen_to_yuan(c.amount_at_risk_fen),
            c.problem_type,
            c.severity,
            c.typical,
            c.major_grade,
            c.confirmed_grade,
            c.route,
            c.opened_on,
            c.dispatched_on,
            c.received_on,
            c.feedback_on,
            c.conclusion,
            fen_to_yuan(c.recovered_fen),
            fen_to_yuan(c.confirmed_loss_fen),
            c.escalation_kind,
            c.closed_on,
        )
        for c in cases
    ]
    return pd.DataFrame(rows, columns=CASE_COLUMNS)


def read_classified(out_dir: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The classified suspicions of a screening output and its classification manifest."""
    out = Path(out_dir)
    if not out.is_dir():
        raise CaseError(f"--from {out}: no such folder")
    manifest_path = out / "classification.json"
    if not manifest_path.exists():
        raise CaseError(
            f"--from {out}: no classification.json — classify the run first "
            "(`fundrules screen … --classify` or `fundrules classify`)"
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CaseError(f"{manifest_path}: not readable JSON ({exc})") from exc
    if (out / "classified.parquet").exists():
        frame = pd.read_parquet(out / "classified.parquet")
    elif (out / "classified.csv").exists():
        frame = pd.read_csv(out / "classified.csv", dtype=str, keep_default_na=False)
    else:
        raise CaseError(f"--from {out}: no classified.parquet or classified.csv")
    needed = [c for c in CLASSIFIED_COLUMNS if c in CASE_INPUT_COLUMNS]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise CaseError(f"--from {out}: classified suspicions lack columns {', '.join(missing)}")
    from fundrules.classification.profiles import amounts_to_fen

    try:
        fen = amounts_to_fen(frame["amount_at_risk"])
    except ValueError as exc:
        raise CaseError(f"--from {out}: amount_at_risk: {exc}") from exc
    text = frame[[c for c in needed if c not in ("amount_at_risk", "typical")]].astype(str)
    text = text.astype(object)  # plain Python strings: iterated row by row when inserting
    text = text.replace({"nan": "", "None": "", "<NA>": ""})
    text["fen"] = np.asarray(fen, dtype="int64")
    text["typical"] = frame["typical"].astype(str).str.lower().isin(["true", "1", "yes"])
    return text, manifest


_SEVERITY_ORDER = {"low": 0, "medium": 1, "high": 2, "critical": 3}
_GRADE_ORDER = {"none": 0, "ordinary": 1, "major": 2}


def summarise(new: pd.DataFrame) -> pd.DataFrame:
    """One row per warning (agency, subject, period): the classification the case keeps — the
    strongest suspicion's problem type, insurance, severity and route; any typical; the highest
    grade; the summed amount; the earliest report due date."""
    from fundrules.classification import warning_groups

    f = new.copy()
    f["_sev"] = f["severity"].map(_SEVERITY_ORDER).fillna(-1)
    f["_grade"] = f["major_grade"].map(_GRADE_ORDER).fillna(0)
    # ISO dates sort as text: codes of the sorted distinct dates, "none" the largest
    due_codes, due_dates = pd.factorize(f["report_due"].replace("", "9999-12-31"), sort=True)
    f["report_due"] = due_codes
    wkey = ["agency", "subject_type", "subject_id", "period"]
    ordered = f.sort_values([*wkey, "_sev", "fen"], ascending=[True] * 4 + [False, False])
    lead = ordered.drop_duplicates(wkey)[[*wkey, "problem_type", "insurance", "severity", "action"]]
    agg = (
        f.groupby(wkey, sort=False)
        .agg(
            suspicion_count=("indicator", "size"),
            fen=("fen", "sum"),
            typical=("typical", "any"),
            _grade=("_grade", "max"),
            report_due=("report_due", "min"),
        )
        .reset_index()
    )
    distinct = f.drop_duplicates([*wkey, "indicator"]).sort_values([*wkey, "indicator"])
    many = distinct.duplicated(wkey, keep=False)
    codes = pd.concat(
        [
            distinct.loc[~many, [*wkey, "indicator"]],
            distinct[many].groupby(wkey, sort=False)["indicator"].agg(",".join).reset_index(),
        ]
    ).rename(columns={"indicator": "indicators"})
    agg = agg.merge(codes, on=wkey, how="left")
    out = agg.merge(lead, on=wkey, how="left")
    grades = list(_GRADE_ORDER)
    out["major_grade"] = [grades[int(g)] for g in out["_grade"]]
    out["route"] = out["action"]
    out["report_due"] = [
        None if x == "9999-12-31" else dt.date.fromisoformat(x)
        for x in np.asarray(due_dates, dtype=object)[out["report_due"].to_numpy()]
    ]
    out["warning_id"] = [
        warning_groups.warning_id(a, st, si, p)
        for a, st, si, p in zip(
            out["agency"], out["subject_type"], out["subject_id"], out["period"], strict=True
        )
    ]
    return out


def bulk_insert(session: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert many rows with one DBAPI ``executemany``: the column types' own bind processors
    applied per column (as SQLAlchemy would), without its per-row parameter machinery, which
    dominated opening 200,000 suspicions."""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    names = list(rows[0])
    columns = [table.c[n] for n in names]
    processors = [c.type._cached_bind_processor(dialect) for c in columns]
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join([mark] * len(names))})"
    values = [[row[n] for n in names] for row in rows]
    for j, proc in enumerate(processors):
        if proc is not None:
            for v in values:
                if v[j] is not None:
                    v[j] = proc(v[j])
    conn.exec_driver_sql(sql, [tuple(v) for v in values])


def merge_classification(case: Case, r: Any) -> None:
    """A new suspicion joins an unfinished case: its counts, amount, indicators and strongest
    classification grow (the version bumps, so a concurrent action conflicts)."""
    case.suspicion_count += int(r.suspicion_count)
    case.amount_at_risk_fen += int(r.fen)
    case.indicators = ",".join(
        sorted(set(case.indicators.split(",")) | set(r.indicators.split(",")))
    )
    case.typical = bool(case.typical or r.typical)
    if _SEVERITY_ORDER.get(r.severity, -1) > _SEVERITY_ORDER.get(case.severity, -1):
        case.severity = r.severity
        case.problem_type = r.problem_type
        case.route = r.route
    if _GRADE_ORDER.get(r.major_grade, 0) > _GRADE_ORDER.get(case.major_grade, 0):
        case.major_grade = r.major_grade
    if r.report_due and (case.report_due is None or r.report_due < case.report_due):
        case.report_due = r.report_due


def suspicion_rows(new: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            "case_id": int(r.case_id),
            "indicator": r.indicator,
            "subject_type": r.subject_type,
            "subject_id": r.subject_id,
            "period": r.period,
            "insurance": r.insurance,
            "amount_at_risk_fen": int(r.fen),
            "severity": r.severity,
            "problem_type": r.problem_type,
            "typical": bool(r.typical),
            "major_grade": r.major_grade,
            "route": r.action,
            "evidence": r.evidence,
            "rule_version": r.rule_version,
        }
        for r in new.itertuples(index=False)
    ]


__all__ = [
    "CASE_COLUMNS",
    "ActResult",
    "CaseBook",
    "OpenResult",
    "apply",
    "cases_frame",
    "parse_date",
    "read_classified",
    "update",
]
