"""Patterns across pension payments: paid twice, into a shared account, or a sudden rise."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundrules.plugin_api import (
    BENEFIT_READS,
    NATIONAL_BENEFIT_READS,
    NoParams,
    Params,
    ScreeningContext,
    as_hits,
    indicator,
    month_of,
    net_payments,
    param,
)
from fundrules.plugin_api import (
    duplicate_receipt as shared_duplicate_receipt,
)

from .payments import LAW_FRAUD, PAYMENT_EVIDENCE, basic_pension_rows
from .tables import BASIC_PENSION_TYPES

PAYMENT_READS = BENEFIT_READS


@indicator(
    code="pension.duplicate_receipt",
    name_zh="重复领取基本养老金",
    name_en="Basic pension received twice",
    insurance="pension",
    area="expenditure",
    severity="high",
    legal_basis=LAW_FRAUD + "; 人社部发〔2014〕17号 (interim measures linking the employee and "
    "resident pension schemes: no simultaneous receipt; the resident pension stops and what was "
    "drawn is returned); 国办发〔2009〕66号 (one pension relationship across regions)",
    reads={"benefits": (*PAYMENT_READS, "region_code")},
    optional_reads={"national_benefits": NATIONAL_BENEFIT_READS},
    history_months=0,
    subject="person",
    partition="person",
)
def duplicate_receipt(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """A basic pension paid here for the target period under both schemes (``basic_pension`` and
    ``resident_pension``), or paid here and in ``national_benefits`` (another region or scheme,
    a basic-pension row of either type with a positive amount) for the same period. At risk: the
    ``resident_pension`` paid here when both schemes pay here; everything paid here when another
    region pays too. The other region's rows are listed as evidence (amount 0)."""
    local = net_payments(basic_pension_rows(ctx))
    external = None
    if ctx.has("national_benefits"):
        n = ctx.target("national_benefits")
        external = n[n["benefit_type"].isin(BASIC_PENSION_TYPES) & (n["amount"] > 0)].drop(
            columns="insurance"
        )
    found = shared_duplicate_receipt(local, external).rename(columns={"_reason": "reason"})
    found["source"] = "benefits"
    only_here = found["reason"] == "two schemes here"
    found["at_risk"] = np.where(
        only_here & (found["benefit_type"] != "resident_pension"), 0, found["at_risk"]
    )
    parts = [found]
    if external is not None and len(found):
        keys = found.loc[~only_here, ["person_id", "period", "reason"]].drop_duplicates(
            ["person_id", "period"]
        )
        parts.append(
            external.merge(keys, on=["person_id", "period"]).assign(
                source="national_benefits", at_risk=0
            )
        )
    rows = pd.concat(parts, ignore_index=True)
    return as_hits(
        rows,
        amount="at_risk",
        evidence=["source", *PAYMENT_EVIDENCE, "region_code", "reason"],
        money=["amount"],
    )


class SharedAccountParams(Params):
    n: int = param(
        3,
        description="distinct pensioners paid into one bank account in a period",
        stricter="higher",
    )


@indicator(
    code="pension.shared_bank_account",
    name_zh="多名领取人员共用银行账户",
    name_en="Several pensioners paid into one bank account",
    insurance="pension",
    area="expenditure",
    severity="medium",
    legal_basis=LAW_FRAUD + "; Social Insurance Law Art. 91 (embezzlement of fund money)",
    reads={"benefits": (*PAYMENT_READS, "bank_account")},
    history_months=0,
    subject="account",
    partition=None,
    params=SharedAccountParams,
)
def shared_bank_account(ctx: ScreeningContext, p: SharedAccountParams) -> pd.DataFrame:
    """N or more distinct persons paid a basic pension for the target period into one
    ``bank_account`` (a reversal offsets its own person's payment into that account). The subject
    is the account; the evidence lists every payment and its person. At risk: the net paid into
    the account."""
    rows = basic_pension_rows(ctx)
    rows = rows[rows["bank_account"].fillna("").str.strip() != ""]
    rows = net_payments(rows, keys=("bank_account", "person_id", "benefit_type", "period"))
    rows = rows.assign(pensioners=rows.groupby("bank_account")["person_id"].transform("nunique"))
    rows = rows[rows["pensioners"] >= p.n]
    return as_hits(
        rows,
        subject="bank_account",
        evidence=["person_id", *PAYMENT_EVIDENCE, "pensioners"],
        amount="at_risk",
        money=["amount"],
    )


class BenefitJumpParams(Params):
    rise_percent: float = param(
        20.0,
        description="rise of a person's pension against the previous period, in percent, above "
        "which it is suspicious (a rise of exactly this much is not)",
        stricter="higher",
    )


@indicator(
    code="pension.benefit_jump",
    name_zh="养老金待遇异常增长",
    name_en="Sudden rise of a pension",
    insurance="pension",
    area="expenditure",
    severity="medium",
    legal_basis="Social Insurance Law Art. 18 (pensions are adjusted by the national adjustment "
    "mechanism, not case by case); " + LAW_FRAUD,
    reads={"benefits": PAYMENT_READS},
    optional_reads={"retirements": ("person_id", "retirement_date")},
    history_months=1,
    subject="person",
    partition="person",
    params=BenefitJumpParams,
)
def benefit_jump(ctx: ScreeningContext, p: BenefitJumpParams) -> pd.DataFrame:
    """A person's pension for the target period (the sum of their basic-pension rows, reversals
    included) is more than X% above their pension for the month before, which must be positive
    (a rise needs a payment in the previous period). A person with a ``retirements`` row dated in
    either month is not judged (a first, partial month). At risk: the target period's pension."""
    t = ctx.period
    b = basic_pension_rows(ctx, target_only=False)
    b = b[b["period"].isin([t - 1, t])]
    per = (
        b.assign(
            current=np.where(b["period"] == t, b["amount"], 0),
            previous=np.where(b["period"] == t - 1, b["amount"], 0),
        )
        .groupby("person_id")[["current", "previous"]]
        .sum()
    )
    ratio = round((100 + p.rise_percent) * 10_000)
    per = per[(per["previous"] > 0) & (per["current"] * 1_000_000 > per["previous"] * ratio)]
    if ctx.has("retirements"):
        r = ctx.table("retirements")
        recent = r.loc[month_of(r["retirement_date"]).isin([t - 1, t]), "person_id"]
        per = per[~per.index.isin(recent)]
    per = per.assign(
        previous_period=t - 1,
        rise_percent=((per["current"] - per["previous"]) * 100 / per["previous"]).round(4),
    ).rename(columns={"current": "current_total", "previous": "previous_total"})
    rows = b[b["period"] == t].merge(per, left_on="person_id", right_index=True)
    return as_hits(
        rows,
        evidence=[
            *PAYMENT_EVIDENCE,
            "current_total",
            "previous_period",
            "previous_total",
            "rise_percent",
        ],
        money=["amount", "current_total", "previous_total"],
    )
