"""``fundrules.synth``: a synthetic city with planted anomalies and their ground truth.

The background is built clean, with margins away from every indicator boundary; each
anomaly is then planted on fresh subjects at the firing side of its boundary (and a
few "near misses" at the non-firing side), and the books are derived last so that the
ledger, reports and accounts agree with the business data to the fen.

>>> info = generate_city("out/city", persons=20_000, seed=0, period="2025-06")
>>> frames = generate_frames(persons=2_000)        # D1 layout, plus "truth"
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from . import city, finance, injury, maternity, medical, pension, quality, unemployment
from .schema import TABLES
from .world import Volumes, World, materialize
from .writer import persons_and_employers, plain_strings, to_arrow, to_pandas, write_table

__all__ = [
    "DEFAULT_RATES",
    "INDICATORS",
    "CityInfo",
    "Volumes",
    "build_world",
    "generate_city",
    "generate_frames",
]

#: Every catalog code the generator plants (all groups but process.*).
INDICATORS: tuple[str, ...] = (
    "data.invalid_person_id",
    "data.id_profile_mismatch",
    "data.unknown_person",
    "data.invalid_employer_id",
    "data.duplicate_payment",
    "fund.business_ledger_mismatch",
    "fund.report_ledger_mismatch",
    "fund.report_arithmetic",
    "fund.low_months_payable",
    "fund.non_designated_account",
    "fund.idle_expenditure_balance",
    "fund.income_account_not_swept",
    "fund.low_deposit_rate",
    "pension.paid_after_death",
    "pension.paid_during_incarceration",
    "pension.duplicate_receipt",
    "pension.early_retirement",
    "pension.paid_before_retirement",
    "pension.contributions_after_retirement",
    "pension.back_payment_before_retirement",
    "pension.shared_bank_account",
    "pension.benefit_jump",
    "pension.centenarian_unverified",
    "medical.settled_after_death",
    "medical.overlapping_inpatient",
    "medical.split_admission",
    "medical.sex_restricted_item",
    "medical.age_restricted_item",
    "medical.excess_quantity",
    "medical.bed_days_exceed_stay",
    "medical.duplicate_charge",
    "medical.price_above_cap",
    "medical.frequent_visits",
    "medical.provider_cost_outlier",
    "medical.fee_outside_stay",
    "medical.conflicting_items",
    "medical.visits_during_stay",
    "medical.settled_during_incarceration",
    "injury.insured_after_accident",
    "injury.late_application",
    "injury.disability_benefit_mismatch",
    "injury.paid_after_death",
    "injury.repeat_accidents",
    "injury.double_claim_with_medical",
    "unemployment.paid_while_employed",
    "unemployment.exceeds_entitlement",
    "unemployment.insufficient_contribution",
    "unemployment.voluntary_separation",
    "unemployment.paid_with_pension",
    "unemployment.paid_after_death",
    "unemployment.amount_above_cap",
    "unemployment.paid_during_incarceration",
    "maternity.male_claimant",
    "maternity.insufficient_contribution",
    "maternity.births_too_close",
    "maternity.allowance_above_formula",
    "maternity.allowance_days_excess",
    "maternity.employer_claim_concentration",
    "maternity.implausible_age",
    "maternity.sham_employment",
)

#: Planted instances per person (at least one each when > 0). Fund-level checks plant
#: one (their subject is the insurance); account checks at most 5; provider outliers 3.
DEFAULT_RATES: dict[str, float] = {code: 1e-4 for code in INDICATORS}
DEFAULT_RATES.update(
    {"medical.provider_cost_outlier": 1e-6, "maternity.employer_claim_concentration": 3e-5}
)
for _c in INDICATORS:
    if _c.startswith("fund."):
        DEFAULT_RATES[_c] = 1e-6

TRUTH_COLUMNS = ["indicator", "subject_type", "subject_id", "period"]


@dataclass
class CityInfo:
    """What :func:`generate_city` wrote."""

    out_dir: Path
    period: str
    paths: dict[str, Path]
    rows: dict[str, int]
    truth_path: Path
    near_misses_path: Path
    truth_rows: int
    seconds: float = 0.0


def build_world(
    persons: int = 20_000,
    seed: int = 0,
    period: str = "2025-06",
    rates: dict[str, float] | None = None,
    volumes: Volumes | None = None,
) -> World:
    """Generate everything in memory (chunks of numpy columns)."""
    r = dict(DEFAULT_RATES)
    if rates:
        unknown = set(rates) - set(INDICATORS)
        if unknown:
            raise KeyError(f"unknown indicator codes: {sorted(unknown)}")
        r.update(rates)
    w = World(persons, seed, period, r, volumes or Volumes())
    pop = city.build_population(w)
    city.workers_and_contributions(w, pop)
    city.other_enrollments(w, pop)
    city.deaths_and_prison(w, pop)
    pension.background(w, pop)
    unemployment.background(w, pop)
    injury.background(w, pop)  # marks injured workers before their medical visits
    maternity.background(w, pop)
    medical.setup(w)
    medical.background(w, pop)
    quality.plant(w)
    pension.plant(w)
    unemployment.plant(w)
    injury.plant(w)
    maternity.plant(w)
    medical.plant(w)
    medical.finalize(w)
    finance.build(w)
    persons_and_employers(w)
    return w


def _marks_frame(rows: list[tuple[str, str, str, str, str]], note: bool) -> pd.DataFrame:
    cols = TRUTH_COLUMNS + (["note"] if note else [])
    df = pd.DataFrame([r if note else r[:4] for r in rows], columns=cols)
    return df.sort_values(TRUTH_COLUMNS, kind="stable").reset_index(drop=True)


def generate_frames(
    persons: int = 20_000,
    seed: int = 0,
    period: str = "2025-06",
    rates: dict[str, float] | None = None,
    volumes: Volumes | None = None,
    layout: str = "dataset",
) -> dict[str, pd.DataFrame]:
    """The city as DataFrames, plus ``truth`` and ``near_misses``.

    ``layout="dataset"`` follows decision D1 (int64 fen, int32 month numbers,
    datetime64[s], arrow strings): what indicators see after intake. ``layout="exchange"``
    is what the files hold, as the Parquet reader hands it to intake (decimal columns
    Arrow-backed, ``YYYY-MM`` text, datetime64 dates): feed it to
    ``fundrules.dataset_from_frames`` to validate and screen without files.
    """
    w = build_world(persons, seed, period, rates, volumes)
    out: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        cols = materialize(w, table)
        if layout == "dataset":
            out[table] = to_pandas(table, cols)
        elif layout == "exchange":
            out[table] = plain_strings(to_arrow(table, cols)).to_pandas(
                types_mapper=lambda t: pd.ArrowDtype(t) if pa.types.is_decimal(t) else None,
                date_as_object=False,
            )
        else:
            raise ValueError(f"layout must be 'dataset' or 'exchange', not {layout!r}")
    out["truth"] = _marks_frame(w.truth.rows, note=False)
    out["near_misses"] = _marks_frame(w.near.rows, note=True)
    return out


def generate_city(
    out_dir: str | Path,
    persons: int = 20_000,
    seed: int = 0,
    period: str = "2025-06",
    fmt: str = "parquet",
    rates: dict[str, float] | None = None,
    volumes: Volumes | None = None,
) -> CityInfo:
    """Write the city as ``<table>.parquet`` or ``<table>.csv`` plus ``truth.csv``.

    Deterministic by ``seed``. ``rates`` maps indicator codes to planted instances per
    person (0 disables one). ``near_misses.csv`` lists planted negatives that must
    *not* fire.
    """
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"fmt must be 'parquet' or 'csv', not {fmt!r}")
    t0 = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    w = build_world(persons, seed, period, rates, volumes)
    paths: dict[str, Path] = {}
    rows: dict[str, int] = {}
    for table in TABLES:
        for suffix in ("parquet", "csv", "xlsx"):  # a stale file of another format would be read
            (out / f"{table}.{suffix}").unlink(missing_ok=True)
        paths[table], rows[table] = write_table(w, table, out, fmt)
        w.chunks.pop(table, None)  # free memory as we go
    truth = _marks_frame(w.truth.rows, note=False)
    truth_path = out / "truth.csv"
    truth.to_csv(truth_path, index=False)
    near_path = out / "near_misses.csv"
    _marks_frame(w.near.rows, note=True).to_csv(near_path, index=False)
    return CityInfo(
        out_dir=out,
        period=w.period,
        paths=paths,
        rows=rows,
        truth_path=truth_path,
        near_misses_path=near_path,
        truth_rows=len(truth),
        seconds=time.perf_counter() - t0,
    )
