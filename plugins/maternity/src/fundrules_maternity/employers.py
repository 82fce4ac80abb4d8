"""Claims made through an employer: too many of them, or a job taken on just before the birth.

Both count the employer's insured persons on a day (:mod:`.insured`).
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from fundrules.plugin_api import (
    Params,
    ScreeningContext,
    add_months,
    add_months_series,
    as_hits,
    indicator,
    month_of,
    param,
)

from .claims import (
    CLAIM_EVIDENCE,
    CLAIM_MONEY,
    CLAIM_READS,
    LAW_FRAUD,
    LAW_MATERNITY,
    LAW_REGIONAL,
    claims_of_period,
)
from .insured import insured_on, maternity_spells

ENROLLMENT_READS: tuple[str, ...] = (
    "person_id",
    "insurance",
    "employer_id",
    "start_date",
    "end_date",
)


class ConcentrationParams(Params):
    share_percent: float = param(
        30.0,
        description="claims in the 12 months, as a percent of the employer's insured persons, "
        "from which it is suspicious (exactly this share is)",
        stricter="higher",
    )
    min_claims: int = param(
        2, description="claims the share rule needs at least", stricter="higher"
    )
    n_claims: int = param(
        5,
        description="claims in the 12 months that are suspicious at a small employer",
        stricter="higher",
    )
    max_insured: int = param(
        20,
        description="insured persons up to which an employer is small for n_claims",
        stricter="lower",
    )


@indicator(
    code="maternity.employer_claim_concentration",
    name_zh="单位生育待遇申领异常集中",
    name_en="Maternity claims concentrated at one employer",
    insurance="maternity",
    area="expenditure",
    severity="medium",
    legal_basis=LAW_MATERNITY + "; " + LAW_FRAUD + "; Social Insurance Law Art. 84, 86 "
    "(employers' reporting duties); " + LAW_REGIONAL + " (挂靠参保: enrolling non-employees to "
    "draw maternity benefits)",
    reads={"maternity_claims": CLAIM_READS, "enrollments": ENROLLMENT_READS},
    history_months=0,
    subject="employer",
    partition="employer",
    params=ConcentrationParams,
)
def employer_claim_concentration(ctx: ScreeningContext, p: ConcentrationParams) -> pd.DataFrame:
    """An employer with a claim event in the target period, whose claims with an event in the 12
    months ending on the period's last day (from the day after that day 12 months earlier) are
    at least 2 and at least 30 % of its insured persons (maternity, on the period's last day),
    or at least 5 while it has at most 20 insured. Every claim counts, whatever its type or
    claimant. The subject is the employer; the evidence lists the window's claims. No money
    moves on a claim (amount 0)."""
    day = pd.Timestamp(ctx.period_end)
    since = pd.Timestamp(add_months(ctx.period_end, -12) + timedelta(days=1))
    c = ctx.table("maternity_claims")
    now = c.loc[(month_of(c["event_date"]) == ctx.period).fillna(False).astype(bool)]
    c = c[c["employer_id"].isin(now["employer_id"])]
    c = c[(c["event_date"] >= since) & (c["event_date"] <= day)]
    per = c.groupby("employer_id").size().rename("claims").reset_index()
    spells = maternity_spells(ctx.table("enrollments"))
    per["insured"] = insured_on(spells, per.assign(on=day)).to_numpy()
    share = round(p.share_percent * 100)  # hundredths of a percent
    by_share = (per["claims"] >= p.min_claims) & (per["claims"] * 10_000 >= share * per["insured"])
    small = (per["claims"] >= p.n_claims) & (per["insured"] <= p.max_insured)
    per["reason"] = np.select(
        [by_share & small, by_share],
        [
            "share of insured and small employer",
            f"at least {p.min_claims} claims and {p.share_percent:g} % of insured",
        ],
        f"at least {p.n_claims} claims with at most {p.max_insured} insured",
    )
    per["claims_percent"] = (per["claims"] * 100 / per["insured"].where(per["insured"] > 0)).round(
        2
    )
    per = per[by_share | small]
    rows = c.merge(per, on="employer_id").assign(window_from=since, window_to=day, amount=0)
    return as_hits(
        rows.sort_values(["employer_id", "event_date", "claim_id"]),
        subject="employer_id",
        evidence=[
            "claim_id",
            "person_id",
            "event_type",
            "event_date",
            "allowance_amount",
            "window_from",
            "window_to",
            "claims",
            "insured",
            "claims_percent",
            "reason",
        ],
        money=CLAIM_MONEY,
    )


class ShamEmploymentParams(Params):
    enrolled_months: int = param(
        10,
        description="months before the event within which a newly started enrollment is "
        "suspicious (started exactly this many months before is not)",
        stricter="lower",
    )
    max_insured: int = param(
        3,
        description="insured persons of the employer on the event date (the claimant included) "
        "up to which it is suspicious",
        stricter="lower",
    )
    founded_months: int = param(
        12,
        description="months before the event within which a founded employer is suspicious "
        "(founded exactly this many months before is not)",
        stricter="lower",
    )


@indicator(
    code="maternity.sham_employment",
    name_zh="突击参保或虚假就业领取生育待遇",
    name_en="Maternity claim through a sham or last-minute employment",
    insurance="maternity",
    area="expenditure",
    severity="high",
    legal_basis=f"{LAW_MATERNITY}; {LAW_FRAUD}; {LAW_REGIONAL} (突击参保, 虚构劳动关系: enrolling a "
    "pregnant woman in a shell or tiny employer to draw the allowance)",
    reads={"maternity_claims": CLAIM_READS, "enrollments": ENROLLMENT_READS},
    optional_reads={"employers": ("employer_id", "established_date")},
    history_months=0,
    subject="person",
    partition="employer",
    params=ShamEmploymentParams,
)
def sham_employment(ctx: ScreeningContext, p: ShamEmploymentParams) -> pd.DataFrame:
    """A claim whose event falls in the target period, where the claimant's maternity
    enrollment at the claim's employer covering the event date (the earliest-starting one, if
    several) started less than 10 months before the event (later than the event date minus 10
    months), and the employer either had at most 3 insured persons on the event date (the
    claimant included) or was founded less than 12 months before the event. A claim with no such
    enrollment is not judged; without ``employers`` only the size test applies. No money moves
    on a claim (amount 0)."""
    c = claims_of_period(ctx)[list(CLAIM_READS)]
    spells = maternity_spells(ctx.table("enrollments"))
    m = c.merge(spells, on=["person_id", "employer_id"])
    covers = (m["start_date"] <= m["event_date"]) & (
        m["end_date"].isna() | (m["end_date"] >= m["event_date"])
    )
    m = m[covers.fillna(False).astype(bool)]
    m = m.sort_values(["claim_id", "start_date"], kind="stable").drop_duplicates("claim_id")
    m = m[(m["start_date"] > add_months_series(m["event_date"], -p.enrolled_months)).to_numpy()]
    m = m.assign(insured=insured_on(spells, m.assign(on=m["event_date"])))
    if ctx.has("employers"):
        est = ctx.table("employers")[["employer_id", "established_date"]]
        m = m.merge(est.drop_duplicates("employer_id"), on="employer_id", how="left")
    else:
        m = m.assign(established_date=pd.Series(pd.NaT, index=m.index, dtype="datetime64[s]"))
    small = (m["insured"] <= p.max_insured).to_numpy(dtype=bool)
    young = (
        (m["established_date"] > add_months_series(m["event_date"], -p.founded_months))
        .fillna(False)
        .to_numpy(dtype=bool)
    )
    m = m.assign(
        reason=np.select(
            [small & young, small],
            ["small and newly founded employer", f"at most {p.max_insured} insured"],
            f"employer founded less than {p.founded_months} months before",
        ),
        enrolled_days=(m["event_date"] - m["start_date"]).dt.days,
        amount=0,
    )[small | young]
    m = m.rename(columns={"start_date": "enrollment_start", "end_date": "enrollment_end"})
    return as_hits(
        m,
        evidence=[
            *CLAIM_EVIDENCE,
            "enrollment_start",
            "enrollment_end",
            "enrolled_days",
            "insured",
            "established_date",
            "reason",
        ],
        money=CLAIM_MONEY,
    )
