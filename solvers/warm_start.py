"""A starting plan for HiGHS: relax and fix by year, or relax and round.

**Relax and fix by year** (models with more than one model year). For each model year in
turn, solve the MIP in which only that year's integer variables are integer, every earlier
year's are fixed at the values already chosen and every later year's are relaxed; then fix that
year. The last step fixes the last year and a final LP sets the continuous part. Each step sees
the future through its relaxation, so the fixed years rarely leave a later year without a
feasible completion, and each step is a MIP of one year's decisions, not six. From the second
step on, HiGHS starts from "every line stays as it was last year" when the LP finds that
feasible, so a step that runs out of time still has a plan. Measured on
zhejiang (6 model years, 17 784 integers, loaded two-core machine): HiGHS alone held no plan
after 240 s; relax and fix gave a plan 1.0 % above the LP bound in 93 s (steps of 25, 60, 3, 2,
2 and 1 s at a 1 % step gap), while relax and round was infeasible.

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
from dataclasses import dataclass, replace

import numpy as np
import pyomo.environ as pyo

from optimizer.models.data import ModelData
from optimizer.solvers.base import Solver, SolverOptions, StandardForm, Status
from optimizer.solvers.greedy_plan import greedy_plan
from optimizer.solvers.neighbourhood_search import Neighbourhoods, has_large_sector, search


@dataclass
class WarmStart:
    x: np.ndarray | None
    objective: float | None
    seconds: float
    note: str
    bound: float | None = None
    """A valid lower bound on the full model's objective, when the start proved one: the first
    relax-and-fix step is the full model with only its year integer, a relaxation of it."""
    interrupted: bool = False
    """Ctrl-C or SIGTERM came while the plan was being improved: ``x`` is the best full plan so
    far, and no solver may run again in this process."""


POLISH_SHARE = 0.3
"""One racer (no neighbourhood search beside HiGHS): share of the time left the search may
take before HiGHS, on models with a sector too large to search whole."""

GREEDY_BUDGET_S = 20.0
"""Most the greedy plan may take; it needs 1-3 s on a province."""

STEP_GAP = 1e-2
"""Relative gap each relax-and-fix step is solved to: the start only has to be good, HiGHS
closes the rest from it."""

WARM_START_SHARE = 0.6
"""Share of the time left that the starting plan may take; the rest is HiGHS's from the start."""

SHORT_RUN_S = 60.0
"""Of the first this many seconds left, the starting plan may take :data:`SHORT_RUN_SHARE`:
HiGHS alone found no plan for zhejiang in 60 s (one thread, HiGHS 1.16), so in a short run the
starting plan is the only way to a plan at all."""

SHORT_RUN_SHARE = 0.9

FIRST_STEP_SHARE = 0.8
"""Share of the relax-and-fix budget the first model year's step may take. Once it is fixed,
every later year has a fallback (stay as the year before), so the first step decides whether
a short run has a plan: at 30 s on every seed province a first step given half the budget
(7-9 s) ended without a plan, while its root heuristic alone needs about 5 s on zhejiang."""


def warm_start_budget_s(time_left_s: float) -> float:
    """Seconds the starting plan may take of ``time_left_s``."""
    return max(WARM_START_SHARE * time_left_s, SHORT_RUN_SHARE * min(time_left_s, SHORT_RUN_S))


def integer_years(model: pyo.ConcreteModel, form: StandardForm, columns: list) -> np.ndarray:
    """Model year of every integer column (its variable's last index), -1 for the others."""
    year = np.full(len(columns), -1, dtype=np.int64)
    for i, var in enumerate(columns):
        if form.integer[i]:
            index = var.index()
            t = index[-1] if isinstance(index, tuple) else index
            year[i] = int(t) if isinstance(t, (int, np.integer)) else -1
    return year


def previous_year_columns(form: StandardForm, year: np.ndarray) -> np.ndarray:
    """For each integer column of year t, the same variable's column at the model year before
    t (``x[l,j,2027]`` → ``x[l,j,2026]``), -1 where there is none."""
    years = sorted({int(y) for y in year[form.integer] if y >= 0})
    before = dict(zip(years[1:], years[:-1], strict=False))
    where = {name: i for i, name in enumerate(form.col_names)}
    previous = np.full(len(year), -1, dtype=np.int64)
    for i in np.flatnonzero(form.integer & (year >= 0)):
        head, _, tail = form.col_names[i].rpartition(",")
        t_before = before.get(int(year[i]))
        if t_before is not None and tail == f"{year[i]}]":
            previous[i] = where.get(f"{head},{t_before}]", -1)
    return previous


def _carry_forward(
    form: StandardForm,
    lower: np.ndarray,
    upper: np.ndarray,
    this_year: np.ndarray,
    previous: np.ndarray,
    solver: Solver,
    options: SolverOptions,
) -> np.ndarray | None:
    """A start for one step: every line keeps its previous year's state, later years relaxed.

    Staying put satisfies persistence and finality by construction; the LP finds the rest of
    the step's plan or proves that this year needs a change (then there is no start).
    """
    cols = np.flatnonzero(this_year & (previous >= 0))
    if len(cols) == 0 or np.isnan(lower[previous[cols]]).any():
        return None
    stay = copy(form)
    stay.col_lower, stay.col_upper = lower.copy(), upper.copy()
    stay.col_lower[cols] = stay.col_upper[cols] = lower[previous[cols]]
    stay.integer = np.zeros_like(form.integer)
    result = solver.solve_lp_duals(stay, options)
    return result.x if result.status is Status.OPTIMAL else None


def _stay_from(
    form: StandardForm,
    year: np.ndarray,
    previous: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    years: list[int],
    why: str,
) -> str:
    """Fix ``years`` (in place) at the last fixed year's state: every line stays as it was.

    The fallback when relax and fix runs out of time: the final LP then says whether staying
    put completes the plan."""
    for t in years:
        cols = np.flatnonzero(form.integer & (year == t) & (previous >= 0))
        lower[cols] = upper[cols] = lower[previous[cols]]
    return f"{years[0]}-{years[-1]} kept as the year before ({why})"


def relax_and_fix_by_year(
    form: StandardForm,
    year: np.ndarray,
    solver: Solver,
    options: SolverOptions,
    budget_s: float,
    step_gap: float = STEP_GAP,
) -> WarmStart:
    """One MIP per model year, later years relaxed, earlier years fixed (module docstring).

    ``year`` gives each integer column's model year (:func:`integer_years`); integer columns
    without one (-1) stay integer in every step. The steps share ``budget_s``: the first may take
    :data:`FIRST_STEP_SHARE` of it, each later one half of the budget left (the last step all
    of it), so time a quick step saves goes to the
    later ones.
    """
    import time

    t0 = time.perf_counter()
    years = sorted({int(y) for y in year[form.integer] if y >= 0})
    previous = previous_year_columns(form, year)
    lower, upper = form.col_lower.copy(), form.col_upper.copy()
    steps: list[str] = []
    bound: float | None = None
    for k, t in enumerate(years):
        left = budget_s - (time.perf_counter() - t0)
        if left <= 0 and k > 0:
            steps.append(_stay_from(form, year, previous, lower, upper, years[k:], "no time left"))
            break
        if left <= 0:
            return WarmStart(None, None, time.perf_counter() - t0, f"relax and fix: no time left at {t}")
        step = copy(form)
        step.col_lower, step.col_upper = lower.copy(), upper.copy()
        step.integer = form.integer & ((year == t) | (year < 0))
        # the first years carry the early targets and are the hard steps (zhejiang: 25 s for
        # 2025, 2-3 s for 2027-30), so each step may take half of what is left (the first
        # more, FIRST_STEP_SHARE), the last all
        share = 1.0 if k == len(years) - 1 else FIRST_STEP_SHARE if k == 0 else 0.5
        step_options = replace(options, time_limit_s=left * share, mip_rel_gap=step_gap, progress=None)
        start = (
            _carry_forward(form, lower, upper, form.integer & (year == t), previous, solver, step_options)
            if k > 0
            else None
        )
        result = solver.solve(step, step_options, start=start)
        if k == 0 and result.bound is not None and np.isfinite(result.bound):
            bound = float(result.bound)
        together = [t]
        if result.x is None and k > 0 and result.status is Status.INFEASIBLE:
            # the year before was fixed seeing this one only relaxed (a pace limit of 1.6 lines
            # a year is 1.6 half-retrofits in the LP): decide both years in one MIP instead
            together = [years[k - 1], t]
            redo = np.isin(year, together) & form.integer
            kept_lower, kept_upper = lower[redo].copy(), upper[redo].copy()
            lower[redo], upper[redo] = form.col_lower[redo], form.col_upper[redo]
            step.col_lower, step.col_upper = lower.copy(), upper.copy()
            step.integer = form.integer & (np.isin(year, together) | (year < 0))
            left = budget_s - (time.perf_counter() - t0)
            step_options = replace(step_options, time_limit_s=max(left * share, 1.0))
            result = solver.solve(step, step_options)
            if result.x is not None:
                steps.pop()
            else:  # keep the year before as it was fixed, for the fallback below
                lower[redo], upper[redo] = kept_lower, kept_upper
        if result.x is None and k > 0:
            steps.append(_stay_from(form, year, previous, lower, upper, years[k:], result.termination))
            break
        if result.x is None:
            return WarmStart(
                None, None, time.perf_counter() - t0, f"relax and fix: no plan for {t} ({result.termination})"
            )
        label = "-".join(str(y) for y in together)
        steps.append(
            f"{label} {result.wall_seconds:.0f}s"
            + ("" if start is None or len(together) > 1 else " from last year's")
        )
        fixed = form.integer & np.isin(year, together)
        lower[fixed] = upper[fixed] = np.round(result.x[fixed])
    final = copy(form)
    final.col_lower, final.col_upper = lower, upper
    final.integer = form.integer & (year < 0)
    result = solver.solve(final, options) if final.integer.any() else solver.solve_lp_duals(final, options)
    seconds = time.perf_counter() - t0
    if result.status is not Status.OPTIMAL or result.x is None:
        return WarmStart(
            None, None, seconds, f"relax and fix: final LP {result.termination} (steps {', '.join(steps)})"
        )
    x = result.x.copy()
    x[form.integer] = np.round(x[form.integer])
    return WarmStart(
        x, result.objective, seconds, f"relax-and-fix start found (steps {', '.join(steps)})", bound=bound
    )


POLISH_WINDOW_YEARS = 2
"""Model years re-optimised together by each fix-and-optimise step."""


def fix_and_optimise_by_years(
    form: StandardForm,
    year: np.ndarray,
    start: WarmStart,
    solver: Solver,
    options: SolverOptions,
    budget_s: float,
    step_gap: float = STEP_GAP / 10,
) -> WarmStart:
    """Improve a plan window by window: the integer decisions of :data:`POLISH_WINDOW_YEARS`
    consecutive model years free, every other year's fixed at the plan, HiGHS started from it.

    Each step's start is feasible, so a step can only improve the plan (or keep it when its
    time runs out). Relax and fix chooses each year seeing the later ones only through their
    relaxation; this step lets two years trade decisions (close a line a year later, retrofit
    it a year earlier) with the rest of the plan as it is.
    """
    import time

    if start.x is None or start.objective is None:
        return start
    t0 = time.perf_counter()
    years = sorted({int(y) for y in year[form.integer] if y >= 0})
    x, objective = start.x, start.objective
    windows = [years[i : i + POLISH_WINDOW_YEARS] for i in range(0, len(years), POLISH_WINDOW_YEARS)]
    interrupted = False
    for k, window in enumerate(windows):
        left = budget_s - (time.perf_counter() - t0)
        if left <= 1.0:
            break
        free = form.integer & np.isin(year, window)
        fixed = form.integer & ~free
        step = form.with_columns_fixed(fixed, x)
        share = 1.0 if k == len(windows) - 1 else 0.5
        step_options = replace(options, time_limit_s=left * share, mip_rel_gap=step_gap, progress=None)
        result = solver.solve(step, step_options, start=x)
        if result.x is not None and result.objective is not None and result.objective < objective:
            x, objective = result.x.copy(), float(result.objective)
        if result.interrupted:  # keep the best full plan: the run writes it, verified
            interrupted = True
            break
    x[form.integer] = np.round(x[form.integer])
    seconds = time.perf_counter() - t0
    gain = (start.objective - objective) / max(abs(start.objective), 1e-9)
    return WarmStart(
        x,
        objective,
        start.seconds + seconds,
        f"{start.note}; fix and optimise by {POLISH_WINDOW_YEARS}-year "
        f"windows {seconds:.0f}s, {gain:.2%} cheaper" + (", interrupted" if interrupted else ""),
        bound=start.bound,
        interrupted=interrupted,
    )


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
        start = WarmStart(quick.x, quick.objective, quick.seconds, quick.note, interrupted=quick.interrupted)
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
        return polish_by_neighbourhoods(form, start, hoods, polish_s)
    # the greedy repair got stuck: build the plan year by year instead, with the time left
    left = budget - quick.seconds
    rest = replace(options, time_limit_s=max(options.time_limit_s - quick.seconds, 0.0))
    if several_years:
        plan = relax_and_fix_by_year(form, year, solver, rest, left)
        plan = fix_and_optimise_by_years(form, year, plan, solver, rest, left - plan.seconds)
    else:
        plan = relax_and_round(model, d, form, columns, solver, rest)
    return replace(plan, note=f"{quick.note}; {plan.note}", seconds=quick.seconds + plan.seconds)


def polish_by_neighbourhoods(
    form: StandardForm, start: WarmStart, hoods: Neighbourhoods, budget_s: float
) -> WarmStart:
    """``start`` improved by the neighbourhood search for ``budget_s`` (in this process); a
    Ctrl-C keeps the best plan so far, marked interrupted."""
    import time

    assert start.x is not None and start.objective is not None
    t0 = time.perf_counter()
    best: list[tuple[float, np.ndarray]] = [(start.objective, start.x)]

    def keep(objective: float, x: np.ndarray) -> None:
        best.append((objective, x))

    interrupted = False
    try:
        search(form, hoods, start.x, t0 + budget_s, keep)
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
        interrupted=interrupted,
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
        return WarmStart(None, None, time.perf_counter() - t0, f"LP relaxation: {lp.termination}")
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
        return WarmStart(None, None, seconds, f"rounded plan infeasible ({result.termination})")
    x = result.x.copy()
    x[form.integer] = np.round(x[form.integer])
    return WarmStart(x, result.objective, seconds, "relax-and-round start found")
