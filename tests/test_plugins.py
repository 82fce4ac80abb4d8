"""Plugin system: a broken plugin is reported by name while the others run."""

from __future__ import annotations

import types

import pandas as pd
import pytest

import fundrules
from fundrules.plugins import PluginError, build_registry, hookimpl
from fundrules.screening import NoParams, indicator


@indicator(
    code="example.always",
    name_zh="示例",
    name_en="Example",
    insurance=None,
    area="data_quality",
    legal_basis="test",
    reads={"persons": ("person_id",)},
    subject="person",
    partition="person",
)
def always(ctx, p: NoParams) -> pd.DataFrame:
    """Flags every person."""
    persons = ctx.table("persons")
    return pd.DataFrame({"subject_id": persons["person_id"], "amount_fen": 0})


@indicator(
    code="example.raises",
    name_zh="示例",
    name_en="Raises",
    insurance=None,
    area="data_quality",
    legal_basis="test",
    reads={"persons": ("person_id",)},
    subject="person",
    partition="person",
)
def raises(ctx, p: NoParams) -> pd.DataFrame:
    """Always fails."""
    raise RuntimeError("boom")


def plugin(**hooks):
    return types.SimpleNamespace(**{k: hookimpl(v) for k, v in hooks.items()})


def good_plugin():
    return plugin(
        fundrules_code_prefix=lambda: "example",
        fundrules_register_indicators=lambda register: register(always),
    )


def test_plugin_raising_in_a_hook_is_reported_and_others_run():
    def bad(register):
        raise ValueError("cannot start")

    reg = build_registry(
        entry_points=False,
        strict=False,
        extra_plugins=[("good", good_plugin()), ("bad", plugin(fundrules_register_indicators=bad))],
    )
    assert "example.always" in reg.indicators
    assert reg.plugins["bad"].error == "fundrules_register_indicators: ValueError: cannot start"
    assert [f.plugin for f in reg.failures] == ["bad"]
    assert reg.plugins["good"].error is None


def test_plugin_with_a_misspelled_hook_is_refused_by_name():
    misspelled = types.SimpleNamespace(fundrules_register_indicator=hookimpl(lambda register: None))
    reg = build_registry(
        entry_points=False,
        strict=False,
        extra_plugins=[("typo", misspelled), ("good", good_plugin())],
    )
    assert "unknown hook(s): fundrules_register_indicator" in reg.plugins["typo"].error
    assert "example.always" in reg.indicators


def test_strict_mode_turns_failure_into_an_error(monkeypatch):
    monkeypatch.setenv("FUNDRULES_STRICT_PLUGINS", "1")

    def bad(register):
        raise ValueError("cannot start")

    with pytest.raises(PluginError, match="plugin 'bad'"):
        build_registry(
            entry_points=False, extra_plugins=[("bad", plugin(fundrules_register_indicators=bad))]
        )


def test_disabled_plugins_are_not_loaded(monkeypatch):
    monkeypatch.setenv("FUNDRULES_DISABLE_PLUGINS", "good, fund")
    reg = build_registry(entry_points=False, extra_plugins=[("good", good_plugin())])
    assert "good" not in reg.plugins and "fund" not in reg.plugins
    assert not any(c.startswith("fund.") for c in reg.indicators)


def test_an_indicator_that_raises_is_reported_and_the_others_run(load):
    reg = build_registry(
        entry_points=False,
        extra_plugins=[
            (
                "t",
                plugin(
                    fundrules_code_prefix=lambda: "example",
                    fundrules_register_indicators=lambda register: [
                        register(always),
                        register(raises),
                    ],
                ),
            )
        ],
    )
    ds = fundrules.dataset_from_frames(
        {
            "persons": pd.DataFrame(
                {
                    "person_id": ["x"],
                    "sex": ["M"],
                    "birth_date": ["1960-01-01"],
                    "region_code": ["120101"],
                }
            )
        },
        "2025-06",
        registry=reg,
    )
    res = fundrules.screen(ds, indicators=["example.always", "example.raises"], registry=reg)
    assert res.failed["indicator"].tolist() == ["example.raises"]
    assert "RuntimeError: boom" in res.failed["reason"].iloc[0]
    assert res.suspicions["indicator"].tolist() == ["example.always"]
    assert set(res.runs.columns) >= {"seconds", "rows_in", "hits", "suspicions"}


def test_a_broken_business_totals_hook_does_not_stop_reconciliation(registry):
    def totals(dataset):
        raise KeyError("nope")

    reg = build_registry(
        entry_points=False,
        strict=False,
        extra_plugins=[
            ("vocab", registry.pm.get_plugin("testvocab")),
            ("broken", plugin(fundrules_business_totals=totals)),
        ],
    )
    ds = fundrules.dataset_from_frames(
        {
            "ledger": pd.DataFrame(
                [
                    {
                        "entry_id": "e",
                        "insurance": "pension",
                        "period": "2025-06",
                        "account_type": "expenditure",
                        "item": "benefit_expenditure",
                        "amount": "1.00",
                    }
                ]
            )
        },
        "2025-06",
        registry=reg,
    )
    res = fundrules.screen(ds, indicators=["fund.business_ledger_mismatch"], registry=reg)
    assert res.failed.empty, res.runs.to_string()
    assert res.suspicions["subject_id"].tolist() == ["pension"]
    assert reg.plugins["broken"].error.startswith("fundrules_business_totals: KeyError")


def test_indicator_metadata_is_strict():
    with pytest.raises(ValueError, match="legal_basis"):
        indicator(
            code="x.y",
            name_zh="x",
            name_en="x",
            insurance=None,
            area="process",
            reads={},
            subject="person",
            partition=None,
        )(lambda c, p: None)
    with pytest.raises(ValueError, match="Extra inputs"):
        indicator(
            code="x.y",
            name_zh="x",
            name_en="x",
            insurance=None,
            area="process",
            legal_basis="l",
            reads={},
            subject="person",
            partition=None,
            colour="red",
        )(lambda c, p: None)
