"""``fundrules classify OUT_DIR`` and ``fundrules screen … --classify``: suspicions → classified
suspicions and warnings, written beside the suspicions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table as RichTable

from fundrules.classification import (
    CalendarError,
    Classification,
    ClassificationEngineError,
    RulesError,
    classify,
    classify_directory,
    write_classification,
)
from fundrules.outputs import OutputError, RunWriter
from fundrules.plugins import get_registry
from fundrules.screening import ScreenResult

from .app import app, console, fail_input, shown

_REFUSED = (RulesError, CalendarError, ClassificationEngineError, ValueError)


def print_classification(result: Classification) -> None:
    w = result.warnings
    table = RichTable(
        title=f"Warnings by agency, period {result.period}", box=box.SIMPLE_HEAD, pad_edge=False
    )
    table.add_column("agency", overflow="ellipsis", no_wrap=True)
    for c in ("warnings", "susp.", "major", "yuan"):
        table.add_column(c, justify="right", no_wrap=True, min_width=len(c))
    for agency, grp in w.groupby("agency", sort=True):
        table.add_row(
            shown(agency) or "(unrouted)",
            str(len(grp)),
            str(int(grp["suspicion_count"].sum())),
            str(int((grp["major_grade"] != "none").sum())),
            f"{sum(grp['amount_at_risk'], Decimal('0')):,.2f}",
        )
    console.print(table)
    if result.report_due is not None:
        console.print(f"major-incident reports due {result.report_due.isoformat()}")


def classify_outputs(
    out: RunWriter,
    result: ScreenResult,
    config: Path | None = None,
    discovered: str | None = None,
) -> Classification:
    """``screen --classify``: classify the run just screened and write beside its suspicions, in
    the same run (a classification that fails leaves the folder's previous run whole)."""
    try:
        classified = classify(result, config, discovered=discovered, registry=get_registry())
    except _REFUSED as exc:
        fail_input(str(exc))
    write_classification(out, classified)
    print_classification(classified)
    return classified


@app.command("classify")
def classify_command(
    out_dir: Annotated[
        Path, typer.Argument(help="a screening output folder (suspicions.parquet or .csv)")
    ],
    config: Annotated[
        Path | None,
        typer.Option("--config", help="classification YAML: parameters, rules, routing, holidays"),
    ] = None,
    discovered: Annotated[
        str | None,
        typer.Option("--discovered", help="date found, YYYY-MM-DD (default: today, China time)"),
    ] = None,
) -> None:
    """Classify the suspicions in OUT_DIR: classified.* and warnings.* beside them."""
    if config is not None and not config.is_file():
        fail_input(f"configuration file not found: {config}")
    try:
        classified, _ = classify_directory(
            out_dir, config, discovered=discovered, registry=get_registry()
        )
    except (FileNotFoundError, OutputError) as exc:
        fail_input(str(exc))
    except _REFUSED as exc:
        fail_input(str(exc))
    print_classification(classified)
    console.print(f"Classification written to [bold]{shown(out_dir)}[/]")
