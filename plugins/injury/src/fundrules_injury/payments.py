"""Injury payments as the injury indicators read them, how they link to cases, and the laws cited.

An injury payment is a ``benefits`` row of an injury benefit type (whatever its ``insurance``
cell says). As in the core (decisions.md D7), a negative row is a reversal: it is not a payment of
its own, it offsets the rows of its person, benefit type and period. A group of rows is flagged
when it holds a positive row; all its rows are listed and the money at risk is the group's net
(never below 0), carried by its largest row.

Payments carry no case id. They link through the person (indicators.md, "Injury payments") to the
person's latest case whose accident date is on or before the last day of the payment's period;
``one_time_disability`` and ``disability_allowance`` to the latest such case with a disability
grade, where there is one (else to the latest such case). Ties on the accident date go to the
greater ``case_id``, so the link does not depend on row order.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from fundrules.plugin_api import BENEFIT_READS, ScreeningContext, period_end_dates

from .tables import DISABILITY_TYPES, INJURY_BENEFIT_TYPES

PAYMENT_KEYS: tuple[str, ...] = ("person_id", "benefit_type", "period")
PAYMENT_READS = BENEFIT_READS
PAYMENT_EVIDENCE: list[str] = ["payment_id", "benefit_type", "period", "amount", "paid_date"]
CASE_READS: tuple[str, ...] = (
    "case_id",
    "person_id",
    "employer_id",
    "accident_date",
    "disability_grade",
)
CASE_COLUMNS: list[str] = ["case_id", "case_employer_id", "accident_date", "disability_grade"]

LAW_REGULATIONS = "Regulations on Work-Related Injury Insurance (工伤保险条例, 2010 revision)"
LAW_FRAUD = (
    "Social Insurance Law Art. 88 (benefits obtained by fraud are returned, with a fine of two to "
    "five times); Network Supervision Measures Art. 6"
)
LAW_CHAPTER = "Social Insurance Law ch. 4 (work-injury insurance, Art. 33-43)"

_EPOCH_MONTH = 1970 * 12


def injury_payments(
    ctx: ScreeningContext,
    types: Sequence[str] = INJURY_BENEFIT_TYPES,
    *,
    target_only: bool = True,
) -> pd.DataFrame:
    """``benefits`` rows of the given injury benefit types: the target period's, or all."""
    b = ctx.target("benefits") if target_only else ctx.table("benefits")
    return b[b["benefit_type"].isin(list(types))].drop(columns="insurance")


def _latest_case(left: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    if left.empty or cases.empty:  # merge_asof cannot group Arrow strings of an empty side
        return cases.iloc[:0].reindex(left.index)[CASE_COLUMNS]
    found = pd.merge_asof(
        left[["_end", "person_id"]],
        cases,
        left_on="_end",
        right_on="accident_date",
        by="person_id",
        direction="backward",
    )
    found.index = left.index
    return found[CASE_COLUMNS]


def link_cases(payments: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """``payments`` (any index, with ``person_id``, ``period``, ``benefit_type``) with the case
    each links to: ``case_id``, ``case_employer_id``, ``accident_date``, ``disability_grade``
    (all empty where the person has no case dated on or before the period's last day)."""
    c = cases.loc[cases["accident_date"].notna(), list(CASE_READS)]
    c = c.rename(columns={"employer_id": "case_employer_id"})
    c = c.sort_values(["accident_date", "case_id"], kind="stable").reset_index(drop=True)
    left = payments[["person_id", "period", "benefit_type"]].assign(
        _end=period_end_dates(payments["period"])
    )
    left = left.sort_values("_end", kind="stable")
    latest = _latest_case(left, c)
    graded = _latest_case(left, c[c["disability_grade"].notna()].reset_index(drop=True))
    use_graded = left["benefit_type"].isin(list(DISABILITY_TYPES)) & graded["case_id"].notna()
    linked = pd.DataFrame(
        {c: latest[c].where(~use_graded, graded[c]) for c in CASE_COLUMNS}, index=left.index
    )
    return payments.join(linked.reindex(payments.index))
