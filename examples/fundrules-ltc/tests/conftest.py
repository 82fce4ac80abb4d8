"""The ltc plugin's tests use the rule authors' kit with a registry of the core, this plugin and
(when installed) the medical plugin, whose stays ltc.care_during_inpatient_stay reads."""

from __future__ import annotations

from typing import Any

import fundrules_ltc.plugin
import pytest

from fundrules.testing import RuleKit, kit_registry

try:
    import fundrules_medical.plugin as medical_plugin
except ImportError:  # pragma: no cover - installed beside this one by ./dev
    medical_plugin = None


class LtcKit(RuleKit):
    """Builders for the ltc tables."""

    def assessment(self, pid: str, date: str, grade: int) -> dict[str, str]:
        return {
            "assessment_id": self.next_id("a"),
            "person_id": pid,
            "assessment_date": date,
            "disability_grade": str(grade),
        }

    def service(
        self, pid: str, start: str, end: str, fund: str, care: str = "home"
    ) -> dict[str, str]:
        days = int(end[-2:]) - int(start[-2:]) + 1
        return {
            "service_id": self.next_id("s"),
            "person_id": pid,
            "provider_id": "TJLTC0001",
            "care_type": care,
            "service_start": start,
            "service_end": end,
            "service_days": str(days),
            "fund_amount": fund,
            "period": start[:7],
        }


@pytest.fixture(scope="session")
def registry() -> Any:
    plugins: list[tuple[str, object]] = [("ltc", fundrules_ltc.plugin.plugin)]
    if medical_plugin is not None:
        plugins.append(("medical", medical_plugin.plugin))
    return kit_registry(*plugins)


@pytest.fixture
def kit(registry: Any) -> LtcKit:
    return LtcKit(registry, insurance="ltc")
