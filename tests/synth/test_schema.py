"""The generated tables carry exactly the exchange schema's columns."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fundrules.plugins import get_registry
from fundrules.synth.schema import keys, layouts

TABLES = layouts(get_registry().tables.values())
KEYS = keys(get_registry().tables.values())

SPEC = Path("/work/shared/spec/exchange-schema.md")


def _spec_tables() -> dict[str, list[tuple[str, bool]]]:
    out: dict[str, list[tuple[str, bool]]] = {}
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2:
            continue
        # core rows: | table | columns | notes |; plugin rows: | plugin | table | columns |
        for t_i, c_i in ((0, 1), (1, 2)):
            if len(cells) > c_i and cells[t_i] in TABLES and "**" in cells[c_i] + "**":
                text = cells[c_i].split(" — ")[0]
                text = re.sub(r"\([^)]*\)", "", text)
                cols = []
                for tok in text.split(","):
                    tok = tok.strip().replace("**", "")
                    if not tok:
                        continue
                    cols.append((tok.rstrip("?").strip(), tok.endswith("?")))
                if cols and all(re.fullmatch(r"[a-z_]+", c) for c, _ in cols):
                    out[cells[t_i]] = cols
    return out


@pytest.mark.skipif(not SPEC.exists(), reason="the shared spec is not mounted here")
def test_columns_match_the_spec_document() -> None:
    spec = _spec_tables()
    assert set(spec) <= set(TABLES)  # and the installed third parties' tables
    for table, cols in spec.items():
        ours = [(c, opt) for c, _, opt in TABLES[table]]
        assert ours == cols, table


def test_frames_have_exactly_the_schema_columns(city) -> None:
    for table, cols in TABLES.items():
        assert list(city[table].columns) == [c for c, _, _ in cols], table
        assert len(city[table]) > 0, table


def test_keys_are_unique(city) -> None:
    for table, key in KEYS.items():
        if not key:  # a table without a declared key (e.g. reference tables)
            continue
        assert not city[table].duplicated(list(key)).any(), table
