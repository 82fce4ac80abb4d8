"""The allowance a claim grants: its amount against the formula.

Allowance = the employer's average monthly wage / 30 × the leave days (Special Rules on Labour
Protection of Female Employees, 2012, Art. 8; Social Insurance Law Art. 56).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundrules.plugin_api import Params, ScreeningContext, as_hits, indicator, param

from .claims import (
    CLAIM_EVIDENCE,
    CLAIM_READS,
    LAW_LEAVE,
    LAW_MATERNITY,
    LAW_REGIONAL,
    claims_of_period,
)

FORMULA_READS: tuple[str, ...] = (*CLAIM_READS, "allowance_days", "employer_avg_wage")


class AboveFormulaParams(Params):
    tolerance_percent: float = param(
        1.0,
        description="how far, in percent of the formula amount, an allowance may exceed "
        "employer_avg_wage / 30 × allowance_days before it is suspicious (exactly the "
        "tolerance is accepted); applied to a hundredth of a percent",
        stricter="higher",
    )


@indicator(
    code="maternity.allowance_above_formula",
    name_zh="生育津贴超标准计发",
    name_en="Maternity allowance above the formula",
    insurance="maternity",
    area="expenditure",
    severity="medium",
    legal_basis=LAW_MATERNITY + " (Art. 56: the employer's average monthly wage of the previous "
    "year); " + LAW_LEAVE + "; " + LAW_REGIONAL + " (daily allowance = average monthly wage / 30)",
    reads={"maternity_claims": FORMULA_READS},
    history_months=0,
    subject="person",
    partition="person",
    params=AboveFormulaParams,
)
def allowance_above_formula(ctx: ScreeningContext, p: AboveFormulaParams) -> pd.DataFrame:
    """A claim whose event falls in the target period with ``allowance_amount`` above
    ``employer_avg_wage`` / 30 × ``allowance_days`` by more than the tolerance (1 %). Exact
    arithmetic in fen, with no rounding before the comparison: flagged when amount × 30 × 10000 >
    wage × days × (10000 + tolerance in hundredths of a percent). The days are the claim's own
    (too many days is ``allowance_days_excess``'s). No money moves on a claim (amount 0); the
    evidence shows the formula amount (rounded half up to the fen), the highest amount accepted
    and the excess."""
    c = claims_of_period(ctx)
    tol = round(p.tolerance_percent * 100)
    amount = c["allowance_amount"].to_numpy(dtype="int64")
    wage = c["employer_avg_wage"].to_numpy(dtype="int64")
    days = c["allowance_days"].fillna(0).to_numpy(dtype="int64")
    over = amount * 30 * 10_000 > wage * days * (10_000 + tol)
    c = c.assign(
        formula_amount=(wage * days * 2 + 30) // 60,
        highest_accepted=(wage * days * (10_000 + tol)) // 300_000,
        tolerance_percent=p.tolerance_percent,
    )[over]
    c = c.assign(
        excess=c["allowance_amount"] - c["formula_amount"],
        excess_percent=np.where(
            c["formula_amount"] > 0,
            (
                (c["allowance_amount"] - c["formula_amount"]) * 100 / c["formula_amount"].clip(1)
            ).round(2),
            np.nan,
        ),
        amount=0,
    )
    return as_hits(
        c,
        evidence=[
            *CLAIM_EVIDENCE,
            "employer_avg_wage",
            "allowance_days",
            "formula_amount",
            "highest_accepted",
            "excess",
            "excess_percent",
            "tolerance_percent",
        ],
        money=[
            "employer_avg_wage",
            "allowance_amount",
            "formula_amount",
            "highest_accepted",
            "excess",
        ],
    )
