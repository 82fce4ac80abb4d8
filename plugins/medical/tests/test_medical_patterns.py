"""Conflicting items, frequent visits, provider cost outliers."""

from __future__ import annotations

from decimal import Decimal

import pytest

CONFLICT = "medical.conflicting_items"
FREQUENT = "medical.frequent_visits"
OUTLIER = "medical.provider_cost_outlier"


# -- conflicting_items ------------------------------------------------------------------------


def _conflict(kit, p, scope, *, day_b="2025-06-05", sid_b="t", period_b="2025-06", order="AB"):
    a, b = ("A", "B") if order == "AB" else ("B", "A")
    return {
        "medical_settlements": [
            kit.settlement("s", p, "2025-06-01", "2025-06-10", fund="500.00"),
            kit.settlement(
                "t", p, "2025-06-05", "2025-06-05", provider="H2", fund="70.00", period=period_b
            ),
        ],
        "medical_items": [
            kit.item("s", 1, "A", "2025-06-05", category="exam"),
            kit.item(sid_b, 2, "B", day_b, category="exam"),
        ],
        "item_conflicts": [{"item_code_a": a, "item_code_b": b, "scope": scope}],
    }


@pytest.mark.parametrize("order", ["AB", "BA"])
def test_same_day_conflict_across_settlements(kit, order):
    p = kit.pid()
    tables = _conflict(kit, p, "same_day", order=order)
    s = kit.screen(CONFLICT, tables)
    assert kit.flagged(CONFLICT, tables) == {p: Decimal("570.00")}
    recs = kit.records(s, p)
    assert [(r["settlement_id"], r["other_settlement_id"]) for r in recs] == [
        ("s", "t"),
        ("t", "s"),
    ]


def test_same_day_conflict_on_another_day_is_not(kit):
    p = kit.pid()
    tables = _conflict(kit, p, "same_day", day_b="2025-06-05")
    tables["medical_items"][1]["service_date"] = "2025-06-06"
    assert kit.flagged(CONFLICT, tables) == {}


def test_same_day_conflict_with_a_line_of_an_earlier_period(kit):
    p = kit.pid()
    tables = _conflict(kit, p, "same_day", period_b="2025-05")
    assert kit.flagged(CONFLICT, tables) == {p: Decimal("500.00")}


def test_same_stay_conflict_within_one_inpatient_settlement_any_day(kit):
    p = kit.pid()
    tables = _conflict(kit, p, "same_stay", sid_b="s", day_b="2025-06-09")
    assert kit.flagged(CONFLICT, tables) == {p: Decimal("500.00")}


def test_same_stay_conflict_across_settlements_is_not(kit):
    p = kit.pid()
    assert kit.flagged(CONFLICT, _conflict(kit, p, "same_stay")) == {}


def test_same_stay_does_not_apply_to_an_outpatient_visit(kit):
    p = kit.pid()
    tables = _conflict(kit, p, "same_stay", sid_b="t")
    tables["medical_items"][0]["settlement_id"] = "t"
    tables["medical_items"][0]["line_no"] = "1"
    tables["medical_settlements"][1]["visit_type"] = "outpatient"
    assert kit.flagged(CONFLICT, tables) == {}


def test_conflicts_of_two_people_do_not_meet(kit):
    p, q = kit.pid(), kit.pid(seq=3)
    tables = _conflict(kit, p, "same_day")
    tables["medical_settlements"][1]["person_id"] = q
    assert kit.flagged(CONFLICT, tables) == {}


def test_conflicts_skipped_without_the_knowledge_table(kit):
    p = kit.pid()
    tables = _conflict(kit, p, "same_day")
    del tables["item_conflicts"]
    assert kit.run(CONFLICT, tables).skipped["reason"].tolist() == ["tables absent: item_conflicts"]


# -- frequent_visits --------------------------------------------------------------------------


def _visits(kit, p, n, *, day=None, providers=None, visit="outpatient", period="2025-06"):
    return [
        kit.visit(
            f"v{i}",
            p,
            day or f"{period}-{i % 28 + 1:02d}",
            provider=(providers[i] if providers else "C1"),
            fund="10.00",
            visit=visit,
            period=period,
        )
        for i in range(n)
    ]


@pytest.mark.parametrize(("n", "flagged"), [(20, False), (21, True)])
def test_more_than_twenty_visits_in_the_period(kit, n, flagged):
    p = kit.pid()
    got = kit.flagged(FREQUENT, {"medical_settlements": _visits(kit, p, n)})
    assert got == ({p: Decimal("210.00")} if flagged else {})


def test_pharmacy_counts_but_stays_and_history_do_not(kit):
    p = kit.pid()
    rows = _visits(kit, p, 10) + [
        {**r, "settlement_id": f"ph{i}"}
        for i, r in enumerate(_visits(kit, p, 10, visit="pharmacy"))
    ]
    rows.append(kit.settlement("stay", p, "2025-06-01", "2025-06-03"))
    rows += [
        {**r, "settlement_id": f"old{i}"}
        for i, r in enumerate(_visits(kit, p, 5, period="2025-05"))
    ]
    assert kit.flagged(FREQUENT, {"medical_settlements": rows}) == {}
    rows.append(kit.visit("one-more", p, "2025-06-30", fund="10.00"))
    assert kit.flagged(FREQUENT, {"medical_settlements": rows}) == {p: Decimal("210.00")}


@pytest.mark.parametrize(
    ("providers", "flagged"),
    [
        (["C1", "C2", "C3"], False),
        (["C1", "C2", "C3", "C4"], True),
        (["C1", "C1", "C2", "C3"], False),
    ],
)
def test_more_than_three_providers_on_one_day(kit, providers, flagged):
    p = kit.pid()
    rows = _visits(kit, p, len(providers), day="2025-06-07", providers=providers)
    rows.append(kit.visit("other-day", p, "2025-06-08", provider="C9"))
    s = kit.screen(FREQUENT, {"medical_settlements": rows})
    assert (len(s) == 1) is flagged
    if flagged:
        assert s["amount_at_risk"].iloc[0] == Decimal("40.00")
        assert {r["providers_on_day"] for r in kit.records(s, p)} == {4}
        assert {r["period_visits"] for r in kit.records(s, p)} == {5}


def test_frequent_visits_thresholds_are_parameters(kit):
    p = kit.pid()
    rows = _visits(kit, p, 4, day="2025-06-07", providers=["C1", "C2", "C3", "C4"])
    assert (
        kit.flagged(FREQUENT, {"medical_settlements": rows}, params={"max_providers_per_day": 4})
        == {}
    )
    assert kit.flagged(FREQUENT, {"medical_settlements": rows}, params={"max_visits": 3}) == {
        p: Decimal("40.00")
    }


# -- provider_cost_outlier --------------------------------------------------------------------


def _providers(kit, means, target_mean, *, level=3, extra=()):
    """One stay per peer at ``means`` (yuan), and two stays at H0 averaging ``target_mean``."""
    p = kit.pid()
    rows, providers = [], [kit.provider("H0", level)]
    for i, m in enumerate(means):
        providers.append(kit.provider(f"P{i}", level))
        rows.append(
            kit.settlement(
                f"s{i}", p, "2025-06-01", "2025-06-03", provider=f"P{i}", fund=f"{m:.2f}"
            )
        )
    half = Decimal(str(target_mean))
    for j, fund in enumerate((half - 100, half + 100)):
        rows.append(
            kit.settlement(
                f"h{j}", p, "2025-06-01", "2025-06-03", provider="H0", fund=f"{fund:.2f}"
            )
        )
    for r in extra:
        (providers if "level" in r else rows).append(r)
    return {"medical_settlements": rows, "providers": providers}


@pytest.mark.parametrize(("peers", "flagged"), [(4, False), (5, True)])
def test_outlier_needs_five_other_providers(kit, peers, flagged):
    s = kit.screen(OUTLIER, _providers(kit, [1000] * peers, 5000))
    assert list(s["subject_id"]) == (["H0"] if flagged else [])
    if flagged:
        assert s["subject_type"].iloc[0] == "provider"
        assert s["amount_at_risk"].iloc[0] == Decimal("10000.00")


@pytest.mark.parametrize(("mean", "flagged"), [("1000.00", False), ("1000.01", True)])
def test_outlier_with_identical_peers_fires_just_above_them(kit, mean, flagged):
    s = kit.screen(OUTLIER, _providers(kit, [1000] * 5, mean))
    assert list(s["subject_id"]) == (["H0"] if flagged else [])


@pytest.mark.parametrize(("mean", "flagged"), [("1189.73", False), ("1189.74", True)])
def test_outlier_threshold_is_mean_plus_three_population_sd(kit, mean, flagged):
    # peers 900, 1000, 1100, 1000, 1000: m = 1000, population sd = sqrt(4000) = 63.2456
    s = kit.screen(OUTLIER, _providers(kit, [900, 1000, 1100, 1000, 1000], mean))
    assert list(s["subject_id"]) == (["H0"] if flagged else [])
    if flagged:
        rec = kit.records(s, "H0")[0]
        assert (rec["peers"], rec["peer_mean"], rec["threshold"]) == (5, "1000.00", "1189.74")


def test_outlier_peers_are_of_the_same_level_with_stays(kit):
    p = kit.pid()
    extra = [
        kit.provider("L2", 2),
        kit.settlement("x", p, "2025-06-01", "2025-06-02", provider="L2", fund="1000.00"),
        kit.provider("OUT", 3),
        kit.visit("y", p, "2025-06-01", provider="OUT", fund="1000.00"),
    ]
    assert kit.flagged(OUTLIER, _providers(kit, [1000] * 4, 5000, extra=extra)) == {}


def test_outlier_k_is_a_parameter(kit):
    tables = _providers(kit, [900, 1000, 1100, 1000, 1000], "1189.74")
    assert kit.flagged(OUTLIER, tables, params={"k": 3.5}) == {}
