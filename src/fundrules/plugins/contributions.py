"""The usual contributions of an insurance plugin, as one object of hook implementations.

Most plugins register the same things (their indicator code prefix, tables, payment tables,
vocabulary values, indicators, problem types, a classification ruleset); this class implements
those hooks from plain values, so a plugin's ``plugin.py`` only lists what it contributes. A plugin
with more hooks subclasses it and adds ``@hookimpl`` methods. Point the entry point at the
instance: ``ltc = "fundrules_ltc.plugin:plugin"``.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from fundrules.schema import PaymentTable, Table

from .hookspecs import hookimpl


class PluginContributions:
    """Hook implementations for a plugin's tables, vocabularies, indicators, problem types,
    classification rulesets, its part of the synthetic city (a ``SynthPart``) and of generated
    test data (a ``fundrules.testing.TestData`` or ``"module:attribute"`` naming one)."""

    def __init__(
        self,
        *,
        prefix: str | None = None,
        tables: Iterable[Table] = (),
        payment_tables: Iterable[PaymentTable] = (),
        vocabularies: Mapping[str, Iterable[str]] | None = None,
        indicators: Iterable[Any] = (),
        problem_types: Iterable[Mapping[str, Any]] = (),
        rulesets: Sequence[Mapping[str, Any]] = (),
        synth: Any = None,
        test_data: Any = None,
    ) -> None:
        self.prefix = prefix
        self.tables = tuple(tables)
        self.payment_tables = tuple(payment_tables)
        self.vocabularies = {k: tuple(v) for k, v in (vocabularies or {}).items()}
        self.indicators = tuple(indicators)
        self.problem_types = tuple(problem_types)
        self.rulesets = tuple(rulesets)
        self.synth = synth
        self.test_data = test_data
        # the plugin's own module (where this object is made), so that tools can find the
        # plugin's distribution folder and its case files
        self.defined_in: str = sys._getframe(1).f_globals.get("__name__", "")
        if type(self) is not PluginContributions and self.defined_in == __name__:
            self.defined_in = type(self).__module__

    @hookimpl
    def fundrules_register_tables(self, register: Callable[[Table], None]) -> None:
        for table in self.tables:
            register(table)

    @hookimpl
    def fundrules_code_prefix(self) -> str | None:
        return self.prefix

    @hookimpl
    def fundrules_register_payment_tables(self, register: Callable[[PaymentTable], None]) -> None:
        for payments in self.payment_tables:
            register(payments)

    @hookimpl
    def fundrules_register_vocabularies(self, extend: Callable[[str, Iterable[str]], None]) -> None:
        for name, values in self.vocabularies.items():
            extend(name, values)

    @hookimpl
    def fundrules_register_indicators(self, register: Callable[[Any], None]) -> None:
        for indicator in self.indicators:
            register(indicator)

    @hookimpl
    def fundrules_register_problem_types(self, register: Callable[[Any], None]) -> None:
        for problem_type in self.problem_types:
            register(dict(problem_type))

    @hookimpl
    def fundrules_register_classification_rules(self, register: Callable[[Any], None]) -> None:
        for ruleset in self.rulesets:
            register(copy.deepcopy(dict(ruleset)))

    @hookimpl
    def fundrules_register_synth(self, register: Callable[[Any], None]) -> None:
        if self.synth is not None:
            register(self.synth)

    @hookimpl
    def fundrules_register_test_data(self, register: Callable[[Any], None]) -> None:
        if self.test_data is not None:
            register(self.test_data)
