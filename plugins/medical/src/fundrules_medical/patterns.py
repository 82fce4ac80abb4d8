"""Patterns of use: a person's visits in a period, a provider's cost against its peers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundrules.plugin_api import Params, ScreeningContext, as_hits, indicator, param

from .records import LAW_MEDICAL, SETTLEMENT_READS, VISITS, settlement_hits, target_settlements

RELATIVE_SLACK = 1e-9
"""A provider's mean must pass the threshold by more than float noise (1e-9 of the peer mean)."""


class FrequentVisitsParams(Params):
    max_visits: int = param(
        20,
        description="outpatient and pharmacy settlements one person may have in a period",
        stricter="higher",
    )
    max_providers_per_day: int = param(
        3,
        description="distinct providers of one person's outpatient and pharmacy settlements on "
        "one day",
        stricter="higher",
    )


@indicator(
    code="medical.frequent_visits",
    name_zh="频繁就医购药",
    name_en="Frequent visits or many providers on one day",
    insurance="medical",
    area="expenditure",
    severity="medium",
    legal_basis=LAW_MEDICAL + " (频繁就医、超量购药倒卖)",
    reads={"medical_settlements": SETTLEMENT_READS},
    history_months=0,
    subject="person",
    partition="person",
    params=FrequentVisitsParams,
)
def frequent_visits(ctx: ScreeningContext, p: FrequentVisitsParams) -> pd.DataFrame:
    """More than N (20) outpatient or pharmacy settlements of one person in the target period,
    or outpatient or pharmacy settlements at more than M (3) distinct providers on one day. The
    settlements of the pattern are the evidence: all of the person's visits of the period, or
    those of the day."""
    ts = target_settlements(ctx)
    at = np.flatnonzero(ts["visit_type"].isin(VISITS).to_numpy(dtype=bool))
    # integer keys: a person, and a person's day (pandas group-bys on text are slow at millions)
    person = pd.factorize(ts["person_id"].take(at))[0]
    visits = np.bincount(person)[person] if len(at) else np.zeros(0, dtype=np.int64)
    day = ts["admit_date"].to_numpy()[at].astype("datetime64[D]").astype(np.int64)
    day = day - (day.min() if len(day) else 0)
    _, person_day, per_day = np.unique(
        person.astype(np.int64) * (int(day.max(initial=0)) + 1) + day,
        return_inverse=True,
        return_counts=True,
    )
    busy = per_day[person_day] > p.max_providers_per_day
    many = visits > p.max_visits
    # distinct providers only where they can matter: busy days, and the frequent visitors' days
    counted = busy | many
    providers = np.zeros(len(at), dtype=np.int64)
    providers[counted] = (
        ts["provider_id"]
        .take(at[counted])
        .groupby(person_day[counted])
        .transform("nunique")
        .to_numpy()
    )
    spread = providers > p.max_providers_per_day
    flagged = many | spread
    rows = ts.iloc[at[flagged]].assign(
        period_visits=visits[flagged],
        providers_on_day=providers[flagged],
        reason=np.where(
            many & spread,
            "visits in period and providers on day",
            np.where(many, "visits in period", "providers on day"),
        )[flagged],
    )
    evidence = ["settlement_id", "visit_type", "provider_id", "admit_date"]
    return settlement_hits(rows, [*evidence, "period_visits", "providers_on_day", "reason"])


class ProviderCostOutlierParams(Params):
    k: float = param(
        3.0,
        description="standard deviations above the peers' mean at which a provider's mean fund "
        "amount per inpatient stay is an outlier",
        stricter="higher",
    )
    min_peers: int = param(
        5,
        description="other providers of the same level with inpatient stays needed to compare",
        stricter="higher",
    )


@indicator(
    code="medical.provider_cost_outlier",
    name_zh="医疗机构次均住院费用异常偏高",
    name_en="Provider's fund amount per inpatient stay far above its peers",
    insurance="medical",
    area="expenditure",
    severity="medium",
    legal_basis=LAW_MEDICAL + " (过度诊疗、分解收费; 次均费用监测)",
    reads={
        # the shared settlements frame (records.settlements) reads the stay dates
        "medical_settlements": SETTLEMENT_READS,
        "providers": ("provider_id", "level"),
    },
    history_months=0,
    subject="provider",
    partition=None,
    params=ProviderCostOutlierParams,
)
def provider_cost_outlier(ctx: ScreeningContext, p: ProviderCostOutlierParams) -> pd.DataFrame:
    """A provider whose mean fund amount per inpatient stay of the target period is above
    m + k·sd, where m and sd (population) are taken over the per-provider means of the *other*
    providers of its level with inpatient stays in the period, when there are at least 5 of
    them. Amount at risk: the fund amount of the provider's inpatient stays of the period."""
    ts = target_settlements(ctx)
    inpatient = ts[(ts["visit_type"] == "inpatient").to_numpy(dtype=bool)]
    per = inpatient.groupby("provider_id").agg(
        stays=("fund_amount", "size"), fund_amount=("fund_amount", "sum")
    )
    level = ctx.table("providers").drop_duplicates("provider_id").set_index("provider_id")["level"]
    per = per.assign(level=level.reindex(per.index).to_numpy())
    per = per[per["level"].notna().to_numpy(dtype=bool)].reset_index()
    mean = per["fund_amount"] / per["stays"]
    # leave-one-out over the level, centred on the level's mean against cancellation
    by_level = mean.groupby(per["level"])
    centre = by_level.transform("mean")
    y = mean - centre
    peers = by_level.transform("size") - 1
    s1 = y.groupby(per["level"]).transform("sum") - y
    s2 = (y * y).groupby(per["level"]).transform("sum") - y * y
    peer_y = s1 / peers
    sd = np.sqrt((s2 / peers - peer_y * peer_y).clip(lower=0))
    peer_mean = peer_y + centre
    threshold = peer_mean + p.k * sd
    slack = RELATIVE_SLACK * np.maximum(peer_mean.abs(), 1.0)
    out = ((peers >= p.min_peers) & (mean - threshold > slack)).to_numpy(dtype=bool)

    def fen(x: pd.Series) -> pd.Series:
        return x[out].round().astype("int64")

    rows = per[out].assign(
        peers=peers[out],
        mean_fund_amount=fen(mean),
        peer_mean=fen(peer_mean),
        peer_sd=fen(sd),
        threshold=fen(threshold),
        k=p.k,
    )
    money = ["fund_amount", "mean_fund_amount", "peer_mean", "peer_sd", "threshold"]
    return as_hits(
        rows.sort_values("provider_id"),
        subject="provider_id",
        amount="fund_amount",
        evidence=["level", "stays", "peers", "k", *money],
        money=money,
    )
