"""The kit rule authors use in their own tests: valid ids, row builders, one indicator screened.

    from fundrules.testing import RuleKit, kit_registry

    @pytest.fixture(scope="session")
    def registry():
        return kit_registry(("ltc", fundrules_ltc.plugin.plugin))

    @pytest.fixture
    def kit(registry):
        return RuleKit(registry, insurance="ltc")

    def test_paid_after_death(kit):
        pid = kit.pid("19400101")
        s = kit.screen("ltc.paid_after_death", {"persons": [kit.person(pid)], ...})
        assert kit.flagged(s) == {pid: Decimal("1500.00")}

Rows are built as a CSV holds them (text cells), so a test goes through intake's validation like
real data: :meth:`RuleKit.dataset` fails on any quarantined row, naming it. A plugin adds its own
tables' builders by subclassing the kit in its ``conftest.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import pandas as pd

from fundrules.schema.identifiers import ric_check_characters, uscc_check_characters

Rows = Mapping[str, list[dict[str, Any]]]


def kit_registry(*plugins: tuple[str, object]) -> Any:
    """A registry of the core and the given ``(name, plugin object)`` pairs only, not whatever
    else is installed, so a plugin's tests do not depend on its colleagues."""
    from fundrules.plugins import build_registry

    return build_registry(entry_points=False, extra_plugins=list(plugins))


class RuleKit:
    """Builders for rows as a CSV would hold them, and a screen of one indicator."""

    def __init__(self, registry: Any, insurance: str | None = None, period: str = "2025-06"):
        self.registry = registry
        #: the insurance every suspicion of :meth:`screen` must carry (None: not checked)
        self.insurance = insurance
        self.period = period
        self._n = 0

    # -- ids ---------------------------------------------------------------------------
    @staticmethod
    def pid(birth: str = "19800101", seq: int = 1, region: str = "120101") -> str:
        """A valid resident id (GB 11643) born on ``birth``; odd ``seq`` = male, even = female."""
        body = f"{region}{birth.replace('-', '')}{seq:03d}"
        return body + ric_check_characters(pd.Series([body]))[0]

    @staticmethod
    def eid(n: int = 1, region: str = "120000") -> str:
        """A valid unified social credit code (GB 32100) of an enterprise in ``region``."""
        body = f"91{region}{n:09d}"
        return body + uscc_check_characters(pd.Series([body]))[0]

    def next_id(self, prefix: str) -> str:
        """A fresh key (``b1``, ``b2``, …) for a row that needs one."""
        self._n += 1
        return f"{prefix}{self._n}"

    # -- core rows ---------------------------------------------------------------------
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

    @staticmethod
    def employer(eid: str, established: str = "2010-01-01") -> dict[str, str]:
        return {"employer_id": eid, "region_code": "120101", "established_date": established}

    def benefit(
        self,
        pid: str,
        insurance: str,
        benefit_type: str,
        amount: str,
        period: str | None = None,
        paid_day: int = 10,
        **extra: str | None,
    ) -> dict[str, str | None]:
        """A ``benefits`` row paid on ``paid_day`` of the month it is for."""
        period = period or self.period
        row: dict[str, str | None] = {
            "payment_id": self.next_id("b"),
            "person_id": pid,
            "insurance": insurance,
            "benefit_type": benefit_type,
            "period": period,
            "amount": amount,
            "paid_date": f"{period}-{paid_day:02d}",
        }
        row.update(extra)
        return row

    def contribution(
        self,
        pid: str,
        insurance: str,
        period: str | None = None,
        *,
        employer_id: str | None = None,
        base: str = "5000.00",
        employer_amount: str = "800.00",
        person_amount: str = "400.00",
        paid_date: str | None = None,
        back: bool = False,
    ) -> dict[str, str | None]:
        """A ``contributions`` row, paid on the 15th of its period unless said otherwise."""
        period = period or self.period
        return {
            "person_id": pid,
            "employer_id": employer_id,
            "insurance": insurance,
            "period": period,
            "base": base,
            "employer_amount": employer_amount,
            "person_amount": person_amount,
            "paid_date": paid_date or f"{period}-15",
            "back_payment": "true" if back else "false",
        }

    @staticmethod
    def enrollment(
        pid: str,
        insurance: str,
        start: str,
        end: str | None = None,
        employer_id: str | None = None,
        scheme: str = "employee",
    ) -> dict[str, str | None]:
        return {
            "person_id": pid,
            "insurance": insurance,
            "scheme": scheme,
            "employer_id": employer_id,
            "start_date": start,
            "end_date": end,
        }

    # -- screening ---------------------------------------------------------------------
    def dataset(self, tables: Rows, period: str | None = None) -> Any:
        """The tables through intake (an empty list is an empty table); fails on any row intake
        quarantines, naming it."""
        import fundrules

        frames = {}
        for name, rows in tables.items():
            if rows:
                frames[name] = pd.DataFrame(list(rows), dtype="object")
            else:
                columns = self.registry.tables[name].column_names
                frames[name] = pd.DataFrame(columns=list(columns), dtype="object")
        ds = fundrules.dataset_from_frames(frames, period or self.period, registry=self.registry)
        assert ds.quarantine.empty, ds.quarantine.to_string()
        return ds

    def run(
        self,
        code: str,
        tables: Rows,
        period: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        """The screening result of one indicator (runs, skips and failures included), over
        only the tables, columns and months it declares, as a store run hands them: reading
        anything else raises :class:`~fundrules.testing.declared.UndeclaredRead`."""
        from .declared import screen_as_declared

        return screen_as_declared(
            self.dataset(tables, period),
            code,
            params={code: dict(params)} if params else None,
            registry=self.registry,
        )

    def screen(
        self,
        code: str,
        tables: Rows,
        period: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> pd.DataFrame:
        """Suspicions of one indicator, asserting it ran (not skipped, not failed) and that every
        suspicion carries the kit's insurance."""
        res = self.run(code, tables, period, params)
        assert res.failed.empty, res.failed.to_string()
        assert res.skipped.empty, res.skipped.to_string()
        if self.insurance is not None:
            assert (res.suspicions["insurance"] == self.insurance).all()
        return res.suspicions

    def flagged(self, suspicions: pd.DataFrame | str, *args: Any, **kw: Any) -> dict[str, Decimal]:
        """subject_id → amount_at_risk, of suspicions; or, given a code and tables, of
        :meth:`screen` run on them."""
        s = (
            suspicions
            if isinstance(suspicions, pd.DataFrame)
            else self.screen(suspicions, *args, **kw)
        )
        return dict(zip(s["subject_id"], s["amount_at_risk"], strict=True))

    @staticmethod
    def records(suspicions: pd.DataFrame, subject_id: str) -> list[dict[str, Any]]:
        """The evidence records of the suspicion about ``subject_id``."""
        row = suspicions[suspicions["subject_id"] == subject_id].iloc[0]
        return list(json.loads(row["evidence"])["records"])

    @staticmethod
    def subjects(suspicions: pd.DataFrame) -> set[str]:
        return set(suspicions["subject_id"])

    @staticmethod
    def months(first: str, last: str) -> Iterable[str]:
        """``YYYY-MM`` from ``first`` to ``last`` inclusive."""
        return [str(p) for p in pd.period_range(first, last, freq="M")]


__all__ = ["RuleKit", "kit_registry"]
