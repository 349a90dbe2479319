"""Commands over run folders already written: compare, report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from optimizer.commands.common import console, err_console, preflight
from optimizer.exit_codes import EXIT_INPUT


def compare(
    runs: Annotated[list[Path], typer.Argument(help="Two or more run folders written by optimize")],
    out: Annotated[Path, typer.Option(help="New folder for the comparison")],
) -> None:
    """Compare run folders: costs, emissions and capacity paths, targets and line decisions."""
    from optimizer.compare import compare_runs

    preflight([], out)
    try:
        folder = compare_runs(list(runs), out)
    except (FileNotFoundError, ValueError) as error:
        err_console.print(f"[bold red]Input error[/] — {escape(str(error))}")
        raise typer.Exit(EXIT_INPUT) from error
    console.print(f"comparison written to [bold]{folder}[/]")


def report(
    run_dir: Annotated[Path, typer.Argument(help="Run folder written by optimize")],
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
) -> None:
    """Write report_<lang>.html (offline charts) and report_<lang>.xlsx into a run folder."""
    from optimizer.report import report_command

    report_command(run_dir, lang)
