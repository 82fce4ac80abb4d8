"""Check characters of resident identity numbers (GB 11643) and credit codes (GB 32100).

Computed over whole columns with numpy: a month of a large city names millions of ids. Tests hold
both to python-stdnum's ``calc_check_digit`` (the reference). County codes are *not* looked up
(indicators.md, "ID checks"): an ID carries the code of the place where it was issued, which may be
younger than its holder.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

RIC_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
RIC_CHECK = np.array(list("10X98765432"))
PROVINCE_PREFIXES = frozenset(
    [str(p) for p in (11, 12, 13, 14, 15, 21, 22, 23, 71, 81, 82, 83)]
    + [str(p) for p in range(31, 38)]
    + [str(p) for p in range(41, 47)]
    + [str(p) for p in range(50, 55)]
    + [str(p) for p in range(61, 66)]
)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = np.array(
    [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64
)
_USCC_VALUE = np.full(128, -1, dtype=np.int64)
for _i, _ch in enumerate(USCC_ALPHABET):
    _USCC_VALUE[ord(_ch)] = _i


def _as_bytes(texts: pd.Series, width: int) -> np.ndarray:
    """An (n, width) uint8 matrix of ASCII texts that are all exactly ``width`` long."""
    if len(texts) == 0:
        return np.zeros((0, width), dtype=np.uint8)
    joined = "".join(texts.tolist()).encode("ascii")
    return np.frombuffer(joined, dtype=np.uint8).reshape(-1, width)


def normalize_person_ids(ids: pd.Series) -> pd.Series:
    """Strip blanks and read a lowercase final ``x`` as ``X`` (exchange-schema.md)."""
    s = ids.astype("str").str.strip()
    return s.str.replace(r"x$", "X", regex=True)


def ric_check_characters(ids: pd.Series) -> pd.Series:
    """The check character each 17-digit body calls for (NA where the body is not 17 digits)."""
    s = ids.astype("str")
    body_ok = s.str.fullmatch(r"\d{17}.?").fillna(False).to_numpy(dtype=bool)
    out = pd.Series(pd.NA, index=ids.index, dtype="str")
    if body_ok.any():
        digits = _as_bytes(s[body_ok].str.slice(0, 17), 17).astype(np.int64) - 48
        total = digits @ RIC_WEIGHTS
        out[body_ok] = RIC_CHECK[total % 11]
    return out


def ric_valid(ids: pd.Series, not_after: date | None = None) -> pd.Series:
    """GB 11643 validity as indicators.md defines it, for every id of a column (bool Series).

    18 characters, 17 digits and a digit or ``X``, a real birth date not after ``not_after``, the
    right check character, and a first two digits naming a province or a residence permit.
    """
    s = normalize_person_ids(ids)
    fmt = s.str.fullmatch(r"\d{17}[\dX]").fillna(False).to_numpy(dtype=bool)
    valid = np.zeros(len(s), dtype=bool)
    if fmt.any():
        good = s[fmt]
        check_ok = (ric_check_characters(good) == good.str.slice(17, 18)).to_numpy(dtype=bool)
        prov_ok = good.str.slice(0, 2).isin(PROVINCE_PREFIXES).to_numpy(dtype=bool)
        birth = pd.to_datetime(good.str.slice(6, 14), format="%Y%m%d", errors="coerce")
        birth_ok = birth.notna().to_numpy(dtype=bool)
        if not_after is not None:
            birth_ok = birth_ok & (birth <= pd.Timestamp(not_after)).fillna(False).to_numpy(
                dtype=bool
            )
        valid[fmt] = check_ok & prov_ok & birth_ok
    return pd.Series(valid, index=ids.index)


def ric_profile(ids: pd.Series) -> pd.DataFrame:
    """Birth date and sex encoded in each id (``birth_date`` NaT, ``sex`` NA where unreadable)."""
    s = normalize_person_ids(ids)
    birth = pd.to_datetime(s.str.slice(6, 14), format="%Y%m%d", errors="coerce")
    seq = pd.to_numeric(s.str.slice(16, 17), errors="coerce")
    sex = pd.Series(np.where(seq % 2 == 1, "M", "F"), index=ids.index, dtype="str")
    sex = sex.where(seq.notna())
    return pd.DataFrame({"birth_date": birth.astype("datetime64[s]"), "sex": sex})


def uscc_check_characters(codes: pd.Series) -> pd.Series:
    """The check character each 17-character body calls for (NA where the body is not of the
    alphabet)."""
    s = codes.astype("str")
    pattern = f"[{USCC_ALPHABET}]{{17}}.?"
    body_ok = s.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
    out = pd.Series(pd.NA, index=codes.index, dtype="str")
    if body_ok.any():
        chars = _as_bytes(s[body_ok].str.slice(0, 17), 17)
        values = _USCC_VALUE[chars]
        total = values @ USCC_WEIGHTS
        alphabet = np.array(list(USCC_ALPHABET))
        out[body_ok] = alphabet[(31 - total % 31) % 31]
    return out


def uscc_valid(codes: pd.Series) -> pd.Series:
    """GB 32100 validity: 18 characters of the alphabet and the right check character."""
    s = codes.astype("str").str.strip()
    fmt = s.str.fullmatch(f"[{USCC_ALPHABET}]{{18}}").fillna(False).to_numpy(dtype=bool)
    valid = np.zeros(len(s), dtype=bool)
    if fmt.any():
        good = s[fmt]
        valid[fmt] = (uscc_check_characters(good) == good.str.slice(17, 18)).to_numpy(dtype=bool)
    return pd.Series(valid, index=codes.index)
