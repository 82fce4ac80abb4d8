"""The schema's five insurances by name, for the city's enrollments, contributions and books.

The core city enrolls and insures its persons in the exchange schema's core vocabulary (declared
once, in ``fundrules.schema``); the plugins' parts add their own insurances.
"""

from __future__ import annotations

from fundrules.schema import INSURANCES

PENSION, MEDICAL, INJURY, UNEMPLOYMENT, MATERNITY = INSURANCES

__all__ = ["INJURY", "MATERNITY", "MEDICAL", "PENSION", "UNEMPLOYMENT"]
