"""``optimize sweep SPEC --out DIR``: batch sensitivity sweeps, locally or on a Dask cluster.

Register in ``optimizer/cli.py`` with ``app.command("sweep")(sweep_command)``. Exit codes:
0 every scenario has a result (infeasible or timed-out scenarios are results, recorded with
their reason); 1 bad spec or base instance (nothing run); 2 the output folder or the cluster
cannot be used (nothing run); 7 some tasks were lost by the cluster (rerun with --resume).

Why the sweep gap defaults to 1e-3 (and when to tighten it): a plan is only known to within
``gap x NPV``, and a re-solve that starts from the previous scenario's plan keeps that plan
whenever it is still within the gap. On Zhejiang (NPV about 1.1e11 CNY) 1e-2 tolerates 1.1e9
CNY: at 220 and 400 CNY/t the warm and the cold solve differed by 0.27 % and 0.25 % with
different decisions, so decisions at 1e-2 are solver noise. 1e-3 tolerates about 1.1e8 CNY,
the NPV of abating 0.2 Mt/yr for 5 years at a 100 CNY/t price difference, at 2-3 min per
scenario on one core; effects smaller than that need 1e-4 (several times slower). (At 1e-3 the
plans at 80 and 300 CNY/t were still identical: either the targets fix the plan there or the
effect is under 0.1 %; only a tighter gap tells which.) Each record keeps its ``mip_gap``,
``summary/plans.csv`` counts the distinct plans, and ``verify_cold`` in the spec re-solves a
sample from scratch to show whether the warm path changed any decision.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from optimizer.errors import InputError

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 7


def sweep_command(
    spec: Annotated[Path, typer.Argument(help="Sweep spec (YAML, or CSV with one scenario per row)")],
    out: Annotated[Path, typer.Option("--out", help="Output folder (scenarios/, results.duckdb, summary/)")],
    scheduler: Annotated[
        str | None,
        typer.Option(help="Address of a running Dask scheduler (default: a new LocalCluster)"),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="LocalCluster worker processes (default: one per core); with --scheduler, "
            "wait for this many workers"
        ),
    ] = None,
    resume: Annotated[
        bool, typer.Option(help="Continue a sweep in --out, skipping finished scenarios")
    ] = False,
    time_limit: Annotated[float, typer.Option(help="Solver wall-clock limit per scenario, seconds")] = 120,
    gap: Annotated[
        float, typer.Option(help="Relative MIP gap of every scenario (decisions are known only to it)")
    ] = 1e-3,
) -> None:
    """Run a batch of scenarios around base instances and summarise the sensitivities."""
    from optimizer.sweep.results import load_results
    from optimizer.sweep.runner import SweepError, prepare, run_sweep
    from optimizer.sweep.summary import write_summary

    console = Console(width=None if sys.stdout.isatty() else 160)
    err = Console(stderr=True, soft_wrap=True)
    if workers is not None and workers < 1:
        err.print("[bold red]Usage error[/] — --workers must be at least 1")
        raise typer.Exit(EXIT_USAGE)
    if not 0 <= gap < 1 or time_limit <= 0:
        err.print("[bold red]Usage error[/] — expected 0 <= --gap < 1 and --time-limit > 0")
        raise typer.Exit(EXIT_USAGE)
    try:
        prepared = prepare(spec)
    except InputError as error:
        err.print(f"[bold red]Bad sweep spec[/] {escape(str(spec))} — {escape(str(error))}")
        raise typer.Exit(EXIT_INPUT) from None
    try:
        report = run_sweep(prepared, out, scheduler, workers, resume, time_limit, gap, console)
    except SweepError as error:
        err.print(f"[bold red]Cannot run the sweep[/] — {escape(str(error))}")
        raise typer.Exit(EXIT_USAGE) from None
    files = write_summary(out, prepared.spec, load_results(out))
    console.print(
        f"computed {report.submitted} scenarios ({report.succeeded} solved, {report.failed} failed, "
        f"{report.lost} lost), skipped {report.skipped} already finished, in {report.seconds:.1f} s"
    )
    console.print(
        f"results: {out / 'scenarios'}/*.parquet, {out / 'results.duckdb'}; "
        f"summary: {len(files)} files in {out / 'summary'}"
    )
    raise typer.Exit(EXIT_INCOMPLETE if report.lost else EXIT_OK)


def main() -> None:
    """``python -m optimizer.sweep`` (until ``optimize sweep`` is registered)."""
    typer.run(sweep_command)
