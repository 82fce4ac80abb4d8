"""The shared world a generated dataset is drawn from: persons, employers, other subjects, accounts.

Every table of one generated dataset names its subjects from these pools, so joins hit (a benefit's
person has a death row, an enrollment's employer is in ``employers``). Identifiers are built from
their constraints (region, birth date, sequence, check character), never by filtering random text.
Dates are drawn near the boundaries the catalog cares about: the first and last day of the target
period and of the months around it, and birthdays of the ages the rules name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from fundrules.period import add_months, first_day, last_day
from fundrules.schema.identifiers import (
    RIC_CHECK,
    RIC_WEIGHTS,
    USCC_ALPHABET,
    USCC_WEIGHTS,
)

TIANJIN_DISTRICTS: tuple[str, ...] = (
    "120101", "120102", "120103", "120104", "120105", "120106", "120110", "120111",
    "120112", "120113", "120114", "120115", "120116", "120117", "120118", "120119",
)  # fmt: skip
OTHER_REGIONS: tuple[str, ...] = ("110101", "310101", "130102", "440106")

SALIENT_AGES: tuple[int, ...] = (40, 60, 50, 55, 63, 58, 100, 45, 16, 30, 70, 85, 101, 56)
"""Ages the catalog names (retirement ages old and new, centenarians, maternity limits)."""

SALIENT_MONTH_OFFSETS: tuple[int, ...] = (0, -1, 1, -2, -3, -6, -10, -11, -12, -13, -24)
"""Months around the target period where windows start and end (12 months, 10 months, ...)."""

# A person is generated without a fault most of the time; the faults make data.* fire.
PERSON_FAULTS: tuple[str, ...] = (
    *("none",) * 9,
    "unlisted",  # named in payments but absent from ``persons``
    "unlisted",
    "bad_check",  # wrong check character
    "profile_sex",  # ``persons`` disagrees with the ID on sex
    "profile_birth",  # ... on the birth date
    "bad_province",  # first two digits name no province
    "short",  # 17 characters
    "future_birth",  # born after the period (invalid ID)
)
EMPLOYER_FAULTS: tuple[str, ...] = (*("none",) * 7, "bad_check", "bad_alphabet")


def ric_check(body17: str) -> str:
    """GB 11643 check character of a 17-digit body (ISO 7064 MOD 11-2)."""
    total = sum(int(d) * int(w) for d, w in zip(body17, RIC_WEIGHTS, strict=True))
    return str(RIC_CHECK[total % 11])


def uscc_check(body17: str) -> str:
    """GB 32100 check character of a 17-character body."""
    total = sum(USCC_ALPHABET.index(c) * int(w) for c, w in zip(body17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check(body8: str) -> str:
    """GB 11714 check character of an 8-digit organization code body."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    c = 11 - sum(int(d) * w for d, w in zip(body8, weights, strict=True)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make_person_id(region: str, birth: date, sequence: int) -> str:
    """A valid resident identity number: region, birth date, 3-digit sequence, check character."""
    body = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return body + ric_check(body)


def make_credit_code(region: str, org_body: str, prefix: str = "91") -> str:
    """A valid unified social credit code: registration authority and type (``91`` = enterprise
    registered with market regulation), region, organization code with its check, check char."""
    body = f"{prefix}{region}{org_body}{org_code_check(org_body)}"
    return body + uscc_check(body)


@dataclass(frozen=True)
class Person:
    person_id: str
    sex: str
    birth: date
    region: str
    listed: bool = True
    row_sex: str = ""
    row_birth: date | None = None


@dataclass(frozen=True)
class Employer:
    employer_id: str
    region: str
    established: date


@dataclass(frozen=True)
class World:
    """What one generated dataset shares across its tables."""

    period: int
    persons: tuple[Person, ...]
    employers: tuple[Employer, ...]
    provider_ids: tuple[str, ...]
    accounts: tuple[str, ...]
    payee_accounts: tuple[str, ...]
    focus: str | None = None  # the insurance most rows are about (a hint, e.g. the indicator's)
    #: money values (fen) at the installed rules' boundaries (core and plugins' test data)
    salient_fen: tuple[int, ...] = ()
    #: benefit type -> insurance, as the installed plugins declare them
    benefit_types: Mapping[str, str] = field(default_factory=dict, compare=False)
    #: tables of payments to persons besides benefits: (table, insurance, amount, period)
    payments: tuple[tuple[str, str, str, str], ...] = ()
    built: dict[str, list[dict[str, Any]]] = field(default_factory=dict, compare=False)

    @property
    def start(self) -> date:
        return first_day(self.period)

    @property
    def end(self) -> date:
        return last_day(self.period)

    def pool(self, refers_to: str | None) -> tuple[str, ...]:
        """Identifiers of a kind of subject, for columns that refer to one."""
        if refers_to == "person":
            return tuple(p.person_id for p in self.persons)
        if refers_to == "employer":
            return tuple(e.employer_id for e in self.employers)
        if refers_to == "provider":
            return self.provider_ids
        if refers_to == "account":
            return self.accounts
        return ()


def salient_dates(period: int) -> list[date]:
    """Days where the catalog's boundaries lie, nearest first: first and last days of the target
    period and of the months around it, and the middle of the period."""
    out: list[date] = []
    for k in SALIENT_MONTH_OFFSETS:
        m = period + k
        out += [first_day(m), last_day(m)]
    out.insert(2, first_day(period) + timedelta(days=14))
    return out


def dates_near(period: int, *, before_days: int = 800, after_days: int = 62) -> st.SearchStrategy:
    """A date near the target period, boundaries first (shrinks to the period's first day)."""
    start = first_day(period)
    return st.one_of(
        st.sampled_from(salient_dates(period)),
        st.integers(-10, 40).map(lambda d: start + timedelta(days=d)),  # events of the period
        st.integers(-before_days, after_days).map(lambda d: start + timedelta(days=d)),
    )


def birthdays(period: int) -> st.SearchStrategy[date]:
    """Birth dates of people who reach one of the salient ages on (or a few days around) the
    period's last day, plus the odd leap-day birth."""
    end = last_day(period)

    def born(age_and_offset: tuple[int, int]) -> date:
        age, offset = age_and_offset
        return add_months(end, -12 * age) + timedelta(days=offset)

    return st.one_of(
        st.tuples(st.sampled_from(SALIENT_AGES), st.integers(-40, 40)).map(born),
        st.sampled_from([date(1960, 2, 29), date(1924, 2, 29), date(1965, 1, 31)]),
    )


def date_plus(anchor: date, days: int) -> date:
    return anchor + timedelta(days=days)


@st.composite
def persons(draw: st.DrawFn, period: int, faults: bool = True) -> Person:
    """One person: a valid ID agreeing with the row, or (with ``faults``) one of the data faults."""
    region = draw(st.sampled_from(TIANJIN_DISTRICTS))
    birth = draw(birthdays(period))
    sex = draw(st.sampled_from(("M", "F")))
    seq = draw(st.integers(0, 499)) * 2 + (1 if sex == "M" else 0)
    fault = draw(st.sampled_from(PERSON_FAULTS)) if faults else "none"
    pid = make_person_id(region, birth, seq)
    row_sex, row_birth = sex, birth
    if fault == "bad_check":
        right = pid[-1]
        pid = pid[:-1] + ("0" if right != "0" else "1")
    elif fault == "profile_sex":
        row_sex = "F" if sex == "M" else "M"
    elif fault == "profile_birth":
        row_birth = birth + timedelta(days=draw(st.sampled_from((1, -1, 365))))
    elif fault == "bad_province":
        pid = make_person_id("99" + region[2:], birth, seq)
    elif fault == "short":
        pid = pid[:17]
    elif fault == "future_birth":
        future = last_day(period) + timedelta(days=draw(st.integers(1, 60)))
        pid = make_person_id(region, future, seq)
    return Person(
        person_id=pid,
        sex=sex,
        birth=birth,
        region=region,
        listed=fault != "unlisted",
        row_sex=row_sex,
        row_birth=row_birth,
    )


def person_ids(period: str | int = "2025-06") -> st.SearchStrategy[str]:
    """Valid GB 11643 resident identity numbers of Tianjin (``12xxxx``), sex by the sequence's
    parity, born at an age the catalog names around ``period``."""
    from fundrules.period import parse_period

    month = parse_period(period) if isinstance(period, str) else period
    return persons(month, faults=False).map(lambda p: p.person_id)


@st.composite
def employers(draw: st.DrawFn, period: int, faults: bool = True) -> Employer:
    region = draw(st.sampled_from(TIANJIN_DISTRICTS))
    org = "".join(str(d) for d in draw(st.lists(st.integers(0, 9), min_size=8, max_size=8)))
    code = make_credit_code(region, org)
    fault = draw(st.sampled_from(EMPLOYER_FAULTS)) if faults else "none"
    if fault == "bad_check":
        right = code[-1]
        code = code[:-1] + ("0" if right != "0" else "1")
    elif fault == "bad_alphabet":
        code = code[:-2] + "I" + code[-1]
    established = draw(
        st.one_of(
            st.sampled_from(
                [
                    add_months(first_day(period), -12),
                    add_months(first_day(period), -12) + timedelta(days=1),
                    add_months(first_day(period), -11),
                    date(2005, 3, 1),
                ]
            ),
            dates_near(period, before_days=4000),
        )
    )
    return Employer(employer_id=code, region=region, established=established)


def credit_codes() -> st.SearchStrategy[str]:
    """Valid GB 32100 unified social credit codes of Tianjin enterprises."""
    return employers(2025 * 12, faults=False).map(lambda e: e.employer_id)


def _unique(items: list[Any], key: Any) -> tuple[Any, ...]:
    seen: set[Any] = set()
    out = []
    for it in items:
        k = key(it)
        if k not in seen:
            seen.add(k)
            out.append(it)
    return tuple(out)


@st.composite
def worlds(
    draw: st.DrawFn,
    period: int,
    *,
    max_persons: int = 6,
    max_employers: int = 3,
    faults: bool = True,
    needs: frozenset[str] = frozenset({"person", "employer", "provider", "account"}),
    focus: str | None = None,
) -> World:
    """The pools of one dataset; only those the tables use (``needs``) are drawn, so that a
    failing example has few choices to shrink. Sizes shrink towards empty pools."""
    # at least one person: an empty world is one example, and Hypothesis' few examples count
    ps = (
        draw(st.lists(persons(period, faults), min_size=1, max_size=max(max_persons, 1)))
        if "person" in needs
        else []
    )
    es = (
        draw(st.lists(employers(period, faults), max_size=max_employers))
        if "employer" in needs
        else []
    )
    n_prov = draw(st.integers(0, 6)) if "provider" in needs else 0
    n_acc = draw(st.integers(0, 3)) if "account" in needs else 0
    n_payee = draw(st.integers(1, 2)) if "payee" in needs else 1
    return World(
        period=period,
        persons=_unique(ps, lambda p: p.person_id),
        employers=_unique(es, lambda e: e.employer_id),
        provider_ids=tuple(f"H{120000 + i:06d}" for i in range(1, n_prov + 1)),
        accounts=tuple(f"ACC{i:03d}" for i in range(1, n_acc + 1)),
        payee_accounts=tuple(f"62220200000000{i:02d}" for i in range(1, n_payee + 1)),
        focus=focus,
    )
