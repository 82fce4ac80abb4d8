"""Writing a screening run: suspicions (Parquet + CSV), quarantine, run.json.

Machine outputs for downstream systems keep the ids (they are not masked).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from fundrules.intake import QUARANTINE_COLUMNS

from .engine import ScreenResult
from .suspicions import SUSPICION_COLUMNS

AMOUNT_TYPE = pa.decimal128(18, 2)


def suspicions_to_arrow(suspicions: pd.DataFrame) -> pa.Table:
    """The suspicions frame as Arrow, ``amount_at_risk`` as decimal(18, 2)."""
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


def write_suspicions(suspicions: pd.DataFrame, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    parquet = out_dir / "suspicions.parquet"
    csv = out_dir / "suspicions.csv"
    pq.write_table(suspicions_to_arrow(suspicions), parquet)
    text = suspicions.copy()
    text["amount_at_risk"] = [f"{Decimal(v):.2f}" for v in text["amount_at_risk"]]
    text.to_csv(csv, index=False, encoding="utf-8")
    return parquet, csv


def read_suspicions(path: str | Path) -> pd.DataFrame:
    """Read back a suspicions file (Parquet or CSV) with exact Decimal amounts."""
    p = Path(path)
    if p.suffix == ".parquet":
        frame = pq.read_table(p).to_pandas(types_mapper=lambda t: None)
        frame["amount_at_risk"] = [
            Decimal(v) if v is not None else Decimal("0.00") for v in frame["amount_at_risk"]
        ]
    else:
        frame = pd.read_csv(p, dtype=str, keep_default_na=False)
        frame["amount_at_risk"] = [Decimal(v) for v in frame["amount_at_risk"]]
    return frame.astype({c: "object" for c in frame.columns})


def run_summary(result: ScreenResult) -> dict[str, Any]:
    ds = result.dataset
    counts = (
        result.suspicions.groupby("indicator").size().to_dict() if len(result.suspicions) else {}
    )
    return {
        "period": result.period,
        "suspicions": len(result.suspicions),
        "suspicions_by_indicator": {k: int(v) for k, v in counts.items()},
        "amount_at_risk": f"{sum(result.suspicions['amount_at_risk'], Decimal('0')):.2f}",
        "indicators": result.runs.to_dict(orient="records"),
        "skipped": result.skipped[["indicator", "reason"]].to_dict(orient="records"),
        "failed": result.failed[["indicator", "reason"]].to_dict(orient="records"),
        "warnings": result.warnings,
        "plugins": result.plugins,
        "parameters": result.parameters,
        "fingerprint": result.fingerprint,
        "rows": ds.accounting.to_dict(orient="records") if ds is not None else [],
        "manifest": json.loads(ds.manifest.model_dump_json()) if ds and ds.manifest else None,
    }


def write_run(result: ScreenResult, out_dir: str | Path) -> dict[str, Path]:
    """Write every output of a run into ``out_dir``; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    parquet, csv = write_suspicions(result.suspicions, out)
    quarantine = out / "quarantine.csv"
    q = result.dataset.quarantine if result.dataset is not None else pd.DataFrame()
    q = q if len(q) else pd.DataFrame(columns=QUARANTINE_COLUMNS)
    q.to_csv(quarantine, index=False, encoding="utf-8")
    run = out / "run.json"
    run.write_text(
        json.dumps(run_summary(result), ensure_ascii=False, indent=2, default=str),
        encoding="utf-8",
    )
    return {
        "suspicions.parquet": parquet,
        "suspicions.csv": csv,
        "quarantine.csv": quarantine,
        "run.json": run,
    }
