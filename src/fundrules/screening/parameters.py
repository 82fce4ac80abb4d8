"""Dated, overridable indicator parameters.

An indicator's parameters are a pydantic model. Each field's default may be a plain value (a
configuration knob) or a *dated* mapping ``{"2025-01-01": 2320, ...}`` (law and caps that change):
a run uses the value in force on the first day of the period screened. Plugins may ship parameter
files; users override with YAML. Dates are parsed strictly (a swapped day and month fails), unknown
indicator codes and parameter names are refused, and a dated value more than a year older than the
period raises a staleness warning unless the parameter is marked standing law.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from fundrules.config_files import load_yaml
from fundrules.errors import InputError
from fundrules.money import fen_from_yuan, yuan_text

Direction = Literal["higher", "lower"]


#: A money parameter: written in yuan (decimal text, Decimal or int; a float YAML made of
#: ``2320.5`` through its decimal repr, more than two decimals refused), held as exact int fen,
#: shown as yuan text in the parameters a run records (D14). ``cap_yuan: Yuan = param(...)``;
#: the rule then compares ``p.cap_yuan`` with fen amounts directly.
Yuan = Annotated[
    int,
    BeforeValidator(fen_from_yuan),
    PlainSerializer(yuan_text, return_type=str, when_used="json"),
]


class Params(BaseModel):
    """Base of every indicator's parameter model (resolved values for one period)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(Params):
    """For indicators without parameters."""


def param(
    default: Any,
    *,
    description: str,
    stricter: Direction | None = None,
    standing_law: bool = False,
    source: str = "",
) -> Any:
    """Declare a parameter field.

    ``default`` is a value or a dated mapping ``{"YYYY-MM-DD": value}``. ``stricter`` names the
    direction in which the threshold is harder to cross: moving it that way never adds suspicions
    (the testing toolkit checks this). ``standing_law`` silences the staleness warning.
    """
    extra: dict[str, Any] = {
        "fr_dated": _is_dated(default),
        "fr_stricter": stricter,
        "fr_standing_law": standing_law,
        "fr_source": source,
    }
    values = _dated_values(default, "default") if extra["fr_dated"] else None
    plain = None if values else default
    if values:
        extra["fr_values"] = {d.isoformat(): v for d, v in values.items()}
        plain = values[max(values)]
    field: Any = Field(default=plain, description=description, json_schema_extra=extra)
    return field


@dataclass(frozen=True)
class ParameterSpec:
    name: str
    description: str
    default: Any
    dated_values: dict[date, Any] | None
    stricter: Direction | None
    standing_law: bool
    source: str


def parameter_specs(model: type[Params]) -> dict[str, ParameterSpec]:
    out = {}
    for name, field in model.model_fields.items():
        extra: dict[str, Any] = (
            field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        )
        vals: dict[str, Any] | None = extra.get("fr_values")
        out[name] = ParameterSpec(
            name=name,
            description=field.description or "",
            default=field.default,
            dated_values={date.fromisoformat(k): v for k, v in vals.items()} if vals else None,
            stricter=extra.get("fr_stricter"),
            standing_law=bool(extra.get("fr_standing_law")),
            source=str(extra.get("fr_source") or ""),
        )
    return out


class ParameterError(InputError, ValueError):
    """A parameter file or override that cannot be used."""


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _strict_date(key: object, where: str) -> date:
    if isinstance(key, datetime):
        raise ParameterError(f"{where}: {key!r} is a timestamp, give a date YYYY-MM-DD")
    if isinstance(key, date):
        return key
    text = str(key)
    if not _DATE_RE.match(text):
        raise ParameterError(f"{where}: {text!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ParameterError(f"{where}: {text!r} is not a real date (YYYY-MM-DD)") from None


def _is_dated(value: Any) -> bool:
    """A mapping whose keys are dates (or look like they try to be: they start with a digit)."""
    if not isinstance(value, Mapping) or not value:
        return False
    return all(isinstance(k, date) or re.match(r"^\d", str(k)) for k in value)


def _dated_values(value: Any, where: str) -> dict[date, Any]:
    return {_strict_date(k, where): v for k, v in value.items()}


@dataclass
class ResolvedParams:
    values: Params
    used: dict[str, dict[str, Any]]  # name -> {"value": v, "effective": "YYYY-MM-DD" | None}
    warnings: list[str]

    def as_json(self) -> str:
        return json.dumps(self.used, ensure_ascii=False, sort_keys=True, default=str)


class ParameterSet:
    """Layered parameter values: plugin files under user overrides, keyed by indicator code."""

    def __init__(self) -> None:
        self._layers: dict[str, dict[str, dict[date | None, Any]]] = {}

    def add(self, data: Mapping[str, Any], known: Mapping[str, type[Params]], origin: str) -> None:
        """Add a mapping ``{code: {param: value or {date: value}}}``; unknown names are refused."""
        body = data.get("parameters", data) if isinstance(data, Mapping) else None
        if not isinstance(body, Mapping):
            raise ParameterError(f"{origin}: expected a mapping of indicator codes")
        for code, params in body.items():
            if code not in known:
                raise ParameterError(f"{origin}: unknown indicator {code!r}")
            if not isinstance(params, Mapping):
                raise ParameterError(f"{origin}: {code}: expected a mapping of parameters")
            fields = known[code].model_fields
            for name, value in params.items():
                if name not in fields:
                    allowed = ", ".join(fields) or "none"
                    raise ParameterError(
                        f"{origin}: {code}: unknown parameter {name!r} (known: {allowed})"
                    )
                where = f"{origin}: {code}.{name}"
                layer = self._layers.setdefault(code, {}).setdefault(name, {})
                if _is_dated(value):
                    for d, v in _dated_values(value, where).items():
                        layer[d] = v
                else:
                    layer.clear()
                    layer[None] = value

    def validate(self, known: Mapping[str, type[Params]]) -> None:
        """Every value given, checked against its parameter's type now, before any work: an
        ill-typed value is a :class:`ParameterError` naming indicator, parameter and date."""
        for code, names in self._layers.items():
            model = known[code]
            specs = parameter_specs(model)
            base = {
                n: (s.dated_values[max(s.dated_values)] if s.dated_values else s.default)
                for n, s in specs.items()
            }
            for name, values in names.items():
                for when, value in values.items():
                    try:
                        model(**{**base, name: value})
                    except Exception as exc:
                        at = f" (from {when.isoformat()})" if when is not None else ""
                        first = str(exc).splitlines()
                        why = first[-1].strip() if first else type(exc).__name__
                        raise ParameterError(
                            f"{code}.{name}{at}: invalid value {value!r}: {why}"
                        ) from None

    def add_file(self, path: str | Path, known: Mapping[str, type[Params]]) -> None:
        self.add(read_parameter_file(path), known, str(path))

    def resolve(self, code: str, model: type[Params], period_start: date) -> ResolvedParams:
        specs = parameter_specs(model)
        chosen: dict[str, Any] = {}
        used: dict[str, dict[str, Any]] = {}
        warnings: list[str] = []
        for name, spec in specs.items():
            values: dict[date | None, Any] = {}
            if spec.dated_values:
                values.update({d: v for d, v in spec.dated_values.items()})
            else:
                values[None] = spec.default
            override = self._layers.get(code, {}).get(name)
            if override:
                if None in override:
                    values = {None: override[None]}
                else:
                    kept: dict[date | None, Any] = {k: v for k, v in values.items() if k}
                    values = kept | {k: v for k, v in override.items()}
            dated = {k: v for k, v in values.items() if k is not None}
            in_force = [d for d in dated if d <= period_start]
            if in_force:
                eff = max(in_force)
                value = dated[eff]
                newest = max(dated)
                if (
                    not spec.standing_law
                    and newest <= eff
                    and eff < period_start - timedelta(days=365)
                ):
                    warnings.append(
                        f"{code}.{name}: the newest value (in force from {eff.isoformat()}) is "
                        f"more than a year older than the period; check it is still current"
                    )
            elif None in values:
                eff, value = None, values[None]
            else:
                raise ParameterError(
                    f"{code}.{name}: no value in force on {period_start.isoformat()} "
                    f"(earliest is {min(dated).isoformat()})"
                )
            chosen[name] = value
            used[name] = {"value": value, "effective": eff.isoformat() if eff else None}
        try:
            resolved = model(**chosen)
        except Exception as exc:
            raise ParameterError(f"{code}: invalid parameter value: {exc}") from None
        shown = resolved.model_dump(mode="json")  # money as yuan text, exact
        used = {k: {"value": shown[k], "effective": v["effective"]} for k, v in used.items()}
        return ResolvedParams(resolved, used, warnings)


def read_parameter_file(path: str | Path) -> Any:
    """The YAML of a parameter file (an empty file is no overrides)."""
    p = Path(path)
    try:
        return load_yaml(p) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ParameterError(f"{p}: cannot read parameters: {exc}") from None


def with_as_of(
    params: Mapping[str, Any] | str | Path | None,
    as_of: date | str | None,
    indicators: Mapping[str, Any],
) -> Mapping[str, Any] | str | Path | None:
    """``params`` with ``as_of`` set for every indicator that declares an ``as_of`` parameter
    (the ``process.*`` deadline checks: ``fundrules screen --as-of``). A YAML file is read; a
    ``parameters:`` top-level key is accepted as in :meth:`ParameterSet.add_file`."""
    if as_of is None:
        return params
    day = as_of if isinstance(as_of, date) else _iso_date(str(as_of), "--as-of")
    if params is None:
        data: dict[str, Any] = {}
    elif isinstance(params, Mapping):
        data = {k: dict(v) if isinstance(v, Mapping) else v for k, v in params.items()}
    else:
        p = Path(params)
        loaded = read_parameter_file(p)
        if not isinstance(loaded, Mapping):
            raise ParameterError(f"{p}: parameters must be a mapping of indicator codes")
        if "parameters" in loaded and isinstance(loaded["parameters"], Mapping):
            loaded = loaded["parameters"]
        data = {k: dict(v) if isinstance(v, Mapping) else v for k, v in loaded.items()}
    for code, ind in indicators.items():
        if "as_of" in ind.params.model_fields:
            found = data.get(code)
            entry: dict[str, Any] = found if isinstance(found, dict) else {}
            data[code] = {**entry, "as_of": day.isoformat()}
    return data


def _iso_date(text: str, option: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ParameterError(f"{option} {text!r} is not a date YYYY-MM-DD") from None
