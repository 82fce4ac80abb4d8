"""Writing a screening run: suspicions (Parquet + CSV), quarantine, run.json.

Machine outputs for downstream systems keep the ids (they are not masked). Every file goes through
one :class:`fundrules.outputs.RunWriter` (committed together, with ``complete.json``); CSV cells that
a spreadsheet would run as formulas are neutralised, Parquet keeps exact values.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from fundrules.errors import InputError
from fundrules.intake import QUARANTINE_COLUMNS
from fundrules.outputs import RunWriter, mask_ids_in_text

from .engine import ScreenResult
from .rule_set import manifest
from .suspicions import SUSPICION_COLUMNS, amount_column, total_amount

AMOUNT_TYPE = pa.decimal128(18, 2)
AMOUNT_LIMIT = Decimal("9999999999999999.99")  # the largest decimal(18, 2)


class AmountOutOfRange(InputError, ValueError):
    """An amount at risk past what the published decimal(18, 2) holds (docs/decisions.md D42)."""


def _check_amounts(suspicions: pd.DataFrame) -> None:
    if "amount_at_risk" not in suspicions.columns or not len(suspicions):
        return
    big = [i for i, v in enumerate(suspicions["amount_at_risk"]) if abs(Decimal(v)) > AMOUNT_LIMIT]
    if big:
        row = suspicions.iloc[big[0]]
        raise AmountOutOfRange(
            f"{len(big)} suspicion(s) have an amount at risk past decimal(18,2) "
            f"(±{AMOUNT_LIMIT} yuan), e.g. {row.get('indicator', '?')} for "
            f"{row.get('subject_type', '?')} {mask_ids_in_text(row.get('subject_id', '?'))}: "
            f"{Decimal(row['amount_at_risk']):.2f} yuan; such amounts come from wrong data "
            "(check the amounts of that subject), nothing was written"
        )


def suspicions_to_arrow(suspicions: pd.DataFrame) -> pa.Table:
    """The suspicions frame as Arrow, ``amount_at_risk`` as decimal(18, 2)."""
    _check_amounts(suspicions)
    cols: dict[str, pa.Array] = {}
    for c in suspicions.columns:
        values = suspicions[c].tolist()
        if c == "amount_at_risk":
            cols[c] = pa.array([Decimal(v).quantize(Decimal("0.01")) for v in values], AMOUNT_TYPE)
        else:
            cols[c] = pa.array(["" if v is None else str(v) for v in values], pa.string())
    if not cols:
        cols = {
            c: pa.array([], AMOUNT_TYPE if c == "amount_at_risk" else pa.string())
            for c in SUSPICION_COLUMNS
        }
    return pa.table(cols)


def write_suspicions(suspicions: pd.DataFrame, writer: RunWriter) -> tuple[Path, Path]:
    parquet = writer.path_for("suspicions.parquet")
    pq.write_table(suspicions_to_arrow(suspicions), parquet)
    writer.write_csv("suspicions.csv", amounts_as_text(suspicions))
    return parquet, writer.path_for("suspicions.csv")


def amounts_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with ``amount_at_risk`` as two-decimal text (the CSV form, D2)."""
    text = frame.copy()
    text["amount_at_risk"] = [f"{Decimal(v):.2f}" for v in text["amount_at_risk"]]
    return text


def read_suspicions(path: str | Path) -> pd.DataFrame:
    """Read back a suspicions file (Parquet or CSV): ``amount_at_risk`` exact, in the in-memory
    decimal dtype (``AMOUNT_DTYPE``)."""
    p = Path(path)
    if p.suffix == ".parquet":
        frame = pq.read_table(p).to_pandas(types_mapper=lambda t: None)
        amounts = [
            Decimal(v) if v is not None else Decimal("0.00") for v in frame["amount_at_risk"]
        ]
    else:
        frame = pd.read_csv(p, dtype=str, keep_default_na=False)
        amounts = [Decimal(v) for v in frame["amount_at_risk"]]
    frame = frame.astype({c: "object" for c in frame.columns if c != "amount_at_risk"})
    frame["amount_at_risk"] = amount_column(amounts).array
    return frame


def run_summary(result: ScreenResult) -> dict[str, Any]:
    ds = result.dataset
    counts = (
        result.suspicions.groupby("indicator").size().to_dict() if len(result.suspicions) else {}
    )
    return {
        "period": result.period,
        "suspicions": len(result.suspicions),
        "suspicions_by_indicator": {k: int(v) for k, v in counts.items()},
        "amount_at_risk": f"{total_amount(result.suspicions['amount_at_risk']):.2f}",
        "indicators": result.runs.to_dict(orient="records"),
        "skipped": result.skipped[["indicator", "reason"]].to_dict(orient="records"),
        "failed": result.failed[["indicator", "reason"]].to_dict(orient="records"),
        "warnings": result.warnings,
        "plugins": result.plugins,
        "parameters": result.parameters,
        "fingerprint": result.fingerprint,
        "rules_approval": result.rules_approval,
        "rule_set": manifest(result.rule_set)["rules"] if len(result.rule_set) else [],
        "rows": ds.accounting.to_dict(orient="records") if ds is not None else [],
        "manifest": json.loads(ds.manifest.model_dump_json()) if ds and ds.manifest else None,
    }


def write_run(result: ScreenResult, out: str | Path | RunWriter) -> dict[str, Path]:
    """Write every output of a run; return their paths (``OUT/name``).

    ``out`` is a folder (the run is committed on return) or an open :class:`RunWriter` that the
    caller commits (``screen --classify`` adds the classification to the same run)."""
    if not isinstance(out, RunWriter):
        _check_amounts(result.suspicions)
        with RunWriter(out) as writer:
            write_run(result, writer)
        return writer.visible_paths()
    write_suspicions(result.suspicions, out)
    q = result.dataset.quarantine if result.dataset is not None else pd.DataFrame()
    q = q if len(q) else pd.DataFrame(columns=QUARANTINE_COLUMNS)
    out.write_csv("quarantine.csv", q)
    out.write_json("run.json", run_summary(result))
    return {
        n: out.out / n
        for n in ("suspicions.parquet", "suspicions.csv", "quarantine.csv", "run.json")
    }
