"""fundrules' pytest plugin: case files as test items, and the Hypothesis profiles.

Registered under the ``pytest11`` entry point, so any pytest run in an environment where fundrules
is installed collects ``test_*.yaml`` case files under a ``tests`` folder (one item per case) and
loads the ``ci`` Hypothesis profile unless ``--hypothesis-profile`` or ``FUNDRULES_HYPOTHESIS``
names another (see :mod:`fundrules.testing.profiles`). Without the entry point:
``pytest -p fundrules.testing.pytest_plugin``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from .cases import Case, CaseFailed, CaseFileError, load_case_file, run_case
from .profiles import load_profile, register_profiles

# before any pytest_configure: Hypothesis' own plugin may load one of them from its option
register_profiles()


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("hypothesis_profile", default=None):
        load_profile()


def pytest_report_header(config: pytest.Config) -> str:
    return f"fundrules: hypothesis profile {settings.get_current_profile_name()!r}"


def is_case_file(path: Path) -> bool:
    """``test_*.yaml`` (or ``.yml``) inside a folder named ``tests`` at any depth."""
    return (
        path.suffix in (".yaml", ".yml")
        and path.name.startswith("test_")
        and "tests" in path.parent.parts
    )


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
