"""``fundrules demo``: build the synthetic city, run the whole pipeline, score it against the
planted truth, and say where the outputs are."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich import box
from rich.table import Table as RichTable

from fundrules.outputs import OutputError, RunWriter
from fundrules.period import parse_period
from fundrules.screening.suspicions import total_amount
from fundrules.store import open_store

from .app import app, console, fail_input, shown
from .progress import Stages
from .screening import Source, report_skipped_and_failed, run_screen

TRUTH_KEY = ["indicator", "subject_type", "subject_id"]


def score(suspicions: pd.DataFrame, truth: pd.DataFrame, ran: set[str]) -> pd.DataFrame:
    """Per indicator: suspicions found, amount at risk, planted, recall and precision against the
    planted truth. Only indicators that ran are scored (a plugin not installed has no recall)."""
    found = suspicions[[*TRUTH_KEY, "amount_at_risk"]].copy()
    planted = truth[truth["indicator"].isin(ran)][TRUTH_KEY].drop_duplicates()
    planted = planted.astype(str)
    hit = found[TRUTH_KEY].astype(str).merge(planted.assign(_p=1), on=TRUTH_KEY, how="left")
    found["true_positive"] = hit["_p"].fillna(0).to_numpy() == 1
    rows = []
    for code in sorted(ran | set(found["indicator"])):
        f = found[found["indicator"] == code]
        n_planted = int((planted["indicator"] == code).sum())
        tp = int(f["true_positive"].sum())
        rows.append(
            {
                "indicator": code,
                "insurance": code.split(".")[0],
                "suspicions": len(f),
                "amount_at_risk": total_amount(f["amount_at_risk"]),
                "planted": n_planted,
                "recall": tp / n_planted if n_planted else None,
                "precision": tp / len(f) if len(f) else None,
            }
        )
    return pd.DataFrame(rows)


def print_scores(scores: pd.DataFrame) -> None:
    def pct(v: float | None) -> str:
        return "—" if v is None or pd.isna(v) else f"{v:.2f}"

    t = RichTable(
        title="Screening the synthetic city against its planted anomalies",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    # a code is never broken (D74); at 80 columns the longest (38) and five figures fit with
    # one space between columns, and the amount is the column that gives way
    t.add_column("indicator", no_wrap=True)
    for c in ("found", "yuan", "planted", "recall", "prec"):
        t.add_column(c, justify="right", no_wrap=c != "yuan", overflow="fold", min_width=len(c))
    for row in scores.itertuples():
        t.add_row(
            row.indicator,
            str(row.suspicions),
            f"{row.amount_at_risk:,.2f}",
            str(row.planted),
            pct(row.recall),
            pct(row.precision),
        )
    console.print(t)
    tot_found = int(scores["suspicions"].sum())
    console.print(
        f"{tot_found} suspicions, {total_amount(scores['amount_at_risk']):,.2f} yuan at risk; "
        f"planted {int(scores['planted'].sum())}"
    )


@app.command("demo")
def demo_command(
    out: Annotated[Path, typer.Option("--out", help="where the city and outputs go")] = Path(
        "fundrules-demo"
    ),
    persons: Annotated[int, typer.Option("--persons", help="size of the city")] = 20_000,
    seed: Annotated[int, typer.Option("--seed")] = 7,
    period: Annotated[str, typer.Option("--period")] = "2025-06",
) -> None:
    """Build a synthetic city, screen it, classify, score against the planted truth, write the
    monthly summary, and take a few cases through the whole workflow with certificates."""
    from fundrules.synth import generate_city

    city_dir = out / "city"
    store_dir = out / "store"
    results = out / "results"
    with console.status(f"Building a synthetic city of {persons:,} persons …"):
        info = generate_city(city_dir, persons=persons, seed=seed, period=period)
    # the city's month arrives as an agency would send it: on time, day 10 of the next month,
    # 09:00 China time (received "now", a past month would always be a late submission)
    month = parse_period(period) + 1
    received = f"{month // 12:04d}-{month % 12 + 1:02d}-10T09:00"
    label = f"Intake into the store {shown(store_dir)} (received {received.replace('T', ' ')})"
    with Stages() as stages, stages.stage(label) as stage:

        def progress(table: str, i: int, n: int) -> None:
            stage.update(completed=i, total=n, detail=table)

        open_store(store_dir, create=True).intake(
            city_dir, period, received_at=received, progress=progress
        )
    try:
        with RunWriter(results) as writer:
            result = run_screen(Source(store=store_dir), period, writer, None, None)
            truth = pd.read_csv(info.truth_path, dtype=str, keep_default_na=False)
            ran = set(result.runs.loc[result.runs.status == "ok", "indicator"])
            scores = score(result.suspicions, truth, ran)
            print_scores(scores)
            writer.write_csv(
                "scores.csv",
                scores.assign(amount_at_risk=scores["amount_at_risk"].map(lambda d: f"{d:.2f}")),
            )
            report_skipped_and_failed(result)
            from .classifying import classify_outputs

            classify_outputs(writer, result, Path(__file__).with_name("demo_classification.yaml"))
        from .demo_cases import walk_cases

        walked = walk_cases(out, results)
        from fundrules.plugins import get_registry
        from fundrules.reports import monthly

        # the summary of the store: the cases just walked give states, outcomes and overdue rates
        summary_path = monthly(
            out / "reports", store=walked.store, period=period, registry=get_registry()
        )
    except OutputError as exc:
        fail_input(str(exc))
    console.print(
        f"City: [bold]{shown(city_dir)}[/]   store: [bold]{shown(store_dir)}[/]   "
        f"outputs: [bold]{shown(results)}[/]"
    )
    console.print(f"Monthly summary (open in a browser): [bold]{shown(summary_path)}[/]")
