"""A starting plan built year by year: relax and fix, then fix and optimise.

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
"""

from __future__ import annotations

from copy import copy
from dataclasses import replace

import numpy as np
import pyomo.environ as pyo

from optimizer.solvers.base import Solver, SolverOptions, StandardForm, Status, WarmStart

STEP_GAP = 1e-2
"""Relative gap each relax-and-fix step is solved to: the start only has to be good, HiGHS
closes the rest from it."""

FIRST_STEP_SHARE = 0.8
"""Share of the relax-and-fix budget the first model year's step may take. Once it is fixed,
every later year has a fallback (stay as the year before), so the first step decides whether
a short run has a plan: at 30 s on every seed province a first step given half the budget
(7-9 s) ended without a plan, while its root heuristic alone needs about 5 s on zhejiang."""


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
            return WarmStart.none(time.perf_counter() - t0, f"relax and fix: no time left at {t}")
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
            # the first step relaxes every later year: its infeasibility is the model's
            return WarmStart.none(
                time.perf_counter() - t0,
                f"relax and fix: no plan for {t} ({result.termination})",
                infeasible=result.status is Status.INFEASIBLE,
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
        steps_done = ", ".join(steps)
        return WarmStart.none(seconds, f"relax and fix: final LP {result.termination} (steps {steps_done})")
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
