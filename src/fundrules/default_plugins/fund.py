"""Core fund and finance indicators (``fund.*``), evaluated for every insurance present."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from fundrules.plugins import hookimpl
from fundrules.schema import EXPENDITURE_ITEMS, INCOME_ITEMS
from fundrules.screening import Indicator, Params, ScreeningContext, Yuan, indicator, param
from fundrules.screening.shared_rules import as_hits

from .money import core_business_totals

LAW_FUND = (
    "Social Insurance Law Art. 64-69 (fund budgets, separate accounts, value preservation); "
    "Network Supervision Measures Art. 5, 6(3), 16"
)
LAW_ACCOUNTS = (
    "Social insurance fund financial system (社会保险基金财务制度, 2017) on income, expenditure "
    "and fiscal special accounts; Network Supervision Measures Art. 5"
)

HIT_COLUMNS = ["subject_id", "amount_fen", "insurance"]


def _ledger_sums(ctx: ScreeningContext) -> pd.Series:
    """Ledger sums of the target period by (insurance, item), whatever the account type."""
    led = ctx.target("ledger")
    return led.groupby(["insurance", "item"])["amount"].sum()


def _fund_hits(records: pd.DataFrame, money: list[str]) -> pd.DataFrame:
    """Hits for fund-level checks: subject = the insurance; amount = |difference|."""
    if records.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    out = as_hits(
        records,
        subject="insurance",
        amount="amount_fen",
        evidence=[c for c in records.columns if c not in ("insurance", "amount_fen")],
        money=money,
    )
    out["insurance"] = records["insurance"].to_numpy()
    return out


class ToleranceParams(Params):
    tolerance: Yuan = param(
        Decimal("0.00"),
        description="allowed absolute difference in yuan (exact comparison at 0.00)",
        stricter="higher",
    )


def _tolerance_fen(p: ToleranceParams) -> int:
    return p.tolerance  # Yuan: held as exact fen


@indicator(
    code="fund.business_ledger_mismatch",
    name_zh="业务数据与财务数据不符",
    name_en="Business data differ from the ledger",
    insurance=None,
    area="management",
    severity="high",
    legal_basis=LAW_FUND + "; Measures Art. 21(1) (false or tampered data)",
    reads={"ledger": ("insurance", "period", "item", "amount")},
    optional_reads={
        "benefits": ("insurance", "paid_date", "amount"),
        "contributions": ("insurance", "paid_date", "employer_amount", "person_amount"),
    },
    # benefits paid and contributions received in the month, whatever period they are for;
    # the plugins' business totals (medical: the settlements' fund amounts) read their
    # person-payment tables
    reads_payments=True,
    history_months=None,
    subject="fund",
    partition=None,
    params=ToleranceParams,
)
def business_ledger_mismatch(ctx: ScreeningContext, p: ToleranceParams) -> pd.DataFrame:
    """Benefits paid in business data (cash basis: paid_date in the period; medical: settlements'
    fund amounts from the medical plugin) differ from the ledger's benefit_expenditure, or
    contributions received differ from contribution_income, exact to the fen. Every insurance
    present in the ledger or the business data is compared; a missing side counts 0."""
    ledger = _ledger_sums(ctx)
    business = core_business_totals(ctx)
    rows = []
    pairs = (("benefits", "benefit_expenditure"), ("contributions", "contribution_income"))
    insurances = set(business["insurance"]) | set(ledger.index.get_level_values(0))
    for ins in sorted(insurances):
        for measure, item in pairs:
            sel = business[(business["insurance"] == ins) & (business["measure"] == measure)]
            biz = int(sel["amount_fen"].sum())
            led = int(ledger.get((ins, item), 0))
            if abs(biz - led) > _tolerance_fen(p):
                source = sel["source"].iloc[0] if len(sel) else "none"
                rows.append((ins, measure, item, biz, led, biz - led, abs(biz - led), source))
    rec = pd.DataFrame(
        rows,
        columns=[
            "insurance",
            "measure",
            "ledger_item",
            "business",
            "ledger",
            "difference",
            "amount_fen",
            "business_source",
        ],
    )
    return _fund_hits(rec, ["business", "ledger", "difference"])


@indicator(
    code="fund.report_ledger_mismatch",
    name_zh="报表数据与财务数据不符",
    name_en="Fund report differs from the ledger",
    insurance=None,
    area="management",
    severity="high",
    legal_basis=LAW_FUND + "; Measures Art. 7, 21(1)",
    reads={
        "fund_reports": ("insurance", "period", "region_code", "line", "amount"),
        "ledger": ("insurance", "period", "item", "amount"),
    },
    history_months=0,
    subject="fund",
    partition=None,
    params=ToleranceParams,
)
def report_ledger_mismatch(ctx: ScreeningContext, p: ToleranceParams) -> pd.DataFrame:
    """Each report line present (totals included; summed over districts) differs from the
    ledger's figure: an item's sum, or the sum of income or expenditure items for the totals.
    ``closing_balance`` has no ledger figure. A line with no ledger rows behind it compares
    against 0."""
    rep = ctx.target("fund_reports")
    rep = rep[rep["line"] != "closing_balance"]
    lines = rep.groupby(["insurance", "line"])["amount"].sum().reset_index()
    ledger = _ledger_sums(ctx)
    led = ledger.reset_index()
    income = led[led["item"].isin(INCOME_ITEMS)].groupby("insurance")["amount"].sum()
    expend = led[led["item"].isin(EXPENDITURE_ITEMS)].groupby("insurance")["amount"].sum()
    figure = pd.Series(
        [ledger.get((i, ln), 0) for i, ln in zip(lines["insurance"], lines["line"], strict=True)],
        index=lines.index,
        dtype="int64",
    )
    is_inc = lines["line"] == "total_income"
    is_exp = lines["line"] == "total_expenditure"
    figure[is_inc] = lines.loc[is_inc, "insurance"].map(income).fillna(0).astype("int64")
    figure[is_exp] = lines.loc[is_exp, "insurance"].map(expend).fillna(0).astype("int64")
    lines["report"] = lines["amount"]
    lines["ledger"] = figure
    lines["difference"] = lines["report"] - lines["ledger"]
    lines["amount_fen"] = lines["difference"].abs()
    bad = lines[lines["amount_fen"] > _tolerance_fen(p)]
    return _fund_hits(
        bad[["insurance", "line", "report", "ledger", "difference", "amount_fen"]],
        ["report", "ledger", "difference"],
    )


@indicator(
    code="fund.report_arithmetic",
    name_zh="报表勾稽关系不平",
    name_en="Fund report does not add up",
    insurance=None,
    area="management",
    severity="medium",
    legal_basis=LAW_FUND + "; Measures Art. 7",
    reads={"fund_reports": ("insurance", "period", "region_code", "line", "amount")},
    history_months=1,
    subject="fund",
    partition=None,
)
def report_arithmetic(ctx: ScreeningContext, p: Params) -> pd.DataFrame:
    """In each district's report: ``total_income`` ≠ the sum of the income lines present,
    ``total_expenditure`` ≠ the sum of the expenditure lines present, or ``closing_balance`` ≠
    the previous period's closing + total income − total expenditure (when the previous period
    is present). A side with no item line present is not checked (nothing to add up)."""
    rep = ctx.table("fund_reports")
    rep = rep[rep["period"].isin([ctx.period, ctx.period - 1])]
    wide = rep.pivot_table(
        index=["insurance", "region_code", "period"],
        columns="line",
        values="amount",
        aggfunc="sum",
    )
    cur = (
        wide.xs(ctx.period, level="period")
        if ctx.period in wide.index.get_level_values("period")
        else wide.iloc[0:0].droplevel("period")
    )
    prev = (
        wide.xs(ctx.period - 1, level="period")
        if (ctx.period - 1) in wide.index.get_level_values("period")
        else None
    )
    rows = []

    def present(cols: tuple[str, ...]) -> list[str]:
        return [c for c in cols if c in cur.columns]

    inc_cols, exp_cols = present(INCOME_ITEMS), present(EXPENDITURE_ITEMS)
    for check, total, parts in (
        ("total_income", "total_income", inc_cols),
        ("total_expenditure", "total_expenditure", exp_cols),
    ):
        if total not in cur.columns or not parts:
            continue
        have_parts = cur[parts].notna().any(axis=1)
        expected = cur[parts].sum(axis=1, min_count=1)
        diff = cur[total] - expected
        bad = diff.notna() & have_parts & (diff != 0)
        for (ins, region), d in diff[bad].items():
            rows.append(
                (
                    ins,
                    region,
                    check,
                    int(cur.loc[(ins, region), total]),
                    int(expected[(ins, region)]),
                    int(d),
                )
            )
    if prev is not None and "closing_balance" in cur.columns and "closing_balance" in prev.columns:
        need = {"total_income", "total_expenditure"}
        if need <= set(cur.columns):
            prev_close = prev["closing_balance"].reindex(cur.index)
            expected = prev_close + cur["total_income"] - cur["total_expenditure"]
            diff = cur["closing_balance"] - expected
            bad = diff.notna() & (diff != 0)
            for (ins, region), d in diff[bad].items():
                rows.append(
                    (
                        ins,
                        region,
                        "closing_balance",
                        int(cur.loc[(ins, region), "closing_balance"]),
                        int(expected[(ins, region)]),
                        int(d),
                    )
                )
    rec = pd.DataFrame(
        rows, columns=["insurance", "region_code", "line", "reported", "expected", "difference"]
    )
    rec["amount_fen"] = rec["difference"].abs().astype("int64")
    return _fund_hits(rec, ["reported", "expected", "difference"])


class MonthsPayableParams(Params):
    threshold: float = param(
        6.0,
        description="minimum months of benefit expenditure the closing balance must cover",
        stricter="lower",
    )
    threshold_by_insurance: dict[str, float] = param(
        {},
        description="per-insurance thresholds overriding `threshold` (e.g. pension: 9)",
    )


@indicator(
    code="fund.low_months_payable",
    name_zh="基金可支付月数不足",
    name_en="Fund balance covers too few months of benefits",
    insurance=None,
    area="value_preservation",
    severity="high",
    legal_basis=LAW_FUND + "; Measures Art. 15 (matters touching fund safety)",
    reads={
        "fund_reports": ("insurance", "period", "line", "amount"),
        "ledger": ("insurance", "period", "item", "amount"),
    },
    history_months=0,
    subject="fund",
    partition=None,
    params=MonthsPayableParams,
)
def low_months_payable(ctx: ScreeningContext, p: MonthsPayableParams) -> pd.DataFrame:
    """``closing_balance`` (the report's, summed over districts) divided by the ledger's
    ``benefit_expenditure`` of the period is below the threshold. No benefit expenditure: not
    computable, not flagged. No money moves (amount 0)."""
    rep = ctx.target("fund_reports")
    close = rep[rep["line"] == "closing_balance"].groupby("insurance")["amount"].sum()
    led = ctx.target("ledger")
    exp = led[led["item"] == "benefit_expenditure"].groupby("insurance")["amount"].sum()
    both = pd.DataFrame({"closing_balance": close, "benefit_expenditure": exp}).dropna()
    both = both[both["benefit_expenditure"] > 0]
    months = both["closing_balance"] / both["benefit_expenditure"]
    limit = pd.Series(
        [p.threshold_by_insurance.get(i, p.threshold) for i in both.index], index=both.index
    )
    bad = both[months < limit].copy()
    bad["months"] = months[bad.index].round(2)
    bad["threshold"] = limit[bad.index]
    bad = bad.reset_index(names="insurance").astype(
        {"closing_balance": "int64", "benefit_expenditure": "int64"}
    )
    bad["amount_fen"] = 0
    return _fund_hits(bad, ["closing_balance", "benefit_expenditure"])


def _accounts(ctx: ScreeningContext) -> pd.DataFrame:
    return ctx.target("bank_accounts")


def _account_hits(rows: pd.DataFrame, amount: pd.Series, extra: list[str]) -> pd.DataFrame:
    rows = rows.assign(amount_fen=amount.astype("int64"))
    out = as_hits(
        rows,
        subject="account_id",
        amount="amount_fen",
        evidence=["account_type", "bank_name", "balance", *extra],
        money=["balance", *[c for c in extra if c.endswith("_fen")]],
    )
    out["insurance"] = rows["insurance"].to_numpy()
    return out


ACCOUNT_READS = {
    "bank_accounts": (
        "account_id",
        "insurance",
        "account_type",
        "bank_name",
        "period",
        "balance",
        "interest_rate",
        "designated",
    ),
}


@indicator(
    code="fund.non_designated_account",
    name_zh="非指定账户存放基金",
    name_en="Fund money in a non-designated account",
    insurance=None,
    area="management",
    severity="high",
    legal_basis=LAW_ACCOUNTS + "; Social Insurance Law Art. 64",
    reads=ACCOUNT_READS,
    history_months=0,
    subject="account",
    partition="account",
)
def non_designated_account(ctx: ScreeningContext, p: Params) -> pd.DataFrame:
    """A fund account with ``designated`` false holds a positive month-end balance. The amount at
    risk is that balance."""
    a = _accounts(ctx)
    bad = a[~a["designated"] & (a["balance"] > 0)]
    return _account_hits(bad, bad["balance"], [])


class IdleParams(Params):
    months: float = param(
        2.0,
        description="most months of the fund's benefit expenditure an expenditure account may hold",
        stricter="higher",
    )


@indicator(
    code="fund.idle_expenditure_balance",
    name_zh="支出户沉淀资金过多",
    name_en="Expenditure account holds too much",
    insurance=None,
    area="value_preservation",
    severity="medium",
    legal_basis=LAW_ACCOUNTS,
    reads={**ACCOUNT_READS, "ledger": ("insurance", "period", "item", "amount")},
    history_months=0,
    subject="account",
    partition=None,
    params=IdleParams,
)
def idle_expenditure_balance(ctx: ScreeningContext, p: IdleParams) -> pd.DataFrame:
    """An ``expenditure`` account's month-end balance is more than N months of its fund's
    ``benefit_expenditure`` (ledger, the period). The amount at risk is the excess."""
    a = _accounts(ctx)
    a = a[a["account_type"] == "expenditure"]
    led = ctx.target("ledger")
    exp = led[led["item"] == "benefit_expenditure"].groupby("insurance")["amount"].sum()
    monthly = a["insurance"].map(exp).fillna(0).astype("int64")
    limit = np.floor(monthly.clip(lower=0) * p.months).astype("int64")
    bad_mask = a["balance"] > limit
    bad = a[bad_mask].assign(benefit_expenditure_fen=monthly[bad_mask], limit_fen=limit[bad_mask])
    return _account_hits(
        bad, bad["balance"] - bad["limit_fen"], ["benefit_expenditure_fen", "limit_fen"]
    )


@indicator(
    code="fund.income_account_not_swept",
    name_zh="收入户资金未及时归集",
    name_en="Income account not swept at month end",
    insurance=None,
    area="management",
    severity="medium",
    legal_basis=LAW_ACCOUNTS + " (income accounts are swept into the fiscal special account)",
    reads=ACCOUNT_READS,
    history_months=0,
    subject="account",
    partition="account",
)
def income_account_not_swept(ctx: ScreeningContext, p: Params) -> pd.DataFrame:
    """An ``income`` account has a positive balance at month end. The amount at risk is that
    balance."""
    a = _accounts(ctx)
    bad = a[(a["account_type"] == "income") & (a["balance"] > 0)]
    return _account_hits(bad, bad["balance"], [])


class DepositRateParams(Params):
    minimum_rate: dict[str, float] = param(
        {"2015-10-24": {"income": 0.35, "expenditure": 0.35, "fiscal_special": 0.35}},
        description="minimum interest rate, percent per year, by account type (the PBoC "
        "benchmark demand-deposit rate, 0.35 % since 2015-10-24)",
        stricter="lower",
        standing_law=True,
        source="People's Bank of China benchmark deposit rates, 2015-10-24",
    )


@indicator(
    code="fund.low_deposit_rate",
    name_zh="基金存款利率偏低",
    name_en="Fund account earns below the minimum rate",
    insurance=None,
    area="value_preservation",
    severity="low",
    legal_basis=LAW_ACCOUNTS + "; Social Insurance Law Art. 69 (value preservation)",
    reads=ACCOUNT_READS,
    history_months=0,
    subject="account",
    partition="account",
    params=DepositRateParams,
)
def low_deposit_rate(ctx: ScreeningContext, p: DepositRateParams) -> pd.DataFrame:
    """A fund account's ``interest_rate`` (percent per year) is below the minimum for its account
    type. No money moves (amount 0)."""
    a = _accounts(ctx)
    minimum = a["account_type"].map(p.minimum_rate).astype("float64")
    bad_mask = (a["interest_rate"] < minimum).fillna(False)
    bad = a[bad_mask].assign(minimum_rate=minimum[bad_mask])
    return _account_hits(bad, pd.Series(0, index=bad.index), ["interest_rate", "minimum_rate"])


INDICATORS: tuple[Indicator[Any], ...] = (
    business_ledger_mismatch,
    report_ledger_mismatch,
    report_arithmetic,
    low_months_payable,
    non_designated_account,
    idle_expenditure_balance,
    income_account_not_swept,
    low_deposit_rate,
)


@hookimpl
def fundrules_register_indicators(register: Callable[[Indicator[Any]], None]) -> None:
    for ind in INDICATORS:
        register(ind)


@hookimpl
def fundrules_code_prefix() -> str:
    return "fund"
