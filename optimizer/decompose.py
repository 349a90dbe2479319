"""Large fleets (the 31-province national instance) solved by province, on dask.distributed.

The national model is the provinces' models coupled only by national targets: each province
keeps its base-year market share of demand (cement and clinker travel little; stated
assumption), so demand, line states and swaps are provincial.

* Lower bound: each province with the coupling targets dropped (a relaxation); the sum of
  their solvers' dual bounds bounds the national optimum from below. These are solved first.
* Upper bound (a feasible national plan): when the lower-bound plans together meet every national
  target (the evaluator checks the assembled plan), they are the national plan and nothing more
  is solved. Otherwise every coupling target is allocated to provinces by a rule that makes the
  provincial targets sufficient for the national one — shares, cuts and peaks apply unchanged
  in each province (a pooled share is at least the smallest provincial share; a sum of
  non-increasing paths is non-increasing); caps and floors are split in proportion to base-year
  capacity, emissions, roof area or line count; a national supply (supplies.csv province ``*``)
  by base-year output, as demand, while a lower bound may use all of it — and only the
  provinces whose lower-bound plan misses its share are solved again under it ("upper"
  sub-problems). A lower-bound plan that meets its share is feasible for its upper sub-problem
  and within its own gap of that sub-problem's optimum (a relaxation's optimum is no higher),
  so solving again buys nothing. The assembled plan is re-evaluated and every national
  target, pace and supply limit checked by the evaluator.
* The gap of the whole is (upper − lower) / upper, reported as it is (rounding below
  :data:`GAP_ROUNDING` aside: a bound a hair above the plan is the same figure summed in another order).

Scenario overrides (``--carbon-price``, ``--set``) go on the national instance, in the main
process, before anything is solved: a bad ``--set`` fails there with the single-province error,
and the assembled plan is re-evaluated and checked under the prices it was planned under. Each
worker re-loads the instance from its folder and applies the same overrides to the national
instance before the targets are split (a ``--set`` on lines or targets changes the shares).
They cannot ride in the sub-problem's ``RunOptions``: ``apply_overrides`` re-loads the instance
from its folder, which would bring every province and the unsplit targets back.

Myopic planning (``--mode myopic``): every province's upper-bound sub-problem is solved, planned
myopically (a perfect-foresight lower-bound plan is no myopic plan), so the national plan is the
provinces' myopic plans under the allocated targets. The lower bound stays
a perfect-foresight relaxation: a myopic sub-problem's dual bound only bounds its last step with
the earlier steps' decisions fixed, which bounds nothing national. The perfect-foresight bound
is below the NPV of every feasible plan, the myopic one included, so the gap is still an honest
distance to the (perfect-foresight) optimum, but it also holds the cost of not anticipating
later targets: it is reported as the gap *versus the perfect-foresight lower bound*
(``gap_vs_perfect_foresight_bound`` in summary.json, with ``mip_gap`` left empty), never as an
optimality gap of the myopic plan. For the same reason a province whose allocated share is out
of its myopic reach does not fall back on its perfect-foresight lower-bound plan; it is planned
again, myopically, without the coupling targets ("relaxed" sub-problems).

Each sub-problem's time limit is ``--time-limit`` scaled by its province's lines over the mean
(within :data:`LIMIT_SCALE`), and the longest are started first.

Sub-problems run as tasks on a dask LocalCluster (processes, one thread each) or on an existing
scheduler; the same code path for both.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from rich.console import Console

from optimizer.data.instance import Instance
from optimizer.decompose_province import ProvinceTask, SubproblemSolver, solve_province
from optimizer.decompose_targets import province_targets
from optimizer.evaluator.api import Evaluation, evaluate
from optimizer.evaluator.plan import NewLine, Plan
from optimizer.evaluator.targets import all_hard_met, check_targets, missed_hard
from optimizer.local_cluster import local_cluster
from optimizer.overrides import apply_overrides
from optimizer.portfolio.company import subset_instance
from optimizer.run_options import PlanResult, RunOptions

__all__ = ["ProvinceTask", "SubproblemSolver", "province_targets", "solve_national", "solve_province"]

if TYPE_CHECKING:
    from distributed import Client

MODES = ("perfect", "myopic")
GAP_ROUNDING = 1e-12
"""A national gap this far below zero is rounding, reported as 0; beyond it the bound is wrong."""
LIMIT_SCALE = (0.5, 3.0)
"""Least and most a sub-problem's time limit is scaled from --time-limit (by its lines over the
provinces' mean: see :func:`sub_problem_limits`)."""
FALLBACK_BOUND = {"perfect": "lower", "myopic": "relaxed"}
"""Which sub-problem (coupling targets dropped) stands in for a province without an upper-bound
plan: one planned with the run's own foresight, so a myopic plan never holds perfect-foresight
provinces."""
FALLBACK_NOTE = {"lower": "lower-bound plan used", "relaxed": "myopic plan without the coupling targets used"}


@dataclass
class NationalResult:
    provinces: pd.DataFrame
    upper_cny: float | None
    lower_cny: float | None  # always a perfect-foresight bound (see the module docstring)
    gap: float | None  # (upper − lower) / upper: an optimality gap only when mode is perfect
    plan: Plan | None
    evaluation: Evaluation | None
    targets: pd.DataFrame | None
    seconds: float
    workers: int
    instance: Instance  # the national instance with the overrides, as the plan was checked
    mode: str
    # hard national targets the lower-bound plans missed together ("target year"), so the
    # provinces short of their share were solved again; None when that was not tried (myopic)
    lower_plans_missed: list[str] | None = None
    limits_exceeded: list[str] | None = None  # national pace and supply rows the plan breaks


def assemble(instance: Instance, parts: list[dict]) -> Plan:
    plan = Plan.business_as_usual(instance)
    position = {lid: i for i, lid in enumerate(instance.lines.index)}
    for part in parts:
        rows = np.array([position[lid] for lid in part["line_ids"]], dtype=np.int64)
        p = part["plan"]
        plan.retire_year[rows] = p["retire_year"]
        plan.swapped[rows] = p["swapped"]
        plan.adopt_year[rows] = p["adopt_year"]
        plan.operating_days[rows] = p["operating_days"]
        for new_id, sector, start, count, days in p["new_lines"]:
            plan.new_lines.append(
                NewLine(f"{part['province']}-{new_id}", sector, start, count, days, part["province"])
            )
    return plan


def choose_plans(parts: list[dict], mode: str) -> tuple[list[dict], dict[str, str]]:
    """Each province's part for the national plan, and a status note per province that fell back.

    A province's upper-bound plan when it was solved and found one; otherwise its plan without
    the coupling targets, planned with the run's foresight: in perfect foresight that is the
    lower-bound plan, which stands in unnoted where no upper sub-problem was needed (it met its
    share, or the lower-bound plans met the national targets together). Where the upper
    sub-problem found no plan the note says so, and the national check then says whether the
    other provinces carried the national targets anyway. A province with neither plan is left
    out, so fewer parts than provinces means there is no national plan.
    """
    fallback_kind = FALLBACK_BOUND[mode]
    by_kind = {(p["province"], p["bound_kind"]): p for p in parts}
    chosen, notes = [], {}
    for province in dict.fromkeys(p["province"] for p in parts):
        upper, fallback = by_kind.get((province, "upper")), by_kind.get((province, fallback_kind), {})
        if upper is not None and "plan" in upper:
            chosen.append(upper)
        elif "plan" in fallback:
            chosen.append(fallback)
            if upper is not None:
                notes[province] = f"{upper['status']} ({FALLBACK_NOTE[fallback_kind]})"
    return chosen, notes


def _national_plan(instance: Instance, chosen: list[dict], provinces: int) -> tuple | None:
    """The assembled plan, its evaluation, its national target check and the national pace and
    supply rows it breaks; None without a plan for every province."""
    if len(chosen) != provinces:
        return None
    plan = assemble(instance, chosen)
    evaluation = evaluate(instance, plan)
    targets = check_targets(instance, evaluation.arrays, evaluation.values)
    from optimizer.solve import limits_exceeded  # the single run's own check; it imports Pyomo

    return plan, evaluation, targets, limits_exceeded(instance, evaluation, plan)


def _missed(national: tuple) -> list[str]:
    """Hard targets ("target year") and limits the assembled plan breaks."""
    missed = missed_hard(national[2])
    return [f"{t} {y}" for t, y in zip(missed["target_id"], missed["year"], strict=True)] + national[3]


def solve_national(
    instance: Instance,
    time_limit_s: float = 60.0,
    gap: float = 5e-3,
    workers: int = 2,
    scheduler: str | None = None,
    provinces: list[str] | None = None,
    progress: bool = True,
    *,
    carbon_price_cny_per_tco2: float | None = None,
    overrides: list[str] | None = None,
    mode: str = "perfect",
    solver: SubproblemSolver | None = None,
) -> NationalResult:
    """Solve every province's lower-bound sub-problem, then the upper-bound ones needed (see the
    module docstring), on dask, and assemble the plan.

    Myopic runs solve every province twice, and a third time ("relaxed") only when its
    upper-bound sub-problem gave no plan (see :func:`choose_plans`).

    ``instance`` is the national instance as loaded from its folder: the overrides are applied
    to it here (they re-load from the folder), then ``provinces`` selects its provinces.
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r} (expected perfect or myopic)")
    t0 = time.perf_counter()
    sets = list(overrides or [])
    instance = apply_overrides(instance, carbon_price_cny_per_tco2, sets)
    names = provinces or sorted(instance.lines["province"].unique())
    if provinces:
        instance = replace(instance, lines=instance.lines[instance.lines["province"].isin(provinces)])
        instance = subset_instance(
            instance, instance.lines, instance.targets, instance.name, instance.decisions
        )
    path = str(Path(instance.path).resolve())
    limits = sub_problem_limits(instance.lines["province"].value_counts(), time_limit_s)

    def task(province: str, bound: str) -> ProvinceTask:
        foresight = "perfect" if bound == "lower" else mode
        return ProvinceTask(
            path,
            province,
            bound,
            limits[province],
            gap,
            carbon_price_cny_per_tco2,
            sets,
            foresight,
            solver or SubproblemSolver(),
        )

    national = missed = None
    with _dask_client(workers, scheduler) as client:
        if mode == "perfect":
            parts = _run_tasks(client, [task(p, "lower") for p in names], progress)
            national = _national_plan(instance, choose_plans(parts, mode)[0], len(names))
            missed = [] if national is None else _missed(national)
            if national is None or missed:
                national = None
                short = [p["province"] for p in parts if not p.get("meets_allocation", False)]
                parts += _run_tasks(client, [task(p, "upper") for p in short], progress)
        else:
            parts = _run_tasks(client, [task(p, b) for p in names for b in ("upper", "lower")], progress)
            # only the provinces that need one: most upper-bound sub-problems succeed
            missing = [p["province"] for p in parts if p["bound_kind"] == "upper" and "plan" not in p]
            parts += _run_tasks(client, [task(p, FALLBACK_BOUND[mode]) for p in missing], progress)
    chosen, notes = choose_plans(parts, mode)
    national = national or _national_plan(instance, chosen, len(names))
    table = pd.DataFrame([{k: v for k, v in p.items() if k not in {"plan", "line_ids"}} for p in parts])
    table["in_plan"] = [any(p is c for c in chosen) for p in parts]
    for province, note in notes.items():
        table.loc[(table["province"] == province) & (table["bound_kind"] == "upper"), "status"] = note
    plan, evaluation, targets, exceeded = national or (None, None, None, None)
    upper = evaluation.npv_cny if evaluation is not None else None
    lower = gap_all = None
    if not _without_bound(table):
        lower = float(sum(p["bound_cny"] for p in parts if p["bound_kind"] == "lower"))
    if upper is not None and lower is not None:
        gap_all = (upper - lower) / abs(upper)
        if -GAP_ROUNDING < gap_all < 0:  # equal sums added in another order (-1.7e-16 seen)
            gap_all = 0.0
    return NationalResult(
        provinces=table.sort_values(["province", "bound_kind"]),
        upper_cny=upper,
        lower_cny=lower,
        gap=gap_all,
        plan=plan,
        evaluation=evaluation,
        targets=targets,
        seconds=time.perf_counter() - t0,
        workers=workers,
        instance=instance,
        mode=mode,
        lower_plans_missed=missed,
        limits_exceeded=exceeded,
    )


@contextmanager
def _dask_client(workers: int, scheduler: str | None) -> Iterator[Client]:
    """A client of ``scheduler``, or of a new LocalCluster closed on exit."""
    from distributed import Client

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with local_cluster(workers, dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def sub_problem_limits(lines_per_province: pd.Series, time_limit_s: float) -> dict[str, float]:
    """Each province's time limit: ``time_limit_s`` for a province of the mean size, scaled by
    its lines within :data:`LIMIT_SCALE`.

    One limit for all gave Anhui (474 lines, 146 k columns) no root LP in 150 s on a shared
    machine, so no national bound, while 90-line provinces prove their gap in 10-35 s."""
    scale = lines_per_province / lines_per_province.mean()
    low, high = LIMIT_SCALE
    return {str(p): float(time_limit_s * min(max(f, low), high)) for p, f in scale.items()}


def _run_tasks(client: Client, tasks: list[ProvinceTask], progress: bool) -> list[dict]:
    if not tasks:
        return []
    from distributed import as_completed

    # the longest first: a large province started last would run alone at the end
    tasks = sorted(tasks, key=lambda t: -t.time_limit_s)
    futures = client.map(solve_province, tasks, pure=False)
    parts = []
    for done, future in enumerate(as_completed(futures), start=1):
        parts.append(future.result())
        if progress:
            print(f"\r  sub-problems {done}/{len(tasks)}", end="", flush=True)
    if progress:
        print()
    return parts


def national_ok(result: NationalResult) -> bool:
    return result.targets is not None and all_hard_met(result.targets) and not result.limits_exceeded


DECOMPOSE_LINES = 1500
"""Instances with more lines are solved by province unless told otherwise."""


def subproblem_solver(options: RunOptions) -> SubproblemSolver:
    """The HiGHS settings of ``options`` every sub-problem gets."""
    return SubproblemSolver(seed=options.seed, threads=options.threads, warm_start=options.warm_start)


def plan_result(result: NationalResult) -> PlanResult:
    """The national result as every run's result type (what :func:`optimizer.write.write_run`
    writes): NPV and bound of the assembled plan, its verified targets and the run's status."""
    from optimizer.exit_codes import EXIT_NO_PLAN, EXIT_OK, EXIT_VERIFY

    code = EXIT_NO_PLAN
    if result.plan is not None and result.targets is not None:
        code = EXIT_OK if national_ok(result) else EXIT_VERIFY
    status = "feasible" if code == EXIT_OK else ("no_plan" if result.plan is None else "targets_missed")
    return PlanResult(
        status,
        code,
        result.upper_cny,
        result.upper_cny,
        # a myopic plan has no optimality gap to report; its distance to the perfect-foresight
        # bound also holds the cost of myopia, so it goes under its own name only
        result.gap if result.mode == "perfect" else None,
        result.lower_cny,
        None,
        result.plan,
        result.evaluation,
        result.targets,
        {"total_s": result.seconds},
        {},
    )


def run_decomposed(
    instance: Instance, options: RunOptions, console: Console, solver: SubproblemSolver | None = None
) -> int:
    """CLI path for large instances: solve by province, verify nationally, write the outputs."""
    from optimizer.console import print_targets
    from optimizer.write import write_run

    console.print(
        f"[bold]{instance.name}[/]: {len(instance.lines)} lines, solved by province "
        f"({instance.lines['province'].nunique()} provinces, {options.workers} workers"
        + (f", scheduler {options.scheduler}" if options.scheduler else "")
        + _scenario_note(options.carbon_price, options.overrides, options.mode)
        + ")"
    )
    result = solve_national(
        instance,
        options.time_limit_s,
        options.gap,
        options.workers,
        options.scheduler,
        carbon_price_cny_per_tco2=options.carbon_price,
        overrides=list(options.overrides),
        mode=options.mode,
        solver=solver or subproblem_solver(options),
    )
    planned = plan_result(result)
    if result.targets is not None:
        print_targets(result.targets, console, options.report_lang, instance)
    console.print(
        f"upper bound (plan NPV) {_cny(result.upper_cny)}, lower bound "
        f"{_cny(result.lower_cny)}, {_gap_text(result)}, {result.seconds:.0f} s"
    )
    if result.lower_plans_missed:
        again = int((result.provinces["bound_kind"] == "upper").sum())
        console.print(
            f"the lower-bound plans missed {', '.join(result.lower_plans_missed)} together: "
            f"{again} province(s) short of their share solved again under it"
        )
    if result.limits_exceeded:
        console.print(f"[red]verification failed: the plan exceeds {', '.join(result.limits_exceeded)}[/]")
    unbounded = _without_bound(result.provinces)
    if unbounded:
        console.print(
            f"[yellow]no lower bound: {', '.join(unbounded)} had no dual bound within "
            "their time limit (neither their LP relaxation nor HiGHS's root LP was solved); a "
            "longer --time-limit gives one[/]"
        )
    if options.write:
        write_run(
            result.instance,
            options,
            planned,
            console,
            tables={"provinces": result.provinces},
            summary={
                "method": "decomposition by province (see optimizer/decompose.py)",
                "gap_vs_perfect_foresight_bound": result.gap,
                "lower_bound_plans_missed": result.lower_plans_missed,
                "workers": options.workers,
                "lines": len(instance.lines),
            },
            report_instance=result.instance,
        )
    return planned.exit_code


def _scenario_note(carbon_price_cny_per_tco2: float | None, sets: list[str], mode: str) -> str:
    note = (
        f", carbon price {carbon_price_cny_per_tco2:,.0f} CNY/tCO2"
        if carbon_price_cny_per_tco2 is not None  # 0 is an override too
        else ""
    )
    note += "".join(f", --set {s}" for s in sets)
    return note + (", myopic" if mode == "myopic" else "")


def _without_bound(provinces: pd.DataFrame) -> list[str]:
    """Provinces whose lower-bound sub-problem gave no finite bound: then the national one is
    unknown."""
    lowers = provinces[provinces["bound_kind"] == "lower"]
    bound = pd.to_numeric(lowers["bound_cny"], errors="coerce")
    return sorted(lowers.loc[~np.isfinite(bound), "province"])


def _cny(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} CNY"


def _gap_text(result: NationalResult) -> str:
    gap = f"{result.gap:.3%}" if result.gap is not None else "n/a"
    if result.mode == "perfect":
        return f"gap {gap}"
    return (
        f"gap vs the perfect-foresight lower bound {gap} (holds the cost of myopia: "
        "not an optimality gap of the myopic plan)"
    )
