"""``process.unapproved_rules`` (Art. 21): the rules that ran are not a rule set a supervisor
approved. Reads the run's ``rule_set`` (the engine hands it over) and the store's
``rule_approvals`` (the entry point hands them over, from ``fundrules rules approve``); screening
never imports the security or case packages for it (decisions.md D84)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pandas as pd

from fundrules.plugins import hookimpl
from fundrules.schema import Table, col
from fundrules.screening import Indicator, ScreeningContext, indicator

LAW = (
    "Network Supervision Measures Art. 21 (accountability: monitoring rules changed without "
    "approval); Art. 6(3) (the indicators and their parameters are set by the supervision body)"
)

RULE_TABLES = (
    Table(
        name="rule_set",
        owner="core",
        handed=True,
        description="handed to screening, not uploaded: the rules of this run (one row per "
        "indicator) with the run's rule fingerprint",
        columns=(
            col("*indicator", "id"),
            col("version", "text"),
            col("parameters", "text"),
            col("fingerprint", "id", refers_to="rules"),
        ),
    ),
    Table(
        name="rule_approvals",
        owner="core",
        handed=True,
        description="handed to screening, not uploaded: every approved rule set, one row per "
        "rule, with the approval's fingerprint, time and approver's certificate",
        columns=(
            col("*approval_id", "id"),
            col("*indicator", "id"),
            col("version", "text"),
            col("parameters", "text"),
            col("fingerprint", "id"),
            col("approved_at", "text"),
            col("approver", "id"),
        ),
    ),
)


@indicator(
    code="process.unapproved_rules",
    name_zh="监控规则未经批准变更",
    name_en="Rules that ran differ from the approved rule set",
    insurance=None,
    area="process",
    severity="high",
    legal_basis=LAW,
    reads={
        "rule_set": ("indicator", "version", "parameters", "fingerprint"),
        "rule_approvals": ("approval_id", "indicator", "version", "parameters", "fingerprint"),
    },
    history_months=None,
    subject="rules",
    partition=None,
)
def unapproved_rules(ctx: ScreeningContext, p: object) -> pd.DataFrame:
    """The run's rule fingerprint (codes, versions, parameter values) is not the fingerprint of
    any approved rule set. Evidence: the latest approval and what differs from it — indicators
    added or removed, versions and parameter values changed."""
    rules = ctx.table("rule_set")
    approvals = ctx.table("rule_approvals")
    if rules.empty:
        return pd.DataFrame(columns=["subject_id", "amount_fen"])
    fp = str(rules["fingerprint"].iloc[0])
    if (approvals["fingerprint"].astype(str) == fp).any():
        return pd.DataFrame(columns=["subject_id", "amount_fen"])
    evidence: dict[str, object] = {"fingerprint": fp, "approved": "none"}
    if not approvals.empty:
        order = ["approved_at", "approval_id"] if "approved_at" in approvals else ["approval_id"]
        latest_id = approvals.sort_values(order)["approval_id"].iloc[-1]
        latest = approvals[approvals["approval_id"] == latest_id]
        evidence.update(
            approved=str(latest_id),
            approved_fingerprint=str(latest["fingerprint"].iloc[0]),
            **_differences(rules, latest),
        )
    hit = {"subject_id": fp, "amount_fen": 0}
    hit.update({k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                for k, v in evidence.items()})  # fmt: skip
    return pd.DataFrame([hit])


def _differences(rules: pd.DataFrame, approved: pd.DataFrame) -> dict[str, list[str]]:
    now = rules.set_index("indicator")
    then = approved.set_index("indicator")
    added = sorted(set(now.index) - set(then.index))
    removed = sorted(set(then.index) - set(now.index))
    changed = []
    for code in sorted(set(now.index) & set(then.index)):
        if str(now.at[code, "version"]) != str(then.at[code, "version"]):
            changed.append(
                f"{code}: version {then.at[code, 'version']} → {now.at[code, 'version']}"
            )
        if _params(now.at[code, "parameters"]) != _params(then.at[code, "parameters"]):
            changed.append(f"{code}: parameters changed")
    return {"added": added, "removed": removed, "changed": changed}


def _params(text: object) -> object:
    try:
        return json.loads(str(text))
    except json.JSONDecodeError:
        return str(text)


@hookimpl
def fundrules_register_tables(register: Callable[[Table], None]) -> None:
    for table in RULE_TABLES:
        register(table)


@hookimpl
def fundrules_register_indicators(register: Callable[[Indicator[Any]], None]) -> None:
    register(unapproved_rules)


@hookimpl
def fundrules_code_prefix() -> str:
    return "process"
