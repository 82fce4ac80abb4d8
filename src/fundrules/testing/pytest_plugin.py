"""fundrules' pytest plugin: case files as test items, and (when asked) a Hypothesis profile.

Registered under the ``pytest11`` entry point, so it is active in any pytest run of an environment
where fundrules is installed. It therefore keeps to what is unmistakably fundrules' (D72):

- it collects only files named ``*.cases.yaml`` (or ``*.cases.yml``), one item per case; any other
  YAML file of the project is left alone;
- it leaves Hypothesis' settings alone, unless a profile is asked for with
  ``--fundrules-hypothesis-profile=ci``, the ini setting ``fundrules_hypothesis_profile = ci``, or
  the environment variable ``FUNDRULES_HYPOTHESIS=ci`` (Hypothesis' own ``--hypothesis-profile``
  wins over all three); the profiles are in :mod:`fundrules.testing.profiles`;
- it does not import Hypothesis unless a profile is asked for (case files do not need it; the
  contract check imports it when it runs).

Without the entry point: ``pytest -p fundrules.testing.pytest_plugin``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .cases import CASE_FILE_SUFFIXES, Case, CaseFailed, CaseFileError, load_case_file, run_case

PROFILE_OPTION = "fundrules_hypothesis_profile"
PROFILE_ENV = "FUNDRULES_HYPOTHESIS"
PROFILE_NAMES = ("ci", "thorough")  # fundrules.testing.profiles (not imported: it needs Hypothesis)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fundrules")
    group.addoption(
        "--fundrules-hypothesis-profile",
        dest=PROFILE_OPTION,
        default=None,
        help="load this fundrules Hypothesis profile (ci, thorough) for the run",
    )
    parser.addini(
        PROFILE_OPTION,
        help="fundrules Hypothesis profile (ci, thorough) to load; default: leave Hypothesis alone",
        default="",
    )


def asked_profile(config: pytest.Config) -> str | None:
    """The fundrules profile this run asks for, or None (Hypothesis is then left alone)."""
    if config.getoption("hypothesis_profile", default=None):
        return None  # Hypothesis' own option chose one
    return (
        config.getoption(PROFILE_OPTION, default=None)
        or os.environ.get(PROFILE_ENV)
        or str(config.getini(PROFILE_OPTION) or "")
        or None
    )


@pytest.hookimpl(tryfirst=True)  # before Hypothesis' plugin loads the profile its option names
def pytest_configure(config: pytest.Config) -> None:
    theirs = config.getoption("hypothesis_profile", default=None)
    if theirs in PROFILE_NAMES:  # ``--hypothesis-profile=ci``: make ours known to Hypothesis
        from .profiles import register_profiles

        register_profiles()
        config.stash[_PROFILE] = theirs
    name = asked_profile(config)
    if name:
        from .profiles import load_profile  # imports Hypothesis: only when asked

        config.stash[_PROFILE] = load_profile(name)


_PROFILE = pytest.StashKey[str]()


def pytest_report_header(config: pytest.Config) -> str | None:
    name = config.stash.get(_PROFILE, None)
    return f"fundrules: hypothesis profile {name!r}" if name else None


def is_case_file(path: Path) -> bool:
    """A fundrules case file: its name ends in ``.cases.yaml`` (or ``.cases.yml``)."""
    return path.name.endswith(CASE_FILE_SUFFIXES)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if is_case_file(file_path):
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    """A case file: one item per case."""

    def collect(self) -> Iterator[CaseItem]:
        seen: Counter[str] = Counter()
        for case in load_case_file(self.path):
            seen[case.name] += 1
            name = case.name if seen[case.name] == 1 else f"{case.name} [{seen[case.name]}]"
            yield CaseItem.from_parent(self, name=name, case=case)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:
        if isinstance(excinfo.value, CaseFileError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class CaseItem(pytest.Item):
    """One case: intake, ``fundrules.screen``, expected against found."""

    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        outcome = run_case(self.case)
        if not outcome.passed:
            raise CaseFailed(outcome.report)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, CaseFailed | CaseFileError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.case.line - 1 if self.case.line else None
        return self.path, line, f"{self.case.indicator}: {self.case.name}"
