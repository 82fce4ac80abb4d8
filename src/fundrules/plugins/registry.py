"""The plugin manager and the registry it fills.

Plugins come from the entry-point group ``fundrules``; the core's own tables and indicators are
default plugins registered the same way. A broken plugin (fails to import, implements a hook that
does not exist, raises inside a hook) is reported by name and the others run. Strict mode
(``FUNDRULES_STRICT_PLUGINS=1``) turns any such failure into an error, for CI. Named plugins can
be disabled with ``FUNDRULES_DISABLE_PLUGINS=a,b``.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pluggy

from fundrules.classification.problem_types import ProblemType
from fundrules.errors import InputError, PluginCompatibilityWarning, PluginLoadWarning
from fundrules.intake import Dataset
from fundrules.schema import CORE_VOCABULARIES, PaymentTable, Table
from fundrules.screening.indicator import Indicator

from . import hookspecs

ENTRY_POINT_GROUP = "fundrules"
log = logging.getLogger(__name__)

DEFAULT_PLUGINS = (
    ("core", "fundrules.default_plugins.core_tables"),
    ("data", "fundrules.default_plugins.data_quality"),
    ("fund", "fundrules.default_plugins.fund"),
    ("rules", "fundrules.default_plugins.rule_approval"),
    ("process", "fundrules.default_plugins.process"),
)


#: Indicator code prefixes of the core's own plugins; no installed plugin may declare them.
CORE_PREFIXES = ("data", "fund", "process")
CORE_DISTRIBUTION = "fundrules"
_PREFIX = re.compile(r"^[a-z][a-z0-9_]*$")


class PluginError(InputError, RuntimeError):
    """A plugin failed while strict mode is on."""


@dataclass
class PluginInfo:
    name: str
    version: str
    distribution: str
    module: str
    hooks: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    prefix: str | None = None
    error: str | None = None


@dataclass
class Failure:
    plugin: str
    stage: str
    error: str


@dataclass
class Registry:
    """Everything the installed plugins contribute, each thing tagged with its plugin."""

    pm: pluggy.PluginManager
    plugins: dict[str, PluginInfo] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    vocabularies: dict[str, frozenset[str]] = field(default_factory=dict)
    indicators: dict[str, Indicator[Any]] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=dict)  # prefix -> plugin
    payment_tables: dict[str, PaymentTable] = field(default_factory=dict)
    parameter_sources: list[tuple[str, Mapping[str, Any] | Path]] = field(default_factory=list)
    problem_types: list[ProblemType | Mapping[str, Any]] = field(default_factory=list)
    classification_rules: list[tuple[str, Mapping[str, Any]]] = field(default_factory=list)
    report_sections: list[tuple[str, object]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    current_plugin: str = "?"
    strict: bool = False

    @property
    def insurances(self) -> frozenset[str]:
        """The insurance vocabulary: the core schema's, extended by the plugins."""
        return self.vocabularies.get("insurance", frozenset())

    def business_totals(self, dataset: Dataset) -> pd.DataFrame:
        """Business totals from every plugin that supplies them (isolated per plugin)."""
        parts = []
        for name, result in _call_each(self, "fundrules_business_totals", dataset=dataset):
            if result is None:
                continue
            frame = pd.DataFrame(result)
            need = {"insurance", "period", "measure", "amount_fen"}
            if not need <= set(frame.columns):
                self._fail(name, "business_totals", f"missing columns {sorted(need - set(frame))}")
                continue
            frame = frame[list(need)].assign(plugin=name)
            parts.append(frame)
        if not parts:
            return pd.DataFrame(columns=["insurance", "period", "measure", "amount_fen", "plugin"])
        return pd.concat(parts, ignore_index=True)

    def reference_files(self, period: int) -> dict[str, Path]:
        """Reference tables the plugins supply from their configuration (isolated per plugin;
        only tables the plugin itself declares)."""
        out: dict[str, Path] = {}
        for name, result in _call_each(self, "fundrules_reference_tables", period=period):
            for table, path in (result or {}).items():
                if table not in self.plugins[name].tables:
                    self._fail(name, "reference_tables", f"table {table!r} is not the plugin's")
                    continue
                out.setdefault(table, Path(path))
        return out

    def _fail(
        self,
        plugin: str,
        stage: str,
        error: str,
        category: type[Warning] = PluginLoadWarning,
    ) -> None:
        """Record a plugin's failure: an error under strict mode, otherwise a warning of
        ``category`` (:class:`~fundrules.errors.PluginLoadWarning`; the others go on without it)."""
        self.failures.append(Failure(plugin, stage, error))
        if plugin in self.plugins and self.plugins[plugin].error is None:
            self.plugins[plugin].error = f"{stage}: {error}"
        if self.strict:
            raise PluginError(f"plugin {plugin!r} failed in {stage}: {error}")
        log.debug("plugin %r failed in %s: %s", plugin, stage, error)
        warnings.warn(
            f"plugin {plugin!r} failed in {stage}: {error}; the other plugins run without it "
            "(--strict or FUNDRULES_STRICT_PLUGINS=1 makes this an error)",
            category,
            stacklevel=3,
        )


def _strict() -> bool:
    return os.environ.get("FUNDRULES_STRICT_PLUGINS", "").lower() in ("1", "true", "yes")


def _disabled() -> set[str]:
    raw = os.environ.get("FUNDRULES_DISABLE_PLUGINS", "")
    return {p.strip() for p in raw.split(",") if p.strip()}


def _call_each(reg: Registry, hook: str, **kwargs: Any) -> Iterable[tuple[str, Any]]:
    """Call one hook plugin by plugin, in registration order, so that one failure stays local."""
    caller = getattr(reg.pm.hook, hook)
    for impl in caller.get_hookimpls():  # registration order: default plugins first
        name = reg.pm.get_name(impl.plugin) or "?"
        reg.current_plugin = name
        try:
            yield name, impl.function(**{a: kwargs[a] for a in impl.argnames})
        except Exception as exc:  # a plugin's bug must not take the others down
            reg._fail(name, hook, f"{type(exc).__name__}: {exc}")


def build_registry(
    *,
    extra_plugins: Iterable[tuple[str, object]] = (),
    entry_points: bool = True,
    disable: Iterable[str] | None = None,
    strict: bool | None = None,
) -> Registry:
    """Load the default plugins, the installed ones and ``extra_plugins`` (name, module/object).

    ``disable`` defaults to ``$FUNDRULES_DISABLE_PLUGINS``; ``strict`` (any plugin failure raises
    :class:`PluginError`) to ``$FUNDRULES_STRICT_PLUGINS``.
    """
    pm = pluggy.PluginManager("fundrules")
    pm.add_hookspecs(hookspecs)
    reg = Registry(pm=pm, strict=_strict() if strict is None else strict)
    off = set(disable) if disable is not None else _disabled()
    core_version = _version("fundrules")

    # name, loader, distribution, its version, its requirements
    candidates: list[tuple[str, Any, str, str, list[str]]] = []
    for name, module in DEFAULT_PLUGINS:
        candidates.append(
            (name, lambda m=module: importlib.import_module(m), "fundrules", core_version, [])
        )
    if entry_points:
        for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            dist = ep.dist.name if ep.dist else "?"
            ver = ep.dist.version if ep.dist else "?"
            requires = list((ep.dist.requires if ep.dist else None) or [])
            candidates.append((ep.name, ep.load, dist, ver, requires))
    for name, obj in extra_plugins:
        candidates.append((name, lambda o=obj: o, "(given)", "0", []))

    for name, load, dist, ver, requires in candidates:
        if name in off:
            continue
        info = PluginInfo(name=name, version=ver, distribution=dist, module="")
        reg.plugins[name] = info
        refusal = incompatibility(requires, core_version)
        if refusal:
            reg._fail(name, "compatibility", refusal, category=PluginCompatibilityWarning)
            continue
        try:
            obj = load()
            info.module = (
                getattr(obj, "__name__", None)
                or getattr(obj, "defined_in", None)
                or type(obj).__module__
            )
            pm.register(obj, name=name)
            log.debug("plugin %r loaded from %s (%s %s)", name, info.module, dist, ver)
        except Exception as exc:
            reg._fail(name, "load", f"{type(exc).__name__}: {exc}")
            continue
    _check_unknown_hooks(reg)
    for name in list(reg.plugins):
        plugin = pm.get_plugin(name)
        if plugin is not None:
            reg.plugins[name].hooks = sorted(c.name for c in pm.get_hookcallers(plugin) or [])

    # tables and vocabularies first: indicators and intake read them
    vocab: dict[str, set[str]] = {k: set(v) for k, v in CORE_VOCABULARIES.items()}
    for _plugin_name, _ in _call_each(
        reg, "fundrules_register_tables", register=_registrar(reg, "tables")
    ):
        pass
    for _plugin_name, _ in _call_each(
        reg,
        "fundrules_register_vocabularies",
        extend=lambda n, values: vocab.setdefault(n, set()).update(values),
    ):
        pass
    reg.vocabularies = {k: frozenset(v) for k, v in vocab.items()}
    for plugin_name, prefix in _call_each(reg, "fundrules_code_prefix"):
        _claim_prefix(reg, plugin_name, prefix)
    for _ in _call_each(
        reg, "fundrules_register_payment_tables", register=_registrar(reg, "payment_tables")
    ):
        pass
    # a plugin's indicators are kept only when all of them are acceptable (D13)
    pending: dict[str, list[Indicator[Any]]] = {}
    for plugin_name, _ in _call_each(
        reg, "fundrules_register_indicators", register=_indicator_registrar(reg, pending)
    ):
        for ind in pending.pop(plugin_name, []):
            reg.indicators[ind.code] = ind
            reg.plugins[plugin_name].indicators.append(ind.code)
    for _ in _call_each(
        reg, "fundrules_register_parameters", register=_registrar(reg, "parameters")
    ):
        pass
    for _ in _call_each(
        reg, "fundrules_register_problem_types", register=_registrar(reg, "problem_types")
    ):
        pass
    for _ in _call_each(
        reg, "fundrules_register_classification_rules", register=_registrar(reg, "rules")
    ):
        pass
    for _ in _call_each(
        reg, "fundrules_register_report_sections", register=_registrar(reg, "sections")
    ):
        pass
    return reg


def _registrar(reg: Registry, kind: str) -> Any:
    """A register callback that tags what it receives with the plugin now being called."""

    def register(thing: Any) -> None:
        plugin = reg.current_plugin
        if kind == "tables":
            if not isinstance(thing, Table):
                raise TypeError(f"register() takes a Table, not {type(thing).__name__}")
            if thing.name in reg.tables:
                raise ValueError(f"table {thing.name!r} is already declared")
            reg.tables[thing.name] = thing
            reg.plugins[plugin].tables.append(thing.name)
        elif kind == "payment_tables":
            if not isinstance(thing, PaymentTable):
                raise TypeError(f"register() takes a PaymentTable, not {type(thing).__name__}")
            if thing.table not in reg.plugins[plugin].tables:
                raise ValueError(
                    f"payment table {thing.table!r} is not a table the plugin declares"
                )
            if thing.table in reg.payment_tables:
                raise ValueError(f"payment table {thing.table!r} is already declared")
            thing.check_against(reg.tables[thing.table], reg.insurances)
            reg.payment_tables[thing.table] = thing
        elif kind == "parameters":
            reg.parameter_sources.append((plugin, thing))
        elif kind == "problem_types":
            reg.problem_types.append(thing)
        elif kind == "rules":
            reg.classification_rules.append((plugin, thing))
        elif kind == "sections":
            reg.report_sections.append((plugin, thing))

    return register


def _claim_prefix(reg: Registry, plugin: str, prefix: object) -> None:
    """Give ``plugin`` its indicator code prefix, or record why it cannot have it."""
    if prefix is None:
        return
    info = reg.plugins[plugin]
    if not isinstance(prefix, str) or not _PREFIX.match(prefix):
        reg._fail(plugin, "code_prefix", f"code prefix {prefix!r} is not a lowercase name")
        return
    if info.distribution == CORE_DISTRIBUTION:
        if prefix not in CORE_PREFIXES:
            reg._fail(plugin, "code_prefix", f"the core's prefixes are {', '.join(CORE_PREFIXES)}")
            return
    elif prefix in CORE_PREFIXES:
        reg._fail(
            plugin,
            "code_prefix",
            f"code prefix {prefix!r} belongs to the core ({', '.join(CORE_PREFIXES)})",
        )
        return
    elif prefix in reg.prefixes:
        reg._fail(
            plugin,
            "code_prefix",
            f"code prefix {prefix!r} is already declared by plugin {reg.prefixes[prefix]!r}",
        )
        return
    reg.prefixes.setdefault(prefix, plugin)
    info.prefix = prefix


def _indicator_registrar(
    reg: Registry, pending: dict[str, list[Indicator[Any]]]
) -> Callable[[Indicator[Any]], None]:
    """The register callback of ``fundrules_register_indicators``: it refuses, naming the plugin
    and the code, an indicator whose code lacks the plugin's prefix, whose insurance nobody
    declares, or whose code is taken; accepted ones wait in ``pending`` until the plugin's hook
    returns."""

    def register(thing: Indicator[Any]) -> None:
        plugin = reg.current_plugin
        if not isinstance(thing, Indicator):
            raise TypeError(f"register() takes an Indicator, not {type(thing).__name__}")
        code = thing.code
        prefix = reg.plugins[plugin].prefix
        if prefix is None:
            raise ValueError(
                f"plugin {plugin!r} registers indicator {code} but declares no code prefix "
                "(PluginContributions(prefix=...) or the fundrules_code_prefix hook)"
            )
        if code.split(".", 1)[0] != prefix:
            raise ValueError(
                f"plugin {plugin!r}: indicator code {code!r} does not carry the plugin's prefix "
                f"{prefix!r} (write {prefix}.{code.split('.', 1)[-1]})"
            )
        insurance = thing.meta.insurance
        if insurance is not None and insurance not in reg.insurances:
            raise ValueError(
                f"plugin {plugin!r}: indicator {code} names insurance {insurance!r}, which no "
                f"installed plugin declares (known: {', '.join(sorted(reg.insurances))})"
            )
        taken = reg.indicators.get(code) or next(
            (i for i in pending.get(plugin, []) if i.code == code), None
        )
        if taken is not None:
            raise ValueError(f"indicator {code} is already registered by {taken.plugin}")
        pending.setdefault(plugin, []).append(replace(thing, plugin=plugin))

    return register


def _check_unknown_hooks(reg: Registry) -> None:
    """pluggy's check_pending, plugin by plugin: a misspelled hook fails its plugin loudly."""
    try:
        reg.pm.check_pending()
        return
    except pluggy.PluginValidationError:
        pass
    for name in list(reg.plugins):
        plugin = reg.pm.get_plugin(name)
        if plugin is None:
            continue
        bad = [c.name for c in reg.pm.get_hookcallers(plugin) or [] if not c.has_spec()]
        if bad:
            reg.pm.unregister(plugin)
            reg._fail(name, "load", f"implements unknown hook(s): {', '.join(sorted(bad))}")


def incompatibility(requires: Iterable[str], core_version: str) -> str | None:
    """Why a plugin distribution cannot run on this fundrules, from its ``Requires-Dist``
    (``fundrules>=0.1,<0.2``), or None. No requirement on fundrules, or an unreadable one, is no
    refusal (an unknown core version neither)."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.version import InvalidVersion, Version

    try:
        core = Version(core_version)
    except InvalidVersion:
        return None
    for text in requires:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            continue
        if req.name.lower() != "fundrules":
            continue
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue  # an extra's or another platform's requirement
        if req.specifier and not req.specifier.contains(core, prereleases=True):
            return (
                f"written for fundrules{req.specifier}, but fundrules {core_version} is installed; "
                "install a version of the plugin made for it"
            )
    return None


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "0+unknown"


_REGISTRY: Registry | None = None


def get_registry(refresh: bool = False) -> Registry:
    """The process-wide registry of installed plugins (built on first use)."""
    global _REGISTRY
    if _REGISTRY is None or refresh:
        _REGISTRY = build_registry()
    return _REGISTRY
