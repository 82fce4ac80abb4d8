"""The knowledge base (item catalog, conflicting pairs) from a region's own folder.

The national intelligent-review system keeps its knowledge base (catalogs of restrictions, pairs
of conflicting items) apart from its rule base; so do we: the rules are code, the knowledge is two
tables. A dataset may carry them (``item_catalog.*``, ``item_conflicts.*`` beside the business
tables); a region that keeps its own may name a folder holding them instead:

    ds = fundrules_medical.with_knowledge(ds, "/etc/fundrules/medical-knowledge")
    # or: export FUNDRULES_MEDICAL_KNOWLEDGE=/etc/fundrules/medical-knowledge
    ds = fundrules_medical.with_knowledge(ds)

The folder's files are validated exactly as a dataset's (same formats, same quarantine). A table
the dataset carries itself is kept: the folder only fills in what the dataset lacks. Without
either, the indicators that read a knowledge table are skipped with that reason.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pandas as pd

from fundrules.plugin_api import Dataset

from .tables import KNOWLEDGE_TABLES

ENV_VAR = "FUNDRULES_MEDICAL_KNOWLEDGE"


def knowledge_folder(folder: str | Path | None = None) -> Path | None:
    """The folder given, else the one ``FUNDRULES_MEDICAL_KNOWLEDGE`` names, else None."""
    chosen = folder if folder is not None else os.environ.get(ENV_VAR, "").strip() or None
    return Path(chosen) if chosen is not None else None


def with_knowledge(dataset: Dataset, folder: str | Path | None = None) -> Dataset:
    """``dataset`` with the knowledge tables it lacks read from ``folder`` (or the folder named
    by ``FUNDRULES_MEDICAL_KNOWLEDGE``). Returns a new Dataset; the given one is not changed.
    Rows the folder's files cannot hold are quarantined alongside the dataset's own."""
    where = knowledge_folder(folder)
    missing = [t for t in KNOWLEDGE_TABLES if not dataset.has(t)]
    if where is None or not missing:
        return dataset
    import fundrules  # the public loader; imported here so the plugin loads without a cycle

    kb = fundrules.load_dataset(where, dataset.period_text, tables=missing)
    if not kb.tables:
        return dataset
    quarantine = [q for q in (dataset.quarantine, kb.quarantine) if len(q)]
    accounting = [a for a in (dataset.accounting, kb.accounting) if len(a)]
    return replace(
        dataset,
        tables={**dataset.tables, **kb.tables},
        schema={**dataset.schema, **kb.schema},
        quarantine=pd.concat(quarantine, ignore_index=True) if quarantine else dataset.quarantine,
        accounting=pd.concat(accounting, ignore_index=True) if accounting else dataset.accounting,
    )
