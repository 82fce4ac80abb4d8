"""One indicator screened over only what it declares, as a store run hands it its data.

A store run reads only the tables, columns and months the chosen indicators declare
(``fundrules.screening.reads``). The kit (:class:`~fundrules.testing.RuleKit`, the
``*.cases.yaml`` runner) screens through :func:`screen_as_declared`, so an indicator that reads a
column or a month it does not declare fails in its plugin's own tests — a ``KeyError`` naming
the column, or suspicions that differ from those over the whole data — instead of silently giving
other suspicions from the store.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from fundrules.intake import Dataset
from fundrules.screening import ScreeningContext, screen
from fundrules.screening.engine import plan_run
from fundrules.screening.reads import needed_columns, pruned_dataset

if TYPE_CHECKING:
    from fundrules.plugins.registry import Registry
    from fundrules.screening.engine import ScreenResult


class UndeclaredRead(AssertionError):
    """An indicator read a table, column or month its metadata does not declare."""


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return list(a.columns) == list(b.columns) and a.to_csv(index=False) == b.to_csv(index=False)


def _where(
    part: Dataset,
    code: str,
    params: Mapping[str, Any] | None,
    registry: Registry,
    handed: Mapping[str, pd.DataFrame] | None,
) -> str:
    """Where the indicator failed over what it declares: the last lines of the traceback."""
    plan = plan_run(part.period, [code], params, registry=registry)
    ctx = ScreeningContext(
        part,
        business_totals=lambda: registry.business_totals(part),
        handed={**(handed or {}), "rule_set": plan.rules},
        payment_tables=tuple(registry.payment_tables.values()),
    )
    ind = plan.indicators[code]
    try:
        ind(ctx, plan.parameters.resolve(code, ind.params, ctx.period_start).values)
    except Exception as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        own = [f for f in frames if "site-packages" not in f.filename] or frames
        frames = own[-3:]
        return "\nwhere it read it:\n" + "".join(traceback.format_list(frames))
    return ""


def declaration_text(ind: Any, registry: Registry) -> str:
    """What the indicator declares, as the store resolves it (for failure messages)."""
    cols = needed_columns([ind], registry)
    shown = "; ".join(f"{t}: {', '.join(sorted(c or ()))}" for t, c in sorted(cols.items()))
    return f"history_months={ind.meta.history_months!r}; columns handed: {shown or 'none'}"


def screen_as_declared(
    dataset: Dataset,
    code: str,
    params: Mapping[str, Any] | None = None,
    *,
    registry: Registry,
    handed: Mapping[str, pd.DataFrame] | None = None,
) -> ScreenResult:
    """Screen ``code`` over only the tables, columns and months it declares; raise
    :class:`UndeclaredRead` when that fails or differs from a screen over the whole
    ``dataset`` (whose result is returned when it was skipped or failed itself)."""
    whole = screen(dataset, indicators=[code], params=params, registry=registry, handed=handed)
    if whole.runs.iloc[0]["status"] != "ok":
        return whole
    ind = registry.indicators[code]
    part = pruned_dataset(dataset, [ind], registry)
    res = screen(part, indicators=[code], params=params, registry=registry, handed=handed)
    run = res.runs.iloc[0]
    if run["status"] != "ok":
        raise UndeclaredRead(
            f"{code} {run['status']} when handed only what it declares ({run['reason']}), but "
            f"ran over the whole data: declare every table and column it reads (reads, "
            f"optional_reads, reads_payments, reads_kinds) and how far back it reads "
            f"(history_months).\n{declaration_text(ind, registry)}"
            f"{_where(part, code, params, registry, handed)}"
        )
    if not _same(whole.suspicions, res.suspicions):
        raise UndeclaredRead(
            f"{code} finds other suspicions when handed only what it declares than over the "
            f"whole data: it reads a column or a month it does not declare (``'col' in rows`` "
            f"tests count).\n{declaration_text(ind, registry)}\nover the whole data:\n"
            f"{whole.suspicions.to_string()}\nover what it declares:\n"
            f"{res.suspicions.to_string()}"
        )
    return res


__all__ = ["UndeclaredRead", "declaration_text", "screen_as_declared"]
