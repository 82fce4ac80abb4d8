"""The toolkit for rule authors: generated exchange data, the indicator contract, case files.

    from fundrules.testing import check_indicator, datasets, run_case_file

- :func:`datasets` (and :func:`person_ids`, :func:`credit_codes`): Hypothesis strategies built
  from the schema's declarations; a plugin's tables get them too.
- :func:`check_indicator`: the contract every indicator keeps (deterministic, independent of row
  order, does not mutate its input, names real subjects, same result on partitions, monotone in
  its stricter parameters), checked over generated data, with a shrunk example on failure.
- :func:`run_case_file`: an indicator's tests as data (YAML), also collected by pytest through
  ``fundrules.testing.pytest_plugin``.
- :class:`RuleKit` (and :func:`kit_registry`): the kit for a plugin's own tests: valid ids, row
  builders, one indicator screened, its flagged subjects.
- :class:`TestData` (hook ``fundrules_register_test_data``): a plugin's generators for its
  tables, its salient money values and benefit types.
- :mod:`fundrules.testing.profiles`: the ``ci`` and ``thorough`` Hypothesis profiles.

The guide: docs/plugin-guide.md.
"""

# Loaded on first use (PEP 562): ``fundrules.testing.cases`` (and the pytest plugin that reads case
# files) must not import Hypothesis, which only the generated-data half of the toolkit needs and
# which is an optional dependency (the ``testing`` extra).
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_LAZY = {
    "Case": "cases",
    "CaseFailed": "cases",
    "CaseFileError": "cases",
    "CaseOutcome": "cases",
    "ContractReport": "contract",
    "ContractViolation": "contract",
    "Coverage": "cases",
    "GeneratorError": "contract",
    "PROPERTIES": "contract",
    "ICD_CODES": "generic",
    "RuleKit": "kit",
    "TIANJIN_DISTRICTS": "world",
    "TestData": "hints",
    "World": "world",
    "maybe": "hints",
    "vocabulary_values": "hints",
    "kit_registry": "kit",
    "RawDataset": "strategies",
    "assert_case_file": "cases",
    "case_coverage": "cases",
    "check_indicator": "contract",
    "credit_codes": "strategies",
    "datasets": "strategies",
    "find_case_files": "cases",
    "input_subjects": "contract",
    "load_case_file": "cases",
    "load_profile": "profiles",
    "person_ids": "strategies",
    "plugin_root": "cases",
    "register_profiles": "profiles",
    "run_case": "cases",
    "run_case_file": "cases",
    "split_dataset": "partition",
    "subjects_in": "partition",
}

if TYPE_CHECKING:
    from .cases import (
        Case,
        CaseFailed,
        CaseFileError,
        CaseOutcome,
        Coverage,
        assert_case_file,
        case_coverage,
        find_case_files,
        load_case_file,
        plugin_root,
        run_case,
        run_case_file,
    )
    from .contract import (
        PROPERTIES,
        ContractReport,
        ContractViolation,
        GeneratorError,
        check_indicator,
        input_subjects,
    )
    from .generic import ICD_CODES
    from .hints import TestData, maybe, vocabulary_values
    from .kit import RuleKit, kit_registry
    from .partition import split_dataset, subjects_in
    from .profiles import load_profile, register_profiles
    from .strategies import RawDataset, credit_codes, datasets, person_ids
    from .world import TIANJIN_DISTRICTS, World


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'fundrules.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = [
    "ICD_CODES",
    "PROPERTIES",
    "TIANJIN_DISTRICTS",
    "Case",
    "CaseFailed",
    "CaseFileError",
    "CaseOutcome",
    "ContractReport",
    "ContractViolation",
    "Coverage",
    "GeneratorError",
    "RawDataset",
    "RuleKit",
    "TestData",
    "World",
    "assert_case_file",
    "case_coverage",
    "check_indicator",
    "credit_codes",
    "datasets",
    "find_case_files",
    "input_subjects",
    "kit_registry",
    "load_case_file",
    "load_profile",
    "maybe",
    "person_ids",
    "plugin_root",
    "register_profiles",
    "run_case",
    "run_case_file",
    "split_dataset",
    "subjects_in",
    "vocabulary_values",
]
