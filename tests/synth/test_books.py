"""Ledger, reports and accounts agree with the business data to the fen."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundrules.plugins import get_registry
from fundrules.schema import EXPENDITURE_ITEMS, INCOME_ITEMS
from fundrules.synth.dates import month_number

P = month_number("2025-06")


def _month(s: pd.Series) -> np.ndarray:
    d = s.to_numpy().astype("datetime64[M]").astype(np.int64)
    return d + 1970 * 12


def business(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Cash basis per (insurance, period): benefits out and contributions in, in fen."""
    b = frames["benefits"].assign(period=lambda d: _month(d["paid_date"]))
    out = b.groupby(["insurance", "period"])["amount"].sum().rename("benefit_expenditure")
    reg = get_registry()
    for pt in reg.payment_tables.values():  # the plugins' payment tables, by period
        if pt.table == "benefits" or pt.table not in frames:
            continue
        s = frames[pt.table]
        paid = s.groupby(reg.tables[pt.table].period_column)[pt.amount_column].sum()
        paid.index = pd.MultiIndex.from_product(
            [[pt.insurance], paid.index], names=["insurance", "period"]
        )
        out = pd.concat([out, paid.rename("benefit_expenditure")])
    out = out.groupby(level=["insurance", "period"]).sum()
    c = frames["contributions"].assign(
        period=lambda d: _month(d["paid_date"]),
        amount=lambda d: d["employer_amount"] + d["person_amount"],
    )
    inc = c.groupby(["insurance", "period"])["amount"].sum().rename("contribution_income")
    return pd.concat([out, inc], axis=1).fillna(0).astype(np.int64)


def ledger_items(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    g = frames["ledger"].groupby(["insurance", "period", "item"])["amount"].sum()
    return g.unstack("item").fillna(0).astype(np.int64)


def mismatches(frames: dict[str, pd.DataFrame]) -> set[tuple[str, int, str]]:
    biz = business(frames)
    led = ledger_items(frames)
    bad = set()
    for (ins, per), row in biz.iterrows():
        for item in ("benefit_expenditure", "contribution_income"):
            got = int(led.loc[(ins, per), item]) if (ins, per) in led.index else 0
            if got != int(row[item]):
                bad.add((ins, int(per), item))
    for ins, per in set(led.index) - set(biz.index):
        bad.add((ins, int(per), "no business"))
    return bad


def test_clean_books_balance_to_the_fen(clean_city) -> None:
    assert mismatches(clean_city) == set()
    assert set(ledger_items(clean_city).index.get_level_values(0)) == set(
        get_registry().vocabularies["insurance"]
    )


def test_planted_books_balance_except_the_planted_mismatch(city) -> None:
    assert mismatches(city) == {("unemployment", P, "benefit_expenditure")}


def _reports(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return frames["fund_reports"].pivot_table(
        index=["insurance", "period", "region_code"], columns="line", values="amount", aggfunc="sum"
    )


def report_problems(frames: dict[str, pd.DataFrame]) -> set[tuple[str, int, str]]:
    rep = _reports(frames)
    led = ledger_items(frames)
    bad = set()
    # report lines (summed over districts) equal the ledger; totals equal the ledger's totals
    summed = rep.groupby(level=[0, 1]).sum(min_count=1)
    for (ins, per), row in summed.iterrows():
        lrow = led.loc[(ins, per)]
        for line, v in row.dropna().items():
            if line == "closing_balance":
                continue
            if line == "total_income":
                want = sum(int(lrow.get(i, 0)) for i in INCOME_ITEMS)
            elif line == "total_expenditure":
                want = sum(int(lrow.get(i, 0)) for i in EXPENDITURE_ITEMS)
            else:
                want = int(lrow.get(line, 0))
            if int(v) != want:
                bad.add((ins, int(per), f"ledger:{line}"))
    # each district's report adds up, and its closing balance follows from the previous one
    for (ins, per, reg), row in rep.iterrows():
        inc = sum(row.get(i, 0) for i in INCOME_ITEMS if not pd.isna(row.get(i, np.nan)))
        exp = sum(row.get(i, 0) for i in EXPENDITURE_ITEMS if not pd.isna(row.get(i, np.nan)))
        if inc != row["total_income"] or exp != row["total_expenditure"]:
            bad.add((ins, int(per), f"totals:{reg}"))
        if (ins, per - 1, reg) in rep.index:
            prev = rep.loc[(ins, per - 1, reg), "closing_balance"]
            if prev + row["total_income"] - row["total_expenditure"] != row["closing_balance"]:
                bad.add((ins, int(per), f"closing:{reg}"))
    return bad


def test_clean_reports_agree_and_add_up(clean_city) -> None:
    assert report_problems(clean_city) == set()
    rep = clean_city["fund_reports"]
    assert rep.groupby("insurance")["region_code"].nunique().max() >= 3  # several districts


def test_planted_reports_only_where_planted(city) -> None:
    bad = report_problems(city)
    assert {b[:2] for b in bad} == {("medical", P), ("maternity", P)}
    assert {b[2].split(":")[0] for b in bad if b[0] == "maternity"} == {"ledger"}
    assert {b[2].split(":")[0] for b in bad if b[0] == "medical"} == {"closing"}


def test_clean_fund_is_healthy_and_accounts_match(clean_city) -> None:
    f = clean_city
    led = ledger_items(f)
    rep = _reports(f)
    acc = f["bank_accounts"]
    for (ins, per), row in led.iterrows():
        be = int(row["benefit_expenditure"])
        assert be > 0, (ins, per)
        closing = rep.loc[(ins, per), "closing_balance"]
        assert closing.sum() / be > 9 * 1.2, (ins, per)  # a margin over 9 months
        assert (closing / be).min() > 9, (ins, per)  # even district by district
        a = acc[(acc.insurance == ins) & (acc.period == per)]
        assert a["balance"].sum() == closing.sum()
        assert (a.loc[a.account_type == "income", "balance"] == 0).all()
        assert (a.loc[a.account_type == "expenditure", "balance"] <= 2 * be).all()
        assert (a["interest_rate"] >= 0.35).all()
        assert (a.loc[~a.designated, "balance"] == 0).all()
