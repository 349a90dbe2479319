"""A starting plan for HiGHS: the greedy repair of line paths, else relax and fix by year
(:mod:`optimizer.solvers.year_by_year`), else relax and round.

**Relax and round** (single-year models, or as the fallback):

1. Solve the LP relaxation of the planning model.
2. For every line and model year keep the state (package or retirement) with the largest
   relaxed value; round replacement-line counts up.
3. Fix every integer variable there and solve the remaining LP (outputs, adoptions, salvage).

If that LP is feasible its solution is a complete feasible start; otherwise there is none. The
run reports whether a start was found and its cost, so the benefit can be measured.
"""

from __future__ import annotations

import math
from copy import copy
from dataclasses import replace

import numpy as np
import pyomo.environ as pyo

from optimizer.models.data import ModelData
from optimizer.solvers.base import Solver, SolverOptions, StandardForm, Status, WarmStart
from optimizer.solvers.greedy_plan import greedy_plan
from optimizer.solvers.neighbourhood_search import Neighbourhoods, has_large_sector, search
from optimizer.solvers.year_by_year import fix_and_optimise_by_years, integer_years, relax_and_fix_by_year

POLISH_SHARE = 0.45
"""One racer (no neighbourhood search beside HiGHS): share of the time left the search may
take before HiGHS, on models with a sector too large to search whole. It starts with the LP
relaxation (Anhui's national sub-problem: 89 s of its 394 s, then one guided step found a plan
within 0.31 % of HiGHS's bound; HiGHS itself had not improved on the search's plan in 260 s)."""

INFEASIBLE_CHECK_S = 3.0
"""Most the LP relaxation may take, after the greedy got stuck, to prove the model infeasible:
HiGHS's presolve does so in 0.4 s on zhejiang with an unreachable clean-energy target (the
greedy then has spent its budget), a full feasible LP takes 4-23 s and is cut off."""

GREEDY_BUDGET_S = 10.0
"""Most the greedy plan may take: it needs 1-3 s on a seed province; one that does not converge
(an instance whose targets cannot all be met) hands over to relax and fix."""

WARM_START_SHARE = 0.6
"""Share of the time left that the starting plan may take; the rest is HiGHS's from the start."""

SHORT_RUN_S = 60.0
"""Of the first this many seconds left, the starting plan may take :data:`SHORT_RUN_SHARE`:
HiGHS alone found no plan for zhejiang in 60 s (one thread, HiGHS 1.16), so in a short run the
starting plan is the only way to a plan at all."""

SHORT_RUN_SHARE = 0.9


def warm_start_budget_s(time_left_s: float) -> float:
    """Seconds the starting plan may take of ``time_left_s``."""
    return max(WARM_START_SHARE * time_left_s, SHORT_RUN_SHARE * min(time_left_s, SHORT_RUN_S))


def starting_plan(
    model: pyo.ConcreteModel,
    d: ModelData,
    form: StandardForm,
    columns: list,
    solver: Solver,
    options: SolverOptions,
) -> WarmStart:
    """The warm start a run uses: the greedy repair of line paths (a plan in 1-5 s on a
    province, :mod:`optimizer.solvers.greedy_plan`). Without a racing neighbourhood search
    (one racer), the neighbourhood search improves it here for the rest of the warm start's
    budget. When the greedy gets stuck: relax and fix by year, improved by fix and optimise
    (relax and round for a model of one model year)."""
    year = integer_years(model, form, columns)
    several_years = len({int(y) for y in year[form.integer] if y >= 0}) > 1
    budget = warm_start_budget_s(options.time_limit_s)
    quick = greedy_plan(d, form, columns, min(budget, GREEDY_BUDGET_S))
    if quick.x is not None and quick.objective is not None:
        start = WarmStart(
            quick.x,
            quick.objective,
            quick.seconds,
            quick.note,
            interrupted=quick.interrupted,
            first_plan_s=quick.first_plan_s,
        )
        if quick.interrupted:
            return start
        hoods = options.neighbourhoods
        polish_s = min(budget, POLISH_SHARE * options.time_limit_s) - quick.seconds
        if (
            hoods is None
            or len(hoods.line_of_col) != form.shape[1]
            or options.race > 1
            or polish_s < 1.0
            or not has_large_sector(form, hoods)
        ):
            return start
        # the LP relaxation in the polish is the run's bound too: it may use the whole solve's
        # time, not the polish's share (Anhui's national one needs 97-140 s of its 394)
        return polish_by_neighbourhoods(form, start, hoods, polish_s, options.time_limit_s - quick.seconds)
    # the greedy repair got stuck: targets out of reach (then the LP relaxation, mostly its
    # presolve, proves it at once) or a hard instance (build the plan year by year instead)
    check = replace(
        options, time_limit_s=min(INFEASIBLE_CHECK_S, max(options.time_limit_s - quick.seconds, 0.0))
    )
    relaxed = solver.solve_lp_duals(form, check) if check.time_limit_s > 0 else None
    spent = quick.seconds + (relaxed.wall_seconds if relaxed is not None else 0.0)
    if relaxed is not None and relaxed.status is Status.INFEASIBLE:
        return WarmStart.none(
            spent, f"{quick.note}; the LP relaxation is infeasible ({relaxed.termination})", infeasible=True
        )
    quick = replace(quick, seconds=spent)
    left = budget - quick.seconds
    rest = replace(options, time_limit_s=max(options.time_limit_s - quick.seconds, 0.0))
    if several_years:
        plan = relax_and_fix_by_year(form, year, solver, rest, left)
        plan = fix_and_optimise_by_years(form, year, plan, solver, rest, left - plan.seconds)
    else:
        plan = relax_and_round(model, d, form, columns, solver, rest)
    return replace(plan, note=f"{quick.note}; {plan.note}", seconds=quick.seconds + plan.seconds)


def polish_by_neighbourhoods(
    form: StandardForm,
    start: WarmStart,
    hoods: Neighbourhoods,
    budget_s: float,
    lp_window_s: float | None = None,
) -> WarmStart:
    """``start`` improved by the neighbourhood search for ``budget_s`` (in this process); a
    Ctrl-C keeps the best plan so far, marked interrupted. The search's LP relaxation bounds
    the model: a large sub-problem whose HiGHS run ends before its root LP still has a bound
    (Guizhou's national one had none in 196 s). The LP may take its share of ``lp_window_s``
    (the solve's time left) rather than of ``budget_s``, overrunning the polish when it must:
    Anhui's national LP (97 s alone, over 130 s beside a second worker) ran out of its share
    of the polish, leaving the country without a bound and Anhui's plan 2 % above its LP."""
    import time

    assert start.x is not None and start.objective is not None
    t0 = time.perf_counter()
    best: list[tuple[float, np.ndarray]] = [(start.objective, start.x)]

    def keep(objective: float, x: np.ndarray) -> None:
        best.append((objective, x))

    bounds: list[float] = []
    interrupted = False
    try:
        search(form, hoods, start.x, t0 + budget_s, keep, on_bound=bounds.append, lp_window_s=lp_window_s)
    except KeyboardInterrupt:
        interrupted = True
    seconds = time.perf_counter() - t0
    objective, x = best[-1]
    gain = (start.objective - objective) / max(abs(start.objective), 1e-9)
    return WarmStart(
        x,
        objective,
        start.seconds + seconds,
        f"{start.note}; neighbourhood search {seconds:.0f}s, {gain:.2%} cheaper"
        + (", interrupted" if interrupted else ""),
        bound=bounds[0] if bounds else start.bound,
        interrupted=interrupted,
        first_plan_s=start.first_plan_s,
    )


def relax_and_round(
    model: pyo.ConcreteModel,
    d: ModelData,
    form: StandardForm,
    columns: list,
    solver: Solver,
    options: SolverOptions,
) -> WarmStart:
    import time

    t0 = time.perf_counter()
    lp = solver.solve_lp_duals(form, options)
    if lp.x is None:
        infeasible = lp.status is Status.INFEASIBLE
        seconds = time.perf_counter() - t0
        return WarmStart.none(seconds, f"LP relaxation: {lp.termination}", infeasible=infeasible)
    position = {id(v): i for i, v in enumerate(columns)}
    value = lp.x
    fixed_lower = form.col_lower.copy()
    fixed_upper = form.col_upper.copy()

    def fix(var: pyo.Var, v: float) -> None:
        i = position.get(id(var))
        if i is not None:
            fixed_lower[i] = fixed_upper[i] = v

    states: dict[tuple[int, int], list[tuple[float, tuple[str, int]]]] = {}
    for l, j, t in d.x_index:
        i = position.get(id(model.x[l, j, t]))
        states.setdefault((l, t), []).append((value[i] if i is not None else 0.0, ("x", j)))
    for l, t in model.LT:
        i = position.get(id(model.r[l, t]))
        states.setdefault((l, t), []).append((value[i] if i is not None else 0.0, ("r", -1)))
    for (l, t), options_lt in states.items():
        best = max(options_lt, key=lambda item: item[0])[1]
        for _, choice in options_lt:
            kind, j = choice
            var = model.x[l, j, t] if kind == "x" else model.r[l, t]
            fix(var, 1.0 if choice == best else 0.0)
    for s, t in model.ST_new:
        i = position.get(id(model.n[s, t]))
        if i is not None:
            fix(model.n[s, t], float(math.ceil(value[i] - 1e-6)))
    fixed = copy(form)
    fixed.col_lower, fixed.col_upper = fixed_lower, fixed_upper
    fixed.integer = np.zeros_like(form.integer)
    result = solver.solve_lp_duals(fixed, options)
    seconds = time.perf_counter() - t0
    if result.status is not Status.OPTIMAL or result.x is None:
        return WarmStart.none(seconds, f"rounded plan infeasible ({result.termination})")
    x = result.x.copy()
    x[form.integer] = np.round(x[form.integer])
    return WarmStart(x, result.objective, seconds, "relax-and-round start found")
