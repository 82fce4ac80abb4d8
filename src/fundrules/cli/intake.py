"""``fundrules intake``: validate a submission once and keep it in the store as a new version."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fundrules.intake import DataError
from fundrules.store import StoreError, open_store

from .app import app, console, fail_input, shown
from .progress import Stages


@app.command("intake")
def intake_command(
    data_dir: Annotated[Path, typer.Argument(help="the submission's folder: one file per table")],
    period: Annotated[str, typer.Option("--period", help="submission month YYYY-MM")],
    store: Annotated[
        Path, typer.Option("--store", help="store folder (a new or empty folder becomes one)")
    ],
    received_at: Annotated[
        str | None,
        typer.Option(
            "--received-at",
            help="when it was received, ISO 8601; no offset = China time; default now",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress output")] = False,
) -> None:
    """Validate a submission (quarantine, accounting, manifest with SHA-256 per file, received
    time) and keep it as a new version of its month; an identical re-submission adds nothing."""
    try:
        st = open_store(store, create=True)
        before = len(st.versions(period))
        with Stages(quiet=quiet) as stages, stages.stage("Validating and storing") as stage:

            def progress(table: str, i: int, n: int) -> None:
                stage.update(completed=i, total=n, detail=table)

            version = st.intake(data_dir, period, received_at=received_at, progress=progress)
    except (DataError, StoreError) as exc:
        fail_input(str(exc))
    info = version.info
    if len(st.versions(period)) == before:
        console.print(
            f"{info['period']}: identical to version {version.version} already in the store; "
            "nothing added"
        )
        return
    flags = [w for w, on in (("late", info["late"]), ("changed", info["changed"])) if on]
    console.print(
        f"{info['period']} version {version.version} stored in [bold]{shown(version.path)}[/]: "
        f"rows read {info['rows_read']:,}, loaded {info['rows_loaded']:,}, "
        f"quarantined {info['rows_quarantined']:,}; received {info['received_at']}"
        + (f" ({', '.join(flags)})" if flags else ""),
        highlight=False,
    )
