"""How much is paid: the monthly allowance against the regional cap."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from fundrules.plugin_api import Params, ScreeningContext, Yuan, indicator, net_payments, param

from .allowances import (
    LAW_FRAUD,
    PAYMENT_EVIDENCE,
    PAYMENT_READS,
    REGULATIONS,
    allowance_hits,
    allowance_rows,
)

PLACEHOLDER_DATE = "1999-01-22"


class AmountAboveCapParams(Params):
    cap_yuan: Yuan = param(
        {PLACEHOLDER_DATE: Decimal("2320.00")},
        description="regional cap on the monthly allowance, in yuan (below the local minimum "
        "monthly wage); a month whose allowance is above it is flagged, exactly the cap is due. "
        "The shipped value is the catalog's placeholder: configure the region's dated caps",
        stricter="higher",
        source=f"{REGULATIONS} Art. 18 (the province sets the standard, below the local minimum "
        "wage and above the urban subsistence allowance); Social Insurance Law Art. 47",
    )


@indicator(
    code="unemployment.amount_above_cap",
    name_zh="失业保险金超标准发放",
    name_en="Monthly allowance above the cap",
    insurance="unemployment",
    area="expenditure",
    severity="medium",
    legal_basis=f"{REGULATIONS} Art. 18 (the allowance is set by the province below the local "
    "minimum wage); Social Insurance Law Art. 47; " + LAW_FRAUD,
    reads={"benefits": PAYMENT_READS},
    history_months=0,
    subject="person",
    partition="person",
    params=AmountAboveCapParams,
)
def amount_above_cap(ctx: ScreeningContext, p: AmountAboveCapParams) -> pd.DataFrame:
    """A person's monthly allowance for the target period above the regional cap in force on
    the period's first day. The monthly allowance is the sum of the person's allowance rows for
    the period, reversals included (two part-payments of one month add up; a reversal lowers it).
    Exactly the cap is due. At risk: the whole monthly allowance (the money the flagged rows
    moved); the excess over the cap is in the evidence."""
    cap_fen = p.cap_yuan  # Yuan: held as exact fen
    rows = net_payments(allowance_rows(ctx))
    rows = rows[rows["net"] > cap_fen]
    rows = rows.assign(monthly_allowance=rows["net"], cap=cap_fen, excess=rows["net"] - cap_fen)
    return allowance_hits(
        rows,
        [*PAYMENT_EVIDENCE, "monthly_allowance", "cap", "excess"],
        money=["amount", "monthly_allowance", "cap", "excess"],
    )


INDICATORS = (amount_above_cap,)
