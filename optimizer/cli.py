"""The ``optimize`` command.

``optimize --province zhejiang`` plans a province (the default action lives in the callback so
it keeps working next to the subcommands). Exit codes: 0 plan found and every hard target met;
1 bad input (nothing written); 2 usage error; 3 targets infeasible (conflict and least relaxation
reported); 4 solver gave no plan (time limit or failure); 5 the evaluator disagrees with the
model (a bug: the plan is not trusted); 6 (``evaluate``) a hard target is missed by the plan;
7 interrupted (Ctrl-C or SIGTERM): the best plan found so far is written, verified, with status
``interrupted`` and its gap, or nothing when no plan had been found yet.
"""

from __future__ import annotations

import enum
import os
import signal
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from optimizer.commands import common
from optimizer.commands.common import (
    InstanceOpt,
    ProvinceOpt,
    console,
    fail_input,
    interrupted_without_plan,
    load_from_options,
    preflight,
)
from optimizer.commands.instances import (
    import_inventory,
    info,
    list_instances,
    schema,
    template_command,
    validate,
)
from optimizer.commands.plans import alternatives, evaluate_command, portfolio
from optimizer.commands.runs import compare, report
from optimizer.errors import InputError
from optimizer.exit_codes import (  # noqa: F401  (re-exported: tests and scripts read them here)
    EXIT_INFEASIBLE,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_NO_PLAN,
    EXIT_OK,
    EXIT_TARGETS_MISSED,
    EXIT_VERIFY,
)
from optimizer.preflight import option_problems, process_started_at
from optimizer.sweep.cli import sweep_command


class Mode(str, enum.Enum):
    """Foresight of the planner (see optimizer/myopic.py)."""

    perfect = "perfect"
    myopic = "myopic"


app = typer.Typer(
    add_completion=False,
    no_args_is_help=False,
    help="Least-cost carbon-peak plans for building-materials production lines.",
)


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    province: ProvinceOpt = None,
    instance: InstanceOpt = None,
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default: a new timestamped folder under runs/)")
    ] = None,
    time_limit: Annotated[float, typer.Option(help="Hard wall-clock limit for the solver, seconds")] = 300.0,
    gap: Annotated[float, typer.Option(help="Relative MIP gap (0.1 %)")] = 1e-3,
    threads: Annotated[int, typer.Option(help="Solver threads (0 = solver default)")] = 0,
    seed: Annotated[int, typer.Option(help="Solver random seed")] = 0,
    race: Annotated[
        int | None,
        typer.Option(
            help="Racers on separate cores: HiGHS, then a neighbourhood search improving the "
            "plan (plans are handed between them, HiGHS's bound with the best plan proves the "
            "gap), then more HiGHS seeds (default: 2 when the machine has 2 cores or more, else "
            "1; by-province runs use their cores for provinces)"
        ),
    ] = None,
    carbon_price: Annotated[
        float | None, typer.Option(help="Override the carbon price, CNY/tCO2, every year")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Override cells: table.column[selector]=value, *=factor or +=amount "
            "(e.g. prices.coal_cny_per_tce=1400, 'prices.carbon_cny_per_tco2[year>=2027]*=1.5'); "
            "repeatable",
        ),
    ] = None,
    mode: Annotated[
        Mode,
        typer.Option(help="perfect: one model over the horizon; myopic: milestones see only their targets"),
    ] = Mode.perfect,
    no_warm_start: Annotated[
        bool, typer.Option(help="No starting plan for HiGHS (the greedy plan, else relax and fix by year)")
    ] = False,
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Do not write the HTML/Excel report")
    ] = False,
    lang: Annotated[str, typer.Option("--lang", help="Report language: zh or en")] = "zh",
    workers: Annotated[int, typer.Option(help="Dask workers when solving by province")] = 2,
    scheduler: Annotated[
        str | None, typer.Option(help="Existing dask scheduler address (tcp://host:port)")
    ] = None,
    decompose: Annotated[
        bool | None,
        typer.Option("--decompose/--no-decompose", help="Solve by province (default: above 1500 lines)"),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="Print build, hand-over and solve times")
    ] = False,
    target_costs: Annotated[
        bool,
        typer.Option(
            "--target-costs/--no-target-costs",
            help="Re-solve without each binding target to price it (target_prices.csv)",
        ),
    ] = True,
) -> None:
    """Plan a province: retire, swap or retrofit every line to meet its targets at least cost."""
    if ctx.invoked_subcommand is not None:
        return
    if province is None and instance is None:
        console.print(ctx.get_help())
        raise typer.Exit(EXIT_OK)
    # --time-limit is a wall-clock limit for the whole command: from process start when run as
    # the console script (imports included), from here when invoked in-process (tests)
    started_at = common.STARTED_AT if common.STARTED_AT is not None else time.perf_counter()
    preflight(
        option_problems(
            time_limit=time_limit,
            gap=gap,
            threads=threads,
            seed=seed,
            race=race,
            workers=workers,
            carbon_price=carbon_price,
            lang=lang,
        ),
        out,
    )
    try:  # the syntax of every --set, before the instance is read (values are checked on load)
        from optimizer.overrides import parse_set

        for expression in set_ or []:
            parse_set(expression)
    except InputError as error:
        fail_input(error)
    # SIGTERM (a scheduler's or ``kill``'s stop) is handled like Ctrl-C: keep the best plan
    from optimizer.solvers.stop import stop_on_signal

    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)
    from optimizer.report.labels import check_lang

    try:  # before any loading or solving: a typo must not cost a solve
        lang = check_lang(lang)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--lang") from error
    from optimizer.console_text import say
    from optimizer.decompose import DECOMPOSE_LINES, run_decomposed
    from optimizer.progress import Progress
    from optimizer.run import run_plan
    from optimizer.run_options import RunOptions, default_race, oversubscribed

    options = RunOptions(
        out=out,
        time_limit_s=time_limit,
        gap=gap,
        threads=threads,
        seed=seed,
        race=default_race() if race is None else max(1, race),
        carbon_price=carbon_price,
        overrides=list(set_ or []),
        mode=mode.value,
        workers=workers,
        scheduler=scheduler,
        warm_start=not no_warm_start,
        verbose=verbose,
        report=not no_report,
        report_lang=lang,
        started_at=started_at,
        target_costs=target_costs,
        progress=Progress(console, lang=lang),
    )
    cores = os.cpu_count() or 1
    if oversubscribed(options.threads, options.race, cores):
        console.print(say(lang, "oversubscribed", race=options.race, threads=options.threads, cores=cores))
    try:
        inst = load_from_options(province, instance)
        if decompose or (decompose is None and len(inst.lines) > DECOMPOSE_LINES):
            raise typer.Exit(run_decomposed(inst, options, console))
        code = run_plan(inst, options, console)
    except InputError as error:
        fail_input(error)
    except KeyboardInterrupt:
        interrupted_without_plan()
    raise typer.Exit(code)


# registered in this order so that --help lists them as before
app.command("list")(list_instances)
app.command("validate")(validate)
app.command("info")(info)
app.command("import")(import_inventory)
app.command("template")(template_command)
app.command("evaluate")(evaluate_command)
app.command("portfolio")(portfolio)
app.command("compare")(compare)
app.command("alternatives")(alternatives)
app.command("report")(report)
app.command("schema")(schema)
app.command("sweep")(sweep_command)


def main() -> None:
    """Console-script entry point.

    Ends the process with ``os._exit`` once the command is done: every output is written
    (atomically) and every solver child stopped by then, and tearing down a province's Pyomo
    model and the imported libraries took another 0.7 s of a ``--time-limit 10`` run."""
    common.STARTED_AT = process_started_at()
    try:
        app()
        code = 0
    except SystemExit as stop:
        if isinstance(stop.code, str):
            print(stop.code, file=sys.stderr)
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
