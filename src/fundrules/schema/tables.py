"""Declarations of exchange tables: one source of truth for intake, checks, strategies and docs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ColumnKind = Literal[
    "text",  # free text (names)
    "id",  # an identifier other than a person or employer (settlement_id, account_id…)
    "person_id",  # GB 11643 resident identity number, read as text
    "employer_id",  # GB 32100 unified social credit code, read as text
    "code",  # a value of a closed vocabulary
    "region",  # 6-digit administrative division code
    "date",  # ISO YYYY-MM-DD
    "period",  # YYYY-MM, held as a month number (see fundrules.period)
    "money",  # yuan, at most two decimals, held as int64 fen
    "price",  # yuan, at most four decimals, held as int64 in 0.0001 yuan
    "number",  # a non-money quantity (float64)
    "integer",  # a whole number (nullable Int64)
    "bool",  # true/false, 1/0, yes/no, 是/否; empty = false
]

SubjectKind = Literal[
    "person", "employer", "provider", "account", "fund", "submission", "case", "rules"
]


class Column(BaseModel):
    """One column of an exchange table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    kind: ColumnKind
    optional: bool = False
    key: bool = False
    vocabulary: str | None = Field(
        default=None, description="name of the closed vocabulary (kind 'code')"
    )
    signed: bool = Field(default=False, description="negative values allowed (reversals)")
    minimum: float | None = None
    maximum: float | None = None
    refers_to: SubjectKind | None = Field(
        default=None, description="the subject whose id this column holds, for partitioning"
    )
    description: str = ""

    @property
    def subject(self) -> SubjectKind | None:
        """The subject this column's values name (``refers_to``, or the kind of an id column)."""
        if self.refers_to is not None:
            return self.refers_to
        if self.kind == "person_id":
            return "person"
        if self.kind == "employer_id":
            return "employer"
        return None

    @model_validator(mode="after")
    def _check(self) -> Column:
        if self.kind == "code" and not self.vocabulary:
            raise ValueError(f"column {self.name}: a 'code' column needs a vocabulary")
        if self.key and self.optional:
            raise ValueError(f"column {self.name}: a key column cannot be optional")
        return self


class Table(BaseModel):
    """An exchange table: its columns, key, and how its rows reach a person."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    owner: str = Field(description="'core' or the plugin that declares it")
    columns: tuple[Column, ...]
    description: str = ""
    period_column: str | None = Field(
        default=None, description="the column that says which period a row belongs to"
    )
    reaches_person_via: tuple[str, str, str] | None = Field(
        default=None,
        description="(table, join column here, join column there) when rows name no person "
        "themselves, e.g. the item lines of a claim → the claims, by claim_id",
    )
    handed: bool = Field(
        default=False,
        description="not part of an upload: the entry point hands it to screening (the run's "
        "rule set, the store's approvals or cases); intake never reads it from a data folder, "
        "so an upload cannot supply it",
    )

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.key)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name} has no column {name}")

    def subject_columns(self, subject: str) -> tuple[str, ...]:
        """The columns naming a subject of this kind, in declaration order; a row belongs to the
        first of them that is not empty (partitioning and person shards)."""
        return tuple(c.name for c in self.columns if c.subject == subject)

    def columns_of(self, *kinds: str) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.kind in kinds)


def col(name: str, kind: ColumnKind, **kw: object) -> Column:
    """Short constructor used by table declarations: ``col("amount", "money", signed=True)``.

    A trailing ``?`` on the name marks the column optional and a leading ``*`` marks it part of
    the key, as the schema page writes them.
    """
    optional = name.endswith("?")
    key = name.startswith("*")
    name = name.strip("*?")
    if kind == "person_id":
        kw.setdefault("refers_to", "person")
    if kind == "employer_id":
        kw.setdefault("refers_to", "employer")
    return Column(name=name, kind=kind, optional=optional, key=key, **kw)
