"""The main job: build, solve, verify and report a plan for one instance."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from rich.console import Console
from rich.table import Table

from optimizer.data.instance import Instance
from optimizer.evaluator.api import Evaluation, evaluate
from optimizer.evaluator.packages import PackageSet, build_packages
from optimizer.evaluator.plan import Plan
from optimizer.evaluator.targets import all_hard_met, check_targets
from optimizer.models.build import build_model
from optimizer.models.data import ModelData, build_model_data
from optimizer.models.extract import decisions_to_plan, read_decisions
from optimizer.models.objective import SLACK_PRICE_CNY
from optimizer.overrides import apply_overrides
from optimizer.progress import Progress
from optimizer.solvers.base import SolveResult, SolverOptions, StandardForm, Status
from optimizer.solvers.highs import HighsSolver
from optimizer.solvers.standard_form import compile_model
from optimizer.warm_start import relax_and_round

DEFAULT_GAP = 1e-3
"""The one default relative MIP gap (0.1 %, as the README promises), for the CLI and RunOptions."""

VERIFY_REL_TOL = 1e-6
"""Model objective and evaluator NPV must agree to this relative tolerance."""


@dataclass
class RunOptions:
    out: Path | None = None
    time_limit_s: float = 300.0
    gap: float = DEFAULT_GAP
    threads: int = 0
    seed: int = 0
    race: int = 1  # HiGHS runs raced with different seeds (see SolverOptions.race)
    carbon_price: float | None = None
    overrides: list[str] = field(default_factory=list)
    mode: str = "perfect"
    warm_start: bool = True
    verbose: bool = False
    write: bool = True
    shadow_prices: bool = True
    target_costs: bool = False  # re-solve without each binding target (the CLI turns it on)
    report: bool = False  # the CLI turns it on unless --no-report
    report_lang: str = "zh"
    started_at: float | None = None  # time.perf_counter() when the command started: time_limit_s
    # then bounds the whole command (reading, packages, build, solve, diagnosis), not the solve
    progress: Progress | None = None  # stage lines and live solver updates (optimizer/progress.py)


@dataclass
class PlanResult:
    """Everything a run produced, for the CLI, tests and benchmarks."""

    status: str
    exit_code: int
    objective_cny: float | None
    npv_cny: float | None
    mip_gap: float | None
    bound_cny: float | None
    solve: SolveResult | None
    plan: Plan | None
    evaluation: Evaluation | None
    targets: pd.DataFrame | None
    timings: dict[str, float]
    counts: dict[str, int]
    relaxation: pd.DataFrame | None = None
    shadow_prices: pd.DataFrame | None = None
    out_dir: Path | None = None
    messages: list[str] = field(default_factory=list)
    package_stats: pd.DataFrame | None = None  # per line: candidates, enumerated, pareto, kept
    target_prices: pd.DataFrame | None = None  # per target row: binding, price, cost (target_prices.py)
    steps: list[dict[str, Any]] | None = None  # myopic runs: status, gap and time of each step

    @classmethod
    def without_plan(
        cls,
        status: str,
        exit_code: int,
        solve: SolveResult,
        timings: dict[str, float],
        counts: dict[str, int],
        bound_cny: float | None = None,
        **extra: Any,
    ) -> PlanResult:
        """A run that ended with no plan (infeasible, or no incumbent in time)."""
        return cls(
            status, exit_code, None, None, None, bound_cny, solve, None, None, None, timings, counts, **extra
        )


def solve_instance(
    instance: Instance,
    options: RunOptions,
    packages: PackageSet | None = None,
    start: np.ndarray | None = None,
) -> PlanResult:
    """Build the model, solve it, re-evaluate the plan and check every target.

    ``packages`` reuses a package set (e.g. :func:`recost_packages` of a base scenario, so the
    model keeps its structure) and ``start`` gives HiGHS a starting point for that structure
    (e.g. the previous scenario's ``result.solve.x``); without ``start`` the relax-and-round
    start is used when ``options.warm_start``.
    """
    t_start = time.perf_counter()
    timings: dict[str, float] = {}
    instance = apply_overrides(instance, options.carbon_price, options.overrides)
    if options.mode == "myopic":
        from optimizer.myopic import solve_myopic

        return solve_myopic(instance, options, packages, timings, t_start)
    if options.mode != "perfect":
        raise ValueError(f"unknown mode {options.mode!r} (expected perfect or myopic)")
    if options.progress is not None:
        options.progress.stage(
            f"{instance.name}: technology packages and model for {len(instance.lines)} lines"
        )
    built = build_instance_model(instance, timings, packages)
    if options.progress is not None:
        c = built.counts
        options.progress.stage(
            f"built in {sum(timings.values()):.1f}s: {c['packages']} packages, {c['variables']} variables, "
            f"{c['constraints']} constraints"
        )
    return solve_built(instance, built, options, start, timings, t_start)


def gap_reached(result: SolveResult, requested: float) -> bool:
    """The search ended within the requested gap (a proven optimum to that tolerance)."""
    return result.gap is not None and result.gap <= requested * (1 + 1e-9)


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
    from optimizer.cli import EXIT_INFEASIBLE, EXIT_INTERRUPTED, EXIT_NO_PLAN, EXIT_OK, EXIT_VERIFY

    packages, data, model, form, columns, counts = (
        built.packages,
        built.data,
        built.model,
        built.form,
        built.columns,
        built.counts,
    )
    solver = HighsSolver()
    # the command's clock when the CLI gave one, else this solve's own (library callers, sweeps)
    deadline = (
        options.started_at if options.started_at is not None else time.perf_counter()
    ) + options.time_limit_s
    solver_options = within_deadline(solver_options_of(options), deadline)
    progress = options.progress
    messages = list(messages or [])
    if start is not None:
        messages.append("warm start: given by the caller")
    elif options.warm_start:
        if progress is not None:
            progress.stage("warm start (relax and round)")
        warm = relax_and_round(model, data, form, columns, solver, solver_options)
        timings["warm_start_s"] = warm.seconds
        start = warm.x
        if progress is not None:
            progress.known_plan(warm.objective)
        messages.append(
            f"warm start: {warm.note}"
            + (f", NPV {warm.objective:,.0f} CNY" if warm.objective is not None else "")
        )
    if progress is not None:
        progress.stage(f"solving to a {options.gap:.2%} gap, at most {options.time_limit_s:.0f}s")
    result = solver.solve(form, within_deadline(solver_options, deadline), start=start)
    if progress is not None:
        progress.done()
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
    _load_solution(columns, result.x)
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
        messages.append(f"{result.termination}: verified by the evaluator below, MIP gap {_fmt(result.gap)}")
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
    shadow = prices = None
    if options.shadow_prices and code == EXIT_OK:
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
            progress.stage("target prices: binding targets are re-solved without them (target_prices.csv)")
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


MIN_DIAGNOSIS_S = 2.0
"""The infeasibility diagnosis is skipped (and said so) with less time than this left."""


def within_deadline(options: SolverOptions, deadline: float) -> SolverOptions:
    """``options`` limited to the time left before ``deadline`` (time.perf_counter()).

    The solver's hard wall-clock grace (a child killed that long after HiGHS's own limit) is cut
    to 5 % of what is left, so the whole command ends close to its --time-limit."""
    from dataclasses import replace

    left = max(1.0, deadline - time.perf_counter())
    grace = min(options.hard_limit_grace_s, max(1.0, 0.05 * left))
    return replace(options, time_limit_s=min(options.time_limit_s, left), hard_limit_grace_s=grace)


@dataclass
class BuiltModel:
    packages: PackageSet
    data: ModelData
    model: pyo.ConcreteModel
    form: StandardForm
    columns: list
    counts: dict[str, int]
    fix: Callable[[pyo.ConcreteModel, ModelData], None] | None = None


def build_instance_model(
    instance: Instance,
    timings: dict[str, float] | None = None,
    packages: PackageSet | None = None,
    model_years: tuple[int, ...] | None = None,
    fix: Callable[[pyo.ConcreteModel, ModelData], None] | None = None,
) -> BuiltModel:
    """Packages, model data, Pyomo model and its matrix, timing each stage into ``timings``."""
    timings = {} if timings is None else timings
    t0 = time.perf_counter()
    packages = build_packages(instance) if packages is None else packages
    timings["packages_s"] = timings.get("packages_s", 0.0) + time.perf_counter() - t0
    t0 = time.perf_counter()
    data = build_model_data(instance, packages, model_years=model_years)
    data.base_constant_npv = _base_constant(instance, data)
    model = build_model(data)
    if fix is not None:
        fix(model, data)
    timings["build_s"] = timings.get("build_s", 0.0) + time.perf_counter() - t0
    t0 = time.perf_counter()
    form, columns = compile_model(model)
    timings["handover_s"] = timings.get("handover_s", 0.0) + time.perf_counter() - t0
    counts = {
        "lines": len(instance.lines),
        "packages": len(packages.techs),
        "variables": form.shape[1],
        "constraints": form.shape[0],
        "integer_variables": int(form.integer.sum()),
    }
    return BuiltModel(packages, data, model, form, columns, counts, fix)


def _base_constant(instance: Instance, data: ModelData) -> float:
    """NPV of the calendar years before the first model year (base state, same for all plans)."""
    evaluation = evaluate(instance, Plan.business_as_usual(instance))
    npv = evaluation.measure("npv_cny")
    years = [int(y) for y in evaluation.arrays.years]
    cols = [i for i, y in enumerate(years) if y < data.model_years[0]]
    return float(npv[:, cols].sum())


def _load_solution(columns: list, x: np.ndarray) -> None:
    for var, value in zip(columns, x, strict=True):
        var.set_value(float(value), skip_validation=True)


def fixed_lp(form, result: SolveResult, solver: HighsSolver, options: SolverOptions) -> SolveResult:
    """The LP with every integer fixed at the plan's value, solved for its row duals."""
    from copy import copy

    assert result.x is not None
    fixed = copy(form)
    fixed.col_lower = form.col_lower.copy()
    fixed.col_upper = form.col_upper.copy()
    ints = np.flatnonzero(form.integer)
    values = np.round(result.x[ints])
    fixed.col_lower[ints] = values
    fixed.col_upper[ints] = values
    fixed.integer = np.zeros_like(form.integer)
    return solver.solve_lp_duals(fixed, options)


def shadow_prices(
    form, result: SolveResult, solver: HighsSolver, options: SolverOptions, lp: SolveResult | None = None
) -> pd.DataFrame:
    """Marginal cost of each target row from the LP with every integer fixed at its value.

    The dual of a row is the change of the optimal NPV (CNY) per unit of the row's right-hand
    side; target rows are written so that the unit is the target's own constraint unit.
    """
    lp = fixed_lp(form, result, solver, options) if lp is None else lp
    rows = []
    if lp.row_duals is None:
        return pd.DataFrame(columns=["constraint", "dual_cny_per_unit", "binding"])
    families = (
        "capacity_target",
        "intensity_cut",
        "benchmark_share",
        "baseline_clear",
        "clean_energy_mw",
        "attribute_share",
        "emissions_target",
        "emissions_peak_falling",
        "projects_min",
        "demand",
        "replacement_ratio",
    )
    activity = form.A @ lp.x if lp.x is not None else np.zeros(len(form.row_lower))
    for i, name in enumerate(form.row_names):
        if name.split("[")[0] in families:
            binding = abs(activity[i] - form.row_upper[i]) <= 1e-6 * max(1.0, abs(form.row_upper[i])) or abs(
                activity[i] - form.row_lower[i]
            ) <= 1e-6 * max(1.0, abs(form.row_lower[i]))
            rows.append(
                {"constraint": name, "dual_cny_per_unit": float(lp.row_duals[i]), "binding": bool(binding)}
            )
    return pd.DataFrame(rows)


def explain_infeasibility(
    instance: Instance,
    packages: PackageSet,
    solver: HighsSolver,
    options: SolverOptions,
    model_years: tuple[int, ...] | None = None,
    fix: Callable[[pyo.ConcreteModel, ModelData], None] | None = None,
    deadline: float | None = None,
) -> pd.DataFrame:
    """Solve again with a priced slack on every hard target row and report the relaxation.

    Slacks are in relative units of each target (share points, fraction of the base-year value),
    priced far above any plan cost, so the solver finds the least total relaxation and, among
    those, the cheapest plan.
    """
    data = build_model_data(instance, packages, model_years=model_years)
    data.relax_targets = True
    data.base_constant_npv = _base_constant(instance, data)
    model = build_model(data)
    if fix is not None:
        fix(model, data)
    form, columns = compile_model(model)
    if deadline is not None:  # the time left once the relaxed model is built
        options = within_deadline(options, deadline)
    result = solver.solve(form, options)
    if result.interrupted or (not result.has_solution and result.status is not Status.INFEASIBLE):
        return pd.DataFrame(
            [
                {
                    "target": "(not diagnosed)",
                    "year": None,
                    "relaxation": None,
                    "note": f"the diagnosis stopped before it found a relaxed plan: {result.termination}",
                }
            ]
        )
    if not result.has_solution:
        return pd.DataFrame(
            [
                {
                    "target": "(structural)",
                    "year": None,
                    "relaxation": None,
                    "note": f"still infeasible with every target relaxed: {result.termination} "
                    "(demand, forced exits or replacement rules conflict)",
                }
            ]
        )
    _load_solution(columns, result.x)
    rows = []
    kinds = {r.label: r.kind for r in data.targets}
    scales = model.__dict__.get("slack_scales", {})
    for label, t in model.slack:
        value = float(pyo.value(model.slack[label, t]))
        if value > 1e-7:
            kind = kinds.get(label, "")
            scale = float(scales.get((label, t), ("", 1.0))[1])
            row = {"target": label, "year": t, "kind": kind, **relaxation_in_units(kind, value, scale)}
            if result.status is not Status.OPTIMAL:
                row["note"] = (
                    f"{row['note']}; the diagnosis stopped at the time limit (gap {_fmt(result.gap)}): "
                    "a smaller relaxation may exist"
                )
            rows.append(row)
    objective = float(pyo.value(model.npv)) - SLACK_PRICE_CNY * sum(r["relaxation"] for r in rows)
    if not rows:
        return pd.DataFrame(columns=RELAXATION_COLUMNS)
    for r in rows:
        r["plan_npv_cny_with_relaxation"] = objective
    return pd.DataFrame(rows)


RELAXATION_COLUMNS = [
    "target",
    "year",
    "kind",
    "relaxation",
    "relaxation_in_unit",
    "unit",
    "absolute",
    "absolute_unit",
    "note",
    "plan_npv_cny_with_relaxation",
]

# kind -> (target's own unit per unit of slack, its unit, absolute unit, sentence); the slack s
# of a row is measured relative to the row's scale (models/constraints/targets.py), so the
# absolute figure is s x scale in the row's own quantity.
_RELAXATION_UNITS = {
    "capacity_cut": (
        100.0,
        "percentage points of the cut",
        "t/yr of capacity above the limit",
        "the capacity cut must be {u:.3g} points smaller: {a:,.0f} t/yr more capacity kept",
    ),
    "capacity_cap": (
        None,
        "t/yr",
        "t/yr of capacity above the cap",
        "the capacity cap must be {a:,.0f} t/yr higher",
    ),
    "intensity_cut": (
        100.0,
        "percentage points of the cut (of base intensity)",
        "kgce/unit x capacity",
        "the intensity cut must be about {u:.3g} points smaller",
    ),
    "benchmark_share": (
        100.0,
        "percentage points of share (of the base capacity)",
        "capacity short of the benchmark (share weight)",
        "the benchmark share must be about {u:.3g} points lower: {a:,.0f} of capacity "
        "(share weight) more below the benchmark",
    ),
    "attribute_share": (
        100.0,
        "percentage points of share (of the base line count)",
        "lines",
        "the share must be about {u:.3g} points lower: {a:.3g} lines fewer with the attribute",
    ),
    "baseline_clear": (
        None,
        "t/yr",
        "t/yr below the baseline left running",
        "{a:,.0f} t/yr of capacity below the baseline must be allowed to run",
    ),
    "clean_energy_mw": (None, "MW", "MW", "the clean-energy floor must be {a:,.1f} MW lower"),
    "emissions_cap": (None, "tCO2/yr", "tCO2/yr", "emissions must be allowed {a:,.0f} tCO2/yr more"),
    "emissions_cut": (None, "tCO2/yr", "tCO2/yr", "emissions must be allowed {a:,.0f} tCO2/yr more"),
    "emissions_peak": (
        None,
        "tCO2/yr",
        "tCO2/yr",
        "the peak allows {a:,.0f} tCO2/yr more than the earlier year",
    ),
    "projects_min": (None, "projects", "projects", "{a:,.1f} fewer retrofit projects over the period"),
    "capex_budget": (None, "CNY", "CNY", "the budget must be {a:,.0f} CNY larger"),
}


def relaxation_in_units(kind: str, slack: float, scale: float) -> dict[str, object]:
    """One relaxation in the target's own unit and as an absolute figure (see _RELAXATION_UNITS)."""
    per, unit, absolute_unit, sentence = _RELAXATION_UNITS.get(
        kind, (None, "fraction of the row scale", "row units", "relaxed by {a:,.4g}")
    )
    absolute = slack * scale
    in_unit = slack * per if per is not None else absolute
    return {
        "relaxation": slack,
        "relaxation_in_unit": in_unit,
        "unit": unit,
        "absolute": absolute,
        "absolute_unit": absolute_unit,
        "note": sentence.format(u=in_unit, a=absolute),
    }


def run_plan(instance: Instance, options: RunOptions, console: Console) -> int:
    """The CLI's default action: solve, print the summary, write the outputs."""
    from optimizer.outputs import default_out_dir, write_outputs

    result = solve_instance(instance, options)
    _print_summary(instance, result, console, options.verbose)
    out = options.out or default_out_dir(instance.name)
    tables = result_tables(instance, result)
    summary = run_summary(instance, options, result)
    if options.write:
        result.out_dir = write_outputs(out, tables, summary)
        console.print(f"results written to [bold]{result.out_dir}[/]")
        if options.report and result.status != "interrupted":  # stop soon: the user asked to
            from optimizer.report import write_report

            try:
                for path in write_report(result.out_dir, options.report_lang, evaluation=result.evaluation):
                    console.print(f"report written: [bold]{path}[/]")
            except Exception as error:  # a report problem must not hide a verified plan
                console.print(f"[yellow]report not written: {error}[/]")
    return result.exit_code


def result_tables(instance: Instance, result: PlanResult) -> dict[str, pd.DataFrame]:
    """The tables a run writes (plan.csv, targets.csv, costs.csv, ...), by file stem."""
    from optimizer.outputs import plan_table, resource_table

    tables: dict[str, pd.DataFrame] = {}
    if result.targets is not None and result.evaluation is not None and result.plan is not None:
        tables["targets"] = result.targets
        tables["plan"] = plan_table(result.evaluation, result.plan)
        tables["kpis"] = result.evaluation.by_sector()
        tables["costs"] = result.evaluation.cost_breakdown().reset_index()
        from optimizer.schedule import by_group, schedule_table

        nameplate = dict(
            zip(
                result.evaluation.arrays.line_ids,
                result.evaluation.arrays.lines.capacity_per_year,
                strict=False,
            )
        )
        tables["schedule"] = schedule_table(tables["plan"], nameplate)
        tables["schedule_by_city"] = by_group(tables["plan"], nameplate, "city")
        tables["schedule_by_company"] = by_group(tables["plan"], nameplate, "company")
        resources = resource_table(instance, result.evaluation, result.plan)
        if len(resources):
            tables["resources"] = resources
    if result.relaxation is not None:
        tables["infeasibility"] = result.relaxation
    if result.shadow_prices is not None:
        tables["shadow_prices"] = result.shadow_prices
    if result.target_prices is not None:
        tables["target_prices"] = result.target_prices
    if result.package_stats is not None:
        tables["packages"] = result.package_stats
    return tables


def run_summary(instance: Instance, options: RunOptions, result: PlanResult) -> dict[str, Any]:
    """What a run writes to summary.json."""
    return {
        "instance": instance.name,
        "instance_path": str(Path(instance.path).resolve()),
        "carbon_price": options.carbon_price,
        "overrides": list(options.overrides),
        "mode": options.mode,
        "status": result.status,
        "exit_code": result.exit_code,
        "objective_cny": result.objective_cny,
        "evaluator_npv_cny": result.npv_cny,
        "mip_gap": result.mip_gap,
        "gap_requested": options.gap,
        "gap_reached": result.mip_gap,
        "gap_met": bool(result.solve is not None and gap_reached(result.solve, options.gap))
        and all(step["status"] == "optimal" for step in result.steps or []),
        "time_limit_s": options.time_limit_s,
        "bound_cny": result.bound_cny,
        # enough to re-run the same search: seeds seed .. seed + race - 1 raced
        "solver": {
            "name": "highs",
            "seed": options.seed,
            "race": options.race,
            "termination": result.solve.termination if result.solve is not None else None,
        },
        **{k: v for k, v in result.timings.items()},
        **result.counts,
        "messages": result.messages,
        **({"steps": result.steps} if result.steps is not None else {}),
    }


def _print_summary(instance: Instance, result: PlanResult, console: Console, verbose: bool) -> None:
    console.print(
        f"[bold]{instance.name}[/]: status [bold]{result.status}[/]"
        + (
            f", NPV {result.npv_cny / 1e8:,.2f} 亿 CNY ({result.npv_cny:,.0f} CNY)"
            if result.npv_cny is not None
            else ""
        )
        + (f", MIP gap {result.mip_gap:.2e}" if result.mip_gap is not None else "")
    )
    if verbose:
        t = result.timings
        console.print(
            "times: "
            + ", ".join(f"{k.removesuffix('_s')} {v:.2f}s" for k, v in t.items())
            + f" | {result.counts['variables']} variables, "
            f"{result.counts['constraints']} constraints, {result.counts['packages']} packages"
        )
        if result.package_stats is not None and not result.package_stats.empty:
            st = result.package_stats
            console.print(
                f"packages: {int(st['enumerated'].sum())} combinations enumerated, {int(st['pareto'].sum())} "
                f"not dominated, {int(st['kept'].sum())} kept (at most {int(st['kept'].max())} per line)"
            )
    for message in result.messages:
        console.print(f"[red]{message}[/]" if "failed" in message else message)
    if result.evaluation is not None:
        co2 = result.evaluation.total_co2_t()
        console.print("emissions (Mt CO2): " + ", ".join(f"{y} {v / 1e6:.2f}" for y, v in co2.items()))
    if result.targets is not None:
        print_targets(result.targets, console)
    if result.relaxation is not None:
        table = Table(title="Targets cannot all be met: least relaxation")
        for column in result.relaxation.columns:
            table.add_column(str(column))
        for r in result.relaxation.itertuples(index=False):
            table.add_row(*[_fmt(v) for v in r])
        console.print(table)


def print_targets(targets: pd.DataFrame, console: Console) -> None:
    """The target table planners check first: required, achieved, met."""
    table = Table(title="Targets")
    for column in ("target", "year", "kind", "required", "achieved", "unit", "met", "source"):
        table.add_column(column)
    for r in targets.itertuples():
        met = (
            "n/a"
            if r.met is None or (isinstance(r.met, float) and np.isnan(r.met))
            else ("[green]met[/]" if r.met else "[red]MISSED[/]")
        )
        label = r.target_id if r.group == "pooled" else f"{r.target_id} ({r.group})"
        table.add_row(
            str(label),
            str(r.year),
            str(r.kind),
            _fmt(r.required),
            "no new build"
            if r.kind == "replacement_ratio" and not math.isfinite(float(r.achieved))  # type: ignore[arg-type]
            else _fmt(r.achieved),
            str(r.unit),
            met + ("" if r.hard else " (soft)"),
            str(r.source),
        )
    console.print(table)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if np.isnan(value):
            return "—"
        if abs(value) >= 1e4:
            return f"{value:,.0f}"
        return f"{value:.4g}"
    return str(value)
