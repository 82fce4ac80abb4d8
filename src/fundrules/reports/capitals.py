"""Amounts in Chinese capitals (大写金额), as notices and bank documents write them.

The rules are those of the People's Bank's settlement measures (支付结算办法, 附件一): digits
零壹贰叁肆伍陆柒捌玖 with the units 拾佰仟万亿; a run of zeros inside the number is read as one
零; an amount that ends at 元 or 角 ends with 整; an amount of no yuan starts at 角 or 分
(0.05 → 伍分). Between 元 and 角 no 零 is written when the yuan end in zero (the measures allow
either; docs/decisions.md D62).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("仟", "佰", "拾", "")
#: Largest amount written: below 10^16 yuan (the 万亿 section is the last one).
LIMIT = Decimal(10) ** 16


def _group(value: int) -> str:
    """1..9999 in capitals, inner zeros read once, trailing zeros silent (1010 → 壹仟零壹拾)."""
    digits = f"{value:04d}"
    out: list[str] = []
    zero = False
    started = False
    for d, place in zip(digits, _PLACES, strict=True):
        if d == "0":
            zero = started
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[int(d)] + place)
        started = True
    return "".join(out)


def _yuan(value: int) -> str:
    """A positive whole number of yuan in capitals, without 元."""
    groups = []
    while value:
        groups.append(value % 10_000)
        value //= 10_000
    out: list[str] = []
    pending_zero = False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or g < 1000):
            out.append("零")
        pending_zero = False
        out.append(_group(g))
        if i == 3:
            out.append("万亿" if groups[2] == 0 else "万")
        elif i:
            out.append(("", "万", "亿")[i])
    return "".join(out)


def amount_in_capitals(amount: Decimal | int | str) -> str:
    """``Decimal("12345.67")`` → 壹万贰仟叁佰肆拾伍元陆角柒分; ``10000.05`` → 壹万元零伍分;
    ``100`` → 壹佰元整; a negative amount is preceded by 负. Exact: an amount with more than two
    decimal places (a fraction of a fen) is refused, never rounded."""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except InvalidOperation:
        raise ValueError(f"not an amount: {amount!r}") from None
    if not value.is_finite():
        raise ValueError(f"not an amount: {amount!r}")
    fen_exact = value.scaleb(2)
    if fen_exact != fen_exact.to_integral_value():
        raise ValueError(
            f"amount {amount} has a fraction of a fen; capitals are written to the fen"
        )
    if abs(value) >= LIMIT:
        raise ValueError(f"amount {amount} is too large to write in capitals (limit 10^16 yuan)")
    fen = int(fen_exact)
    sign = "负" if fen < 0 else ""
    fen = abs(fen)
    yuan, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    if fen == 0:
        return "零元整"
    head = _yuan(yuan) + "元" if yuan else ""
    if jiao == 0 and cents == 0:
        return sign + head + "整"
    tail = ""
    if jiao:
        tail += DIGITS[jiao] + "角"
    elif yuan:
        tail += "零"  # 元零伍分: the empty 角 is read
    tail += DIGITS[cents] + "分" if cents else "整"
    return sign + head + tail
