"""The durable-rules adapter: crashes and hangs become clear errors, the caller survives."""

from __future__ import annotations

import os
from datetime import date

import pytest
from classification.rows import frame, suspicion
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundrules.classification import ClassificationEngineError, RuleEngine, classify
from fundrules.classification.pipeline import _representatives

# Measured with durable-rules 2.0.28: a pattern of 200 nested groups is a segmentation fault in
# the engine's C code when the ruleset is created; a nested repetition never returns.
SEGFAULT_PATTERN = "(" * 200 + "a" + ")" * 200
LOOPING_PATTERN = "((a*)*)*b"


def test_a_crash_inside_the_engine_becomes_a_clear_error_and_the_caller_survives(core_registry):
    # the rules' checks refuse such a pattern (D48); the engine adapter must survive one anyway
    rules = {"x": {"odd": {"pri": 1, "all": [{"m": {"$mt": {"indicator": SEGFAULT_PATTERN}}}]}}}
    with pytest.raises(ClassificationEngineError, match=r"crashed .*SIGSEGV") as caught:
        RuleEngine(rules).evaluate("x", [{"indicator": "a"}])
    assert "only its worker process" in str(caught.value)
    # this process is alive and the next classification works
    s = classify(frame(suspicion()), discovered=date(2025, 9, 26), registry=core_registry)
    assert s.suspicions["problem_type"][0] == "improper_payment"
    assert os.getpid() > 0


def test_an_engine_that_does_not_answer_is_stopped():
    rules = {"x": {"loop": {"pri": 1, "all": [{"m": {"$mt": {"indicator": LOOPING_PATTERN}}}]}}}
    engine = RuleEngine(rules, timeout_seconds=2)
    with pytest.raises(ClassificationEngineError, match="did not answer within 2 s"):
        engine.evaluate("x", [{"indicator": "aaaa"}])
    assert engine.worker_pid is None  # the worker was killed, not left spinning


def test_no_match_is_an_ordinary_none():
    rules = {"sev": {"big": {"pri": 1, "all": [{"m": {"$gte": {"amount_fen": 100}}}]}}}
    with RuleEngine(rules) as engine:
        assert engine.evaluate("sev", [{"amount_fen": 5}, {"amount_fen": 500}]) == [None, "big"]


def test_first_rule_by_priority_decides_and_identical_messages_are_fine():
    rules = {
        "sev": {
            "broad": {"pri": 2, "all": [{"m": {"$gte": {"amount_fen": 1}}}]},
            "narrow": {"pri": 1, "all": [{"m": {"$gte": {"amount_fen": 100}}}]},
        }
    }
    with RuleEngine(rules) as engine:
        # identical messages without an id raise MessageObservedException in durable-rules
        assert engine.evaluate("sev", [{"amount_fen": 500}] * 3 + [{"amount_fen": 5}]) == [
            "narrow",
            "narrow",
            "narrow",
            "broad",
        ]


def test_reserved_keys_are_refused():
    with (
        RuleEngine({"r": {"a": {"pri": 1, "all": [{"m": {"x": 1}}]}}}) as engine,
        pytest.raises(ValueError, match="reserved"),
    ):
        engine.evaluate("r", [{"x": 1, "sid": "2"}])


def test_long_runs_are_chunked_and_the_worker_replaced():
    rules = {"r": {"even": {"pri": 1, "all": [{"m": {"parity": 0}}]}}}
    messages = [{"parity": i % 2, "n": i} for i in range(5000)]
    with RuleEngine(rules, chunk_size=700, max_messages_per_worker=2000) as engine:
        fired = engine.evaluate("r", messages)
        assert engine.workers_started == 4  # whole chunks: 2 × 700 per worker of 2,000
    assert fired == ["even" if i % 2 == 0 else None for i in range(5000)]


def test_two_engines_in_one_process_do_not_collide():
    rules = {"same_name": {"a": {"pri": 1, "all": [{"m": {"x": 1}}]}}}
    with RuleEngine(rules) as one, RuleEngine(rules) as two:
        assert one.evaluate("same_name", [{"x": 1}]) == two.evaluate("same_name", [{"x": 1}])


THRESHOLDS = [0, 999_999, 1_000_000, 49_999_999, 50_000_000]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(st.sampled_from(THRESHOLDS), st.integers(-10, 60_000_000)),
        min_size=1,
        max_size=40,
    )
)
def test_sending_representatives_decides_as_sending_every_value(values):
    """The pipeline sends one representative per interval between thresholds: the engine must
    decide for it exactly as it would for each value."""
    rules = {
        "g": {
            "major": {"pri": 1, "all": [{"m": {"$gte": {"amount_fen": 50_000_000}}}]},
            "ordinary": {"pri": 2, "all": [{"m": {"$gte": {"amount_fen": 1_000_000}}}]},
            "exact": {"pri": 3, "all": [{"m": {"amount_fen": 999_999}}]},
            "positive": {"pri": 4, "all": [{"m": {"$gt": {"amount_fen": 0}}}]},
        }
    }
    reps = _representatives(values, [0, 999_999, 1_000_000, 50_000_000])
    with RuleEngine(rules) as engine:
        direct = engine.evaluate("g", [{"amount_fen": v} for v in values])
        via = engine.evaluate("g", [{"amount_fen": int(v)} for v in reps])
    assert direct == via


def test_only_the_worker_imports_durable_rules():
    import re
    from pathlib import Path

    import fundrules

    root = Path(fundrules.__file__).parent
    importers = {
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if re.search(r"^\s*(from|import)\s+durable\b", p.read_text(encoding="utf-8"), re.M)
    }
    assert importers == {"classification/engine_worker.py"}


def test_chinese_text_reaches_the_engine_intact():
    rules = {"r": {"heping": {"pri": 1, "all": [{"m": {"region": "和平区"}}]}}}
    with RuleEngine(rules) as engine:
        assert engine.evaluate("r", [{"region": "和平区"}, {"region": "河西区"}]) == [
            "heping",
            None,
        ]


def test_fact_tuples_of_many_wide_columns_never_collide():
    """Eight columns of 5,000 distinct values each: a naive mixed-radix code would overflow."""
    import numpy as np
    import pandas as pd

    from fundrules.classification.pipeline import _tuple_codes

    rng = np.random.default_rng(3)
    frame = pd.DataFrame({f"c{i}": rng.integers(0, 5000, 20_000) for i in range(8)})
    codes = _tuple_codes(frame)
    assert len(np.unique(codes)) == len(frame.drop_duplicates())
    pairs = pd.DataFrame({"code": codes}).join(frame)
    assert pairs.drop_duplicates().groupby("code").size().max() == 1


def test_pipeline_decides_as_if_every_suspicion_were_sent_whole(core_registry):
    """The reference: every profile, all its fields, sent to the engine one decision after the
    other, no deduplication and no representatives. The pipeline must agree on every row."""
    import numpy as np

    from fundrules.classification.pipeline import RULE_COLUMNS
    from fundrules.classification.profiles import PROFILE_FIELDS, build_profiles
    from fundrules.classification.rules import ASPECTS, build_rule_book

    rng = np.random.default_rng(5)
    codes = [
        "pension.benefit_jump",
        "pension.paid_after_death",
        "data.unknown_person",
        "medical.price_above_cap",
        "maternity.insufficient_contribution",
        "fund.x",
    ]
    near = ["0.00", "9999.99", "10000.00", "10000.01", "499999.99", "500000.00", "7.50"]
    rows, seen = [], set()
    while len(rows) < 300:
        code, person = codes[rng.integers(len(codes))], f"P{rng.integers(150)}"
        if (code, person) in seen:
            continue
        seen.add((code, person))
        records = [{"employer_id": f"E{rng.integers(4)}"}] if rng.random() < 0.6 else []
        rows.append(
            suspicion(
                code,
                person,
                amount=near[rng.integers(len(near))],
                severity=["low", "medium", "high", "critical"][rng.integers(4)],
                records=records or None,
            )
        )
    suspicions = frame(*rows)
    result = classify(suspicions, discovered=date(2025, 9, 26), registry=core_registry)

    book = build_rule_book(problem_types=result.problem_types)
    profiles = build_profiles(suspicions)
    with RuleEngine(book.engine_rulesets()) as engine:
        for aspect in ASPECTS[:-1]:  # agency: routing only, nothing configured here
            fields = [*PROFILE_FIELDS, *ASPECTS[: ASPECTS.index(aspect)]]
            messages = [
                {f: (v.item() if hasattr(v, "item") else v) for f, v in row.items()}
                for row in profiles[fields].to_dict(orient="records")
            ]
            fired = engine.evaluate(aspect, messages)
            names = [f or book.fallback(aspect).name for f in fired]
            values = [
                profiles.at[i, book.rules[n].value_field]
                if book.rules[n].value_field
                else book.rules[n].value
                for i, n in enumerate(names)
            ]
            profiles[aspect] = values
            assert names == result.suspicions[RULE_COLUMNS[aspect]].tolist(), aspect
            assert values == result.suspicions[aspect].tolist(), aspect
