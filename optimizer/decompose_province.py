"""One province's sub-problem of a decomposed run: its share of the targets, solved in a worker.

A lower-bound sub-problem (coupling targets dropped) also says whether its plan happens to meet
the province's allocated share of every coupling target (``meets_allocation``): such a plan is a
feasible piece of the national plan as it is, so its upper-bound sub-problem need not be solved
(:func:`optimizer.decompose.solve_national`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from optimizer.data.instance import Instance
from optimizer.data.load import load_instance
from optimizer.decompose_targets import province_supplies, province_targets
from optimizer.evaluator.api import evaluate
from optimizer.evaluator.plan import Plan
from optimizer.evaluator.targets import all_hard_met, check_targets
from optimizer.overrides import apply_overrides
from optimizer.portfolio.company import subset_instance
from optimizer.run_options import RunOptions


@dataclass(frozen=True)
class SubproblemSolver:
    """HiGHS settings every sub-problem gets (one HiGHS per worker: no racing)."""

    seed: int = 0
    threads: int = 0
    warm_start: bool = True


@dataclass
class ProvinceTask:
    """One sub-problem, pickled to a dask worker: plain fields only."""

    instance_path: str
    province: str
    # "upper": allocated targets (the national plan); "lower": coupling targets dropped, perfect
    # foresight (the bound); "relaxed": coupling targets dropped, planned in ``mode`` (a myopic
    # province's fallback plan)
    bound: str
    time_limit_s: float
    gap: float
    carbon_price_cny_per_tco2: float | None = None
    overrides: list[str] = field(default_factory=list)  # --set table.column=value expressions
    mode: str = "perfect"  # the sub-problem's own foresight (lower bounds are always perfect)
    solver: SubproblemSolver = field(default_factory=SubproblemSolver)


def solve_province(task: ProvinceTask) -> dict:
    """One sub-problem (runs in a dask worker): solve and return the plan as plain arrays."""
    from optimizer.run import solve_instance

    t0 = time.perf_counter()
    # On the national instance, before the split (see optimizer/decompose.py); the main process
    # has validated them already.
    instance = apply_overrides(
        load_instance(task.instance_path), task.carbon_price_cny_per_tco2, list(task.overrides)
    )
    lines = instance.lines[instance.lines["province"] == task.province]
    targets = province_targets(instance, lines, task.bound)
    sub = subset_instance(instance, lines, targets, f"{instance.name}:{task.province}", instance.decisions)
    sub = replace(sub, supplies=province_supplies(instance, lines, task.bound))
    result = solve_instance(
        sub,
        RunOptions(
            time_limit_s=task.time_limit_s,
            gap=task.gap,
            mode=task.mode,
            seed=task.solver.seed,
            threads=task.solver.threads,
            warm_start=task.solver.warm_start,
            shadow_prices=False,
            write=False,
        ),
    )
    out: dict[str, object] = {
        "province": task.province,
        "bound_kind": task.bound,
        "mode": task.mode,
        "status": result.status,
        "exit_code": result.exit_code,
        "objective_cny": result.objective_cny,
        "bound_cny": result.bound_cny,
        "mip_gap": result.mip_gap,
        "lines": len(lines),
        "time_limit_s": task.time_limit_s,
        "seconds": time.perf_counter() - t0,
        # how the warm start and the solve ended: why a sub-problem has no plan or no bound
        "messages": " | ".join(result.messages),
        "line_ids": list(lines.index),
        **result.counts,
    }
    if result.plan is not None:
        p = result.plan
        if task.bound == "lower":
            allocated = province_targets(instance, lines, "upper")
            shared = subset_instance(instance, lines, allocated, sub.name, instance.decisions)
            shared = replace(shared, supplies=province_supplies(instance, lines, "upper"))
            out["meets_allocation"] = meets_hard_targets(shared, p)
        out["plan"] = {
            "retire_year": p.retire_year,
            "swapped": p.swapped,
            "adopt_year": p.adopt_year,
            "operating_days": p.operating_days,
            "new_lines": [(n.new_id, n.sector, n.start_year, n.count, n.operating_days) for n in p.new_lines],
        }
    return out


def meets_hard_targets(instance: Instance, plan: Plan) -> bool:
    """Whether the evaluator finds every hard target of ``instance`` met by ``plan`` and every
    pace and supply limit held (a province's share of a national supply among them)."""
    from optimizer.solve import limits_exceeded

    evaluation = evaluate(instance, plan)
    return all_hard_met(
        check_targets(instance, evaluation.arrays, evaluation.values)
    ) and not limits_exceeded(instance, evaluation, plan)
