"""Hypothesis profiles: none loaded unless asked (D72); ``ci`` or ``thorough`` one flag away."""

from __future__ import annotations

import pytest
from hypothesis import settings

from fundrules.testing.profiles import CI_EXAMPLES, THOROUGH_EXAMPLES, register_profiles

pytest_plugins = ["pytester"]

PROBE = """
from hypothesis import settings

def test_probe():
    print("PROFILE", settings.get_current_profile_name(), settings().max_examples)
"""


def test_the_profiles_are_registered():
    register_profiles()
    ci, thorough = settings.get_profile("ci"), settings.get_profile("thorough")
    assert ci.max_examples == CI_EXAMPLES and ci.derandomize and ci.deadline is None
    assert thorough.max_examples == THOROUGH_EXAMPLES and not thorough.derandomize


@pytest.mark.parametrize(
    "args, env, expected",
    [
        ([], None, "PROFILE default 100"),  # Hypothesis left alone
        (["--fundrules-hypothesis-profile=ci"], None, f"PROFILE ci {CI_EXAMPLES}"),
        (["--hypothesis-profile=thorough"], None, f"PROFILE thorough {THOROUGH_EXAMPLES}"),
        ([], "thorough", f"PROFILE thorough {THOROUGH_EXAMPLES}"),
        (["--hypothesis-profile=ci"], "thorough", f"PROFILE ci {CI_EXAMPLES}"),  # the flag wins
    ],
)
def test_choosing_a_profile(
    pytester, plugin_args, monkeypatch, hypothesis_off_ci, args, env, expected
):
    if env:
        monkeypatch.setenv("FUNDRULES_HYPOTHESIS", env)
    else:
        monkeypatch.delenv("FUNDRULES_HYPOTHESIS", raising=False)
    pytester.makepyfile(test_probe=PROBE)
    result = pytester.runpytest_subprocess(*plugin_args, "-s", *args)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*{expected}*"])
