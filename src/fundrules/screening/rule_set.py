"""The rule set of a run: which indicators, at which versions, with which parameter values.

Computed before any indicator runs, from the registry and the parameters in force for the
period, so that its fingerprint names the run (``run.json``) and a supervisor's approval of it
(Art. 21; ``fundrules rules approve``) can be compared with what runs. ``process.unapproved_rules``
reads it as the ``rule_set`` table (decisions.md D84).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pandas as pd

from .indicator import Indicator
from .parameters import ParameterSet

RULE_SET_COLUMNS = ["indicator", "version", "parameters", "fingerprint"]


def rule_version(ind: Indicator[Any], versions: Mapping[str, str]) -> str:
    """``<indicator version>/<plugin version>``: either changing is a change of the rule."""
    return f"{ind.meta.version}/{versions.get(ind.plugin or '', '?')}"


def rule_set(
    chosen: Iterable[Indicator[Any]],
    pset: ParameterSet,
    period_start: date,
    versions: Mapping[str, str],
) -> pd.DataFrame:
    """One row per chosen indicator: code, version, parameter values (JSON), the fingerprint.

    An indicator whose parameters do not resolve is listed with ``{"error": ...}`` as its
    parameters (it fails when it runs, and its rule set is not the approved one).
    """
    rows: list[dict[str, Any]] = []
    used: dict[str, Any] = {}
    for ind in chosen:
        try:
            values: Any = pset.resolve(ind.code, ind.params, period_start).used
        except Exception as exc:  # reported as the indicator's failure when it runs
            values = {"error": f"{type(exc).__name__}: {exc}"}
        used[ind.code] = values
        rows.append(
            {
                "indicator": ind.code,
                "version": rule_version(ind, versions),
                "parameters": json.dumps(values, ensure_ascii=False, sort_keys=True, default=str),
            }
        )
    fp = fingerprint({r["indicator"]: r["version"] for r in rows}, used)
    frame = pd.DataFrame(rows, columns=RULE_SET_COLUMNS[:-1])
    frame["fingerprint"] = fp
    return frame.sort_values("indicator", ignore_index=True)[RULE_SET_COLUMNS]


def fingerprint(versions: Mapping[str, str], parameters: Mapping[str, Any]) -> str:
    """SHA-256 of the codes, versions and parameter values (sorted, JSON)."""
    body = {
        "rules": sorted(f"{code}@{version}" for code, version in versions.items()),
        "parameters": parameters,
    }
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()


def manifest(frame: pd.DataFrame) -> dict[str, Any]:
    """The rule set as the JSON an approval signs: fingerprint and each rule."""
    fp = str(frame["fingerprint"].iloc[0]) if len(frame) else fingerprint({}, {})
    return {
        "fingerprint": fp,
        "rules": [
            {
                "indicator": r.indicator,
                "version": r.version,
                "parameters": json.loads(str(r.parameters)),
            }
            for r in frame.itertuples()
        ],
    }
