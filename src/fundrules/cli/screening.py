"""``fundrules screen``: load a dataset folder, run the indicators, write the outputs."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from fundrules.intake import DataError, load_dataset
from fundrules.outputs import OutputError, RunWriter
from fundrules.plugins import get_registry
from fundrules.screening import ParameterError, ScreenResult, screen
from fundrules.screening.engine import resolve_codes
from fundrules.screening.output import AmountOutOfRange, write_run
from fundrules.screening.parameters import with_as_of

from .app import app, console, err_console, fail_input, print_json, shown


def run_screen(
    data_dir: Path,
    period: str,
    writer: RunWriter,
    indicators: list[str] | None,
    params: Path | Mapping[str, Any] | None,
) -> ScreenResult:
    """One-shot screen of a dataset folder: load, screen with a progress bar, write into
    ``writer`` (the caller commits the run)."""
    registry = get_registry()
    try:
        with console.status(f"Loading {shown(data_dir)} …"):
            ds = load_dataset(data_dir, period, registry=registry)
    except DataError as exc:
        fail_input(str(exc))
    try:
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("Screening", total=None)

            def progress(code: str, i: int, n: int) -> None:
                bar.update(task, total=n, completed=i, description=f"Screening {code}")

            result = screen(
                ds, indicators=indicators, params=params, registry=registry, progress=progress
            )
    except ParameterError as exc:
        fail_input(str(exc))
    try:
        write_run(result, writer)
    except AmountOutOfRange as exc:
        fail_input(str(exc))
    return result


def summary_rows(result: ScreenResult) -> list[dict[str, Any]]:
    """One row per indicator that ran, those with no suspicion included (0, 0.00)."""
    s = result.suspicions
    counts = s.groupby("indicator").size().to_dict() if len(s) else {}
    amounts = (
        {code: sum(grp, Decimal("0")) for code, grp in s.groupby("indicator")["amount_at_risk"]}
        if len(s)
        else {}
    )
    ran = result.runs[result.runs.status == "ok"]["indicator"]
    return [
        {
            "indicator": str(code),
            "suspicions": int(counts.get(code, 0)),
            "amount_at_risk": f"{amounts.get(code, Decimal('0')):.2f}",
        }
        for code in sorted(set(ran) | set(counts))
    ]


def screen_summary(result: ScreenResult, out: Path, classified: Any = None) -> dict[str, Any]:
    """What ``screen --json`` prints: the run in numbers (amounts as decimal text)."""
    rows = summary_rows(result)
    acc = result.dataset.accounting if result.dataset is not None else None
    doc: dict[str, Any] = {
        "out": str(out),
        "period": result.period,
        "fingerprint": result.fingerprint,
        "suspicions": sum(r["suspicions"] for r in rows),
        "amount_at_risk": f"{sum((Decimal(r['amount_at_risk']) for r in rows), Decimal('0')):.2f}",
        "indicators": rows,
        "skipped": result.skipped[["indicator", "reason"]].to_dict(orient="records"),
        "failed": result.failed[["indicator", "reason"]].to_dict(orient="records"),
        "warnings": list(result.warnings),
        "rows": (
            {k: int(acc[k].sum()) for k in ("read", "loaded", "quarantined")}
            if acc is not None and len(acc)
            else None
        ),
    }
    if classified is not None:
        from .classifying import classification_summary

        doc["classification"] = classification_summary(classified)
    return doc


def print_summary(result: ScreenResult) -> None:
    table = RichTable(title=f"Suspicions, period {result.period}")
    table.add_column("indicator", no_wrap=True)
    table.add_column("suspicions", justify="right", no_wrap=True)
    table.add_column("amount at risk (yuan)", justify="right", no_wrap=True)
    for row in summary_rows(result):
        table.add_row(
            shown(row["indicator"]),
            str(row["suspicions"]),
            f"{Decimal(row['amount_at_risk']):,.2f}",
        )
    console.print(table)
    acc = result.dataset.accounting if result.dataset is not None else None
    if acc is not None and len(acc):
        console.print(
            f"rows read {int(acc.read.sum()):,}, loaded {int(acc.loaded.sum()):,}, "
            f"quarantined {int(acc.quarantined.sum()):,}"
        )
    report_skipped_and_failed(result)


def report_skipped_and_failed(result: ScreenResult) -> None:
    """Messages, not results: on stderr (the stale-parameter warnings go there by themselves)."""
    for row in result.skipped.itertuples():
        err_console.print(f"[yellow]skipped[/] {shown(row.indicator)}: {shown(row.reason)}")
    for row in result.failed.itertuples():
        err_console.print(f"[red]failed[/] {shown(row.indicator)}: {shown(row.reason)}")


@app.command("screen")
def screen_command(
    data_dir: Annotated[Path, typer.Argument(help="dataset folder: one file per table")],
    period: Annotated[str, typer.Option("--period", help="target period YYYY-MM")],
    out: Annotated[Path, typer.Option("--out", help="output folder")],
    indicators: Annotated[
        str | None, typer.Option("--indicators", help="comma-separated codes (default: all)")
    ] = None,
    params: Annotated[
        Path | None, typer.Option("--params", help="YAML file of parameter overrides")
    ] = None,
    classify: Annotated[
        bool, typer.Option("--classify", help="also classify the suspicions into warnings")
    ] = False,
    classify_config: Annotated[
        Path | None,
        typer.Option("--classify-config", help="classification YAML (rules, routing, holidays)"),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="print a JSON summary on stdout (messages on stderr)")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="judge the process.* deadlines at YYYY-MM-DD (default: the period's last day)",
        ),
    ] = None,
) -> None:
    """Screen one period of a dataset folder and write suspicions, quarantine and run.json."""
    codes = [c.strip() for c in indicators.split(",") if c.strip()] if indicators else None
    if codes is not None:  # refused before any data are read (UnknownIndicatorError: exit 2)
        resolve_codes(codes, get_registry().indicators)
    if params is not None and not params.is_file():
        fail_input(f"parameter file not found: {params}")
    if classify and classify_config is not None and not classify_config.is_file():
        fail_input(f"configuration file not found: {classify_config}")
    overrides = with_as_of(params, as_of, get_registry().indicators)
    try:
        with RunWriter(out) as writer:
            result = run_screen(data_dir, period, writer, codes, overrides)
            if as_json:
                report_skipped_and_failed(result)
            else:
                print_summary(result)
            classified = None
            if classify:
                from .classifying import classify_outputs

                classified = classify_outputs(writer, result, classify_config, as_json=as_json)
    except OutputError as exc:
        fail_input(str(exc))
    if as_json:
        print_json(screen_summary(result, out, classified))
        return
    console.print(f"Outputs written to [bold]{shown(out)}[/]")
