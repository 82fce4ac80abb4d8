"""``fundrules classify OUT_DIR`` and ``fundrules screen … --classify``: suspicions → classified
suspicions and warnings, written beside the suspicions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
from fundrules.screening.suspicions import total_amount

from .app import app, console, fail_input, print_json, shown
from .progress import Stages

_REFUSED = (RulesError, CalendarError, ClassificationEngineError, ValueError)


def classification_summary(result: Classification) -> dict[str, Any]:
    """The warnings by agency, as ``--json`` gives them (amounts as decimal text)."""
    w = result.warnings
    agencies = [
        {
            "agency": str(agency),
            "warnings": len(grp),
            "suspicions": int(grp["suspicion_count"].sum()),
            "major": int((grp["major_grade"] != "none").sum()),
            "amount_at_risk": f"{total_amount(grp['amount_at_risk']):.2f}",
        }
        for agency, grp in w.groupby("agency", sort=True)
    ]
    return {
        "period": result.period,
        "warnings": len(w),
        "agencies": agencies,
        "report_due": result.report_due.isoformat() if result.report_due is not None else None,
    }


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
            f"{total_amount(grp['amount_at_risk']):,.2f}",
        )
    console.print(table)
    if result.report_due is not None:
        console.print(f"major-incident reports due {result.report_due.isoformat()}")


def classify_outputs(
    out: RunWriter,
    result: ScreenResult,
    config: Path | None = None,
    discovered: str | None = None,
    *,
    as_json: bool = False,
) -> Classification:
    """``screen --classify``: classify the run just screened and write beside its suspicions, in
    the same run (a classification that fails leaves the folder's previous run whole). The table
    is printed unless ``as_json`` (the caller then puts :func:`classification_summary` in its
    JSON)."""
    try:
        classified = classify(result, config, discovered=discovered, registry=get_registry())
    except _REFUSED as exc:
        fail_input(str(exc))
    write_classification(out, classified)
    if not as_json:
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
    as_json: Annotated[
        bool, typer.Option("--json", help="print a JSON summary on stdout (messages on stderr)")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress output")] = False,
) -> None:
    """Classify the suspicions in OUT_DIR: classified.* and warnings.* beside them."""
    if config is not None and not config.is_file():
        fail_input(f"configuration file not found: {config}")
    try:
        with Stages(quiet=quiet) as stages, stages.stage(f"Classifying {shown(out_dir)}"):
            classified, _ = classify_directory(
                out_dir, config, discovered=discovered, registry=get_registry()
            )
    except (FileNotFoundError, OutputError) as exc:
        fail_input(str(exc))
    except _REFUSED as exc:
        fail_input(str(exc))
    if as_json:
        print_json({"out": str(out_dir), **classification_summary(classified)})
        return
    print_classification(classified)
    console.print(f"Classification written to [bold]{shown(out_dir)}[/]")
