"""The data as of a month, read from the store as a :class:`~fundrules.intake.Dataset`.

Tables are read when an indicator first asks for them (``ctx.table``), never validated again:
only the tables a run touches, only the columns the chosen indicators declare (all columns of a
table none of them declares), only the person buckets of the shard, only the months they look
back at.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pandas as pd

from fundrules.intake import Dataset
from fundrules.intake.dataset import person_profiles
from fundrules.period import parse_period
from fundrules.screening.reads import months_since, needed_columns

from .store import Store, StoredVersion

if TYPE_CHECKING:
    from fundrules.plugins.registry import Registry


class StoreTables(Mapping[str, pd.DataFrame]):
    """The tables of the data as of a month, each read from the store on first access."""

    def __init__(
        self,
        store: Store,
        versions: list[StoredVersion],
        names: Iterable[str],
        columns: Mapping[str, set[str] | None],
        buckets: list[int] | None,
        since: Mapping[str, int | None],
    ) -> None:
        self.store = store
        self.versions = versions
        self.names = list(names)
        self.columns = dict(columns)
        self.buckets = buckets
        self.since = dict(since)
        self._loaded: dict[str, pd.DataFrame] = {}
        #: what was read from the store: (table, columns, rows) per read, in order
        self.reads: list[tuple[str, tuple[str, ...], int]] = []

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.names:
            raise KeyError(name)
        if name not in self._loaded:
            frame = self.store.read_table(
                self.versions, name, self.columns.get(name), self.buckets, self.since.get(name)
            )
            assert frame is not None
            self.reads.append((name, tuple(frame.columns), len(frame)))
            self._loaded[name] = frame
        return self._loaded[name]

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def loaded(self) -> list[str]:
        """The tables read and kept so far."""
        return list(self._loaded)

    def release(self, keep: Iterable[str]) -> list[str]:
        """Forget the tables read so far that are not in ``keep`` (read again if asked for
        again): a run drops a table after the last indicator that declares it, so a task holds
        the tables its remaining indicators read, not every table it has read. Returns the
        tables dropped."""
        wanted = set(keep)
        dropped = [n for n in self._loaded if n not in wanted]
        for n in dropped:
            del self._loaded[n]
        return dropped

    def read_columns(self, name: str, columns: Iterable[str]) -> pd.DataFrame:
        """Some columns of a table, without keeping them (person ids for the profiles)."""
        if name in self._loaded:
            return self._loaded[name]
        frame = self.store.read_table(self.versions, name, columns, self.buckets, None)
        assert frame is not None
        self.reads.append((name, tuple(frame.columns), len(frame)))
        return frame


@dataclass
class StoreDataset(Dataset):
    """A dataset whose tables come from the store on demand."""

    store_tables: StoreTables | None = field(default=None, repr=False)

    @property
    def store(self) -> Store | None:
        """The store these data come from (``store.submissions()`` for the process checks)."""
        return self.store_tables.store if self.store_tables is not None else None

    @cached_property
    def person_profiles(self) -> pd.DataFrame:
        """As :attr:`Dataset.person_profiles`, reading only the person-id columns of every
        table (and sex and birth date of ``persons``)."""
        st = self.store_tables
        if st is None:
            return super().person_profiles
        ids = []
        for name in st:
            cols = list(self.schema[name].columns_of("person_id"))
            if cols:
                frame = st.read_columns(name, cols)
                ids.extend(frame[c] for c in cols if c in frame)
        persons = (
            st.read_columns("persons", ["person_id", "sex", "birth_date"])
            if "persons" in st
            else None
        )
        return person_profiles(ids, persons, self.period_end)


def store_dataset(
    store: Store,
    period: str,
    version: int | None = None,
    *,
    indicators: Iterable[Any] | None = None,
    registry: Registry | None = None,
    buckets: list[int] | None = None,
    prune_columns: bool = True,
) -> StoreDataset:
    """The data as of ``period`` (its ``version``, default the latest; earlier months' latest
    versions) as a dataset whose tables are read on demand. With ``indicators``, only the
    columns and months they declare are read; with ``buckets``, only those person buckets (and
    the rows of no person)."""
    if registry is None:
        from fundrules.plugins import get_registry

        registry = get_registry()
    versions = store.as_of(period, version)
    target = versions[-1]
    month = parse_period(period)
    names: list[str] = []
    # the target version's order first (a store fed month by month then lists its tables as
    # one fed the whole extract does; evidence follows this order), then earlier months' others
    for v in [target, *versions[:-1]]:
        names.extend(t for t in v.tables if t not in names and t in registry.tables)
    inds = list(indicators) if indicators is not None else None
    # only the columns the indicators declare (D95): a table none of them declares is read
    # whole if anything asks for it (nothing should); ``prune_columns=False`` reads every column
    columns = needed_columns(inds, registry) if inds is not None and prune_columns else {}
    since = months_since(inds, month, registry) if inds is not None else {}
    tables = StoreTables(store, versions, names, columns, buckets, since)
    return StoreDataset(
        period=month,
        tables=tables,  # type: ignore[arg-type]
        schema={n: registry.tables[n] for n in names},
        quarantine=target.quarantine(),
        accounting=target.accounting(),
        manifest=target.manifest(),
        source=target.path,
        store_tables=tables,
    )


__all__ = ["StoreDataset", "StoreTables", "months_since", "needed_columns", "store_dataset"]
