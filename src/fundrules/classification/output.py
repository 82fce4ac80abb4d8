"""Writing a classification next to the suspicions it classified.

``classified.parquet`` / ``classified.csv`` and ``warnings.parquet`` / ``warnings.csv``: amounts as
decimal(18, 2) in Parquet and two-decimal text in CSV (docs/decisions.md D2), ``typical`` and the
counts typed in Parquet; ``classification.json``: the rules and parameters that ran.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from fundrules.outputs import RunWriter
from fundrules.screening.output import amounts_as_text, read_suspicions, suspicions_to_arrow

from .config import ConfigLike
from .pipeline import Classification, classify

if TYPE_CHECKING:
    from fundrules.plugins.registry import Registry

_TYPED = {"typical": pa.bool_(), "suspicion_count": pa.int64()}


CLASSIFICATION_FILES = (
    "classified.parquet",
    "classified.csv",
    "warnings.parquet",
    "warnings.csv",
    "classification.json",
)


def write_classification(
    out: str | Path | RunWriter, classified: Classification
) -> dict[str, Path]:
    """Write the classified suspicions, the warnings and the manifest; return their paths.

    ``out`` is an open :class:`RunWriter` (the caller commits), or a screening output folder: then
    a new run is committed that keeps the folder's other files (the suspicions classified)."""
    if not isinstance(out, RunWriter):
        with RunWriter(out, carry=True) as writer:
            write_classification(writer, classified)
        return {n: writer.out / n for n in CLASSIFICATION_FILES}
    for stem, frame in (("classified", classified.suspicions), ("warnings", classified.warnings)):
        _write_parquet(frame, out.path_for(f"{stem}.parquet"))
        out.write_csv(f"{stem}.csv", amounts_as_text(frame))
    out.write_json("classification.json", classified.manifest())
    return {n: out.out / n for n in CLASSIFICATION_FILES}


def classify_directory(
    out_dir: str | Path,
    config: ConfigLike = None,
    *,
    discovered: date | str | None = None,
    registry: Registry,
) -> tuple[Classification, dict[str, Path]]:
    """``fundrules classify OUT_DIR``: read the suspicions a screening run wrote there (Parquet,
    else CSV), classify them, and write the results beside them."""
    out = Path(out_dir)
    if not out.is_dir():
        raise FileNotFoundError(f"no screening output folder {out}")
    with RunWriter(out, carry=True) as writer:
        source = writer.previous or out  # the complete run (or an output folder of old)
        for name in ("suspicions.parquet", "suspicions.csv"):
            if (source / name).exists():
                suspicions = read_suspicions(source / name)
                break
        else:
            raise FileNotFoundError(f"no suspicions.parquet or suspicions.csv in {out}")
        result = classify(suspicions, config, discovered=discovered, registry=registry)
        paths = write_classification(writer, result)
    return result, paths


def _write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    typed = [c for c in _TYPED if c in frame.columns]
    table = suspicions_to_arrow(frame.drop(columns=typed))
    for c in typed:
        table = table.add_column(
            list(frame.columns).index(c), c, pa.array(frame[c].tolist(), _TYPED[c])
        )
    pq.write_table(table, path)
    return path
