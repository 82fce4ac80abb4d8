"""Check characters of resident identity numbers (GB 11643) and credit codes (GB 32100).

Computed over whole columns with numpy: a month of a large city names millions of ids. Tests hold
both to python-stdnum's ``calc_check_digit`` (the reference). County codes are *not* looked up
(indicators.md, "ID checks"): an ID carries the code of the place where it was issued, which may be
younger than its holder.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, overload

import numpy as np
import pandas as pd

IdsLike = str | Iterable[str] | pd.Series

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


def _as_series(ids: IdsLike) -> tuple[pd.Series, bool]:
    """(ids as a text Series, whether one id was given as a str): every helper here takes one id,
    a sequence of ids, or a Series, and answers in kind (a scalar for a str)."""
    if isinstance(ids, pd.Series):
        return ids, False
    if isinstance(ids, str):
        return pd.Series([ids], dtype="str"), True
    return pd.Series(list(ids), dtype="str"), False


def _in_kind(result: pd.Series, scalar: bool) -> Any:
    if not scalar:
        return result
    value = result.iloc[0]
    return None if value is pd.NA else (bool(value) if isinstance(value, np.bool_) else value)


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


@overload
def ric_check_characters(ids: str) -> str | None: ...  # type: ignore[overload-overlap]
@overload
def ric_check_characters(ids: Iterable[str] | pd.Series) -> pd.Series: ...
def ric_check_characters(ids: IdsLike) -> Any:
    """The check character each 17-digit body calls for (NA where the body is not 17 digits).
    One id (a str) gives one character (None)."""
    ids, scalar = _as_series(ids)
    return _in_kind(_ric_check_characters(ids), scalar)


def _ric_check_characters(ids: pd.Series) -> pd.Series:
    s = ids.astype("str")
    body_ok = s.str.fullmatch(r"\d{17}.?").fillna(False).to_numpy(dtype=bool)
    out = pd.Series(pd.NA, index=ids.index, dtype="str")
    if body_ok.any():
        digits = _as_bytes(s[body_ok].str.slice(0, 17), 17).astype(np.int64) - 48
        total = digits @ RIC_WEIGHTS
        out[body_ok] = RIC_CHECK[total % 11]
    return out


RIC_CHECKS = ("length", "characters", "birth date", "check character", "province code")


@overload
def ric_failure(ids: str, not_after: date | None = None) -> str: ...  # type: ignore[overload-overlap]
@overload
def ric_failure(ids: Iterable[str] | pd.Series, not_after: date | None = None) -> pd.Series: ...
def ric_failure(ids: IdsLike, not_after: date | None = None) -> Any:
    """Which GB 11643 check each id fails first, one of :data:`RIC_CHECKS`, or ``""`` for a valid
    id: ``length`` (not 18 characters), ``characters`` (not 17 digits and a digit or ``X``),
    ``birth date`` (not a real date, or after ``not_after``), ``check character``, ``province
    code`` (the first two digits name no province nor a residence permit)."""
    ids, scalar = _as_series(ids)
    s = normalize_person_ids(ids)
    out = np.full(len(s), "", dtype=object)
    length_ok = (s.str.len() == 18).fillna(False).to_numpy(dtype=bool)
    out[~length_ok] = "length"
    fmt = s.str.fullmatch(r"\d{17}[\dX]").fillna(False).to_numpy(dtype=bool)
    out[length_ok & ~fmt] = "characters"
    if fmt.any():
        good = s[fmt]
        birth = pd.to_datetime(good.str.slice(6, 14), format="%Y%m%d", errors="coerce")
        birth_ok = birth.notna().to_numpy(dtype=bool)
        if not_after is not None:
            birth_ok = birth_ok & (birth <= pd.Timestamp(not_after)).fillna(False).to_numpy(
                dtype=bool
            )
        check_ok = (_ric_check_characters(good) == good.str.slice(17, 18)).to_numpy(dtype=bool)
        prov_ok = good.str.slice(0, 2).isin(PROVINCE_PREFIXES).to_numpy(dtype=bool)
        reason = np.where(
            ~birth_ok,
            "birth date",
            np.where(~check_ok, "check character", np.where(~prov_ok, "province code", "")),
        )
        out[fmt] = reason
    return _in_kind(pd.Series(out, index=ids.index, dtype="str"), scalar)


@overload
def ric_valid(ids: str, not_after: date | None = None) -> bool: ...  # type: ignore[overload-overlap]
@overload
def ric_valid(ids: Iterable[str] | pd.Series, not_after: date | None = None) -> pd.Series: ...
def ric_valid(ids: IdsLike, not_after: date | None = None) -> Any:
    """GB 11643 validity as indicators.md defines it: for a Series or a sequence of ids a bool
    Series, for one id (a str) a bool.

    18 characters, 17 digits and a digit or ``X``, a real birth date not after ``not_after``, the
    right check character, and a first two digits naming a province or a residence permit
    (:func:`ric_failure` says which check an invalid id fails).
    """
    ids, scalar = _as_series(ids)
    failure = ric_failure(ids, not_after)
    return _in_kind(pd.Series((failure == "").to_numpy(dtype=bool), index=ids.index), scalar)


def ric_profile(ids: IdsLike) -> pd.DataFrame:
    """Birth date and sex encoded in each id (``birth_date`` NaT, ``sex`` NA where unreadable);
    one row per id, also for one id given as a str."""
    ids, _ = _as_series(ids)
    s = normalize_person_ids(ids)
    birth = pd.to_datetime(s.str.slice(6, 14), format="%Y%m%d", errors="coerce")
    seq = pd.to_numeric(s.str.slice(16, 17), errors="coerce")
    sex = pd.Series(np.where(seq % 2 == 1, "M", "F"), index=ids.index, dtype="str")
    sex = sex.where(seq.notna())
    return pd.DataFrame({"birth_date": birth.astype("datetime64[s]"), "sex": sex})


@overload
def uscc_check_characters(codes: str) -> str | None: ...
@overload
def uscc_check_characters(codes: Iterable[str] | pd.Series) -> pd.Series: ...
def uscc_check_characters(codes: IdsLike) -> Any:
    """The check character each 17-character body calls for (NA where the body is not of the
    alphabet). One code (a str) gives one character (None)."""
    codes, scalar = _as_series(codes)
    return _in_kind(_uscc_check_characters(codes), scalar)


def _uscc_check_characters(codes: pd.Series) -> pd.Series:
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


@overload
def uscc_valid(codes: str) -> bool: ...
@overload
def uscc_valid(codes: Iterable[str] | pd.Series) -> pd.Series: ...
def uscc_valid(codes: IdsLike) -> Any:
    """GB 32100 validity: 18 characters of the alphabet and the right check character (a bool
    Series, or a bool for one code given as a str)."""
    codes, scalar = _as_series(codes)
    return _in_kind(_uscc_valid(codes), scalar)


def _uscc_valid(codes: pd.Series) -> pd.Series:
    s = codes.astype("str").str.strip()
    fmt = s.str.fullmatch(f"[{USCC_ALPHABET}]{{18}}").fillna(False).to_numpy(dtype=bool)
    valid = np.zeros(len(s), dtype=bool)
    if fmt.any():
        good = s[fmt]
        valid[fmt] = (_uscc_check_characters(good) == good.str.slice(17, 18)).to_numpy(dtype=bool)
    return pd.Series(valid, index=codes.index)
