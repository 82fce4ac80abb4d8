"""What a plugin contributes to the synthetic city: :class:`SynthPart`.

A plugin registers one part through the ``fundrules_register_synth`` hook. The core builds the
city (persons, employers, enrollments, contributions, deaths, incarcerations, national benefits)
and the books; each part adds its own tables' rows in these steps:

* ``setup(world)`` once, before any person: reference tables, anything shared;
* ``background(world, chunk)`` once per chunk of the population: the clean rows of those persons
  only (the chunk is a :class:`Population`; a large city is written chunk by chunk);
* ``plants[code](world)`` once per indicator: fresh subjects at the firing side of the boundary
  (:meth:`World.mark`), and near misses at the other side (:meth:`World.near_miss`);
* ``flush(world)`` at the end of every batch of rows — after each chunk's ``background``, and
  once after the plants — before the batch is written and let go: whatever the batch's rows
  need of each other (the medical part prices its stays here). Nothing may wait for a later
  batch: a 12M-person city is written batch by batch and never held whole (D105);
* ``finish(world)`` once after the plants' batch (rows every batch contributed to, e.g. a
  reference table the plants added to); its rows are written with the books.

The ledger and the fund reports book every person-payment table the plugins declare
(``fundrules_register_payment_tables``) to the fen. ``services`` are helpers other parts may call by name (``world.service``),
e.g. medical visits for the injury plugin's double claims; a plant whose service is missing is
skipped (the indicator it feeds cannot run without that plugin's tables either).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .world import World

Plant = Callable[["World"], None]


@dataclass(frozen=True)
class Cash:
    """Fund money one table moves, as the books read it (from a declared payment table):
    ``amount`` (fen) of ``insurance``, booked in the month of ``month`` (a period column, or a
    date column for the month paid)."""

    table: str
    insurance: str
    amount: str
    month: str
    measure: str = "benefits"


@dataclass(frozen=True)
class AutoId:
    """A key column the writer fills: ``prefix`` + a scrambled number of ``width`` digits."""

    column: str
    prefix: str
    width: int


@dataclass(frozen=True)
class SynthPart:
    """One plugin's part of the synthetic city (see the module's doc)."""

    name: str
    setup: Callable[[World], None] | None = None
    background: Callable[[World, Population], None] | None = None
    plants: Mapping[str, Plant] = field(default_factory=dict)
    flush: Callable[[World], None] | None = None
    finish: Callable[[World], None] | None = None
    auto_ids: Mapping[str, AutoId] = field(default_factory=dict)
    #: tables whose rows are written in a random order (not in the order they were made)
    shuffled: tuple[str, ...] = ()
    #: planted instances per person where it differs from the default (1e-4)
    rates: Mapping[str, float] = field(default_factory=dict)
    services: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    #: parts whose ``background`` must run before this one's (their facts on the chunk)
    after: tuple[str, ...] = ()


class Population(dict[str, np.ndarray]):
    """A chunk of the city's persons: arrays of one length, ``idx`` their person indices.

    Keys: ``idx``, ``birth``, ``male``, ``cadre``, ``home``, ``role``, ``stat`` (statutory
    retirement date), ``death``, ``rdate`` (retirement date), ``age_ws`` (age at the window's
    start), ``employer`` (-1 when none), ``hire``, ``base`` (contribution base, fen). A part may
    add facts of its own for parts that run after it (``after``).
    """

    def where(self, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions in the chunk, person indices) of the persons where ``mask`` holds."""
        pos = np.flatnonzero(mask)
        return pos, self["idx"][pos]

    @property
    def size(self) -> int:
        return int(self["idx"].size)


__all__ = ["AutoId", "Cash", "Plant", "Population", "SynthPart"]
