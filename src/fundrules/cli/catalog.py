"""``fundrules indicators`` and ``fundrules plugins``: what is installed."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table as RichTable

from fundrules.plugins import get_registry
from fundrules.screening import parameter_specs

from .app import app, console, shown


def indicator_entries() -> list[dict[str, Any]]:
    reg = get_registry()
    out = []
    for code in sorted(reg.indicators):
        ind = reg.indicators[code]
        m = ind.meta
        specs = parameter_specs(ind.params)
        out.append(
            {
                "code": code,
                "name_zh": m.name_zh,
                "name_en": m.name_en,
                "insurance": m.insurance,
                "area": m.area,
                "subject": m.subject,
                "partition": m.partition,
                "severity": m.severity,
                "legal_basis": m.legal_basis,
                "tables": list(m.reads),
                "plugin": ind.plugin,
                "version": m.version,
                "description": m.description,
                "parameters": [
                    {
                        "name": s.name,
                        "default": s.default,
                        "dated": {d.isoformat(): v for d, v in (s.dated_values or {}).items()},
                        "stricter": s.stricter,
                        "standing_law": s.standing_law,
                        "description": s.description,
                    }
                    for s in specs.values()
                ],
            }
        )
    return out


@app.command("indicators")
def indicators_command(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """List the registered indicators with names, subject, parameters and legal basis."""
    entries = indicator_entries()
    if as_json:
        print(json.dumps({"indicators": entries}, ensure_ascii=False, indent=2, default=str))
        return
    print_indicator_table(entries)


WIDE = 120  # columns from which area and parameters fit beside the names


def print_indicator_table(entries: list[dict[str, Any]]) -> None:
    """Codes never broken; names wrap at word boundaries; area and parameters only where they fit
    (``--json`` always has everything). Rich assumes 80 columns in pipes and logs (D74)."""
    wide = console.width >= WIDE
    t = RichTable(
        title=f"{len(entries)} indicators", box=box.SIMPLE_HEAD, pad_edge=False, show_lines=False
    )
    t.add_column("code", no_wrap=True)
    t.add_column("subject", no_wrap=True)
    if wide:
        t.add_column("area", no_wrap=True)
    longest_word = max((len(w) for e in entries for w in str(e["name_en"]).split()), default=8)
    t.add_column("name", min_width=min(longest_word, 20), ratio=2, overflow="fold")
    if wide:
        t.add_column("parameters", ratio=1, overflow="fold")
    for e in entries:
        name = f"{shown(e['name_zh'])}\n{shown(e['name_en'])}"
        cells = [shown(e["code"]), shown(e["subject"])]
        if wide:
            cells.append(shown(e["area"]))
        cells.append(name)
        if wide:
            cells.append(shown(", ".join(f"{p['name']}={p['default']}" for p in e["parameters"])))
        t.add_row(*cells)
    console.print(t)


@app.command("plugins")
def plugins_command(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """List the installed plugins: name, version, hooks, indicators, and any failure."""
    reg = get_registry()
    entries = [
        {
            "name": p.name,
            "distribution": p.distribution,
            "version": p.version,
            "module": p.module,
            "hooks": p.hooks,
            "tables": p.tables,
            "indicators": p.indicators,
            "error": p.error,
        }
        for p in reg.plugins.values()
    ]
    if as_json:
        print(json.dumps({"plugins": entries}, ensure_ascii=False, indent=2))
        return
    t = RichTable(title=f"{len(entries)} plugins")
    for c in ("name", "distribution", "version", "indicators", "status"):
        t.add_column(c)
    for e in entries:
        status = f"[red]broken: {shown(e['error'])}[/]" if e["error"] else "[green]ok[/]"
        t.add_row(e["name"], e["distribution"], e["version"], str(len(e["indicators"])), status)
    console.print(t)
