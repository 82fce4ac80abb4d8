"""Writing a classification next to the suspicions it classified.

``classified.parquet`` / ``classified.csv`` and ``warnings.parquet`` / ``warnings.csv``: amounts as
decimal(18, 2) in Parquet and two-decimal text in CSV (docs/decisions.md D2), ``typical`` and the
counts typed in Parquet; ``classification.json``: the rules and parameters that ran.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from fundrules.screening.output import read_suspicions, suspicions_to_arrow

from .config import ConfigLike
from .pipeline import Classification, classify

_TYPED = {"typical": pa.bool_(), "suspicion_count": pa.int64()}


def write_classification(out_dir: str | Path, classified: Classification) -> dict[str, Path]:
    """Write the classified suspicions, the warnings and the manifest; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for stem, frame in (("classified", classified.suspicions), ("warnings", classified.warnings)):
        paths[f"{stem}.parquet"] = _write_parquet(frame, out / f"{stem}.parquet")
        paths[f"{stem}.csv"] = _write_csv(frame, out / f"{stem}.csv")
    manifest = out / "classification.json"
    manifest.write_text(
        json.dumps(classified.manifest(), ensure_ascii=False, indent=2, default=str),
        encoding="utf-8",
    )
    paths["classification.json"] = manifest
    return paths


def classify_directory(
    out_dir: str | Path,
    config: ConfigLike = None,
    *,
    discovered: date | str | None = None,
    registry: Any = None,
) -> tuple[Classification, dict[str, Path]]:
    """``fundrules classify OUT_DIR``: read the suspicions a screening run wrote there (Parquet,
    else CSV), classify them, and write the results beside them."""
    out = Path(out_dir)
    for name in ("suspicions.parquet", "suspicions.csv"):
        if (out / name).exists():
            suspicions = read_suspicions(out / name)
            break
    else:
        raise FileNotFoundError(f"no suspicions.parquet or suspicions.csv in {out}")
    result = classify(suspicions, config, discovered=discovered, registry=registry)
    return result, write_classification(out, result)


def _write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    typed = [c for c in _TYPED if c in frame.columns]
    table = suspicions_to_arrow(frame.drop(columns=typed))
    for c in typed:
        table = table.add_column(
            list(frame.columns).index(c), c, pa.array(frame[c].tolist(), _TYPED[c])
        )
    pq.write_table(table, path)
    return path


def _write_csv(frame: pd.DataFrame, path: Path) -> Path:
    text = frame.copy()
    text["amount_at_risk"] = [f"{v:.2f}" for v in text["amount_at_risk"]]
    text.to_csv(path, index=False, encoding="utf-8")
    return path
