"""fundrules-maternity: the maternity (生育保险) plugin of fundrules.

Declares the ``maternity_claims`` table, the maternity benefit types, the statutory leave days
and the eight ``maternity.*`` indicators of the catalog.
"""

from .insured import insured_on
from .leave import StatutoryLeave

__all__ = ["StatutoryLeave", "insured_on"]
