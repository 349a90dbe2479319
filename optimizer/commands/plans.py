"""Commands that check or compare plans rather than plan a province: evaluate, portfolio, alternatives.

The default ``optimize --province ...`` action is in :mod:`optimizer.cli`.
"""

from __future__ import annotations

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
from optimizer.errors import InputError
from optimizer.exit_codes import EXIT_NO_PLAN, EXIT_OK, EXIT_TARGETS_MISSED
from optimizer.preflight import option_problems
from optimizer.targets.registry import KINDS


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
    preflight([], out)
    try:
        inst = load_from_options(province, instance)
        parsed = read_plan(inst, plan)
    except InputError as error:
        fail_input(error)
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
            help="Company goal kind=value[@year][:sector] (a share or cut as a fraction, a budget in CNY); "
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
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Do not write the HTML/Excel report")
    ] = False,
    lang: Annotated[str, typer.Option("--lang", help="Report language: zh or en")] = "zh",
) -> None:
    """Test a company's retrofit portfolio against the cheapest one meeting the same goals."""
    import pandas as pd

    from optimizer.data.schema import read_raw_table
    from optimizer.overrides import apply_overrides
    from optimizer.portfolio.company import parse_decisions, parse_goals
    from optimizer.portfolio.run import run_portfolio
    from optimizer.run_options import RunOptions

    problems = option_problems(time_limit=time_limit, gap=gap, carbon_price=carbon_price, k_best=k_best)
    if lang not in ("zh", "en"):
        problems.append(f"--lang must be zh or en (got {lang!r})")
    preflight(problems, out)
    try:
        inst = apply_overrides(load_from_options(province, instance), carbon_price, [])
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
            RunOptions(
                out=out, time_limit_s=time_limit, gap=gap, write=False, report=not no_report, report_lang=lang
            ),
            k_best,
            console,
        )
    except InputError as error:
        fail_input(error)
    except KeyboardInterrupt:  # a portfolio is several solves: one interrupted stops them all
        interrupted_without_plan()
    raise typer.Exit(code)


def alternatives(
    province: ProvinceOpt = None,
    instance: InstanceOpt = None,
    k: Annotated[int, typer.Option("--k", help="Number of alternatives after the optimum")] = 3,
    slack: Annotated[
        float, typer.Option("--slack", help="Cost slack, fraction of the optimum (0.02 = 2 %)")
    ] = 0.02,
    time_limit: Annotated[
        float,
        typer.Option(
            help="Wall-clock limit for all solves together, s (the optimum takes at most half, "
            "the alternatives share the rest)"
        ),
    ] = 600.0,
    gap: Annotated[float, typer.Option(help="Relative MIP gap of the optimum")] = 1e-3,
    carbon_price: Annotated[float | None, typer.Option(help="Carbon price, CNY/tCO2, every year")] = None,
    out: Annotated[Path | None, typer.Option(help="Output folder (default: new folder under runs/)")] = None,
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Do not write each plan's HTML/Excel report")
    ] = False,
    lang: Annotated[str, typer.Option("--lang", help="Report language: zh or en")] = "zh",
) -> None:
    """Near-optimal plans within --slack of the cheapest that differ most in line decisions (MGA)."""
    from optimizer.alternatives import generate_alternatives, write_alternatives
    from optimizer.outputs import default_out_dir
    from optimizer.run_options import RunOptions

    problems = option_problems(time_limit=time_limit, gap=gap, carbon_price=carbon_price)
    if k < 1:
        problems.append(f"--k must be at least 1 (got {k})")
    if not 0 <= slack <= 1:
        problems.append(f"--slack must be a fraction between 0 and 1, e.g. 0.02 (got {slack})")
    if lang not in ("zh", "en"):
        problems.append(f"--lang must be zh or en (got {lang!r})")
    preflight(problems, out)
    try:
        inst = load_from_options(province, instance)
    except InputError as error:
        fail_input(error)
    options = RunOptions(
        time_limit_s=time_limit,
        gap=gap,
        carbon_price=carbon_price,
        started_at=common.STARTED_AT,
        report=not no_report,
        report_lang=lang,
    )
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
