"""``fundrules report …``: the reports people read and sign (Art. 14–16).

``monthly`` (HTML summary), ``agency`` (.xlsx of one agency's warnings), ``notice`` (督办通知书)
and ``major-incident`` (要情报告). Each prints the path it wrote; bad input exits 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app, console, err_console, fail_input, shown

report_app = typer.Typer(
    help="Reports: monthly summary (HTML), agency workbook (xlsx), notice and 要情 report (docx).",
    no_args_is_help=True,
)
app.add_typer(report_app, name="report")

FromOption = Annotated[
    Path | None,
    typer.Option("--from", help="a screening output folder (screen --classify) instead of a store"),
]
OutOption = Annotated[Path, typer.Option("--out", help="folder to write the report into")]
PeriodOption = Annotated[str | None, typer.Option("--period", help="YYYY-MM")]


@report_app.command("monthly")
def monthly_command(
    out: OutOption,
    from_dir: FromOption = None,
    period: PeriodOption = None,
) -> None:
    """The monthly summary: one self-contained HTML file (opens offline)."""
    from fundrules.plugins import get_registry
    from fundrules.reports import monthly

    if from_dir is None:
        fail_input("give --from OUT_DIR (a screening output folder)")
    path = monthly(out, source=from_dir, period=period, registry=get_registry())
    console.print(f"Monthly summary written to [bold]{shown(path)}[/]")


@report_app.command("agency")
def agency_command(
    agency: Annotated[str, typer.Option("--agency", help="the agency, as warnings name it")],
    out: OutOption,
    from_dir: FromOption = None,
    period: PeriodOption = None,
) -> None:
    """One agency's warnings as an .xlsx: full ids, a sheet per insurance and a summary sheet."""
    from fundrules.plugins import get_registry
    from fundrules.reports import agency_workbook
    from fundrules.reports.workbook import items_from_output

    if from_dir is None:
        fail_input("give --from OUT_DIR (a classified screening output folder)")
    found, items = items_from_output(from_dir)
    path = agency_workbook(
        out,
        agency,
        items=items,
        period=period or found,
        registry=get_registry(),
        source=from_dir,
    )
    agencies = sorted(set(items["agency"].astype(str)) - {""}) if len(items) else []
    if agency not in agencies:
        err_console.print(
            f"[yellow]note:[/] {shown(agency)} has no warnings in {shown(period or found)}; "
            f"the workbook says so. Agencies with warnings: {shown(', '.join(agencies) or 'none')}",
            highlight=False,
        )
    console.print(f"Agency workbook written to [bold]{shown(path)}[/]")
