"""The medical plugin's tests use the rule authors' kit (fundrules.testing.RuleKit) with a
registry of the core and this plugin only, plus builders for medical rows."""

from __future__ import annotations

from typing import Any

import fundrules_medical.plugin
import pytest

from fundrules.testing import RuleKit, kit_registry


class MedicalKit(RuleKit):
    @staticmethod
    def pid(birth: str = "19700101", seq: int = 1, region: str = "120101") -> str:
        return RuleKit.pid(birth, seq, region)

    @staticmethod
    def settlement(
        sid: str,
        pid: str,
        admit: str,
        discharge: str | None = None,
        *,
        visit: str = "inpatient",
        provider: str = "H1",
        dx: str = "I63.9",
        fund: str = "1000.00",
        period: str = "2025-06",
    ) -> dict[str, Any]:
        return {
            "settlement_id": sid,
            "person_id": pid,
            "provider_id": provider,
            "visit_type": visit,
            "admit_date": admit,
            "discharge_date": discharge,
            "diagnosis_code": dx,
            "total_amount": fund,
            "fund_amount": fund,
            "period": period,
        }

    def visit(
        self, sid: str, pid: str, day: str, provider: str = "C1", fund: str = "100.00", **kw: Any
    ) -> dict[str, Any]:
        """An outpatient settlement (``visit="pharmacy"`` for a pharmacy one)."""
        kw.setdefault("visit", "outpatient")
        return self.settlement(sid, pid, day, None, provider=provider, fund=fund, **kw)

    @staticmethod
    def item(
        sid: str,
        line: int,
        code: str,
        day: str,
        quantity: float = 1,
        *,
        category: str = "drug",
        price: str = "10.00",
        days_supply: int | None = None,
    ) -> dict[str, Any]:
        return {
            "settlement_id": sid,
            "line_no": str(line),
            "item_code": code,
            "item_category": category,
            "service_date": day,
            "quantity": str(quantity),
            "unit_price": price,
            "amount": f"{round(float(price) * quantity, 2):.2f}",
            "days_supply": None if days_supply is None else str(days_supply),
        }

    @staticmethod
    def catalog(code: str, **limits: Any) -> dict[str, Any]:
        row: dict[str, Any] = {
            "item_code": code,
            "restrict_sex": None,
            "min_age": None,
            "max_age": None,
            "max_daily_quantity": None,
            "max_unit_price": None,
        }
        row.update({k: None if v is None else str(v) for k, v in limits.items()})
        return row

    @staticmethod
    def provider(pid: str, level: int = 3, ptype: str = "hospital") -> dict[str, str]:
        return {
            "provider_id": pid,
            "level": str(level),
            "provider_type": ptype,
            "region_code": "120101",
        }


@pytest.fixture(scope="session")
def registry() -> Any:
    return kit_registry(("medical", fundrules_medical.plugin.plugin))


@pytest.fixture
def kit(registry: Any) -> MedicalKit:
    return MedicalKit(registry)
