"""What plugins add to the generated test data: hand-tuned generators, salient values, benefit
types. (Their payment tables come from ``fundrules_register_payment_tables``.)

The generic strategy makes valid rows of any declared table; a plugin makes its tables' rows
*mean* something (stays that overlap by a night, items a day outside a stay) through the hook
``fundrules_register_test_data(register)``, registering one :class:`TestData`. The toolkit
merges the core's and every installed plugin's (``strategies.test_data``).

Generators take ``(draw, world, vocabularies, built)`` and return typed rows (``date``, int fen,
month numbers); see ``fundrules.testing.central`` for the core's.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

if TYPE_CHECKING:
    from .world import World

Rows = list[dict[str, Any]]
Vocab = Mapping[str, frozenset[str]]
Built = Mapping[str, Rows]
Generator = Callable[[st.DrawFn, "World", Vocab, Built], Rows]


@dataclass(frozen=True)
class TestData:
    """One plugin's (or the core's) contribution to generated data."""

    #: hand-tuned generators by table
    generators: Mapping[str, Generator] = field(default_factory=dict)
    #: tables a generator reads (``built``), when they are generated too
    depends: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: pools a generator uses beyond its table's declared references (provider, payee, …)
    needs: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: money values (fen) at the plugin's boundaries: caps, limits, one fen past them
    salient_fen: tuple[int, ...] = ()
    #: benefit type -> insurance (generation leans towards the focus insurance's types)
    benefit_types: Mapping[str, str] = field(default_factory=dict)

    def merged(self, other: TestData) -> TestData:
        return TestData(
            generators={**self.generators, **other.generators},
            depends={**self.depends, **other.depends},
            needs={**self.needs, **other.needs},
            salient_fen=tuple(dict.fromkeys((*self.salient_fen, *other.salient_fen))),
            benefit_types={**self.benefit_types, **other.benefit_types},
        )


def vocabulary_values(vocab: Vocab, name: str, fallback: tuple[str, ...] = ()) -> list[str]:
    """The registered values of a vocabulary, sorted (``fallback`` when it has none)."""
    return sorted(vocab.get(name, ())) or list(fallback)


def maybe(draw: st.DrawFn, strategy: st.SearchStrategy[Any]) -> Any:
    """An optional cell: empty when the boolean shrinks to False."""
    return draw(strategy) if draw(st.booleans()) else None


def resolve(data: TestData | str) -> TestData:
    """A TestData, or ``"module:attribute"`` naming one (imported only when generating)."""
    if isinstance(data, TestData):
        return data
    module, _, attr = data.partition(":")
    found = getattr(importlib.import_module(module), attr or "TEST_DATA")
    if not isinstance(found, TestData):
        raise TypeError(f"{data}: expected a fundrules.testing.TestData, got {found!r}")
    return found


__test__ = False  # not a test module (pytest would collect TestData otherwise)
TestData.__test__ = False  # type: ignore[attr-defined]

__all__ = [
    "Built",
    "Generator",
    "Rows",
    "TestData",
    "Vocab",
    "maybe",
    "resolve",
    "vocabulary_values",
]
