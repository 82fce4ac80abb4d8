"""The data of a monthly summary (Art. 16), as plain DataFrames a host system can render itself.

:class:`MonthlySummary` is what the renderers take. It is built from the store and its case
database (:func:`summary_from_store`) or from one screening output folder alone
(:func:`summary_from_output`: no cases, so the case tables are empty and ``notes`` says so).
Amounts are exact ``Decimal`` yuan; counts are ints. Ids are kept whole here: the renderers mask
personal ids in what people read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from fundrules.classification.profiles import amounts_to_fen
from fundrules.screening import fen_to_decimal
from fundrules.screening.output import read_suspicions

from .errors import ReportInputError

#: The columns of each table of a :class:`MonthlySummary` (amount columns hold Decimal yuan).
COLUMNS: dict[str, list[str]] = {
    "by_insurance": ["insurance", "suspicions", "warnings", "amount_at_risk", "recovered"],
    "by_indicator": ["indicator", "name_zh", "insurance", "suspicions", "amount_at_risk"],
    "by_problem_type": ["problem_type", "name_zh", "suspicions", "amount_at_risk"],
    "by_agency": ["agency", "warnings", "cases", "amount_at_risk", "recovered"],
    "cases_by_state": ["agency", "state", "cases"],
    "by_outcome": ["outcome", "cases", "recovered"],
    "overdue": [
        "agency",
        "feedback_due",
        "feedback_overdue",
        "consultations_due",
        "consultations_overdue",
    ],
    "months": ["period", "suspicions", "warnings", "cases", "amount_at_risk"],
    "indicator_yield": [
        "indicator",
        "name_zh",
        "cases",
        "reviewed",
        "confirmed",
        "confirmed_with_loss",
    ],
    "process_findings": [
        "indicator",
        "name_zh",
        "subject_type",
        "subject_id",
        "amount_at_risk",
        "detail",
    ],
    "major_cases": [
        "case_id",
        "agency",
        "insurance",
        "subject_type",
        "subject_id",
        "indicators",
        "major_grade",
        "amount_at_risk",
        "report_due",
        "state",
    ],
    "warnings": [
        "warning_id",
        "agency",
        "insurance",
        "subject_type",
        "subject_id",
        "indicators",
        "suspicion_count",
        "amount_at_risk",
        "severity",
        "major_grade",
        "action",
        "report_due",
    ],
}
AMOUNT_COLUMNS = frozenset({"amount_at_risk", "recovered"})

#: The columns of the items an agency workbook lists (one row per suspicion).
ITEM_COLUMNS = [
    "warning_id",
    "insurance",
    "subject_type",
    "subject_id",
    "period",
    "indicator",
    "problem_type",
    "amount_at_risk",
    "severity",
    "major_grade",
    "action",
    "report_due",
    "evidence",
]


def empty_table(name: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS[name]})


@dataclass
class MonthlySummary:
    """Everything the monthly summary shows, for one period. Every table has the columns of
    :data:`COLUMNS`; a table the source cannot fill is empty, and ``notes`` says why."""

    period: str
    source: str
    by_insurance: pd.DataFrame
    by_indicator: pd.DataFrame
    by_problem_type: pd.DataFrame
    by_agency: pd.DataFrame
    cases_by_state: pd.DataFrame
    by_outcome: pd.DataFrame
    overdue: pd.DataFrame
    months: pd.DataFrame
    indicator_yield: pd.DataFrame
    process_findings: pd.DataFrame
    major_cases: pd.DataFrame
    warnings: pd.DataFrame
    issuer: str = "社会保险基金监督机构"
    as_of: str = ""
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, columns in COLUMNS.items():
            frame = getattr(self, name)
            missing = [c for c in columns if c not in frame.columns]
            if missing:
                raise ValueError(f"summary table {name} lacks columns {missing}")

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in COLUMNS}

    @property
    def total_amount(self) -> Decimal:
        return sum(self.by_indicator["amount_at_risk"], Decimal("0.00"))

    @property
    def total_suspicions(self) -> int:
        return int(self.by_indicator["suspicions"].sum()) if len(self.by_indicator) else 0


def sum_amounts(amounts: Iterable[Any]) -> Decimal:
    """Exact sum of yuan amounts (Decimal or two-decimal text)."""
    series = pd.Series(list(amounts), dtype="object")
    if series.empty:
        return Decimal("0.00")
    return fen_to_decimal(int(amounts_to_fen(series).sum()))


def grouped_amounts(
    frame: pd.DataFrame, keys: list[str], amount: str = "amount_at_risk", count: str = "count"
) -> pd.DataFrame:
    """Rows per ``keys``: ``count`` (rows) and the exact sum of ``amount``, largest amount first."""
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in [*keys, count, amount]})
    work = frame[keys].astype(str).copy()
    work["_fen"] = amounts_to_fen(frame[amount].astype("object"))
    out = work.groupby(keys, sort=True).agg(**{count: ("_fen", "size"), "_fen": ("_fen", "sum")})
    out = out.reset_index().sort_values(["_fen", *keys], ascending=[False, *[True] * len(keys)])
    out[amount] = [fen_to_decimal(int(f)) for f in out["_fen"]]
    out[count] = out[count].astype("int64")
    return out.drop(columns="_fen").reset_index(drop=True)


def indicator_names(registry: Any | None) -> dict[str, str]:
    if registry is None:
        return {}
    return {code: ind.meta.name_zh for code, ind in registry.indicators.items()}


def problem_type_names(registry: Any | None) -> dict[str, str]:
    from fundrules.classification.problem_types import problem_type_catalog

    contributed = list(registry.problem_types) if registry is not None else []
    try:
        catalog = problem_type_catalog(contributed)
    except Exception:  # a malformed contribution is the classifier's to report, not the report's
        catalog = problem_type_catalog([])
    return {code: pt.name_zh for code, pt in catalog.items()}


def _insurance_of(frame: pd.DataFrame) -> pd.Series:
    return frame["insurance"].fillna("").astype(str)


def _summary_tables(
    suspicions: pd.DataFrame,
    warnings: pd.DataFrame,
    names: Mapping[str, str],
    problem_names: Mapping[str, str],
) -> dict[str, pd.DataFrame]:
    """The tables a period's classified suspicions and warnings give (no case data)."""
    s = suspicions.copy()
    s["insurance"] = _insurance_of(s)
    by_ind = grouped_amounts(s, ["indicator", "insurance"], count="suspicions")
    by_ind["name_zh"] = [names.get(c, c) for c in by_ind["indicator"]]
    by_ins = grouped_amounts(s, ["insurance"], count="suspicions")
    w_ins = _warning_insurance(s, warnings)
    by_ins["warnings"] = [int((w_ins == i).sum()) for i in by_ins["insurance"]]
    by_ins["recovered"] = None
    if "problem_type" in s.columns:
        by_pt = grouped_amounts(s, ["problem_type"], count="suspicions")
        by_pt["name_zh"] = [problem_names.get(c, c) for c in by_pt["problem_type"]]
    else:
        by_pt = empty_table("by_problem_type")
    if len(warnings):
        by_ag = grouped_amounts(warnings, ["agency"], count="warnings")
    else:
        by_ag = pd.DataFrame({"agency": [], "warnings": [], "amount_at_risk": []})
    by_ag["cases"] = None
    by_ag["recovered"] = None
    process = s[s["indicator"].astype(str).str.startswith("process.")]
    findings = pd.DataFrame(
        {
            "indicator": process["indicator"].to_numpy(),
            "name_zh": [names.get(c, c) for c in process["indicator"]],
            "subject_type": process["subject_type"].to_numpy(),
            "subject_id": process["subject_id"].to_numpy(),
            "amount_at_risk": process["amount_at_risk"].to_numpy(),
            "detail": [_evidence_detail(e) for e in process.get("evidence", [""] * len(process))],
        }
    )
    warn = warnings.copy()
    if len(warn):
        warn["insurance"] = w_ins.to_numpy()
        warn = _by_amount(warn)
    else:
        warn = empty_table("warnings")
    return {
        "by_insurance": by_ins[COLUMNS["by_insurance"]],
        "by_indicator": by_ind[COLUMNS["by_indicator"]],
        "by_problem_type": by_pt[COLUMNS["by_problem_type"]],
        "by_agency": by_ag[COLUMNS["by_agency"]],
        "process_findings": _by_amount(findings),
        "warnings": warn[COLUMNS["warnings"]],
    }


def _warning_insurance(suspicions: pd.DataFrame, warnings: pd.DataFrame) -> pd.Series:
    """Each warning's insurance: that of its suspicions (joined with + when they differ)."""
    if warnings.empty:
        return pd.Series([], dtype="object")
    keys = ["agency", "subject_type", "subject_id", "period"]
    if not set(keys) <= set(suspicions.columns):
        return pd.Series([""] * len(warnings), dtype="object")
    ins = (
        suspicions.assign(insurance=_insurance_of(suspicions))
        .groupby(keys, sort=False)["insurance"]
        .agg(lambda v: "+".join(sorted(set(v))))
        .reset_index()
    )
    joined = warnings[keys].astype(str).merge(ins.astype(str), on=keys, how="left")
    return joined["insurance"].fillna("").reset_index(drop=True)


def _by_amount(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame.reset_index(drop=True)
    order = pd.Series(amounts_to_fen(frame["amount_at_risk"].astype("object")), index=frame.index)
    return frame.loc[order.sort_values(ascending=False, kind="stable").index].reset_index(drop=True)


def _evidence_detail(evidence: object) -> str:
    """A short reading of an evidence record for the table (the first record's fields)."""
    try:
        data = json.loads(str(evidence))
    except ValueError:
        return str(evidence)[:200]
    records = data.get("records") if isinstance(data, dict) else None
    if not records:
        return ""
    first = records[0]
    parts = [f"{k}={v}" for k, v in first.items() if k not in ("table",)]
    return "; ".join(parts)[:200]


def summary_from_output(out_dir: str | Path, registry: Any | None = None) -> MonthlySummary:
    """The summary one screening output folder gives (``screen --classify``'s files): its
    suspicions, classification and warnings; no case, outcome or overdue data."""
    out = Path(out_dir)
    if not out.is_dir():
        raise ReportInputError(f"screening output folder not found: {out}")
    for name in ("classified.parquet", "classified.csv", "suspicions.parquet", "suspicions.csv"):
        if (out / name).exists():
            suspicions = read_suspicions(out / name)
            break
    else:
        raise ReportInputError(
            f"{out} holds no screening output (suspicions.parquet or classified.parquet); "
            "run `fundrules screen … --out` there first"
        )
    run_file = out / "run.json"
    period = ""
    if run_file.exists():
        try:
            period = str(json.loads(run_file.read_text(encoding="utf-8")).get("period", ""))
        except ValueError as exc:
            raise ReportInputError(f"{run_file} is not valid JSON: {exc}") from None
    if not period and len(suspicions):
        period = str(suspicions["period"].iloc[0])
    if not period:
        raise ReportInputError(f"{out}: no run.json and no suspicions name the period")
    if (out / "warnings.parquet").exists():
        warnings = read_suspicions(out / "warnings.parquet")
    elif (out / "warnings.csv").exists():
        warnings = read_suspicions(out / "warnings.csv")
    else:
        warnings = empty_table("warnings").drop(columns="insurance")
    notes = ["数据来源为单次筛查输出：无案件状态、办理结果、追回金额与逾期数据；历史月份不含。"]
    if "agency" not in suspicions.columns:
        notes.append("筛查未分类（未使用 --classify）：无预警、问题类型与经办机构数据。")
        suspicions = suspicions.assign(agency="")
    tables = _summary_tables(
        suspicions, warnings, indicator_names(registry), problem_type_names(registry)
    )
    month = pd.DataFrame(
        {
            "period": [period],
            "suspicions": [len(suspicions)],
            "warnings": [len(warnings)],
            "cases": [None],
            "amount_at_risk": [sum_amounts(suspicions["amount_at_risk"])],
        }
    )
    return MonthlySummary(
        period=period,
        source=f"筛查输出 {out}",
        cases_by_state=empty_table("cases_by_state"),
        by_outcome=empty_table("by_outcome"),
        overdue=empty_table("overdue"),
        indicator_yield=empty_table("indicator_yield"),
        months=month,
        major_cases=_major_from_warnings(tables["warnings"]),
        notes=notes,
        **tables,
    )


def _major_from_warnings(warnings: pd.DataFrame) -> pd.DataFrame:
    """Without a case database, the 要情 are the warnings graded 要情 provisionally."""
    major = warnings[warnings["major_grade"].astype(str).isin(["ordinary", "major"])]
    return pd.DataFrame(
        {
            "case_id": major["warning_id"].to_numpy(),
            "agency": major["agency"].to_numpy(),
            "insurance": major["insurance"].to_numpy(),
            "subject_type": major["subject_type"].to_numpy(),
            "subject_id": major["subject_id"].to_numpy(),
            "indicators": major["indicators"].to_numpy(),
            "major_grade": major["major_grade"].to_numpy(),
            "amount_at_risk": major["amount_at_risk"].to_numpy(),
            "report_due": major["report_due"].fillna("").to_numpy(),
            "state": [""] * len(major),
        }
    )
