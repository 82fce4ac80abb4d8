"""The maternity plugin's tests use the rule authors' kit (fundrules.testing.RuleKit) with a
registry of the core and this plugin only, plus builders for maternity rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import fundrules_maternity.plugin
import pytest

from fundrules.testing import RuleKit, kit_registry


class MaternityKit(RuleKit):
    @staticmethod
    def pid(birth: str = "19950101", seq: int = 2, region: str = "120101") -> str:
        """A valid resident id; odd ``seq`` = male, even = female (the default)."""
        return RuleKit.pid(birth, seq, region)

    def claim(
        self,
        pid: str,
        event_date: str = "2025-06-10",
        event_type: str = "birth",
        *,
        employer: str | None = None,
        days: str = "158",
        amount: str | None = None,
        wage: str = "9000.00",
        months: str = "24",
        babies: str | None = None,
        dystocia: str = "false",
        claim_id: str | None = None,
    ) -> dict[str, str | None]:
        """A claim; by default a birth at the maximum days, paid exactly at the formula."""
        if amount is None:
            fen = round(Decimal(wage) * 100 * int(days) / 30)
            amount = f"{fen // 100}.{fen % 100:02d}"
        return {
            "claim_id": claim_id or self.next_id("c"),
            "person_id": pid,
            "employer_id": employer or self.eid(),
            "event_type": event_type,
            "event_date": event_date,
            "babies": babies,
            "dystocia": dystocia,
            "allowance_days": days,
            "allowance_amount": amount,
            "employer_avg_wage": wage,
            "contribution_months": months,
        }

    def pay(
        self,
        pid: str,
        amount: str = "47400.00",
        period: str = "2025-06",
        btype: str = "maternity_allowance",
        **extra: str,
    ) -> dict[str, str | None]:
        return self.benefit(pid, "maternity", btype, amount, period, paid_day=15, **extra)

    def enrollment(  # type: ignore[override]
        self,
        pid: str,
        employer: str,
        start: str,
        end: str | None = None,
        insurance: str = "maternity",
    ) -> dict[str, str | None]:
        return RuleKit.enrollment(pid, insurance, start, end, employer_id=employer)

    def coworkers(
        self, employer: str, n: int, start: str = "2015-01-01", first_seq: int = 100
    ) -> list[dict[str, str | None]]:
        """``n`` other insured persons at an employer."""
        return [
            self.enrollment(self.pid("19800101", first_seq + 2 * i), employer, start)
            for i in range(n)
        ]


@pytest.fixture(scope="session")
def registry() -> Any:
    return kit_registry(("maternity", fundrules_maternity.plugin.plugin))


@pytest.fixture
def kit(registry: Any) -> MaternityKit:
    return MaternityKit(registry, insurance="maternity")
