"""fundrules-unemployment: the unemployment insurance (失业保险) plugin of fundrules.

Declares the ``unemployment_claims`` table, the ``unemployment_allowance`` benefit type, the
``separation_reason`` vocabulary, the statutory entitlement table (``STATUTORY_ENTITLEMENT``) and
the ``unemployment.*`` indicators of the catalog.
"""

from .entitlement import STATUTORY_ENTITLEMENT, EntitlementBand

__all__ = ["STATUTORY_ENTITLEMENT", "EntitlementBand"]
