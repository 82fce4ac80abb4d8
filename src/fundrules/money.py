"""Money given by people: yuan in, exact int fen out, never through a binary float.

Amounts inside fundrules are int64 fen. Where a person writes an amount (a parameter in YAML or a
mapping, an option), it is yuan: decimal text (``"2320.50"``), a :class:`~decimal.Decimal` or an
int. A float that YAML made of ``2320.5`` is read through its shortest decimal repr
(``str(2320.5) == "2320.5"``), which is the text the person wrote; more than two decimals is
refused, never rounded (docs/decisions.md D14).
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

FEN_PER_YUAN = 100


class MoneyError(ValueError):
    """An amount that is not a yuan amount with at most two decimals."""


def fen_from_yuan(value: object) -> int:
    """Exact fen of a yuan amount given as decimal text, Decimal, int or float (via its repr).

    Raises :class:`MoneyError` for anything else, non-finite values and more than two decimals.
    """
    if isinstance(value, bool):
        raise MoneyError(f"{value!r} is not an amount of yuan")
    if isinstance(value, int):
        return value * FEN_PER_YUAN
    if isinstance(value, float):
        if not math.isfinite(value):
            raise MoneyError(f"{value!r} is not an amount of yuan")
        text = repr(value)
    elif isinstance(value, Decimal):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
    else:
        raise MoneyError(
            f"{value!r} is not an amount of yuan (give decimal text such as '2320.50')"
        )
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise MoneyError(f"{value!r} is not an amount of yuan") from None
    if not amount.is_finite():
        raise MoneyError(f"{value!r} is not an amount of yuan")
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise MoneyError(f"{value!r} has more than two decimals: yuan amounts are exact to the fen")
    return int(fen)


def yuan_text(fen: int) -> str:
    """Two-decimal yuan text of int fen: ``232050 → "2320.50"``, ``-5 → "-0.05"``."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(int(fen)), FEN_PER_YUAN)
    return f"{sign}{whole}.{part:02d}"
