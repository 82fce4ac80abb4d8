"""Document numbers (文号): a prefix, the year and a sequence kept in the case database, written
as GB/T 9704-2012 writes them — 津人社监督〔2026〕12号 (the year in hexagonal brackets 〔〕, no
leading zeros in the sequence).

Each (prefix, year) counts 1, 2, … in ``document_numbers``; a number is drawn in the same
transaction that records the document in ``issued_documents``, so two people drawing at once get
two numbers and a failed draw uses none. A document already issued for a case keeps its number.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from fundrules.cases.models import DocumentNumber, IssuedDocument

from .errors import ReportInputError

MAX_ATTEMPTS = 20


@dataclass(frozen=True)
class Numbered:
    """The number a document was given."""

    number: str
    prefix: str
    year: int
    sequence: int
    issued_on: dt.date
    new: bool  # drawn now (False: the case's document already had it)


def format_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}〔{year}〕{sequence}号"


def check_prefix(prefix: str) -> str:
    text = prefix.strip()
    if not text:
        raise ReportInputError("the document-number prefix is empty (e.g. 津人社监督)")
    if len(text) > 60 or any(ch in text for ch in "〔〕[]号\n\r\t"):
        raise ReportInputError(
            f"document-number prefix {prefix!r}: at most 60 characters, without 〔〕, [] or 号 "
            "(they are added: 津人社监督〔2026〕12号)"
        )
    return text


def draw_number(
    engine: Engine, kind: str, case_id: int, prefix: str, issued_on: dt.date
) -> Numbered:
    """The number of ``kind`` for case ``case_id``: the one it was given before, or the next of
    ``prefix`` in ``issued_on``'s year."""
    prefix = check_prefix(prefix)
    for _ in range(MAX_ATTEMPTS):
        try:
            with Session(engine) as s, s.begin():
                earlier = s.scalars(
                    select(IssuedDocument).where(
                        IssuedDocument.kind == kind, IssuedDocument.case_id == int(case_id)
                    )
                ).first()
                if earlier is not None:
                    return Numbered(
                        earlier.number,
                        earlier.prefix,
                        earlier.year,
                        earlier.sequence,
                        earlier.issued_on,
                        False,
                    )
                year = issued_on.year
                bumped = s.execute(
                    update(DocumentNumber)
                    .where(DocumentNumber.prefix == prefix, DocumentNumber.year == year)
                    .values(last=DocumentNumber.last + 1)
                    .returning(DocumentNumber.last)
                ).scalar_one_or_none()
                if bumped is None:
                    s.add(DocumentNumber(prefix=prefix, year=year, last=1))
                    s.flush()
                    bumped = 1
                number = format_number(prefix, year, int(bumped))
                s.add(
                    IssuedDocument(
                        kind=kind,
                        case_id=int(case_id),
                        prefix=prefix,
                        year=year,
                        sequence=int(bumped),
                        number=number,
                        issued_on=issued_on,
                        recorded_at=dt.datetime.now(dt.UTC),
                    )
                )
            return Numbered(number, prefix, year, int(bumped), issued_on, True)
        except IntegrityError:
            continue  # another drew the first number of the year, or this case's, at once: again
        except OperationalError as exc:  # SQLite: another writer holds the file; wait, again
            if "locked" not in str(exc):
                raise
            time.sleep(0.05)
    raise ReportInputError(
        f"could not draw a document number for case {case_id} after {MAX_ATTEMPTS} attempts "
        "(the database is busy); try again"
    )
