"""Myopic planning: each milestone is planned seeing only the targets due by then.

Perfect foresight (the default) plans every milestone at once. A myopic run mirrors how plans
are often made: at milestone t the planner meets the targets due by t at least cost, with every
earlier decision already taken, and learns of later targets only when their milestone comes.
Costs are always counted over the whole horizon (prices are known), so the gap between the two
NPVs is the cost of not anticipating later targets.

Step t solves the full model with the targets of years ≤ t and with the states, outputs and
replacement lines of model years before t fixed to the previous step's plan. The last step
sees every target; its plan is verified like any other.

Each step's status, MIP gap and time go to ``PlanResult.steps`` (summary.json ``steps``). The
run's status and gap are no better than its worst step: a step stopped by the clock leaves an
earlier decision that may not be the cheapest, so the whole myopic plan is only "feasible".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import pyomo.environ as pyo

from optimizer.data.instance import Instance
from optimizer.data.targets import NON_CONSTRAINT_KINDS, model_years_of
from optimizer.diagnose import within_deadline
from optimizer.evaluator.packages import PackageSet, build_packages
from optimizer.exit_codes import EXIT_INFEASIBLE, EXIT_NO_PLAN
from optimizer.instance_model import build_instance_model, load_solution
from optimizer.models.data import ModelData
from optimizer.models.extract import ModelDecisions, read_decisions
from optimizer.run_options import PlanResult, RunOptions, gap_reached
from optimizer.solve import solve_built, solver_options_of
from optimizer.solvers.base import SolveResult, Status
from optimizer.solvers.registry import get_solver


def fix_earlier(previous: ModelDecisions, before: int) -> Callable[[pyo.ConcreteModel, ModelData], None]:
    """A hook fixing every decision of model years before ``before`` to ``previous``."""

    def fix(m: pyo.ConcreteModel, d: ModelData) -> None:
        for l, j, t in d.x_index:
            if t < before:
                chosen = previous.package.get((l, t)) == j
                m.x[l, j, t].fix(1 if chosen else 0)
                m.q[l, j, t].fix(previous.output[(l, t)] if chosen else 0.0)
        for l, t in m.LT:
            if t < before:
                m.r[l, t].fix(1 if previous.retired[(l, t)] else 0)
        for s, t in m.ST_new:
            if t < before:
                m.n[s, t].fix(previous.new_count[(s, t)])
                m.qn[s, t].fix(previous.new_output[(s, t)])

    return fix


def targets_due_by(instance: Instance, year: int) -> Instance:
    t = instance.targets
    keep = (t["year"] <= year) | t["kind"].isin(NON_CONSTRAINT_KINDS)
    return replace(instance, targets=t[keep])


def solve_myopic(
    instance: Instance,
    options: RunOptions,
    packages: PackageSet | None,
    timings: dict[str, float],
    t_start: float,
) -> PlanResult:

    years = model_years_of(instance)
    t0 = time.perf_counter()
    packages = build_packages(instance) if packages is None else packages
    timings["packages_s"] = time.perf_counter() - t0
    solver = get_solver()
    previous: ModelDecisions | None = None
    messages: list[str] = []
    steps: list[dict[str, object]] = []
    deadline = (options.started_at if options.started_at is not None else t_start) + options.time_limit_s
    for step, year in enumerate(years):
        fix = fix_earlier(previous, year) if previous is not None else None
        if step == len(years) - 1:
            built = build_instance_model(instance, timings, packages, model_years=years, fix=fix)
            messages.append(f"myopic: {len(years)} steps ({', '.join(map(str, years))})")
            last = solve_built(
                instance, built, replace(options, shadow_prices=False), None, timings, t_start, messages
            )
            steps.append(
                {
                    "year": year,
                    "status": last.status,
                    "mip_gap": last.mip_gap,
                    "solve_s": timings.get("solve_s"),
                }
            )
            return worst_of_steps(last, steps)
        seen = targets_due_by(instance, year)
        built = build_instance_model(seen, timings, packages, model_years=years, fix=fix)
        result = solver.solve(built.form, within_deadline(solver_options_of(options), deadline))
        timings[f"solve_{year}_s"] = result.wall_seconds
        steps.append(
            {
                "year": year,
                "status": step_status(result, options.gap),
                "mip_gap": result.gap,
                "solve_s": result.wall_seconds,
            }
        )
        if not result.has_solution:
            code = EXIT_INFEASIBLE if result.status.value == "infeasible" else EXIT_NO_PLAN
            note = (
                f"myopic step {year}: no plan meets the targets due by {year} given the "
                f"decisions already taken ({result.termination})"
            )
            return PlanResult.without_plan(
                result.status.value,
                code,
                result,
                timings,
                built.counts,
                messages=[*messages, note],
                steps=steps,
            )
        assert result.x is not None
        load_solution(built.columns, result.x)
        previous = read_decisions(built.model, built.data)
    raise AssertionError("unreachable: the last step returns")


STATUS_RANK = {"optimal": 0, "feasible": 1}
"""Better statuses rank lower; any other status (interrupted, verification_failed, ...) ranks worst."""


def step_status(result: SolveResult, gap: float) -> str:
    """optimal when the step reached the requested gap, feasible when it has a plan without it."""
    if not result.has_solution:
        return result.status.value
    return "optimal" if result.status is Status.OPTIMAL and gap_reached(result, gap) else "feasible"


def worst_of_steps(last: PlanResult, steps: list[dict[str, object]]) -> PlanResult:
    """``last`` with status and gap no better than its worst step, and the steps attached."""
    last.steps = steps
    if last.status not in STATUS_RANK:
        return last  # already as bad as it gets; its own message says why
    worst = max(steps, key=lambda s: STATUS_RANK.get(str(s["status"]), 9))
    if STATUS_RANK.get(str(worst["status"]), 9) > STATUS_RANK[last.status]:
        last.status = str(worst["status"])
        last.messages.append(
            f"myopic step {worst['year']} ended {worst['status']} (gap {worst['mip_gap']}): the plan is "
            "verified but its earlier decisions may not be the cheapest, so the run is not optimal"
        )
    gaps = [float(g) for s in steps if isinstance(g := s["mip_gap"], (int, float))]
    if gaps:
        last.mip_gap = max(gaps)
    return last
