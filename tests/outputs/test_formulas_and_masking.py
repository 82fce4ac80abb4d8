"""CSV formula neutralising and id masking, the shared helpers of every output."""

from __future__ import annotations

import pandas as pd

from fundrules.outputs import mask_id, mask_ids_in_text, neutralise, neutralise_frame


def test_formula_leading_text_is_neutralised_and_numbers_stay():
    for cell in ('=HYPERLINK("http://x")', "+1", "@SUM(A1)", "\tx", "\rx", "-x", "-2+3+cmd", "-"):
        assert neutralise(cell) == "'" + cell
    for cell in ("-12.50", "-3", "110101199003074514", "张三", "", "a=b", "12.00"):
        assert neutralise(cell) == cell
    assert neutralise(-5) == -5


def test_frame_neutralised_per_column_without_touching_other_types():
    f = pd.DataFrame({"id": ["=cmd|' /C calc'!A0", "ok"], "n": [-1, 2], "amt": ["-1.00", "+1"]})
    out = neutralise_frame(f)
    assert out["id"].tolist() == ["'=cmd|' /C calc'!A0", "ok"]
    assert out["n"].tolist() == [-1, 2]
    assert out["amt"].tolist() == ["-1.00", "'+1"]
    assert f["id"][0].startswith("=")  # the input is not changed


def test_mask_id_and_ids_in_messages():
    assert mask_id("110101199003074514") == "110101**********14"
    msg = "Invalid datetime value 110101199003074514 in row 3, old id 110101900307451"
    masked = mask_ids_in_text(msg)
    assert "110101199003074514" not in masked and "110101900307451" not in masked
    assert "row 3" in masked
    assert mask_ids_in_text("amount 90071992547409.93") == "amount 90071992547409.93"
