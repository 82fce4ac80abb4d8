"""Every property of the indicator contract can fail: deliberately broken indicators are caught,
each by the property it breaks, with a shrunk example in the report."""

from __future__ import annotations

import itertools
import random
import re
import time
import warnings

import pandas as pd
import pytest
from hypothesis import strategies as st

from fundrules.errors import NeverFiredWarning
from fundrules.plugin_api import NoParams, Params, ScreeningContext, as_hits, indicator, param
from fundrules.testing import ContractViolation, check_indicator

READS = {"benefits": ("payment_id", "person_id", "insurance", "period", "amount")}
META = dict(
    name_zh="测试",
    name_en="test",
    insurance=None,
    area="expenditure",
    legal_basis="none: a test indicator",
    reads=READS,
    subject="person",
    partition="person",
)


def _paid(ctx: ScreeningContext) -> pd.DataFrame:
    # without the insurance column: these indicators test the toolkit, not gather()'s handling
    # of suspicions that mix insurances
    b = ctx.target("benefits").drop(columns="insurance")
    return b[b["amount"] > 0]


@indicator(code="test.well_behaved", **META)
def well_behaved(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """Every positive payment of the period."""
    return as_hits(_paid(ctx), evidence=["payment_id"])


@indicator(code="test.first_row_only", **META)
def order_dependent(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """The first payment of each person, in file order: its amount depends on the row order."""
    first = _paid(ctx).drop_duplicates("person_id", keep="first")
    return as_hits(first, evidence=["payment_id"])


@indicator(code="test.doubles_amounts", **META)
def mutating(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """Writes into the table it was given."""
    b = ctx.table("benefits")
    b["amount"] = b["amount"] * 2
    return as_hits(b.iloc[0:0], evidence=[])


_calls = itertools.count()


@indicator(code="test.every_other_run", **META)
def nondeterministic(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """Fires on every other call: hidden state."""
    rows = _paid(ctx) if next(_calls) % 2 else _paid(ctx).iloc[0:0]
    return as_hits(rows, evidence=["payment_id"])


@indicator(code="test.crowded_period", **META)
def partition_dependent(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """Flags payments when two or more persons are paid: a person's result depends on others,
    yet it declares the person as its partition key."""
    rows = _paid(ctx)
    if rows["person_id"].nunique() < 2:
        rows = rows.iloc[0:0]
    return as_hits(rows, evidence=["payment_id"])


class ThresholdParams(Params):
    threshold: float = param(
        1000.0, description="yuan; above it, a payment is flagged", stricter="higher"
    )


@indicator(code="test.below_threshold", params=ThresholdParams, **META)
def non_monotone(ctx: ScreeningContext, p: ThresholdParams) -> pd.DataFrame:
    """Declares a higher threshold stricter, but flags payments *below* it."""
    rows = _paid(ctx)
    return as_hits(rows[rows["amount"] < round(p.threshold * 100)], evidence=["payment_id"])


@indicator(code="test.above_threshold", params=ThresholdParams, **META)
def monotone(ctx: ScreeningContext, p: ThresholdParams) -> pd.DataFrame:
    """A higher threshold flags fewer payments, as declared."""
    rows = _paid(ctx)
    return as_hits(rows[rows["amount"] > round(p.threshold * 100)], evidence=["payment_id"])


@indicator(code="test.names_payments", **META)
def stray_subject(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """Names the payment, not the person, as a person subject."""
    return as_hits(_paid(ctx), subject="payment_id", evidence=["person_id"])


@indicator(code="test.fragile", **META)
def raising(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """Assumes there is at least one payment."""
    b = ctx.target("benefits")
    largest = b.loc[b["amount"].idxmax()]
    return as_hits(b[b["amount"] == largest["amount"]], evidence=["payment_id"])


@indicator(code="test.undeclared_column", **META)
def undeclared_column(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """Puts a column it does not declare (paid_date) in its evidence."""
    return as_hits(_paid(ctx), evidence=["payment_id", "paid_date"])


@indicator(code="test.undeclared_month", **{**META, "history_months": 0})
def undeclared_month(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """Says it reads the target month only, but sums the month before too."""
    b = ctx.table("benefits").drop(columns="insurance")
    b = b[b["period"] >= ctx.period - 1]
    total = b.groupby("person_id", as_index=False)["amount"].sum()
    return as_hits(total[total["amount"] > 0], evidence=[])


def test_a_well_behaved_indicator_passes_and_the_report_says_what_held(registry):
    report = check_indicator(well_behaved, registry=registry, max_examples=15)
    assert report.examples >= 15
    assert report.fired > 0
    assert "same result on partitions" in report.checked
    assert "monotone in stricter parameters" not in report.checked  # no parameters
    assert "properties held on" in str(report)


def test_a_monotone_threshold_passes(registry):
    report = check_indicator(monotone, registry=registry, max_examples=15)
    assert "monotone in stricter parameters" in report.checked


@pytest.mark.parametrize(
    "broken, prop",
    [
        (order_dependent, "independent of row order"),
        (mutating, "does not mutate its input"),
        (nondeterministic, "deterministic"),
        (partition_dependent, "same result on partitions"),
        (non_monotone, "monotone in stricter parameters"),
        (stray_subject, "names subjects of its input"),
        (raising, "runs"),
        (undeclared_column, "reads only what it declares"),
        (undeclared_month, "reads only what it declares"),
    ],
    ids=lambda x: x if isinstance(x, str) else x.code,
)
def test_a_broken_indicator_is_caught_by_the_property_it_breaks(registry, broken, prop):
    with pytest.raises(ContractViolation) as caught:
        check_indicator(broken, registry=registry, max_examples=100)
    violation = caught.value
    assert violation.property == prop, str(violation)
    text = str(violation)
    assert f"{broken.code} breaks the indicator contract: {prop}" in text
    assert "minimal failing example:" in text and "period 2025-06" in text


def test_the_shrunk_example_is_small_and_readable(registry):
    with pytest.raises(ContractViolation) as caught:
        check_indicator(partition_dependent, registry=registry, max_examples=100)
    example = caught.value.example
    # two persons paid once each is the smallest dataset on which the whole differs from the
    # parts; the shrinker gets close to it
    rows = re.search(r"benefits \((\d+) rows\)", example)
    assert rows and int(rows.group(1)) <= 4, example
    assert "persons" not in example  # tables the indicator does not read are not generated
    assert "partition 0:" in example and "partition 1:" in example


def test_the_order_report_names_the_shuffle(registry):
    with pytest.raises(ContractViolation) as caught:
        check_indicator(order_dependent, registry=registry, max_examples=100)
    assert "rows shuffled" in caught.value.example
    assert "only in file order" in caught.value.detail


def test_a_subject_outside_the_input_is_named(registry):
    with pytest.raises(ContractViolation) as caught:
        check_indicator(stray_subject, registry=registry, max_examples=100)
    assert "person 'b1'" in caught.value.detail


# -- the author's own data, a hard bound on shrinking, a rule that never fired (issue #13) -----


@indicator(code="test.exact_amount", **META)
def exact_amount(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """Fires on a payment of exactly 12345.67 yuan: generic data practically never holds one."""
    b = ctx.target("benefits").drop(columns="insurance")
    return as_hits(b[b["amount"] == 1234567], evidence=["payment_id"])


def _payments(amounts: list[str]) -> dict[str, list[dict[str, str]]]:
    from ids import person_id

    return {
        "benefits": [
            {
                "payment_id": f"p{i}",
                "person_id": person_id("19600101", i % 3 + 1),
                "insurance": "pension",
                "benefit_type": "basic_pension",
                "period": "2025-06",
                "amount": amount,
                "paid_date": "2025-06-15",
            }
            for i, amount in enumerate(amounts)
        ]
    }


AMOUNTS = st.lists(st.sampled_from(["12345.67", "100.00", "12345.66"]), min_size=1, max_size=6)


def test_a_rule_that_never_fired_is_a_clear_warning_with_the_count(registry):
    with pytest.warns(NeverFiredWarning, match=r"fired on none of the 12 generated datasets"):
        report = check_indicator(exact_amount, registry=registry, max_examples=12)
    assert report.fired == 0


def test_the_authors_own_strategy_makes_the_rule_fire(registry):
    with warnings.catch_warnings():
        warnings.simplefilter("error", NeverFiredWarning)
        report = check_indicator(
            exact_amount, registry=registry, max_examples=12, datasets=AMOUNTS.map(_payments)
        )
    assert report.examples >= 12 and report.fired > 0
    assert "same result on partitions" in report.checked


def test_a_plain_generator_function_is_accepted(registry):
    def generate(rng: random.Random) -> dict[str, pd.DataFrame]:
        rows = _payments([rng.choice(["12345.67", "5.00"]) for _ in range(rng.randint(1, 4))])
        return {"benefits": pd.DataFrame(rows["benefits"])}

    report = check_indicator(exact_amount, registry=registry, max_examples=10, datasets=generate)
    assert report.fired > 0


def test_the_authors_data_is_checked_for_every_property(registry):
    with pytest.raises(ContractViolation) as caught:
        check_indicator(
            order_dependent, registry=registry, max_examples=30, datasets=AMOUNTS.map(_payments)
        )
    assert caught.value.property == "independent of row order"


def test_a_wrong_stricter_direction_is_caught_within_a_few_examples(registry):
    t0 = time.monotonic()
    with pytest.raises(ContractViolation) as caught:
        check_indicator(non_monotone, registry=registry, max_examples=8)
    assert caught.value.property == "monotone in stricter parameters"
    assert time.monotonic() - t0 < 60


class SlowParams(Params):
    threshold: float = param(1000.0, description="yuan", stricter="higher")


@indicator(code="test.slow_below_threshold", params=SlowParams, **META)
def slow_non_monotone(ctx: ScreeningContext, p: SlowParams) -> pd.DataFrame:
    """Wrong direction, and slow: each run takes 0.25 s, so shrinking would take minutes."""
    time.sleep(0.25)
    rows = _paid(ctx)
    return as_hits(rows[rows["amount"] < round(p.threshold * 100)], evidence=["payment_id"])


def test_shrinking_has_a_hard_wall_clock_bound(registry):
    t0 = time.monotonic()
    with pytest.raises(ContractViolation) as caught:
        check_indicator(slow_non_monotone, registry=registry, max_examples=50, shrink_seconds=3)
    elapsed = time.monotonic() - t0
    text = str(caught.value)
    assert "shrinking stopped after 3 s: the smallest of" in text, text
    assert caught.value.property == "monotone in stricter parameters"
    assert "minimal failing example:" in text and "benefits (" in text
    # the first failure comes within a few examples (about 2 s each); then 3 s of shrinking and
    # the example in flight
    assert elapsed < 40, elapsed
