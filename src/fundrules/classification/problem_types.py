"""Problem types: what kind of problem a suspicion points at (regulation Art. 12, 16).

Every classified suspicion gets exactly one. The core ships six; plugins add theirs through
``fundrules_register_problem_types(register)``, as a :class:`ProblemType` or a plain dict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from fundrules.errors import InputError


class ProblemType(BaseModel):
    """One entry of the problem-type catalog. Unknown fields fail, as for indicators."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    description: str = ""


CORE_PROBLEM_TYPES: tuple[ProblemType, ...] = (
    ProblemType(
        code="fraud_suspected",
        name_zh="欺诈骗保",
        name_en="suspected fraud",
        description="benefits obtained by deceit: paid to the dead or the imprisoned, sham claims",
    ),
    ProblemType(
        code="improper_payment",
        name_zh="违规支付",
        name_en="improper payment",
        description="a payment above what the rules allow, duplicated, or outside its conditions",
    ),
    ProblemType(
        code="eligibility",
        name_zh="资格不符",
        name_en="eligibility",
        description="the beneficiary does not meet the conditions of the benefit",
    ),
    ProblemType(
        code="data_quality",
        name_zh="数据质量",
        name_en="data quality",
        description="invalid, inconsistent or unknown identifiers and records in the data",
    ),
    ProblemType(
        code="fund_management",
        name_zh="基金管理风险",
        name_en="fund management risk",
        description="ledger, report, account or deposit findings about the fund itself",
    ),
    ProblemType(
        code="process",
        name_zh="经办流程",
        name_en="handling process",
        description="late or changed uploads, overdue feedback, unapproved rules (Art. 21)",
    ),
)


class ProblemTypeError(InputError, ValueError):
    """A contributed problem type is malformed or contradicts one already in the catalog."""


def problem_type_catalog(
    contributed: Iterable[ProblemType | Mapping[str, Any]] = (),
) -> dict[str, ProblemType]:
    """The core's problem types followed by the contributed ones, by code.

    Registering the same code twice is accepted only with identical content, so that two plugins
    cannot silently give one code two meanings.
    """
    catalog = {p.code: p for p in CORE_PROBLEM_TYPES}
    for item in contributed:
        try:
            pt = item if isinstance(item, ProblemType) else ProblemType.model_validate(item)
        except Exception as exc:
            raise ProblemTypeError(f"invalid problem type {item!r}: {exc}") from exc
        known = catalog.get(pt.code)
        if known is not None and known != pt:
            raise ProblemTypeError(
                f"problem type {pt.code!r} is already registered with other content"
            )
        catalog[pt.code] = pt
    return catalog
