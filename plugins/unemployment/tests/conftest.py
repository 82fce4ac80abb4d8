"""The unemployment plugin's tests use the rule authors' kit (fundrules.testing.RuleKit).

The registry holds the core, this plugin and a stand-in that declares the basic-pension benefit
types (the pension plugin's values, which paid_with_pension reads), so the tests do not depend on
colleagues' plugins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any

import fundrules_unemployment.plugin
import pytest

from fundrules.plugin_api import hookimpl
from fundrules.testing import RuleKit, kit_registry


@hookimpl
def _pension_types(extend: Callable[[str, Iterable[str]], None]) -> None:
    extend("benefit_type", ["basic_pension", "resident_pension"])


PENSION_TYPES = SimpleNamespace(fundrules_register_vocabularies=_pension_types)


class UnemploymentKit(RuleKit):
    def pay(
        self,
        pid: str,
        period: str = "2025-06",
        amount: str = "1800.00",
        btype: str = "unemployment_allowance",
        **extra: str,
    ) -> dict[str, str | None]:
        insurance = "pension" if "pension" in btype else "unemployment"
        return self.benefit(pid, insurance, btype, amount, period, **extra)

    def claim(
        self,
        pid: str,
        registered: str = "2025-01-15",
        first: str = "2025-02",
        entitled: int = 12,
        contributed: int = 36,
        reason: str = "involuntary",
        claim_id: str | None = None,
    ) -> dict[str, str]:
        return {
            "claim_id": claim_id or self.next_id("c"),
            "person_id": pid,
            "registration_date": registered,
            "first_period": first,
            "entitled_months": str(entitled),
            "contribution_months": str(contributed),
            "separation_reason": reason,
        }

    def contribution(  # type: ignore[override]
        self,
        pid: str,
        period: str = "2025-06",
        employer_id: str | None = "91120000MA05KXQ28A",
        employer_amount: str = "800.00",
        insurance: str = "pension",
        back: bool = False,
    ) -> dict[str, str | None]:
        return super().contribution(
            pid,
            insurance,
            period,
            employer_id=employer_id,
            employer_amount=employer_amount,
            back=back,
        )

    def months(  # type: ignore[override]
        self, pid: str, first: str, last: str, amount: str = "1800.00"
    ) -> list[dict[str, str | None]]:
        """One allowance row per month from ``first`` to ``last`` inclusive."""
        return [self.pay(pid, p, amount) for p in RuleKit.months(first, last)]


@pytest.fixture(scope="session")
def registry() -> Any:
    return kit_registry(
        ("pension_types", PENSION_TYPES),
        ("unemployment", fundrules_unemployment.plugin.plugin),
    )


@pytest.fixture
def kit(registry: Any) -> UnemploymentKit:
    return UnemploymentKit(registry)
