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
    profile: Annotated[
        str,
        typer.Option(
            "--profile",
            help="volume profile: default, or tianjin (at 12M persons ~4M settlements, ~40M "
            "item lines, ~2.5M benefit rows in the target month; proportionally at other sizes)",
        ),
    ] = "default",
    by_month: Annotated[
        bool,
        typer.Option(
            "--by-month",
            help="one folder per window month (OUT/YYYY-MM/), each that month's submission; "
            "the tables without a period in the target month's",
        ),
    ] = False,
    chunk_persons: Annotated[
        int,
        typer.Option(
            "--chunk-persons",
            help="persons made and written together (memory is one chunk's rows; part of a "
            "seed's recipe: another chunk size makes another city)",
        ),
    ] = 1_000_000,
) -> None:
    """Generate a synthetic city with planted anomalies; truth.csv lists them."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        fail_input(f"--period must be YYYY-MM, not {period!r}")
    if fmt not in ("parquet", "csv"):
        fail_input(f"--format must be parquet or csv, not {fmt!r}")
    if persons < 100:
        fail_input("--persons must be at least 100")
    if chunk_persons < 100:
        fail_input("--chunk-persons must be at least 100")
    from fundrules.synth import PROFILES

    if profile not in PROFILES:
        fail_input(f"--profile must be one of {', '.join(PROFILES)}, not {profile!r}")
    if out_dir.exists() and not out_dir.is_dir():
        fail_input(f"{out_dir} exists and is not a folder")
    from fundrules.synth import generate_city

    chunks = -(-persons // chunk_persons)
    with (
        Stages(quiet=quiet) as stages,
        stages.stage(f"Building a synthetic city of {persons:,} persons", total=chunks + 2) as st,
    ):
        started = [False]

        def progress(msg: str) -> None:  # a step starts: the one before it is done
            if started[0]:
                st.advance(detail=msg)
            else:
                st.update(detail=msg)
            started[0] = True

        info = generate_city(
            out_dir,
            persons=persons,
            seed=seed,
            period=period,
            fmt=fmt,
            volumes=PROFILES[profile](),
            by_month=by_month,
            chunk_persons=chunk_persons,
            progress=progress,
        )
    if as_json:
        print_json(
            {
                "out": str(out_dir),
                "period": info.period,
                "seed": seed,
                "persons": persons,
                "format": fmt,
                "profile": profile,
                "by_month": by_month,
                "months": info.months,
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
