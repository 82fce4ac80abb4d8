"""Neutralising CSV cells that a spreadsheet would run as a formula (docs/decisions.md D43).

A text cell beginning with ``=``, ``+``, ``@``, a tab or a carriage return, or with ``-`` unless the
whole cell is a number (a negative amount stays a number), gets a leading ``'`` — as OWASP advises
for CSV injection. A valid id never begins so. Parquet outputs keep the exact values.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

_FORMULA = re.compile(r"^(?:[=+@\t\r]|-(?!\d+(?:\.\d+)?$))")
_FORMULA_PD = r"^(?:[=+@\t\r]|-(?!\d+(?:\.\d+)?$))"


def neutralise(cell: object) -> object:
    """One cell: formula-leading text prefixed with ``'``; anything else unchanged."""
    if isinstance(cell, str) and _FORMULA.match(cell):
        return "'" + cell
    return cell


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells are neutralised (vectorised per column)."""
    out = frame.copy()
    for c in out.columns:
        s = out[c]
        if not (s.dtype == object or isinstance(s.dtype, pd.StringDtype)):
            continue
        text = s.map(lambda v: v if isinstance(v, str) else None).astype("object")
        hit = text.str.match(_FORMULA_PD, na=False).to_numpy(dtype=bool)
        if hit.any():
            s = s.astype(object).copy()
            s[hit] = "'" + text[hit]
            out[c] = s
    return out


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as UTF-8 CSV for people to open in a spreadsheet, cells neutralised."""
    p = Path(path)
    neutralise_frame(frame).to_csv(p, index=False, encoding="utf-8")
    return p
