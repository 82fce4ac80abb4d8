"""``screen()``: run every applicable indicator over a dataset and gather the suspicions."""

from __future__ import annotations

import logging
import time
import warnings as pywarnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from fundrules.errors import StaleParameterWarning, UnknownIndicatorError
from fundrules.intake import Dataset
from fundrules.period import first_day

from .context import ScreeningContext
from .indicator import Indicator
from .parameters import ParameterSet
from .reads import declared_reads
from .rule_set import fingerprint as rules_fingerprint
from .rule_set import rule_set
from .suspicions import SUSPICION_COLUMNS, empty_suspicions, gather, run_suspicions

if TYPE_CHECKING:
    from fundrules.plugins.registry import Registry

log = logging.getLogger(__name__)

#: The handed table of the suspicions the run's other indicators found.
RUN_SUSPICIONS = "run_suspicions"
RUN_COLUMNS = [
    "indicator",
    "plugin",
    "status",
    "reason",
    "seconds",
    "rows_in",
    "hits",
    "suspicions",
]


@dataclass
class ScreenResult:
    """Suspicions of one run, with what ran, what was skipped and why, and how long it took."""

    period: str
    suspicions: pd.DataFrame
    runs: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    plugins: list[dict[str, str]] = field(default_factory=list)
    fingerprint: str = ""
    #: whether the rule set was approved (Art. 21): checked only when approvals were handed in
    rules_approval: dict[str, Any] = field(default_factory=dict)
    #: the rules of the run: indicator, version, parameters (JSON), fingerprint
    rule_set: pd.DataFrame = field(default_factory=pd.DataFrame)
    dataset: Dataset | None = None

    @property
    def skipped(self) -> pd.DataFrame:
        return self.runs[self.runs.status == "skipped"]

    @property
    def failed(self) -> pd.DataFrame:
        return self.runs[self.runs.status == "failed"]


def build_parameters(
    indicators: Mapping[str, Indicator[Any]],
    sources: Iterable[Mapping[str, Any] | Path | str],
    origin_names: Iterable[str] | None = None,
) -> ParameterSet:
    known = {code: ind.params for code, ind in indicators.items()}
    ps = ParameterSet()
    names = list(origin_names) if origin_names is not None else None
    for i, src in enumerate(sources):
        if isinstance(src, str | Path):
            ps.add_file(src, known)
        else:
            ps.add(src, known, names[i] if names else "parameters")
    return ps


def check_parameters(
    params: Mapping[str, Any] | str | Path | None = None, *, registry: Registry
) -> ParameterSet:
    """The plugins' parameter files and ``params`` read and every value type-checked, before any
    data are read (a bad one raises :class:`ParameterError`, exit 2 in the CLI)."""
    reg = registry
    sources: list[Any] = [src for _, src in reg.parameter_sources]
    names = [f"plugin {p}" for p, _ in reg.parameter_sources]
    if params is not None:
        sources.append(params)
        names.append("parameters")
    pset = build_parameters(reg.indicators, sources, names)
    pset.validate({code: ind.params for code, ind in reg.indicators.items()})
    return pset


def resolve_codes(indicators: str | Iterable[str], known: Iterable[str]) -> list[str]:
    """The indicator codes asked for, checked against the registered ones.

    A single string is one code (``"fund.benefit_after_death"``), not a sequence of characters.
    Unknown codes raise :class:`~fundrules.errors.UnknownIndicatorError` with suggestions.
    """
    codes = [indicators] if isinstance(indicators, str) else list(indicators)
    known = set(known)
    for c in codes:
        if not isinstance(c, str):
            raise TypeError(f"indicator codes are strings, not {type(c).__name__}: {c!r}")
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise UnknownIndicatorError(unknown, known)
    return list(dict.fromkeys(codes))


def _prepare(
    indicators: str | Iterable[str] | None,
    params: Mapping[str, Any] | str | Path | None,
    reg: Registry,
) -> tuple[list[Indicator[Any]], ParameterSet, dict[str, str]]:
    """The chosen indicators, the parameters and the plugin versions of a run."""
    all_inds: dict[str, Indicator[Any]] = reg.indicators
    if indicators is None:
        chosen = list(all_inds.values())
    else:
        chosen = [all_inds[c] for c in resolve_codes(indicators, all_inds)]
    pset = check_parameters(params, registry=reg)
    versions = {name: info.version for name, info in reg.plugins.items()}
    return chosen, pset, versions


def installed_rule_set(
    period: str,
    indicators: str | Iterable[str] | None = None,
    params: Mapping[str, Any] | str | Path | None = None,
    *,
    registry: Registry,
) -> pd.DataFrame:
    """The rule set a screen of ``period`` would run with what is installed (and ``params``):
    what ``fundrules rules approve`` signs when it is not given a run."""
    from fundrules.period import parse_period

    chosen, pset, versions = _prepare(indicators, params, registry)
    return rule_set(chosen, pset, first_day(parse_period(period)), versions)


@dataclass
class RunPlan:
    """What a run will do: the registry, the indicators in the order they run (those that read
    the run's own suspicions last), the parameters, and the rule set they make."""

    registry: Registry
    indicators: dict[str, Indicator[Any]]
    order: list[Indicator[Any]]
    parameters: ParameterSet
    versions: dict[str, str]
    rules: pd.DataFrame


@dataclass
class Outcome:
    """One indicator run over one dataset (or one shard of it): its run row and raw hits.

    Suspicions are gathered from the hits only when every shard's outcome is in
    (:func:`assemble`), so that a subject's suspicion is the same however the data were split.
    """

    row: dict[str, Any]
    hits: pd.DataFrame | None = None
    parameters_json: str = ""
    warnings: list[str] = field(default_factory=list)
    used: dict[str, Any] | None = None


def plan_run(
    period: int,
    indicators: str | Iterable[str] | None = None,
    params: Mapping[str, Any] | str | Path | None = None,
    *,
    registry: Registry,
) -> RunPlan:
    """Resolve the indicators and parameters of a run of ``period`` (a month number): unknown
    codes and bad parameters fail here, before any data are read."""
    chosen, pset, versions = _prepare(indicators, params, registry)
    # the rule set is known before anything runs: process.unapproved_rules reads it
    rules = rule_set(chosen, pset, first_day(period), versions)
    # checks that read the run's own suspicions (process.recurring_after_no_issue) run last
    order = sorted(chosen, key=lambda ind: RUN_SUSPICIONS in ind.meta.reads)
    return RunPlan(registry, dict(registry.indicators), order, pset, versions, rules)


def reads_run_suspicions(ind: Indicator[Any]) -> bool:
    return RUN_SUSPICIONS in ind.meta.reads


def evaluate(
    plan: RunPlan,
    dataset: Dataset,
    chosen: Iterable[Indicator[Any]] | None = None,
    *,
    progress: Callable[[str, int, int], None] | None = None,
    handed: Mapping[str, pd.DataFrame] | None = None,
    prior: list[Outcome] | None = None,
) -> list[Outcome]:
    """Run indicators (the plan's, or ``chosen``, in the plan's order) over ``dataset``: their
    hits, not yet gathered. An indicator whose tables are absent is skipped; one that raises is
    failed. An indicator reading the run's suspicions sees those of ``prior`` outcomes and of
    the ones run here before it."""
    reg = plan.registry
    wanted = {i.code for i in chosen} if chosen is not None else None
    inds = [i for i in plan.order if wanted is None or i.code in wanted]
    ctx = ScreeningContext(
        dataset,
        business_totals=lambda: reg.business_totals(dataset),
        handed={**(handed or {}), "rule_set": plan.rules},
        payment_tables=tuple(reg.payment_tables.values()),
    )
    outcomes: list[Outcome] = []
    for i, ind in enumerate(inds):
        if progress:
            progress(ind.code, i, len(inds))
        if reads_run_suspicions(ind) and not dataset.has(RUN_SUSPICIONS):
            given = (handed or {}).get(RUN_SUSPICIONS)
            frames = [f for f, _ in _gathered(plan, [*(prior or []), *outcomes], dataset) if len(f)]
            found = run_suspicions(frames)
            ctx.handed[RUN_SUSPICIONS] = (
                found if given is None else pd.concat([given, found], ignore_index=True)
            )
        row: dict[str, Any] = {
            "indicator": ind.code,
            "plugin": ind.plugin or "",
            "status": "ok",
            "reason": "",
        }
        row.update(seconds=0.0, rows_in=0, hits=0, suspicions=0)
        missing = [t for t in ind.meta.reads if not ctx.has(t)]
        if missing:
            row.update(status="skipped", reason=f"tables absent: {', '.join(missing)}")
            outcomes.append(Outcome(row))
            continue
        read = set(declared_reads(ind, reg.tables, reg.payment_tables.values()))
        row["rows_in"] = int(sum(len(ctx.table(t)) for t in sorted(read) if ctx.has(t)))
        t0 = time.perf_counter()
        out = Outcome(row)
        try:
            resolved = plan.parameters.resolve(ind.code, ind.params, ctx.period_start)
            out.warnings = list(resolved.warnings)
            out.used = resolved.used
            out.parameters_json = resolved.as_json()
            out.hits = ind(ctx, resolved.values)
        except Exception as exc:  # one indicator's failure must not stop the run
            row.update(status="failed", reason=f"{type(exc).__name__}: {exc}")
            out.hits = None
        row["seconds"] = round(time.perf_counter() - t0, 4)
        outcomes.append(out)
    return outcomes


def _gathered(
    plan: RunPlan, outcomes: list[Outcome], dataset: Dataset
) -> list[tuple[pd.DataFrame, BaseException | None]]:
    """Each outcome's suspicions (empty for one skipped or failed), or the error gathering
    its hits raised."""
    out: list[tuple[pd.DataFrame, BaseException | None]] = []
    for o in outcomes:
        if o.row["status"] != "ok" or o.hits is None:
            out.append((empty_suspicions(), None))
            continue
        ind = plan.indicators[o.row["indicator"]]
        version = f"{ind.plugin}=={plan.versions.get(ind.plugin or '', '?')}#{ind.meta.version}"
        try:
            out.append((gather(o.hits, ind, dataset.period_text, o.parameters_json, version), None))
        except Exception as exc:  # a malformed hits frame fails its indicator only
            out.append((empty_suspicions(), exc))
    return out


def assemble(
    plan: RunPlan,
    outcomes: list[Outcome],
    dataset: Dataset,
    handed: Mapping[str, pd.DataFrame] | None = None,
) -> ScreenResult:
    """Gather each indicator's hits into suspicions and make the run's result."""
    runs: list[dict[str, Any]] = []
    frames: list[pd.DataFrame] = []
    warnings: list[str] = []
    used: dict[str, dict[str, Any]] = {}
    for out, (sus, error) in zip(outcomes, _gathered(plan, outcomes, dataset), strict=True):
        row = dict(out.row)
        warnings.extend(out.warnings)
        if out.used is not None:
            used[row["indicator"]] = out.used
        if error is not None:
            row.update(status="failed", reason=f"{type(error).__name__}: {error}")
        elif row["status"] == "ok" and out.hits is not None:
            row.update(hits=len(out.hits), suspicions=len(sus))
            log.debug(
                "%s: %d hits, %d suspicions in %.3f s",
                row["indicator"],
                len(out.hits),
                len(sus),
                row["seconds"],
            )
            if len(sus):
                frames.append(sus)
        runs.append(row)
    suspicions = (pd.concat(frames, ignore_index=True) if frames else empty_suspicions())[
        SUSPICION_COLUMNS
    ]
    for note in sorted(set(warnings)):
        pywarnings.warn(note, StaleParameterWarning, stacklevel=3)
    reg = plan.registry
    plugins = [
        {"name": n, "distribution": p.distribution, "version": p.version, "error": p.error or ""}
        for n, p in reg.plugins.items()
    ]
    rules = plan.rules
    fp = str(rules["fingerprint"].iloc[0]) if len(rules) else rules_fingerprint({}, {})
    approval: dict[str, Any] = {"checked": False, "fingerprint": fp}
    if handed is not None and "rule_approvals" in handed:
        approved = handed["rule_approvals"]
        approval.update(checked=True, approved=bool((approved["fingerprint"] == fp).any()))
    return ScreenResult(
        period=dataset.period_text,
        suspicions=suspicions,
        runs=pd.DataFrame(runs, columns=RUN_COLUMNS),
        warnings=sorted(set(warnings)),
        parameters=used,
        plugins=plugins,
        fingerprint=fp,
        rules_approval=approval,
        rule_set=rules,
        dataset=dataset,
    )


def screen(
    dataset: Dataset,
    indicators: str | Iterable[str] | None = None,
    params: Mapping[str, Any] | str | Path | None = None,
    *,
    registry: Registry,
    progress: Callable[[str, int, int], None] | None = None,
    handed: Mapping[str, pd.DataFrame] | None = None,
) -> ScreenResult:
    """Run the registered indicators (all, or the given codes) over ``dataset``.

    ``indicators`` is one code or an iterable of codes; an unknown code raises
    :class:`~fundrules.errors.UnknownIndicatorError` ("did you mean …").

    An indicator whose tables are absent is skipped with the reason; one that raises is reported
    with its code and the others still run. ``params`` overrides parameter values (a mapping or a
    YAML file path) on top of what plugins ship. ``handed`` are tables the entry point reads
    beside the data (the store's ``rule_approvals``, its cases…) for the ``process.*`` checks.
    ``registry`` holds the indicators and what the plugins ship (``fundrules.screen`` passes
    the installed plugins' registry).
    """
    plan = plan_run(dataset.period, indicators, params, registry=registry)
    outcomes = evaluate(plan, dataset, progress=progress, handed=handed)
    return assemble(plan, outcomes, dataset, handed)
