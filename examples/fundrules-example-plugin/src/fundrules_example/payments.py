"""Large single payments without an approval."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from fundrules.plugin_api import (
    BENEFIT_READS,
    Params,
    ScreeningContext,
    Yuan,
    as_hits,
    indicator,
    is_in,
    param,
)

PAYMENT_COLUMNS = BENEFIT_READS


class LargePaymentParams(Params):
    threshold: Yuan = param(
        {"2024-01-01": Decimal("20000.00"), "2025-01-01": Decimal("25000.00")},
        description="yuan; a single payment above it needs a recorded approval",
        stricter="higher",
        source="illustrative regional internal-control rule",
    )


@indicator(
    code="example.large_single_payment",
    name_zh="大额单笔支付未经审批",
    name_en="Large single payment without approval",
    insurance=None,
    area="expenditure",
    severity="medium",
    legal_basis="Illustrative: 社会保险经办机构内部控制暂行办法 (劳社部发〔2007〕2号) on the "
    "approval of payments; Network Supervision Measures Art. 6",
    reads={"benefits": PAYMENT_COLUMNS},
    optional_reads={"payment_approvals": ("payment_id",)},
    history_months=0,
    subject="person",
    partition="person",
    params=LargePaymentParams,
)
def large_single_payment(ctx: ScreeningContext, p: LargePaymentParams) -> pd.DataFrame:
    """A ``benefits`` payment of the target period above the threshold (strictly) that has no
    row in ``payment_approvals``; without that table, every such payment. At risk: the
    payment."""
    limit = p.threshold  # Yuan: written in yuan, held as exact fen
    b = ctx.target("benefits")
    rows = b[b["amount"] > limit]
    if ctx.has("payment_approvals"):
        rows = rows[~is_in(rows["payment_id"], ctx.table("payment_approvals")["payment_id"])]
    rows = rows.assign(threshold=limit)
    return as_hits(
        rows,
        evidence=["payment_id", "benefit_type", "period", "amount", "paid_date", "threshold"],
        money=["amount", "threshold"],
    )


INDICATORS = (large_single_payment,)
