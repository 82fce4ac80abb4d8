"""``fundrules screen``: load a dataset folder, run the indicators, write the outputs."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from fundrules.intake import DataError, accept_submission, load_dataset
from fundrules.outputs import OutputError, RunWriter
from fundrules.plugins import get_registry
from fundrules.screening import ParameterError, ScreenResult, screen
from fundrules.screening.engine import resolve_codes
from fundrules.screening.output import AmountOutOfRange, write_run

from .app import app, console, fail_input, shown


def default_state_dir() -> Path:
    return Path(os.environ.get("FUNDRULES_STATE_DIR", Path.home() / ".fundrules"))


def run_screen(
    data_dir: Path,
    period: str,
    writer: RunWriter,
    indicators: list[str] | None,
    params: Path | None,
    state_dir: Path | None,
) -> ScreenResult:
    """Shared by ``screen`` and ``demo``: load, accept, screen with a progress bar, write into
    ``writer`` (the caller commits the run)."""
    try:
        with console.status(f"Loading {shown(data_dir)} …"):
            ds = load_dataset(data_dir, period)
    except DataError as exc:
        fail_input(str(exc))
    if ds.manifest is not None and state_dir is not None:
        ds.manifest = accept_submission(ds.manifest, state_dir)
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

            result = screen(ds, indicators=indicators, params=params, progress=progress)
    except ParameterError as exc:
        fail_input(str(exc))
    try:
        write_run(result, writer)
    except AmountOutOfRange as exc:
        fail_input(str(exc))
    return result


def print_summary(result: ScreenResult) -> None:
    s = result.suspicions
    table = RichTable(title=f"Suspicions, period {result.period}")
    for c in ("indicator", "suspicions", "amount at risk (yuan)"):
        table.add_column(c, justify="right" if c != "indicator" else "left")
    if len(s):
        for code, grp in s.groupby("indicator"):
            total = sum(grp["amount_at_risk"], Decimal("0"))
            table.add_row(shown(code), str(len(grp)), f"{total:,.2f}")
    console.print(table)
    acc = result.dataset.accounting if result.dataset is not None else None
    if acc is not None and len(acc):
        console.print(
            f"rows read {int(acc.read.sum()):,}, loaded {int(acc.loaded.sum()):,}, "
            f"quarantined {int(acc.quarantined.sum()):,}"
        )
    for row in result.skipped.itertuples():
        console.print(f"[yellow]skipped[/] {shown(row.indicator)}: {shown(row.reason)}")
    for row in result.failed.itertuples():
        console.print(f"[red]failed[/] {shown(row.indicator)}: {shown(row.reason)}")
    for w in result.warnings:
        console.print(f"[yellow]warning[/] {shown(w)}")


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
    state_dir: Annotated[
        Path | None,
        typer.Option(
            "--state-dir",
            help="where accepted submissions are recorded "
            "(default $FUNDRULES_STATE_DIR or ~/.fundrules)",
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
    try:
        with RunWriter(out) as writer:
            result = run_screen(
                data_dir, period, writer, codes, params, state_dir or default_state_dir()
            )
            print_summary(result)
            if classify:
                from .classifying import classify_outputs

                classify_outputs(writer, result, classify_config)
    except OutputError as exc:
        fail_input(str(exc))
    console.print(f"Outputs written to [bold]{shown(out)}[/]")
