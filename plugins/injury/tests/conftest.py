"""The injury plugin's tests use the rule authors' kit (fundrules.testing.RuleKit).

The registry holds the core, this plugin and (when installed) the medical plugin, whose
``medical_settlements`` table double_claim_with_medical reads; not whatever else is installed,
so the tests do not depend on other colleagues' plugins.
"""

from __future__ import annotations

from typing import Any

import fundrules_injury.plugin
import pytest

from fundrules.testing import RuleKit, kit_registry

try:  # double_claim_with_medical needs the medical plugin's tables
    import fundrules_medical.plugin as medical_plugin
except ImportError:  # pragma: no cover - the medical plugin lives beside this one
    medical_plugin = None


class InjuryKit(RuleKit):
    """Builders for injury rows."""

    EMPLOYER = RuleKit.eid(1, "120101")

    def pay(
        self,
        pid: str,
        btype: str = "injury_medical",
        amount: str = "1000.00",
        period: str = "2025-06",
        **extra: str,
    ) -> dict[str, str | None]:
        return self.benefit(pid, "injury", btype, amount, period, **extra)

    def case(
        self,
        pid: str,
        accident: str,
        *,
        application: str | None = None,
        recognition: str | None = None,
        grade: int | None = None,
        case_id: str | None = None,
        employer: str | None = None,
    ) -> dict[str, str | None]:
        return {
            "case_id": case_id or self.next_id("c"),
            "person_id": pid,
            "employer_id": employer or self.EMPLOYER,
            "accident_date": accident,
            "application_date": application or accident,
            "recognition_date": recognition,
            "disability_grade": None if grade is None else str(grade),
        }

    def enrollment(  # type: ignore[override]
        self, pid: str, start: str, end: str | None = None, insurance: str = "injury"
    ) -> dict[str, str | None]:
        return RuleKit.enrollment(pid, insurance, start, end, employer_id=self.EMPLOYER)

    def contribution(  # type: ignore[override]
        self, pid: str, period: str, base: str = "5000.00", insurance: str = "injury"
    ) -> dict[str, str | None]:
        return super().contribution(
            pid,
            insurance,
            period,
            employer_id=self.EMPLOYER,
            base=base,
            employer_amount="50.00",
            person_amount="0.00",
        )

    @staticmethod
    def settlement(
        sid: str,
        pid: str,
        day: str,
        dx: str = "S62.3",
        fund: str = "800.00",
        period: str = "2025-06",
    ) -> dict[str, str | None]:
        return {
            "settlement_id": sid,
            "person_id": pid,
            "provider_id": "H1",
            "visit_type": "outpatient",
            "admit_date": day,
            "discharge_date": None,
            "diagnosis_code": dx,
            "total_amount": fund,
            "fund_amount": fund,
            "period": period,
        }


@pytest.fixture(scope="session")
def registry() -> Any:
    plugins: list[tuple[str, object]] = [("injury", fundrules_injury.plugin.plugin)]
    if medical_plugin is not None:
        plugins.append(("medical", medical_plugin.plugin))
    return kit_registry(*plugins)


@pytest.fixture
def kit(registry: Any) -> InjuryKit:
    return InjuryKit(registry)


@pytest.fixture
def needs_medical() -> None:
    if medical_plugin is None:
        pytest.skip("the medical plugin (medical_settlements) is not installed")
