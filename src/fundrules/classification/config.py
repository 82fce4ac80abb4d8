"""The classification section of a region's configuration: one YAML file, unknown keys refused.

region_code: "120000"          # when the data names none
parameters: {ordinary_from_yuan: "20000.00"}
rules: {name: rule, ...}       # replace a rule by name, or add one (rules.py format)
disable: [core.typical.concentration]
routing:
  default_agency: 天津市社会保险基金管理中心
  routes:
    - {region_code: "120101", insurance: pension, agency: 和平区社保中心}
holidays: holidays.yaml        # relative to this file; or the table inline
report_working_days: 5
engine: {chunk_size: 2000, timeout_seconds: 60, max_messages_per_worker: 100000}
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .routing import RoutingTable
from .rules import RulesError, load_ruleset_file
from .working_days import CalendarError, WorkingDayCalendar


class EngineSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    chunk_size: int = Field(default=2000, ge=1)
    timeout_seconds: float = Field(default=60.0, gt=0, le=3600)  # an hour at most (D48)
    max_messages_per_worker: int = Field(default=100_000, ge=1)


class ClassificationConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    region_code: str = ""
    parameters: dict[str, Any] = Field(default_factory=dict)
    rules: dict[str, Any] = Field(default_factory=dict)
    disable: list[str] = Field(default_factory=list)
    routing: RoutingTable = Field(default_factory=RoutingTable)
    holidays: str | dict[Any, Any] | None = None
    report_working_days: int = Field(default=5, ge=0)
    engine: EngineSettings = Field(default_factory=EngineSettings)
    base_dir: Path | None = Field(default=None, exclude=True)

    def calendar(self) -> WorkingDayCalendar:
        if self.holidays is None:
            return WorkingDayCalendar()
        if isinstance(self.holidays, dict):
            return WorkingDayCalendar.from_mapping(self.holidays, source="holidays of the config")
        base = (self.base_dir or Path.cwd()).resolve()
        path = (base / self.holidays).resolve()
        if not path.is_relative_to(base) or path.suffix.lower() not in (".yaml", ".yml"):
            # a configuration names its own holiday table, never any file on the machine (D49)
            raise CalendarError(
                f"holidays: {self.holidays!r} must name a .yaml file in the configuration's "
                f"folder {base}"
            )
        return WorkingDayCalendar.from_file(path)


ConfigLike = ClassificationConfig | Mapping[str, Any] | str | Path | None


def load_config(config: ConfigLike) -> ClassificationConfig:
    """A configuration from a model, a mapping, or a YAML file (None: all defaults).

    A file may hold the section at its top or under a ``classification:`` key, so that one
    regional file can carry the other stages' sections too.
    """
    if config is None:
        return ClassificationConfig()
    if isinstance(config, ClassificationConfig):
        return config
    base = None
    if isinstance(config, str | Path):
        base = Path(config).resolve().parent
        config = load_ruleset_file(config)
        if "classification" in config:
            config = config["classification"] or {}
    try:
        return ClassificationConfig.model_validate({**config, "base_dir": base})
    except ValidationError as exc:
        raise RulesError(f"invalid classification configuration: {exc}") from exc
