"""fundrules-pension: the pension (养老保险) plugin of fundrules.

Declares the ``retirements`` table, the basic-pension benefit types, the statutory retirement ages
(``statutory_retirement_date``) and the ``pension.*`` indicators of the catalog.
"""

from .retirement_age import (
    STATUTORY_RETIREMENT_AGES,
    RetirementAge,
    statutory_retirement_age_months,
    statutory_retirement_date,
)

__all__ = [
    "STATUTORY_RETIREMENT_AGES",
    "RetirementAge",
    "statutory_retirement_age_months",
    "statutory_retirement_date",
]
