"""Records dated strictly inside a person's spells (stays, incarcerations), by sort and scan.

A local twin of the shared helper proposed to the lead as
``fundrules.plugin_api.dated_during_spell`` (the day-level counterpart of ``paid_during_spell``);
this module goes once the façade has it.
"""

from __future__ import annotations

import pandas as pd

OPEN_END = pd.Timestamp("9999-12-31")
"""Where an open spell (no end date) reaches."""


def dated_during_spell(
    records: pd.DataFrame,
    spells: pd.DataFrame,
    *,
    date: str,
    start: str = "start_date",
    end: str = "end_date",
    key: str = "person_id",
) -> pd.DataFrame:
    """Records whose ``date`` lies strictly inside a spell of the same ``key``: later than its
    first day and earlier than its last (both are excluded; an empty ``end`` is an open spell).
    Each record comes back once, with the columns of the spell that reaches furthest among those
    begun before the date (``spells``' other columns must be named apart from the records').

    Sort and scan, never a pairwise join: spells sorted per key by start carry the running
    maximum of their ends; ``merge_asof`` finds, for each record, the last spell begun strictly
    before its date, and the record is inside a spell exactly when that running maximum is later
    than the date.
    """
    cols = [c for c in spells.columns if c != key]
    recs = records[records[date].notna().to_numpy(dtype=bool)]
    sp = spells[spells[start].notna().to_numpy(dtype=bool)]
    if len(sp):
        recs = recs[recs[key].isin(sp[key].unique()).to_numpy(dtype=bool)]
    if recs.empty or sp.empty:
        return records.iloc[0:0].assign(**{c: spells[c].iloc[0:0] for c in cols})
    sp = sp.assign(_reach=sp[end].fillna(OPEN_END).astype("datetime64[s]"))
    sp = sp.sort_values([key, start, "_reach", *cols], kind="stable")
    reach = sp.groupby(key, sort=False)["_reach"].cummax()
    holder = sp[cols].where(sp["_reach"] == reach, axis=0).groupby(sp[key], sort=False).ffill()
    right = holder.assign(**{key: sp[key], "_key": sp[start], "_reach": reach})
    joined = pd.merge_asof(
        recs.sort_values(date, kind="stable"),
        right.sort_values("_key", kind="stable"),
        left_on=date,
        right_on="_key",
        by=key,
        allow_exact_matches=False,
    )
    inside = (joined["_reach"] > joined[date]).fillna(False).to_numpy(dtype=bool)
    return joined[inside].drop(columns=["_key", "_reach"]).reset_index(drop=True)
