"""The pension plugin's tests use the rule authors' kit (fundrules.testing.RuleKit) with a
registry of the core and this plugin only, plus builders for pension rows."""

from __future__ import annotations

from typing import Any

import fundrules_pension.plugin
import pytest

from fundrules.testing import RuleKit, kit_registry


class PensionKit(RuleKit):
    @staticmethod
    def pid(birth: str = "19500101", seq: int = 1, region: str = "120101") -> str:
        return RuleKit.pid(birth, seq, region)

    def pay(
        self,
        pid: str,
        amount: str = "3000.00",
        period: str = "2025-06",
        btype: str = "basic_pension",
        **extra: str,
    ) -> dict[str, str | None]:
        return self.benefit(pid, "pension", btype, amount, period, **extra)

    def contribution(  # type: ignore[override]
        self, pid: str, period: str, paid_date: str, back: bool = False, amount: str = "500.00"
    ) -> dict[str, str | None]:
        return super().contribution(
            pid,
            "pension",
            period,
            paid_date=paid_date,
            employer_amount="0.00" if back else amount,
            person_amount=amount if back else "200.00",
            back=back,
        )

    @staticmethod
    def retirement(
        pid: str, date: str, rtype: str = "normal", job: str | None = None
    ) -> dict[str, str | None]:
        return {
            "person_id": pid,
            "retirement_date": date,
            "retirement_type": rtype,
            "job_category": job,
        }


@pytest.fixture(scope="session")
def registry() -> Any:
    return kit_registry(("pension", fundrules_pension.plugin.plugin))


@pytest.fixture
def kit(registry: Any) -> PensionKit:
    return PensionKit(registry, insurance="pension")
