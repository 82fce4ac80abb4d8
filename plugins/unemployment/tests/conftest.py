"""Test kit for the unemployment plugin: valid ids, small tables, and one screening call.

The registry holds the core, this plugin and a stand-in that declares the basic-pension benefit
types (the pension plugin's values, which paid_with_pension reads), so the tests do not depend on
colleagues' plugins.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import fundrules_unemployment.plugin
import pandas as pd
import pytest

import fundrules
from fundrules.plugin_api import hookimpl
from fundrules.plugins import build_registry
from fundrules.schema.identifiers import ric_check_characters


@hookimpl
def _pension_types(extend: Callable[[str, Iterable[str]], None]) -> None:
    extend("benefit_type", ["basic_pension", "resident_pension"])


PENSION_TYPES = SimpleNamespace(fundrules_register_vocabularies=_pension_types)


class UnemploymentKit:
    """Builders for rows as a CSV would hold them, and a screen of one indicator."""

    def __init__(self, registry: Any) -> None:
        self.registry = registry
        self._n = 0

    @staticmethod
    def pid(birth: str = "19800101", seq: int = 1, region: str = "120101") -> str:
        """A valid resident id; odd ``seq`` = male."""
        body = f"{region}{birth.replace('-', '')}{seq:03d}"
        return body + ric_check_characters(pd.Series([body]))[0]

    @staticmethod
    def person(pid: str) -> dict[str, str]:
        birth = f"{pid[6:10]}-{pid[10:12]}-{pid[12:14]}"
        sex = "M" if int(pid[16]) % 2 else "F"
        return {"person_id": pid, "sex": sex, "birth_date": birth, "region_code": pid[:6]}

    def pay(
        self,
        pid: str,
        period: str = "2025-06",
        amount: str = "1800.00",
        btype: str = "unemployment_allowance",
        **extra: str,
    ) -> dict[str, str]:
        self._n += 1
        row = {
            "payment_id": f"b{self._n:03d}",
            "person_id": pid,
            "insurance": "pension" if "pension" in btype else "unemployment",
            "benefit_type": btype,
            "period": period,
            "amount": amount,
            "paid_date": f"{period}-10",
        }
        row.update(extra)
        return row

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
        self._n += 1
        return {
            "claim_id": claim_id or f"c{self._n:03d}",
            "person_id": pid,
            "registration_date": registered,
            "first_period": first,
            "entitled_months": str(entitled),
            "contribution_months": str(contributed),
            "separation_reason": reason,
        }

    @staticmethod
    def contribution(
        pid: str,
        period: str = "2025-06",
        employer_id: str | None = "91120000MA05KXQ28A",
        employer_amount: str = "800.00",
        insurance: str = "pension",
        back: bool = False,
    ) -> dict[str, str | None]:
        return {
            "person_id": pid,
            "employer_id": employer_id,
            "insurance": insurance,
            "period": period,
            "base": "5000.00",
            "employer_amount": employer_amount,
            "person_amount": "400.00",
            "paid_date": f"{period}-15",
            "back_payment": "true" if back else "false",
        }

    def months(self, pid: str, first: str, last: str, amount: str = "1800.00") -> list[dict]:
        """One allowance row per month from ``first`` to ``last`` inclusive."""
        return [self.pay(pid, str(p), amount) for p in pd.period_range(first, last, freq="M")]

    def dataset(self, tables: Mapping[str, list[dict]], period: str = "2025-06") -> Any:
        frames = {
            name: pd.DataFrame(
                rows, columns=self.registry.tables[name].column_names, dtype="object"
            )
            for name, rows in tables.items()
        }
        ds = fundrules.dataset_from_frames(frames, period, registry=self.registry)
        assert ds.quarantine.empty, ds.quarantine.to_string()
        return ds

    def screen(
        self,
        code: str,
        tables: Mapping[str, list[dict]],
        period: str = "2025-06",
        params: Mapping[str, Any] | None = None,
    ) -> pd.DataFrame:
        """Suspicions of one indicator (asserting it ran and nothing was quarantined)."""
        res = fundrules.screen(
            self.dataset(tables, period),
            indicators=[code],
            params={code: params} if params else None,
            registry=self.registry,
        )
        assert res.failed.empty, res.failed.to_string()
        assert res.skipped.empty, res.skipped.to_string()
        return res.suspicions

    @staticmethod
    def flagged(s: pd.DataFrame) -> dict[str, Decimal]:
        """subject_id → amount_at_risk."""
        return dict(zip(s["subject_id"], s["amount_at_risk"], strict=True))

    @staticmethod
    def records(s: pd.DataFrame, subject_id: str) -> list[dict]:
        row = s[s["subject_id"] == subject_id].iloc[0]
        return json.loads(row["evidence"])["records"]


@pytest.fixture(scope="session")
def registry() -> Any:
    return build_registry(
        entry_points=False,
        extra_plugins=[
            ("pension_types", PENSION_TYPES),
            ("unemployment", fundrules_unemployment.plugin.plugin),
        ],
    )


@pytest.fixture
def kit(registry: Any) -> UnemploymentKit:
    return UnemploymentKit(registry)
