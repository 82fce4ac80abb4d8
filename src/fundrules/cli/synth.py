"""``fundrules synth``: write a synthetic city (exchange tables + planted truth) to a folder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from .app import app, console, fail_input, print_json, shown
from .progress import Stages


@app.command("synth")
def synth_command(
    out_dir: Annotated[Path, typer.Argument(help="folder to write the city into")],
    persons: Annotated[int, typer.Option("--persons", help="size of the city")] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="random seed (same seed, same city)")] = 0,
    period: Annotated[str, typer.Option("--period", help="target period YYYY-MM")] = "2025-06",
    fmt: Annotated[str, typer.Option("--format", help="parquet or csv")] = "parquet",
    as_json: Annotated[
        bool, typer.Option("--json", help="print a JSON summary on stdout (messages on stderr)")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress output")] = False,
) -> None:
    """Generate a synthetic city with planted anomalies; truth.csv lists them."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        fail_input(f"--period must be YYYY-MM, not {period!r}")
    if fmt not in ("parquet", "csv"):
        fail_input(f"--format must be parquet or csv, not {fmt!r}")
    if persons < 100:
        fail_input("--persons must be at least 100")
    if out_dir.exists() and not out_dir.is_dir():
        fail_input(f"{out_dir} exists and is not a folder")
    from fundrules.synth import generate_city

    with (
        Stages(quiet=quiet) as stages,
        stages.stage(f"Building a synthetic city of {persons:,} persons"),
    ):
        info = generate_city(out_dir, persons=persons, seed=seed, period=period, fmt=fmt)
    if as_json:
        print_json(
            {
                "out": str(out_dir),
                "period": info.period,
                "seed": seed,
                "persons": persons,
                "format": fmt,
                "rows": dict(info.rows),
                "truth_rows": info.truth_rows,
                "truth": str(info.truth_path),
                "near_misses": str(info.near_misses_path),
                "seconds": round(info.seconds, 3),
            }
        )
        return
    t = RichTable(title=f"Synthetic city, period {info.period}, seed {seed}")
    t.add_column("table")
    t.add_column("rows", justify="right")
    for name, n in info.rows.items():
        t.add_row(name, f"{n:,}")
    console.print(t)
    console.print(
        f"{info.truth_rows} planted anomalies in [bold]{shown(info.truth_path)}[/], "
        f"near misses in {shown(info.near_misses_path.name)}; {info.seconds:.1f} s"
    )
