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


CaseOption = Annotated[int, typer.Option("--case", help="the case id")]
DbOption = Annotated[
    str | None, typer.Option("--db", help="case database URL (default: the store's SQLite file)")
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="document settings YAML (issuer, number_prefix, templates …)"),
]
IssuerOption = Annotated[str | None, typer.Option("--issuer", help="发文机关, the issuing body")]
PrefixOption = Annotated[
    str | None, typer.Option("--prefix", help="document-number prefix, e.g. 津人社监督")
]
DateOption = Annotated[
    str | None, typer.Option("--date", help="date of the document, YYYY-MM-DD (default today)")
]
AddresseeOption = Annotated[str | None, typer.Option("--addressee", help="主送机关")]
TemplateOption = Annotated[
    Path | None, typer.Option("--template", help="a .docx template replacing the default")
]
StoreOption = Annotated[
    Path | None, typer.Option("--store", help="the store holding the case database")
]


def _one_source(store: Path | None, from_dir: Path | None, period: str | None) -> None:
    if (store is None) == (from_dir is None):
        fail_input("give exactly one of --store STORE or --from OUT_DIR")
    if store is not None and period is None:
        fail_input("--period YYYY-MM is required with --store")


@report_app.command("monthly")
def monthly_command(
    out: OutOption,
    store: StoreOption = None,
    from_dir: FromOption = None,
    period: PeriodOption = None,
    db: DbOption = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="judge deadlines at YYYY-MM-DD (default: the latest action)"),
    ] = None,
) -> None:
    """The monthly summary: one self-contained HTML file (opens offline)."""
    from fundrules.plugins import get_registry
    from fundrules.reports import monthly

    _one_source(store, from_dir, period)
    path = monthly(
        out,
        store=store,
        source=from_dir,
        period=period,
        registry=get_registry(),
        db=db,
        as_of=as_of,
    )
    console.print(f"Monthly summary written to [bold]{shown(path)}[/]")


@report_app.command("agency")
def agency_command(
    agency: Annotated[str, typer.Option("--agency", help="the agency, as warnings name it")],
    out: OutOption,
    store: StoreOption = None,
    from_dir: FromOption = None,
    period: PeriodOption = None,
    db: DbOption = None,
) -> None:
    """One agency's warnings as an .xlsx: full ids, a sheet per insurance and a summary sheet."""
    from fundrules.plugins import get_registry
    from fundrules.reports import agency_workbook

    _one_source(store, from_dir, period)
    if store is not None:
        from fundrules.reports.from_cases import items_from_store

        items = items_from_store(store, str(period), agency, db=db)
        found = str(period)
    else:
        from fundrules.reports.workbook import items_from_output

        found, items = items_from_output(from_dir)
    path = agency_workbook(
        out,
        agency,
        items=items,
        period=period or found,
        registry=get_registry(),
        source=store or from_dir,
    )
    agencies = sorted(set(items["agency"].astype(str)) - {""}) if len(items) else []
    if agency not in agencies:
        err_console.print(
            f"[yellow]note:[/] {shown(agency)} has no warnings in {shown(period or found)}; "
            f"the workbook says so. Agencies with warnings: {shown(', '.join(agencies) or 'none')}",
            highlight=False,
        )
    console.print(f"Agency workbook written to [bold]{shown(path)}[/]")


def _issue(
    kind: str,
    case: int,
    out: Path,
    store: Path | None,
    db: str | None,
    config: Path | None,
    issuer: str | None,
    prefix: str | None,
    deadline_days: int | None,
    date: str | None,
    addressee: str | None,
    template: Path | None,
) -> None:
    from fundrules.plugins import get_registry
    from fundrules.reports.documents import load_settings
    from fundrules.reports.issuing import issue

    if store is None and db is None:
        fail_input("give --store STORE (or --db URL) of the case database")
    settings = load_settings(
        config,
        issuer=issuer,
        number_prefix=prefix,
        rectification_days=deadline_days,
        templates={kind: template} if template is not None else None,
    )
    day = None
    if date is not None:
        from fundrules.cases import parse_date

        day = parse_date(date, "--date")
    path = issue(
        kind,
        out,
        case,
        store=store,
        db=db,
        settings=settings,
        issued_on=day,
        addressee=addressee,
        registry=get_registry(),
    )
    console.print(f"Written to [bold]{shown(path)}[/]")


@report_app.command("notice")
def notice_command(
    case: CaseOption,
    out: OutOption,
    store: StoreOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
    issuer: IssuerOption = None,
    prefix: PrefixOption = None,
    deadline_days: Annotated[
        int | None, typer.Option("--deadline-days", help="days to rectify (default 30)")
    ] = None,
    date: DateOption = None,
    addressee: AddresseeOption = None,
    template: TemplateOption = None,
) -> None:
    """The supervision notice (督办通知书, .docx) of a case escalated as supervision_notice."""
    _issue(
        "supervision_notice",
        case,
        out,
        store,
        db,
        config,
        issuer,
        prefix,
        deadline_days,
        date,
        addressee,
        template,
    )


@report_app.command("major-incident")
def major_incident_command(
    case: CaseOption,
    out: OutOption,
    store: StoreOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
    issuer: IssuerOption = None,
    prefix: PrefixOption = None,
    date: DateOption = None,
    addressee: AddresseeOption = None,
    template: TemplateOption = None,
) -> None:
    """The major-incident report (要情报告, .docx) of a case graded 要情."""
    _issue(
        "major_incident_report",
        case,
        out,
        store,
        db,
        config,
        issuer,
        prefix,
        None,
        date,
        addressee,
        template,
    )
