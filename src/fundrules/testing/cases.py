"""Case files: an indicator's tests as data (docs/plugin-brief.md, "Case files").

A case file is named ``<anything>.cases.yaml``; pytest collects exactly those (D72).

```yaml
indicator: ltc.care_after_death
cases:
  - name: care the day after death is flagged
    period: "2025-06"
    parameters: {}                      # optional: {param: value}
    tables:                             # optional columns may be left out
      deaths:
        - {person_id: "120101194001010014", death_date: "2025-06-09"}
      ltc_services:
        - {service_id: s1, person_id: "120101194001010014", service_start: "2025-06-01", ...}
    expect:                             # exactly these suspicions of the indicator
      - {subject_id: "120101194001010014", amount_at_risk: "50.00"}
```

Rules:

- Cells are read as the text a CSV would hold, quoted or not (``amount: 3000.00`` is ``"3000.00"``,
  ``person_id: 120101195001010012`` is text, ``birth_date: 1950-01-01`` is ``"1950-01-01"``);
  ``null``, ``~`` or nothing is an empty cell. Parameters are read as YAML values.
- A table's columns are the union of its rows' keys; optional columns left out are empty; a
  required column left out is an error naming it, and so is a column or table the schema does not
  declare. A table given with no rows (``deaths: []``) is present and empty.
- Any quarantined row fails the case, unless the case says ``quarantined: N`` (exactly N rows).
- ``expect`` lists the suspicions of the case's indicator: ``subject_id``, ``subject_type``
  (default: the indicator's subject), and optionally ``amount_at_risk`` (two-decimal text, compared
  exactly) and ``insurance``. The found suspicions must equal them as a set. A case whose
  ``expect`` is empty is a *negative* case; otherwise a *positive* one.
- ``vocabularies: {benefit_type: [basic_pension]}`` (on the file or on a case) adds values to
  closed vocabularies for that case only, so a case can use another plugin's codes without
  depending on that plugin being installed (the core's own cases do this).
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from fundrules.errors import InputError
from fundrules.intake import DataError, dataset_from_frames
from fundrules.plugins import Registry, get_registry
from fundrules.screening import ParameterError

from .declared import screen_as_declared

FILE_KEYS = frozenset({"indicator", "cases", "description", "vocabularies"})
CASE_KEYS = frozenset(
    {
        "name",
        "period",
        "parameters",
        "tables",
        "expect",
        "quarantined",
        "vocabularies",
        "description",
    }
)
EXPECT_KEYS = frozenset({"subject_type", "subject_id", "amount_at_risk", "insurance"})
AMOUNT_RE = re.compile(r"^-?\d+\.\d{2}$")


class CaseFileError(InputError, ValueError):
    """A case file (or one case of it) is malformed: the message names the file, case and key."""


class CaseFailed(AssertionError):
    """A case ran and its expectation did not hold; the message is the side-by-side report."""


class _TextLoader(yaml.SafeLoader):
    """YAML whose scalars stay the text they were written as (nulls stay None): CSV cells."""


def _scalar_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


for _tag in ("bool", "int", "float", "timestamp"):
    _TextLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _scalar_text)


@dataclass(frozen=True)
class Expected:
    subject_id: str
    subject_type: str | None = None
    amount_at_risk: str | None = None
    insurance: str | None = None


@dataclass(frozen=True)
class Case:
    """One case of a case file."""

    path: Path
    line: int
    indicator: str
    name: str
    period: str
    parameters: Mapping[str, Any]
    tables: Mapping[str, list[dict[str, str | None]]]
    expect: tuple[Expected, ...]
    quarantined: int = 0
    vocabularies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def positive(self) -> bool:
        return bool(self.expect)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class CaseOutcome:
    case: Case
    passed: bool
    report: str
    suspicions: pd.DataFrame | None = None


def _fail(path: Path, line: int | None, message: str) -> CaseFileError:
    where = f"{path}:{line}" if line else str(path)
    return CaseFileError(f"{where}: {message}")


def _case_lines(text: str) -> list[int]:
    try:
        root = yaml.compose(text, Loader=_TextLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "cases" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _vocab(value: Any, path: Path, line: int | None) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(v, list) for v in value.values()):
        raise _fail(path, line, "vocabularies: expected {vocabulary: [code, ...]}")
    return {str(k): tuple(str(x) for x in v) for k, v in value.items()}


def load_case_file(path: str | Path) -> list[Case]:
    """Parse a case file; raises :class:`CaseFileError` naming what is malformed."""
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    try:
        doc = yaml.load(text, Loader=_TextLoader)
        typed = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _fail(p, None, f"not valid YAML: {exc}") from None
    if not isinstance(doc, Mapping):
        raise _fail(p, None, "expected a mapping with 'indicator' and 'cases'")
    unknown = set(doc) - FILE_KEYS
    if unknown:
        raise _fail(p, None, f"unknown key(s) {sorted(unknown)} (known: {sorted(FILE_KEYS)})")
    code = doc.get("indicator")
    if not isinstance(code, str) or not code:
        raise _fail(p, None, "'indicator' (the indicator's code) is required")
    raw_cases = doc.get("cases")
    if not isinstance(raw_cases, list) or not raw_cases:
        raise _fail(p, None, "'cases' must be a non-empty list")
    lines = _case_lines(text)
    file_vocab = _vocab(doc.get("vocabularies"), p, None)
    out: list[Case] = []
    for i, c in enumerate(raw_cases):
        line = lines[i] if i < len(lines) else None
        if not isinstance(c, Mapping):
            raise _fail(p, line, f"case {i + 1}: expected a mapping")
        unknown = set(c) - CASE_KEYS
        if unknown:
            raise _fail(p, line, f"unknown key(s) {sorted(unknown)} (known: {sorted(CASE_KEYS)})")
        name = c.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _fail(p, line, f"case {i + 1}: 'name' is required")
        period = c.get("period")
        if not isinstance(period, str):
            raise _fail(p, line, f"case {name!r}: 'period' (YYYY-MM) is required")
        params = (typed["cases"][i] or {}).get("parameters") or {}
        if not isinstance(params, Mapping):
            raise _fail(p, line, f"case {name!r}: 'parameters' must be a mapping")
        tables = c.get("tables") or {}
        if not isinstance(tables, Mapping):
            raise _fail(p, line, f"case {name!r}: 'tables' must map table names to lists of rows")
        rows_by_table: dict[str, list[dict[str, str | None]]] = {}
        for tname, rows in tables.items():
            rows = rows or []
            if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
                raise _fail(p, line, f"case {name!r}: table {tname!r} must be a list of rows")
            for r in rows:
                for k, v in r.items():
                    if isinstance(v, list | dict):
                        raise _fail(p, line, f"case {name!r}: {tname}.{k}: a cell must be a scalar")
            rows_by_table[str(tname)] = [
                {str(k): (None if v is None else str(v)) for k, v in r.items()} for r in rows
            ]
        if "expect" not in c:
            raise _fail(p, line, f"case {name!r}: 'expect' is required ([] for no suspicion)")
        expect = c.get("expect") or []
        if not isinstance(expect, list):
            raise _fail(p, line, f"case {name!r}: 'expect' must be a list")
        expected = []
        for e in expect:
            if not isinstance(e, Mapping) or "subject_id" not in e:
                raise _fail(p, line, f"case {name!r}: each expected suspicion needs a subject_id")
            bad = set(e) - EXPECT_KEYS
            if bad:
                raise _fail(
                    p,
                    line,
                    f"case {name!r}: unknown key(s) {sorted(bad)} in expect "
                    f"(known: {sorted(EXPECT_KEYS)})",
                )
            amount = e.get("amount_at_risk")
            if amount is not None and not AMOUNT_RE.match(str(amount)):
                raise _fail(
                    p,
                    line,
                    f"case {name!r}: amount_at_risk {amount!r} must be two-decimal text, "
                    'e.g. "3000.00"',
                )
            expected.append(
                Expected(
                    subject_id=str(e["subject_id"]),
                    subject_type=e.get("subject_type"),
                    amount_at_risk=None if amount is None else str(amount),
                    insurance=e.get("insurance"),
                )
            )
        q = c.get("quarantined", 0)
        try:
            quarantined = int(q or 0)
        except ValueError:
            raise _fail(p, line, f"case {name!r}: 'quarantined' must be a number of rows") from None
        out.append(
            Case(
                path=p,
                line=line or 0,
                indicator=code,
                name=name,
                period=period,
                parameters=dict(params),
                tables=rows_by_table,
                expect=tuple(expected),
                quarantined=quarantined,
                vocabularies={**file_vocab, **_vocab(c.get("vocabularies"), p, line)},
            )
        )
    return out


def _with_vocabularies(reg: Registry, extra: Mapping[str, tuple[str, ...]]) -> Registry:
    if not extra:
        return reg
    vocab = dict(reg.vocabularies)
    for name, values in extra.items():
        vocab[name] = frozenset(vocab.get(name, frozenset()) | set(values))
    return replace(reg, vocabularies=vocab)


def case_frames(case: Case, reg: Registry) -> dict[str, pd.DataFrame]:
    """The case's tables as raw frames of text cells, every declared column present."""
    frames = {}
    for name, rows in case.tables.items():
        if name not in reg.tables:
            raise CaseFileError(
                f"{case.where}: case {case.name!r}: unknown table {name!r} "
                f"(declared: {', '.join(sorted(reg.tables))})"
            )
        decl = reg.tables[name]
        given = list(dict.fromkeys(k for r in rows for k in r))
        unknown = [c for c in given if c not in decl.column_names]
        if unknown:
            raise CaseFileError(
                f"{case.where}: case {case.name!r}: table {name} has no column "
                f"{', '.join(map(repr, unknown))} (columns: {', '.join(decl.column_names)})"
            )
        if rows:
            missing = [c.name for c in decl.columns if not c.optional and c.name not in given]
            if missing:
                raise CaseFileError(
                    f"{case.where}: case {case.name!r}: table {name} lacks required column "
                    f"{missing[0]!r}" + (f" (and {', '.join(missing[1:])})" if missing[1:] else "")
                )
        frames[name] = pd.DataFrame(
            {c: pd.Series([r.get(c) for r in rows], dtype=object) for c in decl.column_names}
        )
    return frames


def _amount_text(value: Any) -> str:
    return f"{value:.2f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join(fmt.format(*r).rstrip() for r in [header, *rows])


def run_case(case: Case, registry: Registry | None = None) -> CaseOutcome:
    """Run one case through intake and ``fundrules.screen``; compare with its expectation."""
    reg = _with_vocabularies(registry or get_registry(), case.vocabularies)
    ind = reg.indicators.get(case.indicator)
    if ind is None:
        raise CaseFileError(
            f"{case.where}: indicator {case.indicator!r} is not registered (installed plugins: "
            f"{', '.join(reg.plugins)})"
        )
    head = f"case {case.name!r} ({case.indicator}, period {case.period}) at {case.where}"
    try:
        ds = dataset_from_frames(case_frames(case, reg), case.period, registry=reg)
    except DataError as exc:
        raise CaseFileError(f"{case.where}: case {case.name!r}: {exc}") from None
    problems: list[str] = []
    if len(ds.quarantine) != case.quarantined:
        shown = ds.quarantine.drop(columns="file").to_string(index=False)
        problems.append(
            f"{len(ds.quarantine)} row(s) quarantined, the case expects {case.quarantined}"
            + (f":\n{_indent(shown)}" if len(ds.quarantine) else "")
        )
    params = {case.indicator: dict(case.parameters)} if case.parameters else None
    try:
        # over only what the indicator declares, as a store run: an undeclared read fails here
        result = screen_as_declared(ds, case.indicator, params=params, registry=reg)
    except ParameterError as exc:
        raise CaseFileError(f"{case.where}: case {case.name!r}: {exc}") from None
    run = result.runs.iloc[0]
    if run["status"] != "ok":
        problems.append(
            f"the indicator {'was skipped' if run['status'] == 'skipped' else 'failed'}: {run['reason']}"
        )
        return CaseOutcome(case, False, head + "\n" + "\n".join(problems), result.suspicions)
    sus = result.suspicions
    found = {(r.subject_type, r.subject_id): r for r in sus.itertuples(index=False)}
    expected: dict[tuple[str, str], Expected] = {}
    for e in case.expect:
        key = (e.subject_type or ind.meta.subject, e.subject_id)
        if key in expected:
            raise CaseFileError(
                f"{case.where}: case {case.name!r}: {key[0]} {key[1]} expected twice"
            )
        expected[key] = e
    rows: list[list[str]] = []
    unexpected = []
    ok = True
    for key in sorted(set(found) | set(expected)):
        e, f = expected.get(key), found.get(key)
        exp_amount = e.amount_at_risk if e and e.amount_at_risk is not None else "-"
        exp_ins = e.insurance if e and e.insurance is not None else "-"
        f_amount = _amount_text(f.amount_at_risk) if f is not None else ""
        f_ins = (f.insurance or "''") if f is not None else ""
        if e is None:
            verdict = "UNEXPECTED"
            unexpected.append(f)
        elif f is None:
            verdict, exp_amount, exp_ins = "MISSING", exp_amount, exp_ins
        elif e.amount_at_risk is not None and e.amount_at_risk != f_amount:
            verdict = "AMOUNT DIFFERS"
        elif e.insurance is not None and e.insurance != (f.insurance or ""):
            verdict = "INSURANCE DIFFERS"
        else:
            verdict = "ok"
        ok &= verdict == "ok"
        if e is None:
            exp_amount = exp_ins = ""
        rows.append([key[0], key[1], exp_amount, exp_ins, f_amount, f_ins, verdict])
    if not ok:
        table = _table(
            [
                "subject_type",
                "subject_id",
                "expected amount",
                "insurance",
                "found amount",
                "insurance",
                "",
            ],
            rows,
        )
        text = "expected against found:\n" + _indent(table)
        if unexpected:
            text += "\nevidence of the unexpected suspicions:\n" + "\n".join(
                _indent(f"{f.subject_type} {f.subject_id}: {f.evidence}") for f in unexpected
            )
        problems.append(text)
    if problems:
        return CaseOutcome(case, False, head + "\n" + "\n".join(problems), sus)
    return CaseOutcome(case, True, "ok", sus)


def _indent(text: str, by: str = "  ") -> str:
    return "\n".join(by + line for line in text.splitlines())


def run_case_file(path: str | Path, *, registry: Registry | None = None) -> list[CaseOutcome]:
    """Run every case of a case file; each outcome says whether it passed and, if not, why.
    Raises :class:`CaseFileError` when the file or a case is malformed."""
    return [run_case(case, registry) for case in load_case_file(path)]


def assert_case_file(path: str | Path, *, registry: Registry | None = None) -> None:
    """Run a case file and raise :class:`CaseFailed` with every failing case's report."""
    failed = [o.report for o in run_case_file(path, registry=registry) if not o.passed]
    if failed:
        raise CaseFailed("\n\n".join(failed))


# -- finding the case files of installed plugins ---------------------------------------------


CASE_FILE_SUFFIXES = (".cases.yaml", ".cases.yml")


def find_case_files(folder: str | Path) -> list[Path]:
    """Case files under a folder: ``*.cases.yaml`` (or ``.cases.yml``), sorted."""
    root = Path(folder)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*.cases.y*ml") if p.name.endswith(CASE_FILE_SUFFIXES))


def plugin_root(module_name: str) -> Path | None:
    """The distribution folder of a plugin module: the nearest folder above the module's file
    that holds a ``pyproject.toml`` (a development checkout, or an editable install). None for a
    plugin installed from a wheel (its tests are not installed) or given as an object."""
    module = sys.modules.get(module_name)
    if module is None:
        try:
            module = importlib.import_module(module_name)
        except Exception:
            return None
    file = getattr(module, "__file__", None)
    if not file:
        return None
    for folder in Path(file).resolve().parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    return None


@dataclass
class Coverage:
    """Which case files exercise an indicator, positively and negatively."""

    indicator: str
    plugin: str
    positive: list[str] = field(default_factory=list)
    negative: list[str] = field(default_factory=list)


def case_coverage(registry: Registry | None = None) -> tuple[dict[str, Coverage], list[str]]:
    """Cases per registered indicator, from ``tests/`` of each plugin's root (``plugin_root``:
    the core's own ``tests/cases`` for the default plugins), and the errors of unreadable files."""
    reg = registry or get_registry()
    coverage = {code: Coverage(code, ind.plugin or "") for code, ind in reg.indicators.items()}
    roots = {plugin_root(info.module) for info in reg.plugins.values() if info.module}
    errors: list[str] = []
    for root in sorted(r for r in roots if r is not None):
        for path in find_case_files(root / "tests"):
            try:
                cases = load_case_file(path)
            except CaseFileError as exc:
                errors.append(str(exc))
                continue
            for case in cases:
                entry = coverage.get(case.indicator)
                if entry is None:
                    continue
                (entry.positive if case.positive else entry.negative).append(
                    f"{case.where} {case.name}"
                )
    return coverage, errors
