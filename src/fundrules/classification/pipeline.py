"""``classify()``: suspicions → classified suspicions and warnings (Art. 6(3), 12, 14–16).

The engine sees far fewer messages than there are suspicions. For each decision, only the profile
fields its rules test are kept, numbers are replaced by the smallest value of their interval
between the rule's thresholds (a comparison with any threshold cannot tell the two apart), the
distinct tuples are sent to the engine, and the answers are mapped back in pandas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fundrules.screening import SUSPICION_COLUMNS

from .config import ClassificationConfig, ConfigLike, load_config
from .engine import RuleEngine
from .problem_types import ProblemType, problem_type_catalog
from .profiles import build_profiles
from .routing import DATA_AGENCY_RULE, DEFAULT_RULE, UNROUTED_RULE, routing_rules
from .rules import ASPECTS, RuleBook, build_rule_book
from .warning_groups import build_warnings

if TYPE_CHECKING:
    from fundrules.plugins.registry import Registry

CHINA_STANDARD_TIME = timezone(timedelta(hours=8))

#: The column naming the rule behind each decision.
RULE_COLUMNS = {
    "problem_type": "problem_type_rule",
    "severity": "severity_rule",
    "typical": "typical_rule",
    "major_grade": "major_rule",
    "action": "action_rule",
    "agency": "agency_rule",
}
CLASSIFIED_COLUMNS = [
    *SUSPICION_COLUMNS,
    "severity_indicator",
    "problem_type",
    "problem_type_rule",
    "severity_rule",
    "typical",
    "typical_rule",
    "major_grade",
    "major_rule",
    "report_due",
    "action",
    "action_rule",
    "agency",
    "agency_rule",
]


@dataclass
class Classification:
    """What :func:`classify` returns: the classified suspicions, the warnings, and provenance."""

    suspicions: pd.DataFrame
    warnings: pd.DataFrame
    period: str
    discovered: date
    report_due: date | None
    rule_book: RuleBook
    problem_types: dict[str, ProblemType]
    stats: dict[str, Any] = field(default_factory=dict)

    def manifest(self) -> dict[str, Any]:
        """The rules and parameters that ran, for the record (Art. 21(5))."""
        return {
            "period": self.period,
            "discovered": self.discovered.isoformat(),
            "report_due": self.report_due.isoformat() if self.report_due else "",
            "suspicions": len(self.suspicions),
            "warnings": len(self.warnings),
            "parameters": self.rule_book.parameters,
            "parameter_origins": self.rule_book.parameter_origins,
            "rules": [
                {
                    "name": r.name,
                    "decision": r.aspect,
                    "origin": r.origin,
                    "pri": r.pri,
                    "description": r.description,
                }
                for r in self.rule_book.rules.values()
            ],
            "problem_types": [p.model_dump() for p in self.problem_types.values()],
            "stats": self.stats,
        }


def check_config(config: ConfigLike = None, *, registry: Registry) -> ClassificationConfig:
    """Everything about a classification configuration that can be checked without suspicions —
    the file, its keys, the rules (``$mt`` patterns included), routing and the holiday calendar —
    so that ``screen --classify`` refuses a bad one before any work (exit 2)."""
    cfg = load_config(config)
    build_rule_book(
        registry.classification_rules,
        overrides={**routing_rules(cfg.routing), **cfg.rules},
        disable=cfg.disable,
        parameters=cfg.parameters,
        problem_types=problem_type_catalog(registry.problem_types),
    )
    cfg.calendar()
    return cfg


def classify(
    result: Any,
    config: ConfigLike = None,
    *,
    discovered: date | str | None = None,
    registry: Registry,
) -> Classification:
    """Classify the suspicions of a screening run (a ``ScreenResult`` or a suspicions frame).

    ``config`` is a :class:`ClassificationConfig`, a mapping or a YAML file; ``discovered`` the
    date the suspicions were found, from which the major-incident report is due (default: today
    in China Standard Time); ``registry`` the plugin registry (its problem types and rulesets;
    ``fundrules.classify`` passes the installed plugins').
    """
    suspicions = _suspicions_of(result)
    cfg = load_config(config)
    calendar = cfg.calendar()  # checked now, whether or not a report falls due
    catalog = problem_type_catalog(registry.problem_types)
    book = build_rule_book(
        registry.classification_rules,
        overrides={**routing_rules(cfg.routing), **cfg.rules},
        disable=cfg.disable,
        parameters=cfg.parameters,
        problem_types=catalog,
    )
    found = (
        _as_date(discovered) if discovered is not None else datetime.now(CHINA_STANDARD_TIME).date()
    )

    reads_lists = any("subject_indicators" in book.fields_read(a) for a in ASPECTS)
    profiles = build_profiles(
        suspicions, default_region_code=cfg.region_code, subject_indicators=reads_lists
    )
    decided, stats = _decide(profiles, book, cfg)

    due = None
    out = suspicions.reset_index(drop=True).copy()
    out["severity_indicator"] = out["severity"]
    for aspect in ASPECTS:
        out[aspect] = pd.Series(decided[aspect], dtype=bool if aspect == "typical" else object)
        out[RULE_COLUMNS[aspect]] = pd.Series(decided[RULE_COLUMNS[aspect]], dtype=object)
    is_major = (out["major_grade"] != "none").to_numpy()
    if is_major.any():
        due = calendar.add_working_days(found, cfg.report_working_days)
    out["report_due"] = pd.Series(
        np.where(is_major, due.isoformat() if due else "", ""), dtype=object
    )
    out = out[CLASSIFIED_COLUMNS + [c for c in out.columns if c not in CLASSIFIED_COLUMNS]]
    given = "" if isinstance(result, pd.DataFrame) else str(getattr(result, "period", "") or "")
    period = given or ",".join(sorted(set(out["period"].astype("str"))))
    return Classification(
        suspicions=out,
        warnings=build_warnings(out),
        period=period,
        discovered=found,
        report_due=due,
        rule_book=book,
        problem_types=catalog,
        stats=stats,
    )


def _decide(
    profiles: pd.DataFrame, book: RuleBook, cfg: ClassificationConfig
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Every decision for every profile, each naming its rule; later decisions read earlier."""
    n = len(profiles)
    decided: dict[str, np.ndarray] = {}
    stats: dict[str, Any] = {"suspicions": n, "messages": {}}
    rulesets = book.engine_rulesets()
    settings = cfg.engine
    with RuleEngine(
        rulesets,
        chunk_size=settings.chunk_size,
        timeout_seconds=settings.timeout_seconds,
        max_messages_per_worker=settings.max_messages_per_worker,
    ) as engine:
        for aspect in ASPECTS:
            rule = np.full(n, "", dtype=object)
            pending = np.ones(n, dtype=bool)
            if aspect == "agency" and cfg.routing.use_data_agency_id:
                has_data = (profiles["agency_id"] != "").to_numpy()
                rule[has_data] = DATA_AGENCY_RULE
                pending &= ~has_data
            messages = 0
            if aspect in rulesets and pending.any() and n:
                fired, messages = _fire(engine, aspect, profiles.loc[pending], book)
                rule[pending] = fired
            fallback = book.fallback(aspect)
            if aspect == "agency":
                default = DEFAULT_RULE if cfg.routing.default_agency else UNROUTED_RULE
                rule[rule == ""] = fallback.name if fallback else default
            elif fallback is not None:
                rule[rule == ""] = fallback.name
            values = _values(rule, book, profiles, cfg)
            decided[aspect] = values
            decided[RULE_COLUMNS[aspect]] = rule
            profiles[aspect] = pd.Series(values, index=profiles.index, dtype=object)
            stats["messages"][aspect] = messages
    stats["engine_messages"] = sum(stats["messages"].values())
    stats["engine_workers"] = engine.workers_started
    return decided, stats


def _fire(
    engine: RuleEngine, aspect: str, profiles: pd.DataFrame, book: RuleBook
) -> tuple[np.ndarray, int]:
    """The rule that fires for each profile, sending each distinct fact tuple once."""
    fields = book.fields_read(aspect)
    thresholds = book.thresholds(aspect)
    projection = pd.DataFrame(index=range(len(profiles)))
    for name in fields:
        column = profiles[name].to_numpy()
        if name in thresholds:
            column = _representatives(column, thresholds[name])
        elif column.dtype.kind in "iuf":
            column = np.zeros(len(column), dtype=np.int64)  # only tested for presence
        projection[name] = column
    codes = _tuple_codes(projection)  # every condition tests a field: fields is never empty
    _, first, codes = np.unique(codes, return_index=True, return_inverse=True)
    distinct = projection.iloc[first]
    messages = [
        {k: _native(v) for k, v in row.items()} for row in distinct.to_dict(orient="records")
    ]
    fired = engine.evaluate(aspect, messages)
    names = np.asarray([f or "" for f in fired], dtype=object)
    return names[codes], len(messages)


def _tuple_codes(frame: pd.DataFrame) -> np.ndarray:
    """One int64 per row, equal exactly for equal rows: the columns' factor codes combined one
    column at a time, and factorized again at each step so that they never overflow."""
    codes = np.zeros(len(frame), dtype=np.int64)
    for name in frame.columns:
        column_codes, uniques = pd.factorize(frame[name], use_na_sentinel=False)
        codes, _ = pd.factorize(codes * (len(uniques) + 1) + column_codes)
    return codes.astype(np.int64)


def _representatives(values: np.ndarray, constants: list[float]) -> np.ndarray:
    """Each value replaced by the smallest value sharing its place among the constants (below,
    equal to, or strictly between two of them): no comparison with a constant tells them apart."""
    c = np.asarray(constants, dtype=float)
    v = np.asarray(values)
    idx = np.searchsorted(c, v, side="left")
    equal = (idx < len(c)) & (c[np.minimum(idx, len(c) - 1)] == v)
    bins = idx * 2 + equal
    return pd.Series(v).groupby(bins).transform("min").to_numpy()


def _values(
    rule: np.ndarray, book: RuleBook, profiles: pd.DataFrame, cfg: ClassificationConfig
) -> np.ndarray:
    out = np.full(len(rule), None, dtype=object)
    names = pd.Series(rule)
    for name in names.unique():
        mask = (names == name).to_numpy()
        if name == DATA_AGENCY_RULE:
            out[mask] = profiles["agency_id"].to_numpy()[mask]
        elif name in (DEFAULT_RULE, UNROUTED_RULE):
            out[mask] = cfg.routing.default_agency
        else:
            r = book.rules[name]
            out[mask] = profiles[r.value_field].to_numpy()[mask] if r.value_field else r.value
    return out


def _native(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _suspicions_of(result: Any) -> pd.DataFrame:
    frame = result.suspicions if hasattr(result, "suspicions") else result
    if not isinstance(frame, pd.DataFrame):
        raise TypeError("classify() takes a ScreenResult or a suspicions DataFrame")
    missing = [c for c in SUSPICION_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"the suspicions frame lacks column(s) {missing}")
    return frame
