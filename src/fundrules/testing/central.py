"""Hand-tuned strategies for the central relations of the exchange schema.

The generic strategy (``generic.py``) makes valid rows of any table; these make rows that *mean*
something together, so that indicators fire on some examples and not on others: payments for the
month of a death and the month after, prison spells around payment months, duplicate and reversed
payments, pensions that rise by exactly 20 % or one fen more, a ledger that matches the business
data to the fen or misses by one, reports that add up or not, balances at a limit or one fen over,
overlapping, adjacent and split hospital stays with items inside and just outside them.

Each generator returns typed rows (``date``, int fen, month numbers); a column a generator does not
fill, or fills with a value the declaration refuses, is drawn by the generic strategy instead, so a
plugin that declares a table a little differently still gets valid data.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from hypothesis import strategies as st

from fundrules.period import first_day, last_day
from fundrules.schema import EXPENDITURE_ITEMS, INCOME_ITEMS, INSURANCES

from .generic import NAMES, TEXT_POOLS
from .hints import Built, Generator, Rows, TestData, Vocab
from .hints import maybe as _optional
from .hints import vocabulary_values as _vocab
from .world import OTHER_REGIONS, TIANJIN_DISTRICTS, World, dates_near

DELTAS_FEN: tuple[int, ...] = (0, 0, 1, -1, 10000)


def _insurance(draw: st.DrawFn, world: World, insurances: list[str]) -> str:
    """An insurance: the world's focus three times in four, when it has one."""
    if world.focus in insurances and draw(st.sampled_from((True, True, True, False))):
        return world.focus
    return draw(st.sampled_from(insurances))


def _benefit_type(draw: st.DrawFn, world: World, types: list[str]) -> str:
    """A benefit type: one of the focus insurance's three times in four, where known."""
    mine = [t for t in types if world.benefit_types.get(t) == world.focus]
    if mine and draw(st.sampled_from((True, True, True, False))):
        return draw(st.sampled_from(mine))
    return draw(st.sampled_from(types))


def _month(d: date) -> int:
    return d.year * 12 + d.month - 1


def _day_in(month: int, which: str) -> date:
    if which == "first":
        return first_day(month)
    if which == "last":
        return last_day(month)
    return first_day(month) + timedelta(days=14)


def persons_rows(draw: st.DrawFn, world: World, vocab: Vocab, built: Built) -> Rows:
    return [
        {
            "person_id": p.person_id,
            "name": _optional(draw, st.sampled_from(NAMES)),
            "sex": p.row_sex,
            "birth_date": p.row_birth,
            "region_code": p.region,
        }
        for p in world.persons
        if p.listed
    ]


def employers_rows(draw: st.DrawFn, world: World, vocab: Vocab, built: Built) -> Rows:
    return [
        {
            "employer_id": e.employer_id,
            "name": _optional(draw, st.sampled_from(("天津某制造有限公司", "天津某商贸有限公司"))),
            "region_code": e.region,
            "industry_code": _optional(draw, st.sampled_from(TEXT_POOLS["industry_code"])),
            "established_date": e.established,
        }
        for e in world.employers
    ]


def enrollments_rows(draw: st.DrawFn, world: World, vocab: Vocab, built: Built) -> Rows:
    insurances = _vocab(vocab, "insurance", INSURANCES)
    rows: Rows = []
    for p in world.persons:
        for _ in range(draw(st.integers(0, 2))):
            employee = bool(world.employers) and draw(st.booleans())
            start = draw(dates_near(world.period, before_days=1500))
            end = _optional(
                draw,
                st.sampled_from((0, 1, 30, 31, 180, 365)).map(
                    lambda d, s=start: s + timedelta(days=d)
                ),
            )
            rows.append(
                {
                    "person_id": p.person_id,
                    "insurance": _insurance(draw, world, insurances),
                    "scheme": "employee" if employee else "resident",
                    "employer_id": draw(st.sampled_from(world.employers)).employer_id
                    if employee
                    else None,
                    "start_date": start,
                    "end_date": end,
                }
            )
    return rows


def contributions_rows(draw: st.DrawFn, world: World, vocab: Vocab, built: Built) -> Rows:
    insurances = _vocab(vocab, "insurance", INSURANCES)
    P = world.period
    rows: Rows = []
    for p in world.persons:
        for _ in range(draw(st.integers(0, 3))):
            employer = (
                draw(st.sampled_from(world.employers)).employer_id
                if world.employers and draw(st.booleans())
                else None
            )
            offset = draw(st.sampled_from((0, 0, -1, -2, -12, -24, -60, 1)))
            period = P + offset
            back = offset <= -2 and draw(st.booleans())
            paid = first_day(P if back or offset >= 0 else period) + timedelta(
                days=draw(st.sampled_from((14, 0, 30)))
            )
            base = draw(st.sampled_from((500000, 350000, 800000)))
            rows.append(
                {
                    "person_id": p.person_id,
                    "employer_id": employer,
                    "insurance": _insurance(draw, world, insurances),
                    "period": period,
                    "base": base,
                    "employer_amount": base * 16 // 100
                    if employer and draw(st.sampled_from((True, True, False)))
                    else 0,
                    "person_amount": base * 8 // 100,
                    "paid_date": min(paid, last_day(P + 1)),
                    "back_payment": back,
                }
            )
    return rows


def benefits_rows(draw: st.DrawFn, world: World, vocab: Vocab, built: Built) -> Rows:
    """Each person gets a few payment series: one amount for some months around the target
    period, the target month risen by 0, exactly 20 % or 20 % and a fen, sometimes paid twice,
    reversed, or under a second benefit type."""
    types = _vocab(vocab, "benefit_type")
    if not types:
        return []
    insurances = _vocab(vocab, "insurance", INSURANCES)
    P = world.period
    rows: Rows = []
    for p in world.persons:
        for _ in range(draw(st.sampled_from((1, 2, 0)))):
            btype = _benefit_type(draw, world, types)
            insurance = world.benefit_types.get(btype) or _insurance(draw, world, insurances)
            if insurance not in insurances:
                insurance = insurances[0]
            amount = draw(  # monthly pensions and allowances, and lump sums
                st.sampled_from((300000, 250000, 10000, 123456, 232001, 2500000, 2500001))
            )
            offsets = draw(
                st.lists(st.sampled_from((0, -1, 1, -2)), min_size=1, max_size=3, unique=True)
            )
            account = draw(st.sampled_from((*world.payee_accounts, None)))
            for off in sorted(offsets):
                month = P + off
                amt = amount
                if off == 0:
                    amt = draw(st.sampled_from((amount, amount * 6 // 5, amount * 6 // 5 + 1)))
                paid_month = draw(st.sampled_from((month, P)))
                row = {
                    "person_id": p.person_id,
                    "insurance": insurance,
                    "benefit_type": btype,
                    "period": month,
                    "amount": amt,
                    "paid_date": first_day(paid_month) + timedelta(days=9),
                    "bank_account": account,
                    "agency_id": _optional(draw, st.sampled_from(("AG01", "AG02"))),
                    "region_code": _optional(draw, st.sampled_from(TIANJIN_DISTRICTS)),
                }
                rows.append(row)
                extra = draw(st.sampled_from((None, None, None, "twice", "reversal", "both")))
                if extra in ("twice", "both"):
                    rows.append(dict(row))
                if extra in ("reversal", "both"):
                    rows.append({**row, "amount": -amt})
    for i, row in enumerate(rows, start=1):
        row["payment_id"] = f"b{i}"
    return rows


def _event_months(world: World, built: Built, person_id: str) -> list[int]:
    """Months in which the person was paid or treated (from tables generated earlier), else the
    target period: deaths and prison spells are placed around them."""
    months = {
        r[period]
        for name, period in (("benefits", "period"), *((p[0], p[3]) for p in world.payments))
        for r in built.get(name, [])
        if r.get("person_id") == person_id and isinstance(r.get(period), int)
    }
    return sorted(months) or [world.period]


def deaths_rows(draw: st.DrawFn, world: World, vocab: Vocab, built: Built) -> Rows:
    """Deaths of about half the persons, around a month they were paid in: the last day of the
    month before it, its first or last day (the month of death is still due), or long before."""
    rows: Rows = []
    for p in world.persons:
        if not draw(st.booleans()):
            continue
        month = draw(st.sampled_from(_event_months(world, built, p.person_id)))
        day = draw(
            st.one_of(
                st.sampled_from(
                    (
                        last_day(month - 1),
                        first_day(month),
                        last_day(month),
                        first_day(month) + timedelta(days=14),
                        first_day(month - 1),
                    )
                ),
                dates_near(world.period),
            )
        )
        rows.append(
            {
                "person_id": p.person_id,
                "death_date": day,
                "source": _optional(draw, st.sampled_from(TEXT_POOLS["source"])),
            }
        )
    return rows


def incarcerations_rows(draw: st.DrawFn, world: World, vocab: Vocab, built: Built) -> Rows:
    """Prison spells starting in, just before or well before a month the person was paid in, and
    ending in it, after it, or open; their first and last days fall on month boundaries or mid-month."""
    which = st.sampled_from(("first", "last", "mid"))
    rows: Rows = []
    for p in world.persons:
        for _ in range(draw(st.sampled_from((0, 1, 0, 2)))):
            month = draw(st.sampled_from(_event_months(world, built, p.person_id)))
            start_month = month + draw(st.sampled_from((-1, -2, 0, -3, 1, -12)))
            start = _day_in(start_month, draw(which))
            end = None
            if draw(st.booleans()):
                end_month = start_month + draw(st.sampled_from((2, 0, 1, 3)))
                end = max(start, _day_in(end_month, draw(which)))
            rows.append({"person_id": p.person_id, "start_date": start, "end_date": end})
    return rows


def national_benefits_rows(draw: st.DrawFn, world: World, vocab: Vocab, built: Built) -> Rows:
    types = _vocab(vocab, "benefit_type")
    if not types:
        return []
    insurances = _vocab(vocab, "insurance", INSURANCES)
    rows: Rows = []
    for p in world.persons:
        if draw(st.sampled_from((False, False, True))):
            btype = _benefit_type(draw, world, types)
            ins = world.benefit_types.get(btype, insurances[0])
            rows.append(
                {
                    "person_id": p.person_id,
                    "region_code": draw(st.sampled_from(OTHER_REGIONS)),
                    "insurance": ins if ins in insurances else insurances[0],
                    "benefit_type": btype,
                    "period": world.period + draw(st.sampled_from((0, -1))),
                    "amount": draw(st.sampled_from((280000, 0, 150000))),
                }
            )
    return rows


def business_totals(world: World, built: Built) -> dict[tuple[str, str], int]:
    """Cash-basis totals of the target period, as the core reads them (fen)."""
    P = world.period
    out: dict[tuple[str, str], int] = defaultdict(int)
    for r in built.get("benefits", []):
        if _month(r["paid_date"]) == P:
            out[(r["insurance"], "benefit_expenditure")] += r["amount"]
    for r in built.get("contributions", []):
        if _month(r["paid_date"]) == P:
            out[(r["insurance"], "contribution_income")] += (
                r["employer_amount"] + r["person_amount"]
            )
    for table, insurance, amount, period in world.payments:  # the plugins' payment tables
        for r in built.get(table, []):
            if r.get(period) == P and isinstance(r.get(amount), int):
                out[(insurance, "benefit_expenditure")] += r[amount]
    return out


def ledger_rows(draw: st.DrawFn, world: World, vocab: Vocab, built: Built) -> Rows:
    """Ledger entries matching the business totals to the fen, or missing by a fen or more."""
    insurances = _vocab(vocab, "insurance", INSURANCES)
    account_types = _vocab(vocab, "account_type", ("income", "expenditure", "fiscal_special"))
    totals = business_totals(world, built)
    present = sorted({ins for ins, _ in totals} & set(insurances))
    extra = draw(st.lists(st.sampled_from(insurances), max_size=2, unique=True))
    rows: Rows = []
    for ins in sorted(set(present) | set(extra)):
        for period in (world.period, world.period - 1):
            if period != world.period and not draw(st.booleans()):
                continue
            for item in ("benefit_expenditure", "contribution_income"):
                base = totals.get((ins, item), 0) if period == world.period else 0
                amount = base + draw(st.sampled_from(DELTAS_FEN))
                if base == 0 and amount <= 0 and not draw(st.booleans()):
                    continue
                rows.append({"insurance": ins, "period": period, "item": item, "amount": amount})
            for item in draw(
                st.lists(
                    st.sampled_from(
                        tuple(i for i in INCOME_ITEMS + EXPENDITURE_ITEMS if "benefit" not in i)
                    ),
                    max_size=2,
                    unique=True,
                )
            ):
                amount = draw(st.sampled_from((50000, 0, 1, -100)))
                rows.append({"insurance": ins, "period": period, "item": item, "amount": amount})
    for i, row in enumerate(rows, start=1):
        row["entry_id"] = f"e{i}"
        row["account_type"] = draw(st.sampled_from(account_types))
    return rows


def _ledger_sums(built: Built, period: int) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = defaultdict(int)
    for r in built.get("ledger", []):
        if r["period"] == period:
            out[(r["insurance"], r["item"])] += r["amount"]
    return out


def fund_reports_rows(draw: st.DrawFn, world: World, vocab: Vocab, built: Built) -> Rows:
    """District reports whose lines equal the ledger or miss by a fen, totals that add up or
    not, and closing balances at a whole number of months of benefits, or a fen under."""
    insurances = _vocab(vocab, "insurance", INSURANCES)
    P = world.period
    sums = _ledger_sums(built, P)
    with_ledger = sorted({ins for ins, _ in sums})
    chosen = with_ledger or draw(st.lists(st.sampled_from(insurances), max_size=1))
    rows: Rows = []
    for ins in chosen:
        districts = draw(
            st.lists(st.sampled_from(TIANJIN_DISTRICTS[:3]), min_size=1, max_size=2, unique=True)
        )
        spend = max(sums.get((ins, "benefit_expenditure"), 0), 0)
        months = draw(st.sampled_from((6, 9, 2, 12)))
        closing_total = months * spend + draw(st.sampled_from((0, -1, 1, 0)))
        for k, region in enumerate(districts):
            lines: dict[str, int] = {}
            for item in INCOME_ITEMS + EXPENDITURE_ITEMS:
                figure = sums.get((ins, item))
                if figure is None or not draw(st.sampled_from((True, True, False))):
                    continue
                part = figure // len(districts)
                if k == 0:  # the first district carries the remainder
                    part = figure - (len(districts) - 1) * part
                lines[item] = max(part + draw(st.sampled_from((0, 0, 1, -1))), 0)
            income = sum(v for i, v in lines.items() if i in INCOME_ITEMS)
            spent = sum(v for i, v in lines.items() if i in EXPENDITURE_ITEMS)
            if draw(st.booleans()):
                lines["total_income"] = max(income + draw(st.sampled_from((0, 0, 1))), 0)
                lines["total_expenditure"] = max(spent + draw(st.sampled_from((0, 0, 1))), 0)
            closing = closing_total // len(districts)
            if k == 0:
                closing = closing_total - (len(districts) - 1) * closing
            closing = max(closing, 0)
            lines["closing_balance"] = closing
            for line, amount in lines.items():
                rows.append(
                    {
                        "insurance": ins,
                        "period": P,
                        "region_code": region,
                        "line": line,
                        "amount": amount,
                    }
                )
            if draw(st.booleans()):
                previous = (
                    closing
                    - lines.get("total_income", income)
                    + lines.get("total_expenditure", spent)
                )
                previous += draw(st.sampled_from((0, 0, 1)))
                rows.append(
                    {
                        "insurance": ins,
                        "period": P - 1,
                        "region_code": region,
                        "line": "closing_balance",
                        "amount": max(previous, 0),
                    }
                )
    return rows


def bank_accounts_rows(draw: st.DrawFn, world: World, vocab: Vocab, built: Built) -> Rows:
    """Fund accounts: empty, just at the idle limit (2 months of benefits) or a fen over, at the
    minimum deposit rate or just under, designated or not."""
    insurances = _vocab(vocab, "insurance", INSURANCES)
    account_types = _vocab(vocab, "account_type", ("income", "expenditure", "fiscal_special"))
    sums = _ledger_sums(built, world.period)
    rows: Rows = []
    for account in world.accounts:
        ins = draw(st.sampled_from(sorted({i for i, _ in sums}) or insurances))
        spend = max(sums.get((ins, "benefit_expenditure"), 0), 0)
        kind = draw(st.sampled_from(account_types))
        name = _optional(draw, st.sampled_from(TEXT_POOLS["bank_name"]))
        for period in (world.period, world.period - 1):
            if period != world.period and not draw(st.booleans()):
                continue
            rows.append(
                {
                    "account_id": account,
                    "insurance": ins,
                    "account_type": kind,
                    "bank_name": name,
                    "period": period,
                    "balance": draw(st.sampled_from((0, 2 * spend, 2 * spend + 1, 100000, 1))),
                    "interest_rate": draw(st.sampled_from((0.35, 0.34, 0.36, 1.5, 0.0))),
                    "designated": draw(st.sampled_from((True, False, "是", "0"))),
                }
            )
    return rows


CENTRAL: dict[str, Generator] = {
    "persons": persons_rows,
    "employers": employers_rows,
    "enrollments": enrollments_rows,
    "contributions": contributions_rows,
    "benefits": benefits_rows,
    "deaths": deaths_rows,
    "incarcerations": incarcerations_rows,
    "national_benefits": national_benefits_rows,
    "ledger": ledger_rows,
    "fund_reports": fund_reports_rows,
    "bank_accounts": bank_accounts_rows,
}
"""Hand-tuned generators by table name (exchange-schema.md names are fixed)."""

DEPENDS: dict[str, tuple[str, ...]] = {
    "deaths": ("benefits",),
    "incarcerations": ("benefits",),
    "ledger": ("benefits", "contributions"),
    "fund_reports": ("ledger",),
    "bank_accounts": ("ledger",),
}
"""Tables a hand-tuned generator reads, when they are generated too (plus the plugins' payment
tables, see ``hints.test_data``)."""

NEEDS: dict[str, frozenset[str]] = {
    "persons": frozenset({"person"}),
    "employers": frozenset({"employer"}),
    "enrollments": frozenset({"person", "employer"}),
    "contributions": frozenset({"person", "employer"}),
    "benefits": frozenset({"person", "payee"}),
    "bank_accounts": frozenset({"account"}),
}
"""Pools the hand-tuned generators use beyond their tables' declared references."""

CORE_TEST_DATA = TestData(
    generators=CENTRAL, depends=DEPENDS, needs=NEEDS, salient_fen=(0, 1, 250000, 100000, 99)
)
"""The core's part of the generated data (plugins add theirs: ``hints.TestData``)."""
