"""``fundrules screen``: load a dataset folder, run the indicators, write the outputs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table as RichTable

from fundrules.intake import DataError, load_dataset
from fundrules.outputs import OutputError, RunWriter
from fundrules.plugins import get_registry
from fundrules.screening import ParameterError, ScreenResult, screen
from fundrules.screening.engine import check_parameters, resolve_codes
from fundrules.screening.output import AmountOutOfRange, write_run
from fundrules.screening.parameters import with_as_of
from fundrules.screening.suspicions import total_amount
from fundrules.store import StoreError, open_store

from .app import app, console, err_console, fail_input, print_json, shown
from .progress import Stages


@dataclass
class Source:
    """Where a screen reads its data: a dataset folder (one-shot) or a store."""

    data_dir: Path | None = None
    store: Path | None = None
    version: int | None = None
    shards: int | None = None
    workers: int | None = None
    dask: str | None = None


def run_screen(
    source: Source | Path,
    period: str,
    writer: RunWriter,
    indicators: list[str] | None,
    params: Path | Mapping[str, Any] | None,
    *,
    quiet: bool = False,
) -> ScreenResult:
    """Screen a dataset folder (load and validate it, one shot) or the data as of ``period``
    in a store (never validated again), with progress, and write into ``writer`` (the caller
    commits the run)."""
    src = source if isinstance(source, Source) else Source(data_dir=source)
    try:
        with Stages(quiet=quiet) as stages:
            if src.store is not None:
                result = _screen_from_store(src, period, indicators, params, stages)
            else:
                assert src.data_dir is not None
                registry = get_registry()
                with stages.stage(f"Loading {shown(src.data_dir)}"):
                    ds = load_dataset(src.data_dir, period, registry=registry)
                with stages.stage("Screening") as stage:

                    def progress(code: str, i: int, n: int) -> None:
                        stage.update(completed=i, total=n, detail=code)

                    result = screen(
                        ds,
                        indicators=indicators,
                        params=params,
                        registry=registry,
                        progress=progress,
                    )
    except (DataError, ParameterError, StoreError) as exc:
        fail_input(str(exc))
    try:
        write_run(result, writer)
    except AmountOutOfRange as exc:
        fail_input(str(exc))
    return result


def _screen_from_store(
    src: Source,
    period: str,
    indicators: list[str] | None,
    params: Path | Mapping[str, Any] | None,
    stages: Stages,
) -> ScreenResult:
    from fundrules.screening.execution import screen_store

    store = open_store(src.store)  # type: ignore[arg-type]
    client = None
    if src.dask is not None:
        try:
            from distributed import Client
        except ImportError:
            fail_input("--dask needs dask[distributed]: pip install 'dask[distributed]'")
        client = Client(src.dask)
    try:
        with stages.stage(f"Screening {period} from {shown(src.store)}") as stage:

            def progress(label: str, done: int, total: int) -> None:
                stage.update(completed=done, total=total, detail=label)

            from fundrules.cases import handed_tables

            return screen_store(
                store,
                period,
                indicators,
                params,
                handed=handed_tables(store.root),
                version=src.version,
                shards=src.shards,
                workers=src.workers,
                executor=client,
                progress=progress,
            )
    finally:
        if client is not None:
            client.close()


def summary_rows(result: ScreenResult) -> list[dict[str, Any]]:
    """One row per indicator that ran, those with no suspicion included (0, 0.00)."""
    s = result.suspicions
    counts = s.groupby("indicator").size().to_dict() if len(s) else {}
    amounts = (
        {code: total_amount(grp) for code, grp in s.groupby("indicator")["amount_at_risk"]}
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
        "amount_at_risk": f"{total_amount(r['amount_at_risk'] for r in rows):.2f}",
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
    data_dir: Annotated[
        Path | None,
        typer.Argument(help="dataset folder, one file per table (or --store)"),
    ] = None,
    period: Annotated[str, typer.Option("--period", help="target period YYYY-MM")] = "",
    out: Annotated[Path | None, typer.Option("--out", help="output folder")] = None,
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
    store: Annotated[
        Path | None,
        typer.Option("--store", help="screen the data as of the period from this store"),
    ] = None,
    version: Annotated[
        int | None,
        typer.Option("--version", help="with --store: this version of the period (default latest)"),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="with --store: local worker processes (default all cores)"),
    ] = None,
    shards: Annotated[
        int | None,
        typer.Option("--shards", help="with --store: person shards (default from the data's size)"),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option("--dask", help="with --store: run on this Dask scheduler (tcp://host:port)"),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress output")] = False,
) -> None:
    """Screen one period — of a dataset folder (validated now), or from a store (validated at
    intake) — and write suspicions, quarantine and run.json."""
    if (data_dir is None) == (store is None):
        fail_input("give either a dataset folder or --store STORE, not both")
    if not period:
        fail_input("--period YYYY-MM is required")
    if out is None:
        fail_input("--out OUT_DIR is required")
    if store is None and any(v is not None for v in (version, workers, shards, dask)):
        fail_input("--version, --workers, --shards and --dask go with --store")
    for name, value in (("--workers", workers), ("--shards", shards), ("--version", version)):
        if value is not None and value < 1:
            fail_input(f"{name} must be at least 1, not {value}")
    source = Source(data_dir, store, version, shards, workers, dask)
    codes = [c.strip() for c in indicators.split(",") if c.strip()] if indicators else None
    if codes is not None:  # refused before any data are read (UnknownIndicatorError: exit 2)
        resolve_codes(codes, get_registry().indicators)
    if params is not None and not params.is_file():
        fail_input(f"parameter file not found: {params}")
    if classify and classify_config is not None and not classify_config.is_file():
        fail_input(f"configuration file not found: {classify_config}")
    overrides = with_as_of(params, as_of, get_registry().indicators)
    # every configuration error before any work (exit 2): parameter values, classification
    check_parameters(overrides, registry=get_registry())
    if classify:
        from fundrules.classification import check_config

        check_config(classify_config, registry=get_registry())
    try:
        with RunWriter(out) as writer:
            result = run_screen(source, period, writer, codes, overrides, quiet=quiet)
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
