"""States, actions and roles of the case workflow (workflow.md "Case states", "Roles").

``new → confirmed | dismissed``; ``confirmed → dispatched → received → (consulting → consulted) →
feedback_submitted → closed``; from ``confirmed`` or later: ``escalated`` (a kind), approved by a
supervisor, then ``closed``. Where receipt was not recorded the dispatch date counts as receipt, so
feedback and a consultation may also follow ``dispatched`` directly (docs/decisions.md D52).
"""

from __future__ import annotations

from dataclasses import dataclass

STATES: tuple[str, ...] = (
    "new",
    "confirmed",
    "dismissed",
    "dispatched",
    "received",
    "consulting",
    "consulted",
    "feedback_submitted",
    "escalated",
    "closed",
)
#: States in which a case is finished: a new suspicion of its subject opens a new case.
FINISHED: frozenset[str] = frozenset({"dismissed", "closed"})
CONCLUSIONS: tuple[str, ...] = ("no_issue", "rectified", "recovered", "referred")
ESCALATION_KINDS: tuple[str, ...] = (
    "on_site_check",
    "supervision_notice",
    "special_inspection",
    "major_incident_report",
)
_AFTER_CONFIRMED = frozenset(
    {"confirmed", "dispatched", "received", "consulting", "consulted", "feedback_submitted"}
)


@dataclass(frozen=True)
class Action:
    name: str
    from_states: frozenset[str]
    to_state: str
    roles: frozenset[str]
    description: str


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action(
            "confirm",
            frozenset({"new"}),
            "confirmed",
            frozenset({"monitor", "supervisor"}),
            "a monitor confirms the suspicion after review",
        ),
        Action(
            "dismiss",
            frozenset({"new"}),
            "dismissed",
            frozenset({"monitor", "supervisor"}),
            "a monitor dismisses it, with a reason (kept, never deleted)",
        ),
        Action(
            "dispatch",
            frozenset({"confirmed"}),
            "dispatched",
            frozenset({"monitor", "supervisor"}),
            "the warning is sent to its agency",
        ),
        Action(
            "receive",
            frozenset({"dispatched"}),
            "received",
            frozenset({"agency", "supervisor"}),
            "the agency records receipt",
        ),
        Action(
            "consult",
            frozenset({"dispatched", "received"}),
            "consulting",
            frozenset({"monitor", "supervisor"}),
            "the business department of the case's insurance is consulted",
        ),
        Action(
            "answer",
            frozenset({"consulting"}),
            "consulted",
            frozenset({"business_dept", "supervisor"}),
            "the business department of the case's insurance answers",
        ),
        Action(
            "feedback",
            frozenset({"dispatched", "received", "consulted"}),
            "feedback_submitted",
            frozenset({"agency", "supervisor"}),
            "the agency feeds back: problem type, data corrected, recovered, confirmed loss, "
            "conclusion",
        ),
        Action(
            "escalate",
            _AFTER_CONFIRMED,
            "escalated",
            frozenset({"monitor", "supervisor"}),
            "escalation: on-site check, supervision notice, special inspection or 要情 report",
        ),
        Action(
            "approve",
            frozenset({"escalated"}),
            "escalated",
            frozenset({"supervisor"}),
            "a supervisor approves the escalation",
        ),
        Action(
            "close",
            frozenset({"feedback_submitted", "escalated"}),
            "closed",
            frozenset({"monitor", "supervisor"}),
            "a monitor closes after feedback; a supervisor closes an escalated case",
        ),
    )
}


def allowed_actions(state: str, role: str | None = None) -> list[str]:
    """The actions possible in ``state`` (for ``role`` when given), in workflow order."""
    out = []
    for a in ACTIONS.values():
        if state not in a.from_states:
            continue
        if role is not None and role not in a.roles:
            continue
        if a.name == "close" and state == "escalated" and role not in (None, "supervisor"):
            continue
        out.append(a.name)
    return out
