"""Correlation, vectorized: the facts each suspicion is classified on (its *profile*).

durable-rules is not asked to join (it crashed on correlation rules, and it would see one message
per suspicion). Instead, pandas computes, per suspicion:

- the subject's profile in the period: how many indicators fired and which, how many suspicions,
  the total amount at risk;
- concentration: how many distinct flagged persons share an employer or a provider with it.

The person → employer/provider links come from the ``employer_id`` / ``provider_id`` keys of the
records in the suspicion's evidence (``{"records": [...]}``, docs/decisions.md D3), where an
indicator put them; a suspicion whose subject *is* an employer or a provider links to itself. The
``agency_id`` and ``region_code`` used for routing come from the same records (the first non-empty
value), else from configuration.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fundrules.errors import InputError

FieldKind = Literal["text", "number", "bool"]

#: The fields a classification rule may test, with their kind. Money is in int fen.
PROFILE_FIELDS: dict[str, FieldKind] = {
    "indicator": "text",
    "indicator_group": "text",  # before the dot: data, fund, process, pension, …
    "indicator_name": "text",  # after the dot: paid_after_death, …
    "insurance": "text",
    "subject_type": "text",
    "severity_indicator": "text",
    "region_code": "text",
    "amount_fen": "number",
    "subject_amount_fen": "number",
    "subject_suspicion_count": "number",
    "subject_indicator_count": "number",
    "subject_indicators": "text",  # the subject's indicators of the period, sorted, comma-joined
    "employer_flagged_persons": "number",
    "provider_flagged_persons": "number",
}

LINK_KEYS = ("employer_id", "provider_id", "agency_id", "region_code")
_SUBJECT = ["subject_type", "subject_id", "period"]


class AmountError(InputError, ValueError):
    """An amount at risk that is not an exact number of fen."""


def amounts_to_fen(amounts: pd.Series) -> np.ndarray:
    """Exact int64 fen of yuan amounts: Decimals, Arrow decimals, or two-decimal text.

    Money is compared exactly (9,999.99 against 10,000), so nothing goes through float.
    """
    values = amounts.array
    if isinstance(amounts.dtype, pd.ArrowDtype):
        arrow = pa.array(values)
    else:
        objects = amounts.to_numpy(dtype=object)
        try:
            if all(isinstance(v, Decimal) for v in objects):
                arrow = pa.array(objects, pa.decimal128(18, 2))
            else:
                arrow = pc.cast(pa.array([str(v).strip() for v in objects]), pa.decimal128(18, 2))
        except (pa.ArrowInvalid, InvalidOperation) as exc:
            raise AmountError(f"amount_at_risk is not exact to the fen: {exc}") from exc
    if pa.types.is_integer(arrow.type):
        return np.asarray(arrow.to_numpy(zero_copy_only=False), dtype=np.int64) * 100
    if not pa.types.is_decimal(arrow.type):
        arrow = pc.cast(arrow.cast(pa.string()), pa.decimal128(18, 2))
    try:
        arrow = arrow.cast(pa.decimal128(18, 2))  # refuses to drop digits
    except pa.ArrowInvalid as exc:
        raise AmountError(f"amount_at_risk is not exact to the fen: {exc}") from exc
    if arrow.null_count:
        raise AmountError("amount_at_risk is missing in some suspicions")
    fen = pc.multiply(arrow, pa.scalar(Decimal(100), pa.decimal128(3, 0)))
    return np.asarray(fen.cast(pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)


def evidence_links(evidence: pd.Series) -> pd.DataFrame:
    """``(row, key, value)`` for each link key in the evidence records of each row.

    Read with Arrow's regular expressions rather than one ``json.loads`` per suspicion: the
    records are flat JSON objects, where a key in quotes followed by a colon cannot occur inside a
    string value (its quotes would be escaped). A key found more than once in a row (several
    records) is read again in Python for that row alone. ``null`` values are absent values.
    """
    text = pa.array(evidence.fillna("").astype("str").to_numpy(dtype=object), pa.large_string())
    parts = []
    for key in LINK_KEYS:
        pattern = _LINK_PATTERN.format(key=key)
        counts = pc.count_substring_regex(text, pattern).to_numpy(zero_copy_only=False)
        single = np.flatnonzero(counts == 1)
        if len(single):
            found = pc.extract_regex(text.take(pa.array(single)), pattern).field("v")
            parts.append((single, found.to_numpy(zero_copy_only=False), key))
        multi = np.flatnonzero(counts > 1)
        if len(multi):
            regex = re.compile(pattern.replace("(?P<v>", "("))
            docs = text.take(pa.array(multi)).to_pylist()
            found_lists = [regex.findall(doc) for doc in docs]
            rows = np.repeat(multi, [len(f) for f in found_lists])
            parts.append((rows, np.asarray([v for f in found_lists for v in f], object), key))
    if not parts:
        return pd.DataFrame({"row": [], "key": [], "value": []})
    rows = np.concatenate([p[0] for p in parts])
    raw = np.concatenate([p[1] for p in parts])
    keys = np.concatenate([np.full(len(p[0]), p[2], dtype=object) for p in parts])
    links = pd.DataFrame({"row": rows, "key": keys, "value": [_json_scalar(v) for v in raw]})
    return links.sort_values(["row", "key"], kind="stable").reset_index(drop=True)


_LINK_PATTERN = r'"{key}"\s*:\s*(?P<v>"(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+\-]*)'


def _json_scalar(raw: str) -> str:
    if raw.startswith('"'):
        return json.loads(raw) if "\\" in raw else raw[1:-1]
    return raw


def build_profiles(
    suspicions: pd.DataFrame, *, default_region_code: str = "", subject_indicators: bool = True
) -> pd.DataFrame:
    """One profile per suspicion, positionally aligned with it (a fresh RangeIndex).

    Columns: every :data:`PROFILE_FIELDS` field, plus ``agency_id`` (from the data, "" if none)
    for routing. ``subject_indicators`` can be skipped when no rule reads it.
    """
    n = len(suspicions)
    s = pd.DataFrame(
        {
            "indicator": _text(suspicions["indicator"]),
            "insurance": _text(suspicions["insurance"]),
            "subject_type": _text(suspicions["subject_type"]),
            "subject_id": _text(suspicions["subject_id"]),
            "period": _text(suspicions["period"]),
            "severity_indicator": _text(suspicions["severity"]),
        },
        dtype=object,  # plain Python strings: they go to the engine as JSON, not through Arrow
    )
    s["amount_fen"] = amounts_to_fen(suspicions["amount_at_risk"]) if n else np.zeros(0, np.int64)
    codes, codes_of = pd.factorize(s["indicator"])  # a few dozen codes for many suspicions
    split = [str(code).partition(".") for code in codes_of]
    s["indicator_group"] = np.asarray([g for g, _, _ in split] or [""], dtype=object)[codes]
    s["indicator_name"] = np.asarray([m for _, _, m in split] or [""], dtype=object)[codes]

    subject = s.groupby(_SUBJECT, sort=False)
    s["subject_amount_fen"] = subject["amount_fen"].transform("sum").astype("int64")
    s["subject_suspicion_count"] = subject["indicator"].transform("size").astype("int64")
    s["subject_indicator_count"] = subject["indicator"].transform("nunique").astype("int64")
    if subject_indicators:
        s["subject_indicators"] = pd.Series(_indicator_lists(s), dtype=object)
    else:
        s["subject_indicators"] = pd.Series("", index=s.index, dtype=object)

    links = (
        evidence_links(suspicions["evidence"])
        if n
        else pd.DataFrame({"row": [], "key": [], "value": []})
    )
    for kind in ("employer", "provider"):
        s[f"{kind}_flagged_persons"] = _concentration(s, links, kind)
    first = links.drop_duplicates(["row", "key"]).pivot(index="row", columns="key", values="value")
    for key, default in (("agency_id", ""), ("region_code", default_region_code)):
        column = first[key] if key in first else pd.Series(dtype="str")
        s[key] = column.reindex(range(n)).fillna(default).astype(object)
    return s


def _text(values: pd.Series) -> np.ndarray:
    """Python strings, "" for missing, without a round trip through Arrow when already text."""
    array = values.to_numpy(dtype=object, na_value="")
    if pd.api.types.infer_dtype(array, skipna=False) != "string":
        array = np.asarray([str(v) for v in array], dtype=object)
    return array


def _indicator_lists(s: pd.DataFrame) -> np.ndarray:
    lists = joined_lists(s, _SUBJECT, "indicator")
    return s[_SUBJECT].merge(lists, on=_SUBJECT, how="left")["indicator"].to_numpy()


def joined_lists(frame: pd.DataFrame, keys: list[str], column: str) -> pd.DataFrame:
    """Per distinct ``keys``, the distinct values of ``column``, sorted and comma-joined.

    Grouped in Arrow (one thread keeps the sorted input order inside each list): a Python join
    per group costs seconds at 100,000 groups.
    """
    pairs = frame[[*keys, column]].drop_duplicates().sort_values(column, kind="stable")
    table = pa.Table.from_pandas(pairs.astype("str"), preserve_index=False)
    grouped = table.group_by(keys, use_threads=False).aggregate([(column, "list")])
    out = grouped.select(keys).to_pandas()
    lists = grouped[f"{column}_list"]
    separator = pa.scalar(",", lists.type.value_type)
    out[column] = pc.binary_join(lists, separator).to_pandas()
    frame: pd.DataFrame = out
    return frame


def _concentration(s: pd.DataFrame, links: pd.DataFrame, kind: str) -> np.ndarray:
    """Distinct flagged persons per place (employer or provider) and period, and for each
    suspicion the largest such count among the places it links to (0 where it links to none)."""
    key = f"{kind}_id"
    linked = links.loc[links["key"] == key, ["row", "value"]]
    own = np.flatnonzero((s["subject_type"] == kind).to_numpy())
    pairs = pd.concat(
        [linked, pd.DataFrame({"row": own, "value": s["subject_id"].to_numpy()[own]})],
        ignore_index=True,
    )
    if pairs.empty:
        return np.zeros(len(s), dtype=np.int64)
    pairs["period"] = s["period"].to_numpy()[pairs["row"].to_numpy()]
    persons = pairs.loc[(s["subject_type"].to_numpy()[pairs["row"].to_numpy()] == "person")]
    persons = persons.assign(person=s["subject_id"].to_numpy()[persons["row"].to_numpy()])
    counts = (
        persons.drop_duplicates(["value", "period", "person"])
        .groupby(["value", "period"], sort=False)
        .size()
        .rename("n")
    )
    per_pair = pairs.merge(counts, left_on=["value", "period"], right_index=True, how="left")
    best = per_pair.groupby("row")["n"].max().fillna(0)
    return best.reindex(range(len(s)), fill_value=0).fillna(0).astype("int64").to_numpy()
