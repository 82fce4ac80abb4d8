"""A region's knowledge folder, named by FUNDRULES_MEDICAL_KNOWLEDGE, reaches load_dataset (and so
the CLI) through the core's reference-tables hook: validated like the dataset's own files."""

from __future__ import annotations

import fundrules
from fundrules.plugins import build_registry

CATALOG = "item_code,name,restrict_sex,min_age,max_age,max_daily_quantity,max_unit_price\n"


def test_knowledge_folder_fills_what_the_dataset_lacks(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    (data / "providers.csv").write_text(
        "provider_id,name,level,provider_type,region_code\nH1,h,3,hospital,120101\n",
        encoding="utf-8",
    )
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "item_catalog.csv").write_text(CATALOG + "X1,x,F,,,2,\nX1,dup,,,,,\n", encoding="utf-8")
    reg = build_registry()
    ds = fundrules.load_dataset(data, "2025-06", registry=reg)
    assert not ds.has("item_catalog")
    monkeypatch.setenv("FUNDRULES_MEDICAL_KNOWLEDGE", str(kb))
    ds = fundrules.load_dataset(data, "2025-06", registry=reg)
    assert ds.table("item_catalog")["item_code"].tolist() == ["X1"]
    assert ds.quarantine["reason"].tolist() == ["duplicate key: same as row 1"]
    assert {f.table for f in ds.manifest.files} >= {"providers", "item_catalog"}
