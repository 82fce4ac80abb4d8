"""Test kit for the maternity plugin: valid ids, rows as a CSV holds them, one screening call.

The registry holds the core and this plugin only (not whatever else is installed), so the tests
do not depend on colleagues' plugins.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import fundrules_maternity.plugin
import pandas as pd
import pytest

import fundrules
from fundrules.plugins import build_registry
from fundrules.schema.identifiers import ric_check_characters, uscc_check_characters


class MaternityKit:
    """Builders for maternity rows and a screen of one indicator."""

    def __init__(self, registry: Any) -> None:
        self.registry = registry
        self._n = 0

    @staticmethod
    def pid(birth: str = "19950101", seq: int = 2, region: str = "120101") -> str:
        """A valid resident id; odd ``seq`` = male, even = female (the default)."""
        body = f"{region}{birth.replace('-', '')}{seq:03d}"
        return body + ric_check_characters(pd.Series([body]))[0]

    @staticmethod
    def eid(n: int = 1) -> str:
        """A valid unified social credit code."""
        body = f"91120000{n:09d}"
        return body + uscc_check_characters(pd.Series([body]))[0]

    @staticmethod
    def person(pid: str, **over: str) -> dict[str, str]:
        """A ``persons`` row agreeing with the id (unless overridden)."""
        row = {
            "person_id": pid,
            "sex": "M" if int(pid[16]) % 2 else "F",
            "birth_date": f"{pid[6:10]}-{pid[10:12]}-{pid[12:14]}",
            "region_code": pid[:6],
        }
        row.update(over)
        return row

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
        self._n += 1
        if amount is None:
            fen = round(Decimal(wage) * 100 * int(days) / 30)
            amount = f"{fen // 100}.{fen % 100:02d}"
        return {
            "claim_id": claim_id or f"c{self._n}",
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
    ) -> dict[str, str]:
        self._n += 1
        row = {
            "payment_id": f"p{self._n}",
            "person_id": pid,
            "insurance": "maternity",
            "benefit_type": btype,
            "period": period,
            "amount": amount,
            "paid_date": f"{period}-15",
        }
        row.update(extra)
        return row

    def enrollment(
        self,
        pid: str,
        employer: str,
        start: str,
        end: str | None = None,
        insurance: str = "maternity",
    ) -> dict[str, str | None]:
        return {
            "person_id": pid,
            "insurance": insurance,
            "scheme": "employee",
            "employer_id": employer,
            "start_date": start,
            "end_date": end,
        }

    def coworkers(
        self, employer: str, n: int, start: str = "2015-01-01", first_seq: int = 100
    ) -> list[dict[str, str | None]]:
        """``n`` other insured persons at an employer."""
        return [
            self.enrollment(self.pid("19800101", first_seq + 2 * i), employer, start)
            for i in range(n)
        ]

    def employer(self, eid: str, established: str = "2010-01-01") -> dict[str, str]:
        return {"employer_id": eid, "region_code": "120101", "established_date": established}

    def dataset(self, tables: Mapping[str, list[dict]], period: str = "2025-06") -> Any:
        frames = {k: pd.DataFrame(v, dtype="object") for k, v in tables.items()}
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
        ds = self.dataset(tables, period)
        res = fundrules.screen(
            ds,
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
        entry_points=False, extra_plugins=[("maternity", fundrules_maternity.plugin.plugin)]
    )


@pytest.fixture
def kit(registry: Any) -> MaternityKit:
    return MaternityKit(registry)
