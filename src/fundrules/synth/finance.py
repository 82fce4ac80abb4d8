"""Financial and report data that agree with the business data to the fen.

The ledger is derived from the final business tables (cash basis: benefits and
contributions by paid month, medical settlements by period), so every plant above is
booked. Fund-level anomalies then go one insurance each, in the target period:
pension ``fund.low_months_payable`` (a transfer out leaves 4 months), unemployment
``fund.business_ledger_mismatch`` (one extra fen booked), medical
``fund.report_arithmetic`` (one district's closing balance off by a fen), maternity
``fund.report_ledger_mismatch`` (a district line and its totals off by a fen, the
report itself adding up). Account anomalies sit on fresh accounts funded from the
fiscal special account, so balances still sum to the closing balance.
"""

from __future__ import annotations

import numpy as np

from .dates import mn_of
from .insurances import INJURY, MATERNITY, MEDICAL, PENSION, UNEMPLOYMENT
from .schema import EXPENDITURE_ITEMS, INCOME_ITEMS
from .world import Coded, World

DISTRICT_SPLIT = {
    PENSION: (["120101", "120103", "120116"], [0.45, 0.35, 0.20]),
    MEDICAL: (["120102", "120104", "120110"], [0.5, 0.3, 0.2]),
    UNEMPLOYMENT: (["120105", "120113"], [0.6, 0.4]),
    INJURY: (["120000"], [1.0]),
    MATERNITY: (["120000"], [1.0]),
}
CODE = {
    PENSION: "PEN",
    MEDICAL: "MED",
    INJURY: "INJ",
    UNEMPLOYMENT: "UNE",
    MATERNITY: "MAT",
}
BANKS = ["中国工商银行天津市分行", "中国建设银行天津市分行", "中国农业银行天津市分行", "天津银行"]
#: an insurance the table above does not name: reported at city level, coded by its name
CITY_LEVEL: tuple[list[str], list[float]] = (["120000"], [1.0])


def _code(ins: str) -> str:
    return CODE.get(ins) or ins.upper().replace("_", "")[:6]


ITEMS = list(INCOME_ITEMS) + list(EXPENDITURE_ITEMS)
ACCOUNT_TYPES = ["income", "expenditure", "fiscal_special"]


def _col(chunk: dict, name: str, n: int) -> np.ndarray:
    v = chunk.get(name)
    return np.broadcast_to(np.asarray(v), (n,)) if np.ndim(v) == 0 else np.asarray(v)


def _ins_of(w: World, chunk: dict, n: int) -> np.ndarray:
    names = w.insurances
    v = chunk["insurance"]
    if isinstance(v, str):
        return np.full(n, names.index(v))
    if isinstance(v, Coded):
        return np.array([names.index(x) for x in v.vocab], np.int64)[v.codes]
    return np.array([names.index(x) for x in np.asarray(v)], np.int64)


def _months_of(chunk: dict, name: str, n: int) -> np.ndarray:
    v = _col(chunk, name, n)
    if np.issubdtype(v.dtype, np.datetime64):
        return mn_of(v)
    return v.astype(np.int64)


def tally(w: World) -> None:
    """Add the batch about to be written (``w.chunks``) to the cash the books will carry."""
    now = business_totals(w)
    if w.cash_totals is None:
        w.cash_totals = now
    else:
        for k, v in now.items():
            w.cash_totals[k] += v


def business_totals(w: World) -> dict[str, np.ndarray]:
    """Cash per insurance and window month of the rows held now (one batch): benefits out,
    contributions in (fen). Benefits and contributions by paid month; the plugins' own tables
    as their parts declare (``Cash``)."""
    m0, nm = w.months[0], w.months.size
    k = len(w.insurances)
    out = {"benefits": np.zeros((k, nm), np.int64), "contrib": np.zeros((k, nm), np.int64)}
    out["contrib_employer"] = np.zeros((k, nm), np.int64)
    for c in w.chunks.get("benefits", []):
        n = c["__n"]
        m = mn_of(_col(c, "paid_date", n)) - m0
        _check(m, nm, "benefits")
        np.add.at(out["benefits"], (_ins_of(w, c, n), m), _col(c, "amount", n).astype(np.int64))
    for c in w.chunks.get("contributions", []):
        n = c["__n"]
        m = mn_of(_col(c, "paid_date", n)) - m0
        _check(m, nm, "contributions")
        ins = _ins_of(w, c, n)
        e = _col(c, "employer_amount", n).astype(np.int64)
        p = _col(c, "person_amount", n).astype(np.int64)
        flat = ins * nm + m
        out["contrib"] += _sums(flat, e + p, k * nm).reshape(k, nm)
        out["contrib_employer"] += _sums(flat, e, k * nm).reshape(k, nm)
    for cash in w.cash:
        i = w.insurances.index(cash.insurance)
        key = "benefits" if cash.measure == "benefits" else "contrib"
        for c in w.chunks.get(cash.table, []):
            n = c["__n"]
            m = _months_of(c, cash.month, n) - m0
            _check(m, nm, cash.table)
            out[key][i] += _sums(m, _col(c, cash.amount, n).astype(np.int64), nm)
    return out


def _sums(bins: np.ndarray, fen: np.ndarray, size: int) -> np.ndarray:
    """Exact int64 sums per bin (no float on the way)."""
    out = np.zeros(size, np.int64)
    np.add.at(out, bins, fen)
    return out


def _check(m: np.ndarray, nm: int, table: str) -> None:
    if m.size and (m.min() < 0 or m.max() >= nm):
        raise AssertionError(f"{table}: cash outside the window the ledger covers")


def build(w: World) -> None:
    """The books of every batch written so far (each :func:`tally`-ed before it was written)."""
    rng = w.rng
    if w.cash_totals is None:
        tally(w)
    tot = w.cash_totals
    assert tot is not None
    nm = w.months.size
    entries: list[tuple[int, int, int, int, int]] = []  # ins, month, account_type, item, amount

    def book(ins: int, k: int, acct: str, item: str, amount: int) -> None:
        entries.append((ins, k, ACCOUNT_TYPES.index(acct), ITEMS.index(item), int(amount)))

    k_ins = len(w.insurances)
    closing = np.zeros((k_ins, nm), np.int64)
    opening = np.zeros(k_ins, np.int64)
    be = tot["benefits"]
    for i, ins in enumerate(w.insurances):
        avg = max(int(be[i].mean()), 10_000_000)
        opening[i] = 60 * avg + int(rng.integers(0, 10**8))
        prev = opening[i]
        for k in range(nm):
            c_emp = int(tot["contrib_employer"][i, k])
            c_all = int(tot["contrib"][i, k])
            if c_emp:
                book(i, k, "income", "contribution_income", c_emp)
            if c_all - c_emp:
                book(i, k, "income", "contribution_income", c_all - c_emp)
            b = int(be[i, k])
            part = b * 3 // 5
            book(i, k, "expenditure", "benefit_expenditure", part)
            book(i, k, "expenditure", "benefit_expenditure", b - part)
            if ins == PENSION and k == 1:  # a booking reversed the same month
                book(i, k, "expenditure", "benefit_expenditure", 1_234_567)
                book(i, k, "expenditure", "benefit_expenditure", -1_234_567)
            if ins in (PENSION, MEDICAL):
                book(
                    i,
                    k,
                    "fiscal_special",
                    "fiscal_subsidy",
                    b * (20 if ins == PENSION else 10) // 100,
                )
                book(i, k, "income", "other_income", c_all // 1000)
            if ins == UNEMPLOYMENT:
                book(i, k, "expenditure", "other_expenditure", b // 20)
            book(i, k, "fiscal_special", "interest_income", prev * 135 // 120_000)
            if ins == PENSION and k == nm - 1 and w.rates.get("fund.low_months_payable", 0) > 0:
                flows = _flows(entries, i, k)
                target = 4 * b  # four months of benefit expenditure left
                book(i, k, "expenditure", "transfer_out", prev + flows - target)
                w.mark("fund.low_months_payable", "fund", [ins])
            if (
                ins == UNEMPLOYMENT
                and k == nm - 1
                and w.rates.get("fund.business_ledger_mismatch", 0) > 0
            ):
                book(
                    i, k, "expenditure", "benefit_expenditure", 1
                )  # one fen with nothing behind it
                w.mark("fund.business_ledger_mismatch", "fund", [ins])
            prev = prev + _flows(entries, i, k)
            closing[i, k] = prev

    arr = np.array(entries, dtype=np.int64)
    order = rng.permutation(arr.shape[0])
    arr = arr[order]
    w.emit(
        "ledger",
        insurance=Coded(arr[:, 0], list(w.insurances)),
        period=w.months[arr[:, 1]],
        account_type=Coded(arr[:, 2], ACCOUNT_TYPES),
        item=Coded(arr[:, 3], ITEMS),
        amount=arr[:, 4],
    )
    ledger = np.zeros((k_ins, nm, len(ITEMS)), np.int64)
    present = np.zeros((k_ins, nm, len(ITEMS)), bool)
    np.add.at(ledger, (arr[:, 0], arr[:, 1], arr[:, 3]), arr[:, 4])
    present[arr[:, 0], arr[:, 1], arr[:, 3]] = True
    _reports(w, ledger, present, opening)
    _accounts(w, closing, ledger)


def _flows(entries: list[tuple[int, int, int, int, int]], i: int, k: int) -> int:
    n_inc = len(INCOME_ITEMS)
    s = 0
    for ins, kk, _a, item, amt in entries:
        if ins == i and kk == k:
            s += amt if item < n_inc else -amt
    return s


def _split(total: int, weights: list[float]) -> list[int]:
    parts = [int(np.floor(total * x)) for x in weights[:-1]]
    return [*parts, total - sum(parts)]


def _reports(w: World, ledger: np.ndarray, present: np.ndarray, opening: np.ndarray) -> None:
    nm = w.months.size
    n_inc = len(INCOME_ITEMS)
    rows: list[tuple[str, int, str, str, int]] = []
    for i, ins in enumerate(w.insurances):
        regions, weights = DISTRICT_SPLIT.get(ins, CITY_LEVEL)
        prev = _split(int(opening[i]), weights)
        for k in range(nm):
            m = int(w.months[k])
            inc = [0] * len(regions)
            exp = [0] * len(regions)
            for j, item in enumerate(ITEMS):
                if not present[i, k, j]:
                    continue
                parts = _split(int(ledger[i, k, j]), weights)
                for r, reg in enumerate(regions):
                    rows.append((ins, m, reg, item, parts[r]))
                    if j < n_inc:
                        inc[r] += parts[r]
                    else:
                        exp[r] += parts[r]
            for r, reg in enumerate(regions):
                prev[r] = prev[r] + inc[r] - exp[r]
                rows.append((ins, m, reg, "total_income", inc[r]))
                rows.append((ins, m, reg, "total_expenditure", exp[r]))
                rows.append((ins, m, reg, "closing_balance", prev[r]))
    P = w.P
    if w.rates.get("fund.report_arithmetic", 0) > 0:
        # medical: one district's closing balance one fen off
        j = next(
            n
            for n, r in enumerate(rows)
            if r[0] == MEDICAL and r[1] == P and r[3] == "closing_balance"
        )
        r = rows[j]
        rows[j] = (r[0], r[1], r[2], r[3], r[4] + 1)
        w.mark("fund.report_arithmetic", "fund", [MEDICAL])
    if w.rates.get("fund.report_ledger_mismatch", 0) > 0:
        # maternity: a line, its total and the closing balance one fen up (adds up, disagrees)
        for n, r in enumerate(rows):
            if (
                r[0] == MATERNITY
                and r[1] == P
                and r[3] in ("contribution_income", "total_income", "closing_balance")
            ):
                rows[n] = (r[0], r[1], r[2], r[3], r[4] + 1)
        w.mark("fund.report_ledger_mismatch", "fund", [MATERNITY])
    ins, mon, reg, line, amt = zip(*rows, strict=True)
    w.emit(
        "fund_reports",
        insurance=list(ins),
        period=np.array(mon, np.int64),
        region_code=list(reg),
        line=list(line),
        amount=np.array(amt, np.int64),
    )


def _accounts(w: World, closing: np.ndarray, ledger: np.ndarray) -> None:
    rng = w.rng
    nm = w.months.size
    be_item = ITEMS.index("benefit_expenditure")
    rows: list[tuple[str, str, str, str, int, int, float, bool]] = []
    fis2: dict[tuple[int, int], int] = {}
    for i, ins in enumerate(w.insurances):
        c = _code(ins)
        bank = BANKS[i % len(BANKS)]
        for k in range(nm):
            m = int(w.months[k])
            be = int(ledger[i, k, be_item])
            exp = be // 2
            rest = int(closing[i, k]) - exp
            f1 = rest * 3 // 10
            rows.append((f"TJ-{c}-INC-01", ins, "income", bank, m, 0, 0.35, True))
            rows.append((f"TJ-{c}-EXP-01", ins, "expenditure", bank, m, exp, 0.35, True))
            rows.append((f"TJ-{c}-FIS-01", ins, "fiscal_special", bank, m, f1, 0.35, True))
            fis2[(i, k)] = len(rows)
            rows.append(
                (
                    f"TJ-{c}-FIS-02",
                    ins,
                    "fiscal_special",
                    BANKS[(i + 1) % 4],
                    m,
                    rest - f1,
                    1.45,
                    True,
                )
            )
            if ins == PENSION:  # a closed account the fund may no longer hold, empty
                rows.append((f"TJ-{c}-OLD-01", ins, "fiscal_special", BANKS[3], m, 0, 0.35, False))

    last = nm - 1
    be_p = {i: int(ledger[i, last, be_item]) for i in range(len(w.insurances))}
    hosts = [w.insurances.index(x) for x in (MEDICAL, INJURY, UNEMPLOYMENT, MATERNITY)]

    def move(i: int, amount: int) -> None:
        j = fis2[(i, last)]
        r = rows[j]
        if r[5] - amount <= 0:
            raise AssertionError("fiscal special account would go negative")
        rows[j] = (*r[:5], r[5] - amount, *r[6:])

    # near miss: an expenditure account with exactly two months of benefit expenditure
    i = w.insurances.index(MEDICAL)
    move(i, 2 * be_p[i])
    rows.append(
        (
            f"TJ-{CODE[MEDICAL]}-EXP-02",
            MEDICAL,
            "expenditure",
            BANKS[0],
            int(w.P),
            2 * be_p[i],
            0.35,
            True,
        )
    )
    w.near_miss(
        "fund.idle_expenditure_balance",
        "account",
        [f"TJ-{CODE[MEDICAL]}-EXP-02"],
        "exactly 2 months",
    )
    w.near_miss(
        "fund.low_deposit_rate", "account", [f"TJ-{CODE[MEDICAL]}-EXP-02"], "rate exactly 0.35"
    )
    w.near_miss(
        "fund.non_designated_account",
        "account",
        [f"TJ-{CODE[PENSION]}-OLD-01"],
        "not designated, empty",
    )

    plan = [
        ("fund.non_designated_account", "fiscal_special", "NDA"),
        ("fund.idle_expenditure_balance", "expenditure", "IDL"),
        ("fund.income_account_not_swept", "income", "UNS"),
        ("fund.low_deposit_rate", "fiscal_special", "LDR"),
    ]
    for code, acct, tag in plan:
        n = min(w.count(code), 5)
        ids = []
        for k in range(n):
            i = hosts[k % len(hosts)]
            ins = w.insurances[i]
            aid = f"TJ-{_code(ins)}-{tag}-{k + 1:02d}"
            rate, designated = 0.35 + float(rng.integers(0, 100)) / 100, True
            if code == "fund.non_designated_account":
                bal, designated = int(rng.integers(1_000_000, 50_000_000)), False
            elif code == "fund.idle_expenditure_balance":
                bal = 2 * be_p[i] + 1 if k == 0 else 3 * be_p[i]
            elif code == "fund.income_account_not_swept":
                bal = 1 if k == 0 else int(rng.integers(100_000, 10_000_000))
            else:
                bal = int(rng.integers(1_000_000, 50_000_000))
                rate = 0.34 if k == 0 else float(rng.integers(0, 31)) / 100
            move(i, bal)
            rows.append((aid, ins, acct, BANKS[k % 4], int(w.P), bal, rate, designated))
            ids.append(aid)
        w.mark(code, "account", ids)

    aid, ins, acct, bank, mon, bal, rate, des = zip(*rows, strict=True)
    w.emit(
        "bank_accounts",
        account_id=list(aid),
        insurance=list(ins),
        account_type=list(acct),
        bank_name=list(bank),
        period=np.array(mon, np.int64),
        balance=np.array(bal, np.int64),
        interest_rate=np.array(rate, np.float64),
        designated=np.array(des, bool),
    )


__all__ = ["build", "business_totals", "tally"]
