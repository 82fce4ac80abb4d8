"""`$mt` patterns are bounded, the timeout is capped, and the engine worker dies with its parent
(issue #12 item 7)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date

import pytest
from classification.rows import frame, suspicion

from fundrules.classification import RulesError, classify


def _config(pattern: str) -> dict:
    return {
        "rules": {
            "region.problem_type.odd": {
                "pri": 1,
                "all": [{"m": {"$mt": {"indicator_name": pattern}}}],
                "assign": {"problem_type": "process"},
            }
        }
    }


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("((a*)*)*b", "repeats a group that itself repeats"),
        ("(a+|b)+c", "repeats a group that itself repeats"),
        ("a**", "quantifier on a quantifier"),
        ("(" * 200 + "a" + ")" * 200, "at most 200"),
        ("((((a))))", "nests groups more than 3 deep"),
    ],
)
def test_patterns_that_could_loop_are_refused_before_the_engine(core_registry, pattern, why):
    started = time.monotonic()
    with pytest.raises(RulesError, match=why):
        classify(
            frame(suspicion()),
            _config(pattern),
            discovered=date(2025, 9, 26),
            registry=core_registry,
        )
    assert time.monotonic() - started < 10  # refused, not timed out


def test_bounded_patterns_and_the_default_rules_still_work(core_registry):
    s = classify(
        frame(suspicion()),
        _config("data[.].*_(person|employer)_id"),
        discovered=date(2025, 9, 26),
        registry=core_registry,
    )
    assert len(s.suspicions) == 1
    s = classify(frame(suspicion()), discovered=date(2025, 9, 26), registry=core_registry)
    assert s.suspicions["problem_type"][0] == "improper_payment"


def test_the_engine_timeout_is_capped(core_registry):
    with pytest.raises(RulesError, match="timeout_seconds"):
        classify(
            frame(suspicion()),
            {"engine": {"timeout_seconds": 1e9}},
            discovered=date(2025, 9, 26),
            registry=core_registry,
        )


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as f:
            return any(line.startswith("State:") and "Z" in line for line in f)
    except FileNotFoundError:
        return True


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except FileNotFoundError:
        return []


def test_the_engine_worker_dies_with_its_parent():
    """A parent whose worker is busy in a looping pattern is killed: the worker must not spin
    on, orphaned (the pattern goes to the engine directly: the rules' checks would refuse it)."""
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
            from fundrules.classification import RuleEngine
            rules = {"x": {"loop": {"pri": 1,
                     "all": [{"m": {"$mt": {"indicator": "((a*)*)*b"}}}]}}}
            RuleEngine(rules, timeout_seconds=120).evaluate("x", [{"indicator": "a" * 40}])
            """
            ),
        ],
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _children(parent.pid):
        time.sleep(0.05)
    (worker,) = _children(parent.pid)
    time.sleep(2.0)  # the worker is now busy in the engine's C code
    assert not _gone(worker)
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=30)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not _gone(worker):
        time.sleep(0.1)
    alive = not _gone(worker)
    if alive:
        os.kill(worker, signal.SIGKILL)
    assert not alive, "the engine worker outlived its parent"
