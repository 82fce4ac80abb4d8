"""PluginContributions: a plugin made of plain values registers like one written hook by hook."""

from __future__ import annotations

import pandas as pd

import fundrules
from fundrules.plugin_api import PluginContributions, hookimpl, problem_type_rule
from fundrules.plugins import build_registry
from fundrules.schema import Table, col
from fundrules.screening import NoParams, indicator


@indicator(
    code="toy.every_row",
    name_zh="示例",
    name_en="Every row",
    insurance=None,
    area="data_quality",
    legal_basis="test",
    reads={"toy_rows": ("row_id",)},
    subject="person",
    partition=None,
)
def every_row(ctx, p: NoParams) -> pd.DataFrame:
    """Flags every row of the toy table."""
    rows = ctx.table("toy_rows")
    return pd.DataFrame({"subject_id": rows["row_id"], "amount_fen": 0})


TOY = Table(
    name="toy_rows",
    owner="toy",
    columns=(col("*row_id", "id"), col("kind", "code", vocabulary="toy_kind")),
)


class ToyWithTotals(PluginContributions):
    @hookimpl
    def fundrules_business_totals(self, dataset):
        return pd.DataFrame(
            {
                "insurance": ["pension"],
                "period": [dataset.period],
                "measure": ["benefits"],
                "amount_fen": [100],
            }
        )


def test_contributions_register_through_every_hook():
    plugin = ToyWithTotals(
        prefix="toy",
        tables=[TOY],
        vocabularies={"toy_kind": ["a", "b"], "benefit_type": ["toy_benefit"]},
        indicators=[every_row],
        problem_types=[
            {"code": "toy_problem", "name_zh": "示例", "name_en": "toy", "description": "d"}
        ],
        rulesets=[
            {
                "name": "toy",
                "rules": problem_type_rule(
                    "toy", "every_row", ["toy.every_row"], "toy_problem", "why"
                ),
            }
        ],
    )
    reg = build_registry(entry_points=False, extra_plugins=[("toy", plugin)])
    assert reg.failures == []
    assert reg.plugins["toy"].module == __name__  # where the plugin object was made
    assert "toy_rows" in reg.tables and "toy_benefit" in reg.vocabularies["benefit_type"]
    assert reg.indicators["toy.every_row"].plugin == "toy"
    assert reg.classification_rules[0][1]["rules"]["toy.problem_type.every_row"]["assign"] == {
        "problem_type": "toy_problem"
    }
    ds = fundrules.dataset_from_frames(
        {"toy_rows": pd.DataFrame({"row_id": ["r1", "r2"], "kind": ["a", "c"]})},
        "2025-06",
        registry=reg,
    )
    assert ds.quarantine["column"].tolist() == ["kind"]
    res = fundrules.screen(ds, indicators=["toy.every_row"], registry=reg)
    assert res.suspicions["subject_id"].tolist() == ["r1"]
    totals = reg.business_totals(ds)
    assert totals["amount_fen"].tolist() == [100]
