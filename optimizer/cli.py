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
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from optimizer.data.instance import Instance, instance_dir, load_instance, shipped_instances
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
from optimizer.preflight import check_or_exit, option_problems, out_dir_problems, process_started_at
from optimizer.sweep.cli import sweep_command
from optimizer.targets.registry import KINDS


class Mode(str, enum.Enum):
    """Foresight of the planner (see optimizer/myopic.py)."""

    perfect = "perfect"
    myopic = "myopic"


app = typer.Typer(
    add_completion=False,
    no_args_is_help=False,
    help="Least-cost carbon-peak plans for building-materials production lines.",
)
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, soft_wrap=True)

ProvinceOpt = Annotated[str | None, typer.Option("--province", "-p", help="Shipped instance name")]
InstanceOpt = Annotated[Path | None, typer.Option("--instance", "-i", help="Instance folder")]


def _load(province: str | None, instance: Path | None) -> Instance:
    if (province is None) == (instance is None):
        raise typer.BadParameter("give exactly one of --province NAME or --instance DIR")
    folder = instance_dir(province) if province else instance
    assert folder is not None
    return load_instance(folder)


def default_race() -> int:
    """Two racing HiGHS runs when there are two cores: one is idle otherwise (HiGHS's MIP
    search is mostly single-threaded)."""
    return 2 if (os.cpu_count() or 1) >= 2 else 1


def _fail_input(error: InputError) -> None:
    err_console.print(f"[bold red]Input error[/] — {escape(str(error))}")
    raise typer.Exit(EXIT_INPUT)


def _preflight(option_errors: list[str], out: Path | None) -> None:
    """Options out of range (exit 2), then an --out that exists or cannot be written (exit 1),
    before any table is read: nothing is solved to be thrown away."""
    try:
        check_or_exit(option_errors, out_dir_problems(out))
    except InputError as error:
        _fail_input(error)


def _terminate_as_interrupt(signum: int, frame: object) -> None:
    """SIGTERM (a scheduler's or ``kill``'s stop) is handled like Ctrl-C: keep the best plan."""
    raise KeyboardInterrupt(f"signal {signum}")


def _interrupted_without_plan() -> None:
    """Ctrl-C or SIGTERM before the solver had a plan (reading, packages, build): nothing to
    keep, so nothing is written."""
    err_console.print("[bold yellow]interrupted[/] before any plan was found; nothing written")
    raise typer.Exit(EXIT_INTERRUPTED)


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
            help="HiGHS runs raced with seeds seed, seed+1, ... on separate cores; the first to "
            "prove the gap wins, incumbents and bounds are pooled (default: 2 when the machine "
            "has 2 cores or more, else 1; by-province runs use their cores for provinces)"
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
        bool, typer.Option(help="No starting plan for HiGHS (relax and fix by year)")
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
    started_at = _STARTED_AT if _STARTED_AT is not None else time.perf_counter()
    _preflight(
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
        _fail_input(error)
    signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    from optimizer.report.labels import check_lang

    try:  # before any loading or solving: a typo must not cost a solve
        lang = check_lang(lang)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--lang") from error
    from optimizer.decompose import DECOMPOSE_LINES, SubproblemSolver, run_decomposed
    from optimizer.progress import Progress
    from optimizer.run import RunOptions, run_plan

    try:
        inst = _load(province, instance)
        if decompose or (decompose is None and len(inst.lines) > DECOMPOSE_LINES):
            raise typer.Exit(
                run_decomposed(
                    inst,
                    time_limit,
                    gap,
                    workers,
                    scheduler,
                    out,
                    console,
                    None if no_report else lang,
                    carbon_price_cny_per_tco2=carbon_price,
                    overrides=list(set_ or []),
                    mode=mode.value,
                    solver=SubproblemSolver(seed=seed, threads=threads, warm_start=not no_warm_start),
                )
            )
        code = run_plan(
            inst,
            RunOptions(
                out=out,
                time_limit_s=time_limit,
                gap=gap,
                threads=threads,
                seed=seed,
                race=default_race() if race is None else max(1, race),
                carbon_price=carbon_price,
                overrides=list(set_ or []),
                mode=mode.value,
                warm_start=not no_warm_start,
                verbose=verbose,
                report=not no_report,
                report_lang=lang,
                started_at=started_at,
                target_costs=target_costs,
                progress=Progress(console, lang=lang),
            ),
            console,
        )
    except InputError as error:
        _fail_input(error)
    except KeyboardInterrupt:
        _interrupted_without_plan()
    raise typer.Exit(code)


@app.command("list")
def list_instances() -> None:
    """List the shipped instances."""
    table = Table(title="Shipped instances")
    for column in ("name", "lines", "sectors", "targets"):
        table.add_column(column)
    for name in shipped_instances():
        inst = load_instance(instance_dir(name))
        table.add_row(
            name, str(len(inst.lines)), ", ".join(inst.line_sectors), ", ".join(inst.targets["target_id"])
        )
    console.print(table)


@app.command()
def validate(province: ProvinceOpt = None, instance: InstanceOpt = None) -> None:
    """Validate an instance without solving; exit 1 listing every problem found."""
    try:
        inst = _load(province, instance)
    except InputError as error:
        _fail_input(error)
    console.print(
        f"[green]valid[/]: {inst.name} — {len(inst.lines)} lines, "
        f"{len(inst.technologies)} technologies, {len(inst.targets)} targets"
    )


@app.command()
def info(
    province: ProvinceOpt = None,
    instance: InstanceOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts")] = False,
) -> None:
    """Base-year summary per sector (lines, capacity, output, intensity, emissions, shares)."""
    from optimizer.data.gem import GEM_ATTRIBUTION
    from optimizer.summary import base_year_summary, real_plants_summary

    try:
        inst = _load(province, instance)
    except InputError as error:
        _fail_input(error)
    sectors = base_year_summary(inst)
    real = real_plants_summary(inst)
    if as_json:
        sys.stdout.write(
            json.dumps(
                {
                    "instance": inst.name,
                    "base_year": inst.scenario.base_year,
                    "sectors": sectors,
                    "real_plants": real,
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
        return
    table = Table(title=f"{inst.name}: base year {inst.scenario.base_year}")
    for column in (
        "sector",
        "lines",
        "capacity/yr",
        "output/yr",
        "unit",
        "kgce/unit",
        "direct+indirect Mt CO2",
        "at benchmark",
        "worse than baseline",
    ):
        table.add_column(column, justify="right")
    for s in sectors:
        table.add_row(
            s["sector"],
            str(s["lines"]),
            f"{s['capacity_per_year']:,.0f}",
            f"{s['output_per_year']:,.0f}",
            s["unit"],
            f"{s['intensity_kgce_per_unit']:.2f}",
            f"{s['emissions_tco2'] / 1e6:.2f}",
            f"{s['share_at_benchmark']:.1%}",
            f"{s['share_below_baseline']:.1%}",
        )
    console.print(table)
    for r in real:
        if not r["real_lines"]:
            console.print(f"{r['sector']}: {r['lines']} lines, all synthetic (flag S)")
            continue
        scale = (
            f"{r['scale_factor']:.3f}"
            if abs(r["scale_max"] - r["scale_min"]) < 1e-9
            else f"{r['scale_factor']:.3f} (per province {r['scale_min']:.3f}-{r['scale_max']:.3f})"
        )
        console.print(
            f"{r['sector']}: {r['real_lines']} of {r['lines']} lines are real plants "
            f"({r['real_plants']} GEM plants, {r['real_capacity_share']:.1%} of capacity); GEM reports "
            f"{r['gem_reported_t'] / 1e6:,.2f} Mt/yr, imputed {r['imputed_share']:.1%}, scale factor {scale}"
        )
    if any(r["real_lines"] for r in real):
        console.print(f"Plant data: {GEM_ATTRIBUTION} (CC BY 4.0)")


@app.command("import")
def import_inventory(
    source: Annotated[Path, typer.Argument(help="Inventory file (CSV or Excel)")],
    out: Annotated[Path, typer.Option(help="New instance folder to write")],
    like: Annotated[
        str, typer.Option(help="Shipped instance whose targets, scenario, prices and demand are copied")
    ] = "zhejiang",
    gem: Annotated[bool, typer.Option(help="The file uses the GEM cement tracker layout")] = False,
    province: Annotated[
        str | None, typer.Option(help="Keep only this province (GEM subnational unit; English or Chinese)")
    ] = None,
    capacity: Annotated[
        float | None,
        typer.Option(help="Scale the province's clinker capacity to this published total (t/yr; GEM only)"),
    ] = None,
) -> None:
    """Turn a real inventory into an instance folder, validated before anything is kept."""
    import shutil

    from optimizer.data.importer import blame_source, import_gem, import_template, write_instance_folder

    _preflight([], out)
    try:
        lines = import_gem(source, province, capacity_t=capacity) if gem else import_template(source)
        folder = write_instance_folder(lines, out, instance_dir(like))
        try:
            inst = load_instance(folder)
        except InputError as error:
            shutil.rmtree(folder, ignore_errors=True)
            raise InputError(blame_source(error.problems, source, lines, gem)) from None
    except InputError as error:
        _fail_input(error)
    console.print(
        f"[green]imported[/] {len(inst.lines)} lines into {folder} "
        f"(tables other than lines copied from {like}: review targets and demand)"
    )


@app.command("template")
def template_command(
    out: Annotated[Path, typer.Option(help="New folder for lines.csv and lines.xlsx")],
    lang: Annotated[str, typer.Option("--lang", help="Header language: zh or en")] = "zh",
) -> None:
    """Write the lines inventory template (CSV and Excel) that ``optimize import`` reads."""
    from optimizer.data.template import write_template
    from optimizer.report.labels import check_lang

    try:
        lang = check_lang(lang)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--lang") from error
    try:
        paths = write_template(out, lang)
    except InputError as error:
        _fail_input(error)
    console.print("template written: " + ", ".join(str(p) for p in paths))


@app.command("evaluate")
def evaluate_command(
    plan: Annotated[Path, typer.Option("--plan", help="Plan CSV/Excel (the columns of plan.csv)")],
    province: ProvinceOpt = None,
    instance: InstanceOpt = None,
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default: a new folder under runs/)")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Console language: zh or en")] = "zh",
) -> None:
    """Evaluate a plan with the exact evaluator and check every target (no optimisation)."""
    from optimizer.console import print_targets
    from optimizer.evaluator.api import evaluate
    from optimizer.evaluator.targets import all_hard_met, check_targets
    from optimizer.outputs import default_out_dir, plan_table, write_outputs
    from optimizer.plan_io import read_plan
    from optimizer.report.labels import check_lang

    try:
        lang = check_lang(lang)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--lang") from error
    _preflight([], out)
    try:
        inst = _load(province, instance)
        parsed = read_plan(inst, plan)
    except InputError as error:
        _fail_input(error)
    evaluation = evaluate(inst, parsed)
    targets = check_targets(inst, evaluation.arrays, evaluation.values)
    met = all_hard_met(targets)
    console.print(f"[bold]{inst.name}[/]: plan {plan.name}, NPV {evaluation.npv_cny:,.0f} CNY")
    print_targets(targets, console, lang, inst)
    folder = write_outputs(
        out or default_out_dir(f"{inst.name}-evaluate"),
        {
            "targets": targets,
            "plan": plan_table(evaluation, parsed),
            "kpis": evaluation.by_sector(),
            "costs": evaluation.cost_breakdown().reset_index(),
        },
        {
            "instance": inst.name,
            # the report re-reads the instance and names the outcome from these
            "instance_path": str(Path(inst.path).resolve()),
            "status": "evaluated" if met else "targets_missed",
            "exit_code": EXIT_OK if met else EXIT_TARGETS_MISSED,
            "plan": str(plan),
            "npv_cny": evaluation.npv_cny,
            "evaluator_npv_cny": evaluation.npv_cny,
            "all_hard_targets_met": met,
        },
    )
    console.print(f"results written to [bold]{folder}[/]")
    raise typer.Exit(EXIT_OK if met else EXIT_TARGETS_MISSED)


@app.command()
def portfolio(
    company: Annotated[
        str,
        typer.Option(
            help="Company whose lines are planned: owner, parent or cement group, English or "
            "Chinese, or a fragment naming one company"
        ),
    ],
    province: ProvinceOpt = None,
    instance: InstanceOpt = None,
    plan: Annotated[
        Path | None, typer.Option(help="Your own portfolio (plan.csv columns) to compare")
    ] = None,
    goal: Annotated[
        list[str] | None,
        typer.Option(
            help="Company goal kind=value[@year] (a share or cut as a fraction, a budget in CNY); "
            f"kinds: {', '.join(KINDS)}"
        ),
    ] = None,
    goals: Annotated[Path | None, typer.Option(help="Goals file with the columns of targets.csv")] = None,
    fix: Annotated[list[str] | None, typer.Option(help="LINE:TECH@YEAR adopted as decided")] = None,
    forbid: Annotated[list[str] | None, typer.Option(help="LINE:TECH never adopted")] = None,
    keep: Annotated[list[str] | None, typer.Option(help="LINE kept open")] = None,
    decisions: Annotated[Path | None, typer.Option(help="Decisions file (decisions.csv columns)")] = None,
    k_best: Annotated[int, typer.Option("--k-best", help="Also find the K best distinct portfolios")] = 1,
    carbon_price: Annotated[float | None, typer.Option(help="Carbon price, CNY/tCO2, every year")] = None,
    time_limit: Annotated[float, typer.Option(help="Solver wall-clock limit, s")] = 120.0,
    gap: Annotated[float, typer.Option(help="Relative MIP gap (0.1 %)")] = 1e-3,
    out: Annotated[Path | None, typer.Option(help="Output folder (default: new folder under runs/)")] = None,
) -> None:
    """Test a company's retrofit portfolio against the cheapest one meeting the same goals."""
    import pandas as pd

    from optimizer.data.schema import read_raw_table
    from optimizer.overrides import apply_overrides
    from optimizer.portfolio.company import parse_decisions, parse_goals
    from optimizer.portfolio.run import run_portfolio
    from optimizer.run import RunOptions

    _preflight(option_problems(time_limit=time_limit, gap=gap, carbon_price=carbon_price, k_best=k_best), out)
    try:
        inst = apply_overrides(_load(province, instance), carbon_price, [])
        goal_rows = parse_goals(list(goal or []), inst.scenario.horizon_end)
        if goals is not None:
            goal_rows = pd.concat([goal_rows, read_raw_table(goals)], ignore_index=True)
        if goal_rows.empty:
            raise typer.BadParameter("give at least one --goal or a --goals file")
        decided = parse_decisions(list(fix or []), list(forbid or []), list(keep or []))
        if decisions is not None:
            decided = pd.concat([decided, read_raw_table(decisions)], ignore_index=True)
        code = run_portfolio(
            inst,
            company,
            goal_rows,
            decided,
            plan,
            RunOptions(time_limit_s=time_limit, gap=gap, write=False),
            k_best,
            out,
            console,
        )
    except InputError as error:
        _fail_input(error)
    except KeyboardInterrupt:  # a portfolio is several solves: one interrupted stops them all
        _interrupted_without_plan()
    raise typer.Exit(code)


@app.command("compare")
def compare(
    runs: Annotated[list[Path], typer.Argument(help="Two or more run folders written by optimize")],
    out: Annotated[Path, typer.Option(help="New folder for the comparison")],
) -> None:
    """Compare run folders: costs, emissions and capacity paths, targets and line decisions."""
    from optimizer.compare import compare_runs

    _preflight([], out)
    try:
        folder = compare_runs(list(runs), out)
    except (FileNotFoundError, ValueError) as error:
        err_console.print(f"[bold red]Input error[/] — {escape(str(error))}")
        raise typer.Exit(EXIT_INPUT) from error
    console.print(f"comparison written to [bold]{folder}[/]")


@app.command("alternatives")
def alternatives(
    province: ProvinceOpt = None,
    instance: InstanceOpt = None,
    k: Annotated[int, typer.Option("--k", help="Number of alternatives after the optimum")] = 3,
    slack: Annotated[
        float, typer.Option("--slack", help="Cost slack, fraction of the optimum (0.02 = 2 %)")
    ] = 0.02,
    time_limit: Annotated[float, typer.Option(help="Wall-clock limit for all solves together, s")] = 600.0,
    gap: Annotated[float, typer.Option(help="Relative MIP gap of the optimum")] = 1e-3,
    carbon_price: Annotated[float | None, typer.Option(help="Carbon price, CNY/tCO2, every year")] = None,
    out: Annotated[Path | None, typer.Option(help="Output folder (default: new folder under runs/)")] = None,
) -> None:
    """Near-optimal plans within --slack of the cheapest that differ most in line decisions (MGA)."""
    from optimizer.alternatives import generate_alternatives, write_alternatives
    from optimizer.outputs import default_out_dir
    from optimizer.run import RunOptions

    problems = option_problems(time_limit=time_limit, gap=gap, carbon_price=carbon_price)
    if k < 1:
        problems.append(f"--k must be at least 1 (got {k})")
    if not 0 <= slack <= 1:
        problems.append(f"--slack must be a fraction between 0 and 1, e.g. 0.02 (got {slack})")
    _preflight(problems, out)
    try:
        inst = _load(province, instance)
    except InputError as error:
        _fail_input(error)
    options = RunOptions(time_limit_s=time_limit, gap=gap, carbon_price=carbon_price, started_at=_STARTED_AT)
    plans = generate_alternatives(inst, options, k, slack)
    target = out or default_out_dir(f"{inst.name}-alternatives")
    folder = write_alternatives(inst, options, plans, target, slack)
    for p in plans:
        npv = "-" if p.result.npv_cny is None else f"{p.result.npv_cny:,.0f} CNY"
        console.print(f"plan {p.k}: {p.result.status}, NPV {npv} {p.note}")
    console.print(f"alternatives written to [bold]{folder}[/]")
    # every plan verified and all K found, else the last plan's own exit code says what stopped
    complete = len(plans) == k + 1 and all(p.result.exit_code == EXIT_OK for p in plans)
    raise typer.Exit(EXIT_OK if complete else plans[-1].result.exit_code or EXIT_NO_PLAN)


@app.command("report")
def report(
    run_dir: Annotated[Path, typer.Argument(help="Run folder written by optimize")],
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
) -> None:
    """Write report_<lang>.html (offline charts) and report_<lang>.xlsx into a run folder."""
    from optimizer.report import report_command

    report_command(run_dir, lang)


@app.command()
def schema() -> None:
    """Print every table schema (columns, types, units, ranges) as Markdown."""
    from optimizer.data.schema import schema_markdown

    sys.stdout.write(schema_markdown())


app.command("sweep")(sweep_command)


_STARTED_AT: float | None = None


def main() -> None:
    """Console-script entry point."""
    global _STARTED_AT
    _STARTED_AT = process_started_at()
    app()
