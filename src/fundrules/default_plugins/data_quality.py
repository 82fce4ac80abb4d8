"""Core data-quality indicators (``data.*``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from fundrules.plugins import hookimpl
from fundrules.schema.identifiers import ric_failure, ric_profile, ric_valid, uscc_valid
from fundrules.screening import Indicator, ScreeningContext, indicator, yuan
from fundrules.screening.parameters import NoParams
from fundrules.screening.shared_rules import BENEFIT_READS, as_hits, is_in

from .money import payments_in_target

LAW_DATA = (
    "Tianjin Social Insurance Fund Network Supervision Measures Art. 7, 8, 10 (data uploaded "
    "complete and true; agencies clean base data); GB 11643-1999; GB 32100-2015"
)


def _scoped(ctx: ScreeningContext, kind: str) -> dict[str, pd.DataFrame]:
    """The tables with a column of ``kind``: without a period whole; with one, their
    target-period rows. Only those tables are read (and of them, only the columns the
    indicator's ``reads_kinds`` declares)."""
    schema = ctx.dataset.schema
    return {name: ctx.target(name) for name in ctx.dataset.tables if schema[name].columns_of(kind)}


def _bad_ids_by_table(
    ctx: ScreeningContext, kind: str, is_valid: Callable[[pd.Series], pd.Series]
) -> pd.DataFrame:
    """One row per (invalid id, table, column) where an id of ``kind`` appears, with counts and
    the insurance of its records (empty where mixed or none). Validity is computed once per
    distinct id."""
    scoped = _scoped(ctx, kind)
    fixed_insurance = {p.table: p.insurance for p in ctx.payment_tables}
    places = [
        (name, c) for name, df in scoped.items() for c in ctx.dataset.schema[name].columns_of(kind)
    ]
    if not places:
        return pd.DataFrame(columns=["id", "rows", "table", "column", "insurance"])
    distinct = pd.Series(
        pd.concat([scoped[n][c].dropna() for n, c in places], ignore_index=True).unique(),
        dtype="str",
    )
    bad = distinct[~is_valid(distinct).to_numpy()]
    parts = []
    for name, c in places:
        df = scoped[name]
        hit = df[is_in(df[c], bad)]
        if hit.empty:
            continue
        if "insurance" in hit:
            ins = hit.groupby(c)["insurance"].agg(["first", "nunique"])
            ins = ins["first"].where(ins["nunique"] == 1, "")
        else:
            ins = None
        counts = hit[c].value_counts()
        part = pd.DataFrame({"id": counts.index.astype("str"), "rows": counts.to_numpy()})
        part["table"] = name
        part["column"] = c
        if ins is not None:
            part["insurance"] = part["id"].map(ins).fillna("")
        else:  # a table of one insurance says so in its payment declaration
            part["insurance"] = fixed_insurance.get(name) or ""
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=["id", "rows", "table", "column", "insurance"])
    return pd.concat(parts, ignore_index=True)


def _attach_payments(ctx: ScreeningContext, found: pd.DataFrame) -> pd.Series:
    """Money the flagged records moved: net payments of the person in the target period, on the
    record of the table that carries them."""
    pay = payments_in_target(ctx)
    per = pay.groupby(["person_id", "source"])["amount_fen"].sum()
    key = pd.MultiIndex.from_arrays([found["id"], found["table"]])
    amount = pd.Series(per.reindex(key).to_numpy(), index=found.index)
    amount[found["column"] != "person_id"] = np.nan
    return amount.fillna(0).astype("int64")


@indicator(
    code="data.invalid_person_id",
    name_zh="公民身份号码无效",
    name_en="Invalid resident identity number",
    insurance=None,
    area="data_quality",
    severity="medium",
    legal_basis=LAW_DATA,
    reads={},
    reads_kinds=("person_id",),
    reads_payments=True,
    history_months=0,
    subject="person",
    partition="person",
)
def invalid_person_id(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """A person_id in any table fails GB 11643: format, real birth date not after the period,
    check character, province or residence-permit prefix. County codes are not looked up. The
    evidence says which check failed first (``failed_check``)."""
    found = _bad_ids_by_table(ctx, "person_id", lambda ids: ric_valid(ids, ctx.period_end))
    found["amount"] = _attach_payments(ctx, found)
    found["amount_yuan"] = yuan(found["amount"])
    # which check failed first: length, characters, birth date, check character, province code
    found["failed_check"] = ric_failure(found["id"], ctx.period_end).to_numpy()
    out = as_hits(
        found,
        subject="id",
        amount="amount",
        evidence=["table", "column", "rows", "failed_check", "amount_yuan"],
    )
    out["insurance"] = found["insurance"].to_numpy()
    return out


@indicator(
    code="data.id_profile_mismatch",
    name_zh="身份信息与人员信息不符",
    name_en="Birth date or sex differs from the identity number",
    insurance=None,
    area="data_quality",
    severity="low",
    legal_basis=LAW_DATA,
    reads={"persons": ("person_id", "sex", "birth_date")},
    history_months=0,
    subject="person",
    partition="person",
)
def id_profile_mismatch(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """Birth date or sex encoded in a valid person_id differs from ``persons``. Only IDs that pass
    the ID check are judged."""
    persons = ctx.table("persons")
    valid = ric_valid(persons["person_id"], ctx.period_end).to_numpy()
    pr = persons[valid]
    prof = ric_profile(pr["person_id"])
    birth_diff = (prof["birth_date"] != pr["birth_date"]).fillna(True)
    sex_diff = (prof["sex"] != pr["sex"]).fillna(True)
    flagged = pr[birth_diff | sex_diff].copy()
    flagged["id_birth_date"] = prof.loc[flagged.index, "birth_date"].dt.strftime("%Y-%m-%d")
    flagged["id_sex"] = prof.loc[flagged.index, "sex"]
    flagged["persons_birth_date"] = flagged["birth_date"].dt.strftime("%Y-%m-%d")
    flagged["persons_sex"] = flagged["sex"]
    return as_hits(
        flagged,
        amount=None,
        evidence=["id_birth_date", "persons_birth_date", "id_sex", "persons_sex"],
    )


@indicator(
    code="data.unknown_person",
    name_zh="支付或缴费人员不在人员库",
    name_en="Payment or contribution for a person absent from persons",
    insurance=None,
    area="data_quality",
    severity="high",
    legal_basis=LAW_DATA,
    reads={"persons": ("person_id",)},
    optional_reads={"contributions": ("person_id", "insurance", "period")},
    reads_payments=True,
    history_months=0,
    subject="person",
    partition="person",
)
def unknown_person(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """A payment (a positive row of any person-payment table: ``benefits`` and the tables the
    plugins declare, such as settlements) or a contribution of the target period names a
    person_id absent from ``persons``. The amount at risk is the net
    payment (reversals offset); contributions move money in, not out, and count 0."""
    known = ctx.table("persons")["person_id"]  # a Series: hashed membership in C, not a Python set
    pay = payments_in_target(ctx)
    pay = pay[~is_in(pay["person_id"], known)]
    per = (
        pay.assign(_pos=(pay["amount_fen"] > 0).astype("int64"))
        .groupby(["person_id", "insurance", "source"], as_index=False)
        .agg(
            amount_fen=("amount_fen", "sum"), rows=("amount_fen", "size"), positive=("_pos", "sum")
        )
    )
    per = per[per["positive"] > 0].drop(columns="positive")
    parts = [per]
    if ctx.has("contributions"):
        c = ctx.target("contributions")
        c = c[~is_in(c["person_id"], known)]
        cc = (
            c.groupby(["person_id", "insurance"], as_index=False)
            .size()
            .rename(columns={"size": "rows"})
        )
        cc["source"] = "contributions"
        cc["amount_fen"] = 0
        parts.append(cc)
    found = pd.concat(parts, ignore_index=True)
    found["amount_yuan"] = yuan(found["amount_fen"])
    return as_hits(found, amount="amount_fen", evidence=["source", "rows", "amount_yuan"])


@indicator(
    code="data.invalid_employer_id",
    name_zh="统一社会信用代码无效",
    name_en="Invalid unified social credit code",
    insurance=None,
    area="data_quality",
    severity="medium",
    legal_basis=LAW_DATA,
    reads={},
    reads_kinds=("employer_id",),
    history_months=0,
    subject="employer",
    partition="employer",
)
def invalid_employer_id(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """An employer_id in any table fails GB 32100: 18 characters of its alphabet and the right
    check character. No money moves on an employer record itself (amount 0)."""
    found = _bad_ids_by_table(ctx, "employer_id", uscc_valid)
    out = as_hits(found, subject="id", amount=None, evidence=["table", "column", "rows"])
    out["insurance"] = found["insurance"].to_numpy()
    return out


@indicator(
    code="data.duplicate_payment",
    name_zh="重复支付",
    name_en="Duplicate payment",
    insurance=None,
    area="expenditure",
    severity="high",
    legal_basis="Social Insurance Law Art. 88 (fraudulent or improper receipt of benefits); "
    "Network Supervision Measures Art. 6(3)",
    reads={"benefits": BENEFIT_READS},
    history_months=0,
    subject="person",
    partition="person",
)
def duplicate_payment(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """Two or more positive ``benefits`` rows with the same person, insurance, benefit_type and
    period, whose net sum (reversals included) exceeds the largest of them. The amount at risk is
    the extra: net sum minus the largest."""
    b = ctx.target("benefits")
    keys = ["person_id", "insurance", "benefit_type", "period"]
    # only persons paid twice or more can be paid twice for one thing: one column's
    # duplicates first, then the four keys on their rows (a month's benefits, a few % of them)
    paid = b.loc[b["amount"] > 0, "person_id"]
    b = b[is_in(b["person_id"], paid[paid.duplicated(keep=False)]).to_numpy()]
    positive = b[b["amount"] > 0]
    candidates = positive.loc[positive.duplicated(keys, keep=False), keys].drop_duplicates()
    b = b.merge(candidates, on=keys, how="inner")
    stats = (
        b.assign(_pos=(b["amount"] > 0).astype("int64"))
        .groupby(keys)
        .agg(positive_rows=("_pos", "sum"), net=("amount", "sum"), largest=("amount", "max"))
    )
    dup = stats[(stats["positive_rows"] >= 2) & (stats["net"] > stats["largest"])]
    rows = b.merge(dup.reset_index(), on=keys, how="inner")
    rows = rows.sort_values([*keys, "amount", "payment_id"], ascending=[True] * 4 + [False, True])
    first = ~rows.duplicated(keys)
    rows["extra"] = np.where(first, rows["net"] - rows["largest"], 0)
    return as_hits(
        rows,
        amount="extra",
        evidence=["payment_id", "benefit_type", "period", "amount", "paid_date"],
        money=["amount"],
    )


INDICATORS: tuple[Indicator[Any], ...] = (
    invalid_person_id,
    id_profile_mismatch,
    unknown_person,
    invalid_employer_id,
    duplicate_payment,
)


@hookimpl
def fundrules_register_indicators(register: Callable[[Indicator[Any]], None]) -> None:
    for ind in INDICATORS:
        register(ind)


@hookimpl
def fundrules_code_prefix() -> str:
    return "data"
