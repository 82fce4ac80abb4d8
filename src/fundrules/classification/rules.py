"""Classification rules as data: loading, merging, checking, and compiling for the engine.

A ruleset is durable-rules' declarative form, keyed by rule name, with ``run`` replaced by what the
rule assigns (``assign``) and an optional ``description``; a ruleset may declare ``parameters``
that its conditions name instead of literal thresholds::

    name: core
    parameters:
      major_from_yuan: "500000.00"
    rules:
      core.major_grade.major:
        pri: 10                       # lower fires first, as in durable-rules
        all:
          - m: {$gte: {amount_fen: {$yuan: major_from_yuan}}}
        assign: {major_grade: major}
      core.major_grade.none:          # no condition: the decision's fallback
        assign: {major_grade: none}

A condition tests one message (``m``), a suspicion's profile (:data:`PROFILE_FIELDS`, plus the
decisions taken before this one), against constants: ``$and``, ``$or``, ``$lt``, ``$lte``, ``$gt``,
``$gte``, ``$neq``, ``$mt`` (a whole-value pattern in the engine's own regex dialect: write
``[.]``, the engine ignores backslash escapes), ``$ex``, ``$nex``, or ``{field: value}`` for
equality. Joins and references to other facts are refused: correlation happens in pandas first.
``{$yuan: name}`` is a money parameter (yuan text) turned into fen, ``{$param: name}`` any other.

Order: the core's file, then the plugins' rulesets in registration order, then the configuration.
A plugin may not reuse a name already taken; the configuration replaces rules by name, adds new
ones, disables rules, and sets parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from fundrules.config_files import load_yaml
from fundrules.errors import InputError
from fundrules.screening.indicator import SEVERITIES

from .profiles import PROFILE_FIELDS, FieldKind

#: The decisions, in the order they are taken; a rule may test the decisions taken before its own.
ASPECTS: tuple[str, ...] = (
    "problem_type",
    "major_grade",
    "severity",
    "typical",
    "action",
    "agency",
)
ASPECT_KINDS: dict[str, FieldKind] = {
    "problem_type": "text",
    "major_grade": "text",
    "severity": "text",
    "typical": "bool",
    "action": "text",
    "agency": "text",
}
MAJOR_GRADES: tuple[str, ...] = ("none", "ordinary", "major")
#: Recommended actions, from the mildest to the strongest (workflow.md, "escalation").
ACTIONS: tuple[str, ...] = (
    "agency_verification",
    "supervision_notice",
    "on_site_check",
    "special_inspection",
    "major_incident_report",
)
#: Decisions whose fallback is mandatory (routing has its own default).
NEEDS_FALLBACK: tuple[str, ...] = ("problem_type", "major_grade", "severity", "typical", "action")

DEFAULT_RULES = Path(__file__).with_name("default_rules.yaml")

_RULE_KEYS = {"pri", "all", "assign", "description"}
_RULESET_KEYS = {"name", "parameters", "rules"}
_COMPARISONS = {"$lt", "$lte", "$gt", "$gte", "$neq"}
_NUMERIC_OPS = {"$lt", "$lte", "$gt", "$gte"}
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:\-]*$")


class RulesError(InputError, ValueError):
    """A ruleset that cannot be used: malformed, contradictory, or naming unknown things."""


@dataclass(frozen=True)
class Rule:
    """One classification rule, checked, its parameters resolved."""

    name: str
    aspect: str
    value: Any  # a literal, or None when the value is copied from ``value_field``
    value_field: str | None
    pri: int
    condition: Any  # the expression over ``m``; None for the aspect's fallback
    origin: str  # "core", a plugin's name, or "config"
    description: str = ""

    @property
    def is_fallback(self) -> bool:
        return self.condition is None


@dataclass
class RuleBook:
    """The merged rules, by decision, ready for the engine."""

    rules: dict[str, Rule]
    parameters: dict[str, Any]
    parameter_origins: dict[str, str] = field(default_factory=dict)

    def for_aspect(self, aspect: str) -> list[Rule]:
        """The aspect's conditional rules, in firing order (pri, then definition order)."""
        own = [r for r in self.rules.values() if r.aspect == aspect and not r.is_fallback]
        return sorted(own, key=lambda r: r.pri)  # stable: definition order breaks ties

    def fallback(self, aspect: str) -> Rule | None:
        for rule in self.rules.values():
            if rule.aspect == aspect and rule.is_fallback:
                return rule
        return None

    def engine_rulesets(self) -> dict[str, dict[str, dict[str, Any]]]:
        """durable-rules definitions, one ruleset per aspect, with distinct priorities."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for aspect in ASPECTS:
            rules = self.for_aspect(aspect)
            if rules:
                out[aspect] = {
                    r.name: {"pri": rank, "all": [{"m": r.condition}]}
                    for rank, r in enumerate(rules, start=1)
                }
        return out

    def fields_read(self, aspect: str) -> list[str]:
        """The profile fields the aspect's conditions test, in a stable order."""
        found: set[str] = set()
        for rule in self.for_aspect(aspect):
            _walk(rule.condition, lambda f, op, v: found.add(f))
        return sorted(found)

    def thresholds(self, aspect: str) -> dict[str, list[float]]:
        """The constants each numeric field is compared with (any operator), per field."""
        found: dict[str, set[float]] = {}

        def visit(f: str, op: str, v: Any) -> None:
            if _field_kind(f) == "number" and op not in ("$ex", "$nex"):
                found.setdefault(f, set()).add(v)

        for rule in self.for_aspect(aspect):
            _walk(rule.condition, visit)
        return {f: sorted(vs) for f, vs in found.items()}


def load_ruleset_file(path: str | Path) -> dict[str, Any]:
    """A ruleset (or configuration) file: YAML, of which JSON is a subset."""
    try:
        data = load_yaml(path)
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"cannot read rules file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise RulesError(f"{path}: a ruleset file holds a mapping")
    return data


def build_rule_book(
    contributed: Iterable[tuple[str, Mapping[str, Any]]] = (),
    *,
    overrides: Mapping[str, Any] | None = None,
    disable: Sequence[str] = (),
    parameters: Mapping[str, Any] | None = None,
    problem_types: Iterable[str] = (),
    core: Mapping[str, Any] | None = None,
) -> RuleBook:
    """Merge the core's rules, the plugins' (``(plugin, ruleset)``) and the configuration's.

    ``overrides`` maps rule names to rules (replacing or adding), ``disable`` names rules to drop,
    ``parameters`` sets parameter values, ``problem_types`` are the codes rules may assign.
    """
    sources: list[tuple[str, Mapping[str, Any]]] = [
        ("core", core if core is not None else load_ruleset_file(DEFAULT_RULES)),
        *contributed,
    ]
    raw: dict[str, tuple[str, Mapping[str, Any]]] = {}
    params: dict[str, Any] = {}
    param_origin: dict[str, str] = {}
    for origin, ruleset in sources:
        if not isinstance(ruleset, Mapping):
            raise RulesError(f"{origin}: a ruleset is a mapping, not {type(ruleset).__name__}")
        unknown = set(ruleset) - _RULESET_KEYS
        if unknown:
            raise RulesError(f"{origin}: unknown ruleset key(s) {sorted(unknown)}")
        for name, value in (ruleset.get("parameters") or {}).items():
            if name in params and params[name] != value:
                raise RulesError(
                    f"{origin}: parameter {name!r} is already declared by "
                    f"{param_origin[name]} with another value"
                )
            params[name] = value
            param_origin[name] = origin
        for name, rule in (ruleset.get("rules") or {}).items():
            if name in raw:
                raise RulesError(
                    f"{origin}: rule {name!r} is already defined by {raw[name][0]}; "
                    "only the configuration may replace a rule"
                )
            raw[name] = (origin, rule)
    for name, value in (parameters or {}).items():
        if name not in params:
            raise RulesError(
                f"configuration sets unknown parameter {name!r}; known: {sorted(params)}"
            )
        params[name] = value
        param_origin[name] = "config"
    for name, rule in (overrides or {}).items():
        raw[name] = ("config", rule)
    for name in disable:
        if name not in raw:
            raise RulesError(f"configuration disables unknown rule {name!r}")
        del raw[name]

    vocab = _vocabularies(problem_types)
    rules = {
        name: _check_rule(name, origin, rule, params, vocab) for name, (origin, rule) in raw.items()
    }
    for aspect in ASPECTS:
        fallbacks = [r.name for r in rules.values() if r.aspect == aspect and r.is_fallback]
        if len(fallbacks) > 1:
            raise RulesError(f"decision {aspect!r} has several fallback rules: {fallbacks}")
        if aspect in NEEDS_FALLBACK and not fallbacks:
            raise RulesError(
                f"decision {aspect!r} has no fallback rule (a rule without 'all'), so some "
                "suspicions would get no value"
            )
    return RuleBook(rules=rules, parameters=params, parameter_origins=param_origin)


def _vocabularies(problem_types: Iterable[str]) -> dict[str, frozenset[Any] | None]:
    return {
        "problem_type": frozenset(problem_types),
        "major_grade": frozenset(MAJOR_GRADES),
        "severity": frozenset(SEVERITIES),
        "typical": frozenset({True, False}),
        "action": frozenset(ACTIONS),
        "agency": None,  # any non-empty text
    }


def _check_rule(
    name: str,
    origin: str,
    rule: Any,
    params: Mapping[str, Any],
    vocab: Mapping[str, frozenset[Any] | None],
) -> Rule:
    where = f"rule {name!r} ({origin})"
    if not isinstance(name, str) or not _NAME.match(name):
        raise RulesError(f"{where}: a rule name is letters, digits and . _ - :")
    if not isinstance(rule, Mapping):
        raise RulesError(f"{where}: a rule is a mapping")
    unknown = set(rule) - _RULE_KEYS
    if unknown:
        hint = (
            " ('run' is set by the adapter: say what the rule assigns)" if "run" in unknown else ""
        )
        raise RulesError(f"{where}: unknown key(s) {sorted(unknown)}{hint}")
    assign = rule.get("assign")
    if not isinstance(assign, Mapping) or len(assign) != 1:
        raise RulesError(f"{where}: 'assign' names exactly one decision, e.g. {{severity: high}}")
    ((aspect, value),) = assign.items()
    if aspect not in ASPECTS:
        raise RulesError(f"{where}: assigns unknown decision {aspect!r}; known: {list(ASPECTS)}")
    value_field = None
    if isinstance(value, Mapping):
        if set(value) != {"$field"}:
            raise RulesError(f"{where}: a computed value is {{$field: name}}")
        value_field = value["$field"]
        if _field_kind(value_field) is None:
            raise RulesError(f"{where}: copies unknown field {value_field!r}")
        value = None
    else:
        allowed = vocab[aspect]
        if allowed is None:
            if not isinstance(value, str) or not value:
                raise RulesError(f"{where}: {aspect} is a non-empty text")
        elif value not in allowed or (aspect == "typical") != isinstance(value, bool):
            raise RulesError(
                f"{where}: {aspect} {value!r} is not one of {sorted(allowed, key=str)}"
            )
    pri = rule.get("pri", 100)
    if not isinstance(pri, int) or isinstance(pri, bool):
        raise RulesError(f"{where}: 'pri' is an integer")
    condition = None
    if "all" in rule:
        patterns = rule["all"]
        if (
            not isinstance(patterns, list)
            or len(patterns) != 1
            or not isinstance(patterns[0], Mapping)
            or set(patterns[0]) != {"m"}
        ):
            raise RulesError(
                f"{where}: 'all' holds exactly one pattern on the profile, [{{m: condition}}]; "
                "joins across messages are not allowed (correlate in pandas, see profiles.py)"
            )
        readable = set(PROFILE_FIELDS) | set(ASPECTS[: ASPECTS.index(aspect)])
        condition = _check_expression(patterns[0]["m"], where, params, readable)
    return Rule(
        name=name,
        aspect=aspect,
        value=value,
        value_field=value_field,
        pri=pri,
        condition=condition,
        origin=origin,
        description=str(rule.get("description", "")),
    )


def _field_kind(name: str) -> FieldKind | None:
    return PROFILE_FIELDS.get(name) or ASPECT_KINDS.get(name)


def _check_expression(expr: Any, where: str, params: Mapping[str, Any], readable: set[str]) -> Any:
    if not isinstance(expr, Mapping) or len(expr) != 1:
        raise RulesError(f"{where}: each condition is a one-key mapping (use $and to combine)")
    ((key, body),) = expr.items()
    if key in ("$and", "$or"):
        if not isinstance(body, list) or not body:
            raise RulesError(f"{where}: {key} takes a non-empty list of conditions")
        return {key: [_check_expression(e, where, params, readable) for e in body]}
    if key in _COMPARISONS or key in ("$mt", "$ex", "$nex"):
        if not isinstance(body, Mapping) or len(body) != 1:
            raise RulesError(f"{where}: {key} takes a one-key mapping {{field: value}}")
        ((fname, operand),) = body.items()
        op = key
    elif key.startswith("$"):
        raise RulesError(f"{where}: operator {key!r} is not supported")
    else:
        fname, operand, op = key, body, "$eq"
    if fname not in readable:
        later = " (decided later)" if fname in ASPECTS else ""
        raise RulesError(
            f"{where}: tests unknown field {fname!r}{later}; fields: {sorted(readable)}"
        )
    kind = _field_kind(fname)
    if op in ("$ex", "$nex"):
        return {op: {fname: 1}}
    value = _operand(operand, where, params)
    if op == "$mt":
        if kind != "text" or not isinstance(value, str):
            raise RulesError(f"{where}: $mt compares a text field with a text pattern")
        if "\\" in value:
            raise RulesError(
                f"{where}: pattern {value!r} uses a backslash, which the engine ignores "
                "silently; write a class such as [.] instead"
            )
        check_pattern(value, where)
    elif op in _NUMERIC_OPS and kind != "number":
        raise RulesError(f"{where}: {op} compares a number field; {fname!r} is {kind}")
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise RulesError(f"{where}: {fname!r} is a number, compared with {value!r}")
    if kind == "text" and not isinstance(value, str):
        raise RulesError(f"{where}: {fname!r} is text, compared with {value!r}")
    if kind == "bool" and not isinstance(value, bool):
        raise RulesError(f"{where}: {fname!r} is true/false, compared with {value!r}")
    return {fname: value} if op == "$eq" else {op: {fname: value}}


MAX_PATTERN_LENGTH = 200
MAX_PATTERN_NESTING = 3
_QUANTIFIERS = "*+?{"


def check_pattern(pattern: str, where: str = "pattern") -> None:
    """Refuse a ``$mt`` pattern that could make the engine loop (docs/decisions.md D48): longer
    than :data:`MAX_PATTERN_LENGTH`, groups nested deeper than :data:`MAX_PATTERN_NESTING`, a
    repeated group that itself repeats (``(a*)*``, ``(a+|b)+``), or a quantifier on a quantifier."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise RulesError(
            f"{where}: pattern of {len(pattern)} characters; at most {MAX_PATTERN_LENGTH}"
        )
    # per open group: does it contain a quantifier?
    stack: list[bool] = []
    depth = 0
    i, n = 0, len(pattern)
    prev_quantified = False  # the previous item ended with a quantifier
    while i < n:
        ch = pattern[i]
        if ch == "[":  # a class: its characters are literal
            j = pattern.find("]", i + 2 if pattern[i + 1 : i + 2] == "]" else i + 1)
            i = (j if j >= 0 else n - 1) + 1
            prev_quantified = False
            continue
        if ch == "(":
            stack.append(False)
            depth = max(depth, len(stack))
            if depth > MAX_PATTERN_NESTING:
                raise RulesError(
                    f"{where}: pattern {pattern!r} nests groups more than "
                    f"{MAX_PATTERN_NESTING} deep"
                )
            prev_quantified = False
            i += 1
            continue
        if ch == ")":
            inner = stack.pop() if stack else False
            i += 1
            if i < n and pattern[i] in _QUANTIFIERS:
                if inner:
                    raise RulesError(
                        f"{where}: pattern {pattern!r} repeats a group that itself repeats "
                        "(such as (a*)*), which can make the engine run for ever"
                    )
                if stack:
                    stack[-1] = True
                i = _skip_quantifier(pattern, i)
                prev_quantified = True
            else:
                if inner and stack:
                    stack[-1] = True
                prev_quantified = False
            continue
        if ch in _QUANTIFIERS:
            if prev_quantified:
                raise RulesError(f"{where}: pattern {pattern!r} has a quantifier on a quantifier")
            if stack:
                stack[-1] = True
            i = _skip_quantifier(pattern, i)
            prev_quantified = True
            continue
        prev_quantified = False
        i += 1


def _skip_quantifier(pattern: str, i: int) -> int:
    if pattern[i] == "{":
        j = pattern.find("}", i)
        return j + 1 if j >= 0 else i + 1
    return i + 1


def _operand(operand: Any, where: str, params: Mapping[str, Any]) -> Any:
    if isinstance(operand, Mapping):
        if len(operand) == 1 and ("$yuan" in operand or "$param" in operand):
            ((kind, pname),) = operand.items()
            if pname not in params:
                raise RulesError(f"{where}: unknown parameter {pname!r}")
            raw = params[pname]
            if kind == "$param":
                return raw
            try:
                fen = Decimal(str(raw)) * 100
            except InvalidOperation:
                fen = Decimal("NaN")
            if not fen.is_finite() or fen != fen.to_integral_value():
                raise RulesError(f"{where}: parameter {pname!r} = {raw!r} is not yuan to the fen")
            return int(fen)
        raise RulesError(
            f"{where}: compares with {operand!r}; a condition compares a field with a constant "
            "or a parameter ({$yuan: name}, {$param: name}), never with another fact"
        )
    if isinstance(operand, list | tuple) or operand is None:
        raise RulesError(f"{where}: compares with {operand!r}, which is not a constant")
    return operand


def _walk(expr: Any, visit: Any) -> None:
    ((key, body),) = expr.items()
    if key in ("$and", "$or"):
        for e in body:
            _walk(e, visit)
    elif key.startswith("$"):
        ((fname, value),) = body.items()
        visit(fname, key, value)
    else:
        visit(key, "$eq", body)


def problem_type_rule(
    prefix: str,
    rule: str,
    indicators: Sequence[str],
    problem_type: str,
    why: str,
    *,
    pri: int = 15,
) -> dict[str, dict[str, Any]]:
    """One rule of a plugin's ruleset that gives ``indicators`` a problem type:
    ``{"<prefix>.problem_type.<rule>": {...}}``, to spread into the ruleset's ``rules``."""
    codes = list(indicators)
    condition = (
        {"indicator": codes[0]}
        if len(codes) == 1
        else {"$or": [{"indicator": code} for code in codes]}
    )
    return {
        f"{prefix}.problem_type.{rule}": {
            "pri": pri,
            "all": [{"m": condition}],
            "assign": {"problem_type": problem_type},
            "description": why,
        }
    }
