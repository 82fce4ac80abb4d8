"""Person-payment tables: where money paid to persons lies, declared by the table's owner.

The core's checks that read payments (the ``data.*`` amounts at risk, the cash-basis business
totals the ``fund.*`` checks reconcile with the ledger) read every table declared here, so that
they need not know any plugin's tables. The core declares ``benefits``; a plugin declares its own
(``fundrules_register_payment_tables``), e.g. the medical plugin its settlements' fund amounts.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .tables import Table


class PaymentTable(BaseModel):
    """A table whose rows are payments out of a fund to persons."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    table: str = Field(description="the table's name")
    person_column: str = Field(description="the column naming the person paid")
    amount_column: str = Field(description="the money paid (a money column; reversals negative)")
    insurance: str | None = Field(
        default=None, description="the one insurance of every row, for a table without a column"
    )
    insurance_column: str | None = Field(
        default=None, description="the column naming each row's insurance"
    )
    paid_date_column: str | None = Field(
        default=None,
        description="the date the money moved (cash basis); None: the table's period column",
    )

    @model_validator(mode="after")
    def _one_insurance_source(self) -> PaymentTable:
        if (self.insurance is None) == (self.insurance_column is None):
            raise ValueError(
                f"payment table {self.table}: give exactly one of insurance (a fixed value) "
                "and insurance_column"
            )
        return self

    def check_against(self, declared: Table, insurances: frozenset[str]) -> None:
        """Raise ValueError naming the table and column when the declaration does not fit the
        table: columns absent or of the wrong kind, an unknown insurance, no date to total by."""
        kinds = {c.name: c.kind for c in declared.columns}
        wanted = {
            self.person_column: ("person_id",),
            self.amount_column: ("money",),
        }
        if self.insurance_column is not None:
            wanted[self.insurance_column] = ("code",)
        if self.paid_date_column is not None:
            wanted[self.paid_date_column] = ("date",)
        for column, allowed in wanted.items():
            if column not in kinds:
                raise ValueError(f"payment table {self.table}: no column {column!r}")
            if kinds[column] not in allowed:
                raise ValueError(
                    f"payment table {self.table}: column {column!r} is {kinds[column]}, "
                    f"not {' or '.join(allowed)}"
                )
        if self.insurance is not None and self.insurance not in insurances:
            raise ValueError(
                f"payment table {self.table}: insurance {self.insurance!r} is not declared "
                f"(known: {', '.join(sorted(insurances))})"
            )
        if self.paid_date_column is None and declared.period_column is None:
            raise ValueError(
                f"payment table {self.table}: neither a paid_date_column nor a period column to "
                "total its payments by"
            )
