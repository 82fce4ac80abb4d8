"""Valid identifiers for tests."""

from __future__ import annotations

import pandas as pd

from fundrules.schema.identifiers import ric_check_characters, uscc_check_characters


def person_id(birth: str = "19600101", seq: int = 1, region: str = "120101") -> str:
    """A valid resident id: region, birth date YYYYMMDD, sequence (odd = male), check char."""
    body = f"{region}{birth}{seq:03d}"
    return body + ric_check_characters(pd.Series([body]))[0]


def employer_id(body: str = "91120000MA05ABCD1") -> str:
    """A valid unified social credit code with the given 17-character body."""
    return body + uscc_check_characters(pd.Series([body]))[0]
