"""Which agency a suspicion goes to (regulation Art. 8, 11, 12).

In order: the ``agency_id`` the data carries (evidence records), when the configuration allows it;
the routing table of the configuration, compiled into rules of the ``agency`` decision (the most
specific row first: region and insurance, then region, then insurance); the default agency.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

DATA_AGENCY_RULE = "routing.data_agency_id"
DEFAULT_RULE = "routing.default"
UNROUTED_RULE = "routing.unrouted"


class Route(BaseModel):
    """One row of the routing table: where suspicions of a region and/or insurance go."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agency: str = Field(min_length=1)
    region_code: str | None = None
    insurance: str | None = None
    name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.:\-]*$")

    @model_validator(mode="after")
    def _names_something(self) -> Route:
        if self.region_code is None and self.insurance is None:
            raise ValueError("a route names a region_code, an insurance or both (else: default)")
        return self


class RoutingTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    use_data_agency_id: bool = True
    default_agency: str = ""
    routes: list[Route] = Field(default_factory=list)


def routing_rules(table: RoutingTable) -> dict[str, dict[str, Any]]:
    """The routing table as classification rules (rules.py format) of the ``agency`` decision."""
    rules: dict[str, dict[str, Any]] = {}
    for i, route in enumerate(table.routes, start=1):
        tests = []
        if route.region_code is not None:
            tests.append({"region_code": route.region_code})
        if route.insurance is not None:
            tests.append({"insurance": route.insurance})
        specificity = 0 if len(tests) == 2 else 1 if route.region_code is not None else 2
        name = f"routing.{route.name or i}"
        if name in rules:
            raise ValueError(f"routing table names two routes {name!r}")
        rules[name] = {
            "pri": 10_000 + specificity * 1_000 + i,
            "all": [{"m": tests[0] if len(tests) == 1 else {"$and": tests}}],
            "assign": {"agency": route.agency},
            "description": f"routing table row {i}",
        }
    return rules
