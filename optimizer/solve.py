"""The solve and verify stages of one built model: HiGHS (by name, behind the protocol in
``solvers/``) from the warm start, the plan re-evaluated by the independent evaluator, every
target checked, pace and supply limits verified, prices and infeasibility explained."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pandas as pd

from optimizer.console import fmt_value
from optimizer.console_text import say
from optimizer.data.instance import Instance
from optimizer.diagnose import (
    MIN_DIAGNOSIS_S,
    explain_infeasibility,
    fixed_lp,
    shadow_prices,
    within_deadline,
)
from optimizer.evaluator.api import Evaluation, evaluate
from optimizer.evaluator.plan import Plan
from optimizer.evaluator.targets import all_hard_met, check_targets
from optimizer.instance_model import BuiltModel, load_solution
from optimizer.models.extract import decisions_to_plan, read_decisions
from optimizer.run_options import VERIFY_REL_TOL, PlanResult, RunOptions, gap_reached
from optimizer.solvers.allocator import keep_freed_memory_for_reuse
from optimizer.solvers.base import SolveResult, SolverOptions, Status, WarmStart, relative_gap
from optimizer.solvers.neighbourhood_search import model_neighbourhoods
from optimizer.solvers.registry import get_solver
from optimizer.solvers.warm_start import starting_plan

MIN_SOLVE_S = 2.0
"""With a starting plan and less than this left, the run keeps that plan instead of starting
HiGHS (its children, presolve and root need more: zhejiang's root LP alone takes 4 s)."""

MIN_PRICES_S = 1.0
"""Shadow and target prices (an LP with the integers fixed, 0.3-0.6 s on a province) are
skipped with less than this left."""


def post_solve_reserve_s(options: RunOptions, n_lines: int) -> float:
    """Seconds kept at the end of --time-limit for the verification and the outputs: the
    evaluation, the tables (about 0.3 s a province) and the report (about 1.2 s), growing
    with the fleet."""
    if not options.write:
        return 0.1
    per_line = 0.002 * n_lines
    return 0.3 + per_line + ((1.2 + 2 * per_line) if options.report else 0.0)


def time_limit_message(result: SolveResult, options: RunOptions) -> str:
    """Said in the console, the summary and the report when the clock ended the search."""
    reached = "unknown" if result.gap is None else f"{result.gap:.3%}"
    return (
        f"requested gap not reached: the {options.time_limit_s:.0f}s time limit stopped the search at a "
        f"gap of {reached} (requested {options.gap:.3%}); the plan is feasible and verified but may "
        f"not be the cheapest. Raise --time-limit for a proven optimum"
    )


def solver_options_of(options: RunOptions) -> SolverOptions:
    return SolverOptions(
        time_limit_s=options.time_limit_s,
        mip_rel_gap=options.gap,
        threads=options.threads,
        seed=options.seed,
        race=options.race,
        verbose=options.verbose,
        progress=options.progress.solver if options.progress is not None else None,
    )


def with_start_bound(result: SolveResult, bound: float | None, requested_gap: float) -> SolveResult:
    """``result`` with the starting plan's bound when it is the stronger one.

    In a short run HiGHS may stop before its root LP, holding only a trivial bound (guizhou at
    --time-limit 60: -1 063 e8 CNY, a "gap" of 229 %), while the starting plan already proved
    one (the polish's LP relaxation, or the first relax-and-fix step within about 2 % of the
    plan); both bound the same model.
    """
    if bound is None or (result.bound is not None and result.bound >= bound):
        return result
    gap = relative_gap(result.objective, bound)
    status = result.status
    if status is Status.FEASIBLE and gap is not None and gap <= requested_gap:
        status = Status.OPTIMAL
    return replace(result, bound=bound, gap=gap, status=status)


def solve_built(
    instance: Instance,
    built: BuiltModel,
    options: RunOptions,
    start: np.ndarray | None,
    timings: dict[str, float],
    t_start: float,
    messages: list[str] | None = None,
) -> PlanResult:
    """Solve a built model, re-evaluate its plan and check every target of ``instance``."""
    from optimizer.exit_codes import EXIT_INFEASIBLE, EXIT_INTERRUPTED, EXIT_NO_PLAN, EXIT_OK, EXIT_VERIFY

    packages, data, model, form, columns, counts = (
        built.packages,
        built.data,
        built.model,
        built.form,
        built.columns,
        built.counts,
    )
    keep_freed_memory_for_reuse()  # a sweep worker's environment pins glibc's thresholds low
    solver = get_solver()
    # the command's clock when the CLI gave one, else this solve's own (library callers, sweeps)
    deadline = (
        options.started_at if options.started_at is not None else time.perf_counter()
    ) + options.time_limit_s
    solver_options = within_deadline(solver_options_of(options), deadline)
    solver_options = replace(solver_options, neighbourhoods=model_neighbourhoods(data, columns))
    # the solve and the prices leave the outputs their time (the warm start does not: without
    # its plan a short run would have nothing to write)
    solve_deadline = deadline - post_solve_reserve_s(options, len(instance.lines))
    progress = options.progress
    messages = list(messages or [])
    warm = None
    if start is not None:
        messages.append("warm start: given by the caller")
    elif options.warm_start and deadline - time.perf_counter() <= 0:
        warm = WarmStart.none(0.0, "not started: the time limit passed during the build")
    elif options.warm_start:
        if progress is not None:
            progress.stage(say(progress.lang, "stage_warm"))
        warm = starting_plan(model, data, form, columns, solver, solver_options)
        timings["warm_start_s"] = warm.seconds
        if warm.x is not None:  # from the run's start, as the benchmark's first_plan_s
            timings["first_plan_s"] = _build_seconds(timings) + (
                warm.first_plan_s if warm.first_plan_s is not None else warm.seconds
            )
        start = warm.x
        if progress is not None:
            progress.known_plan(warm.objective)
        messages.append(
            f"warm start: {warm.note}"
            + (f", NPV {warm.objective:,.0f} CNY" if warm.objective is not None else "")
        )
    if warm is not None and warm.interrupted and warm.x is not None:
        # Ctrl-C while the warm start improved a full plan: that plan is the run's (no solver
        # may start again), verified and written below like any interrupted incumbent
        result = SolveResult(
            Status.FEASIBLE,
            "interrupted (Ctrl-C or SIGTERM) while improving the starting plan: best plan so far",
            objective=warm.objective,
            x=warm.x,
            interrupted=True,
        )
    elif warm is not None and warm.infeasible:
        # a relaxation of this model is infeasible: HiGHS would only prove it again, and the
        # diagnosis needs the time
        result = SolveResult(Status.INFEASIBLE, f"infeasible: {warm.note}")
    elif warm is not None and warm.x is None and deadline - time.perf_counter() <= 0:
        # the limit passed during the build or the starting plan: a solver started now would
        # only overrun it (zhejiang at --time-limit 3 ended at 12 s before this)
        result = SolveResult(
            Status.NO_SOLUTION,
            f"the {options.time_limit_s:g}s time limit passed before any plan (build "
            f"{_build_seconds(timings):.1f}s, "
            f"starting plan {warm.seconds:.1f}s): raise --time-limit",
        )
    elif warm is not None and warm.x is not None and solve_deadline - time.perf_counter() < MIN_SOLVE_S:
        # a short --time-limit spent on the build and the starting plan: HiGHS could not even
        # finish its presolve, and starting it would only overrun the limit
        result = SolveResult(
            Status.FEASIBLE,
            f"no time left for the solver (under {MIN_SOLVE_S:.0f} s within --time-limit): the starting plan",
            objective=warm.objective,
            x=warm.x,
        )
    else:
        if progress is not None:
            progress.stage(say(progress.lang, "stage_solve", gap=options.gap, limit=options.time_limit_s))
        result = solver.solve(form, within_deadline(solver_options, solve_deadline), start=start)
    if progress is not None:
        progress.done()
    if warm is not None:
        result = with_start_bound(result, warm.bound, options.gap)
    timings["solve_s"] = result.wall_seconds
    if result.interrupted and not result.has_solution:
        timings["total_s"] = time.perf_counter() - t_start
        return PlanResult.without_plan(
            "interrupted",
            EXIT_INTERRUPTED,
            result,
            timings,
            counts,
            bound_cny=result.bound,
            package_stats=built.packages.stats,
            messages=[*messages, result.termination],
        )
    if result.has_solution and not gap_reached(result, options.gap):
        messages.append(time_limit_message(result, options))
    if result.status is Status.INFEASIBLE:
        left = deadline - time.perf_counter()
        if left >= MIN_DIAGNOSIS_S:
            relaxation = explain_infeasibility(
                instance,
                packages,
                solver,
                solver_options,
                model_years=data.model_years,
                fix=built.fix,
                deadline=deadline,
            )
        else:
            relaxation = pd.DataFrame(
                [
                    {
                        "target": "(not diagnosed)",
                        "year": None,
                        "relaxation": None,
                        "note": f"no time left within --time-limit for the diagnosis ({left:.1f} s); "
                        "run again with a longer --time-limit to see which targets to relax",
                    }
                ]
            )
        timings["total_s"] = time.perf_counter() - t_start
        return PlanResult.without_plan(
            "infeasible",
            EXIT_INFEASIBLE,
            result,
            timings,
            counts,
            package_stats=built.packages.stats,
            relaxation=relaxation,
        )
    if not result.has_solution:
        timings["total_s"] = time.perf_counter() - t_start
        return PlanResult.without_plan(
            result.status.value,
            EXIT_NO_PLAN,
            result,
            timings,
            counts,
            bound_cny=result.bound,  # a valid bound even without a plan (decomposition uses it)
            package_stats=built.packages.stats,
            messages=[*messages, result.termination],
        )
    load_solution(columns, result.x)
    decisions = read_decisions(model, data)
    plan = decisions_to_plan(data, decisions)
    t0 = time.perf_counter()
    evaluation = evaluate(instance, plan)
    targets = check_targets(instance, evaluation.arrays, evaluation.values)
    timings["evaluate_s"] = time.perf_counter() - t0
    npv = evaluation.npv_cny
    objective = float(result.objective) if result.objective is not None else decisions.objective
    code = EXIT_OK
    status = "optimal" if result.status is Status.OPTIMAL else "feasible"
    if result.interrupted:
        code, status = EXIT_INTERRUPTED, "interrupted"
        messages.append(
            f"{result.termination}: verified by the evaluator below, MIP gap {fmt_value(result.gap)}"
        )
    if abs(npv - objective) > VERIFY_REL_TOL * max(abs(npv), 1.0):
        messages.append(
            f"verification failed: model objective {objective:,.0f} CNY but the "
            f"evaluator's NPV is {npv:,.0f} CNY"
        )
        code, status = EXIT_VERIFY, "verification_failed"
    elif not all_hard_met(targets):
        missed = targets[targets["hard"] & (targets["met"] == False)]  # noqa: E712
        messages.append(
            "verification failed: the evaluator finds hard targets missed: "
            + ", ".join(f"{r.target_id}@{r.year}" for r in missed.itertuples())
        )
        code, status = EXIT_VERIFY, "verification_failed"
    elif exceeded := limits_exceeded(instance, evaluation, plan):
        messages.append("verification failed: the plan exceeds " + ", ".join(exceeded))
        code, status = EXIT_VERIFY, "verification_failed"
    shadow = prices = None
    if options.shadow_prices and code == EXIT_OK and solve_deadline - time.perf_counter() < MIN_PRICES_S:
        messages.append(
            "shadow prices and target prices skipped: no time left within --time-limit "
            "(run again with a longer one to have them)"
        )
    elif options.shadow_prices and code == EXIT_OK:
        from optimizer.target_prices import target_prices

        t0 = time.perf_counter()
        try:
            lp = fixed_lp(form, result, solver, within_deadline(solver_options, deadline))
            shadow = shadow_prices(form, result, solver, within_deadline(solver_options, deadline), lp)
        except KeyboardInterrupt:  # the plan is verified already: keep it, skip the duals
            code, status = EXIT_INTERRUPTED, "interrupted"
            messages.append("interrupted while computing shadow prices: plan kept, no shadow prices")
        timings["shadow_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
    if shadow is not None:
        if progress is not None and options.target_costs:
            progress.stage(say(progress.lang, "stage_prices"))
        prices = target_prices(
            instance,
            evaluation,
            targets,
            form,
            result,
            lp,
            solver,
            solver_options,
            resolve=options.target_costs,
            budget_s=solve_deadline - time.perf_counter(),
        )
        timings["target_costs_s"] = time.perf_counter() - t0
    timings["total_s"] = time.perf_counter() - t_start
    return PlanResult(
        status,
        code,
        objective,
        npv,
        result.gap,
        result.bound,
        result,
        plan,
        evaluation,
        targets,
        timings,
        counts,
        shadow_prices=shadow,
        package_stats=built.packages.stats,
        messages=messages,
        target_prices=prices,
    )


def limits_exceeded(instance: Instance, evaluation: Evaluation, plan: Plan) -> list[str]:
    """Pace and supply rows the evaluated plan breaks, as ``rule sector@year`` (none: [])."""
    from optimizer.evaluator.pace import pace_table
    from optimizer.outputs import resource_table

    pace = pace_table(instance, evaluation, plan)
    supplies = resource_table(instance, evaluation, plan)
    return [
        " ".join(
            str(part) for part in (r.rule, r.technology, f"{r.sector}{_in(str(r.province))}@{r.year}") if part
        )
        for r in pace.itertuples()
        if not r.within
    ] + [f"supply {r.resource} {r.province}@{r.year}" for r in supplies.itertuples() if not r.within]


def _in(province: str) -> str:
    return f" in {province}" if province else ""


def _build_seconds(timings: dict[str, float]) -> float:
    """Seconds the run spent before its starting plan: packages, Pyomo build, hand-over."""
    return sum(timings.get(k, 0.0) for k in ("packages_s", "build_s", "handover_s"))
