"""Maternity leave days: a claim granting more days than the law allows.

Statutory leave (Special Rules on Labour Protection of Female Employees, 2012, Art. 7): a birth
98 days, +15 for dystocia, +15 per extra baby; a miscarriage before 4 months of pregnancy 15
days, from 4 months 42 days; births also get the regional extension (Tianjin: 60 days since the
2021-11-29 amendment of its population and family planning regulation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from fundrules.plugin_api import Params, ScreeningContext, as_hits, indicator, param

from .claims import (
    CLAIM_EVIDENCE,
    CLAIM_MONEY,
    CLAIM_READS,
    LAW_LEAVE,
    LAW_MATERNITY,
    LAW_REGIONAL,
    claims_of_period,
)

LEAVE_READS: tuple[str, ...] = (
    *CLAIM_READS,
    "babies",
    "dystocia",
    "allowance_days",
    "employer_avg_wage",
)


class StatutoryLeave(BaseModel):
    """The national leave days by event (the regional extension is a parameter of its own)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    birth: int = Field(98, ge=0)
    dystocia: int = Field(15, ge=0, description="added for a difficult birth")
    per_extra_baby: int = Field(15, ge=0, description="added per baby beyond the first")
    miscarriage_early: int = Field(15, ge=0, description="miscarriage before 4 months")
    miscarriage_late: int = Field(42, ge=0, description="miscarriage at 4 months or more")


class DaysExcessParams(Params):
    statutory_leave: StatutoryLeave = param(
        {"2012-04-28": StatutoryLeave()},
        description="national maternity leave days: birth, dystocia, per extra baby, "
        "miscarriage before and from 4 months",
        standing_law=True,
        source="Special Rules on Labour Protection of Female Employees (State Council Order "
        "No. 619, in force 2012-04-28) Art. 7",
    )
    regional_extension_days: int = param(
        {"2021-11-29": 60},
        description="days the region adds to a birth's leave (births only); configure earlier "
        "values to screen periods before 2021-11-29",
        stricter="higher",
        standing_law=True,
        source="天津市人口与计划生育条例 as amended 2021-11-29 (生育假 +60 days); " + LAW_REGIONAL,
    )


def _basis(
    c: pd.DataFrame, law: StatutoryLeave, extra: np.ndarray, p: DaysExcessParams
) -> pd.Series:
    """How each claim's maximum is made up, as text for the evidence."""
    idx = c.index
    dystocia = pd.Series(
        np.where(c["dystocia"].to_numpy(dtype=bool), f" + {law.dystocia} dystocia", ""),
        index=idx,
        dtype="str",
    )
    babies = pd.Series(extra, index=idx).astype("str")
    babies = (f" + {law.per_extra_baby}×" + babies + " extra baby").where(extra > 0, "")
    birth = f"{law.birth} birth" + dystocia + babies + f" + {p.regional_extension_days} regional"
    other = np.where(
        c["event_type"] == "miscarriage_early",
        f"{law.miscarriage_early} miscarriage before 4 months",
        f"{law.miscarriage_late} miscarriage from 4 months",
    )
    return birth.where(c["event_type"] == "birth", pd.Series(other, index=idx, dtype="str"))


@indicator(
    code="maternity.allowance_days_excess",
    name_zh="生育津贴天数超标",
    name_en="Maternity allowance days above the statutory maximum",
    insurance="maternity",
    area="expenditure",
    severity="medium",
    legal_basis=LAW_LEAVE + "; " + LAW_MATERNITY + "; " + LAW_REGIONAL + " (regional extension)",
    reads={"maternity_claims": LEAVE_READS},
    history_months=0,
    subject="person",
    partition="person",
    params=DaysExcessParams,
)
def allowance_days_excess(ctx: ScreeningContext, p: DaysExcessParams) -> pd.DataFrame:
    """A claim whose event falls in the target period with ``allowance_days`` above the maximum
    in force: a birth 98 + 15 if ``dystocia`` + 15 per baby beyond the first (empty ``babies`` =
    1) + the regional extension; ``miscarriage_early`` 15; ``miscarriage_late`` 42 (dystocia,
    babies and the extension do not apply to them); ``other`` is not checked. Exactly the
    maximum is due. No money moves on a claim (amount 0)."""
    law = p.statutory_leave
    c = claims_of_period(ctx)
    c = c[c["event_type"] != "other"]
    babies = c["babies"].fillna(1).to_numpy(dtype="float64")
    extra = np.maximum(np.floor(babies) - 1, 0).astype("int64")  # 0 babies reads as 1
    dystocia = c["dystocia"].to_numpy(dtype=bool)
    birth_max = (
        law.birth + law.dystocia * dystocia + law.per_extra_baby * extra + p.regional_extension_days
    )
    kind = c["event_type"].to_numpy(dtype=object)
    max_days = np.select(
        [kind == "birth", kind == "miscarriage_early"],
        [birth_max, law.miscarriage_early],
        law.miscarriage_late,
    ).astype("int64")
    c = c.assign(babies=extra + 1, max_days=max_days, basis=_basis(c, law, extra, p))
    c = c[(c["allowance_days"] > c["max_days"]).fillna(False).astype(bool)]
    c = c.assign(days_over=(c["allowance_days"] - c["max_days"]).astype("int64"), amount=0)
    return as_hits(
        c,
        evidence=[
            *CLAIM_EVIDENCE,
            "babies",
            "dystocia",
            "allowance_days",
            "max_days",
            "days_over",
            "basis",
        ],
        money=CLAIM_MONEY,
    )
