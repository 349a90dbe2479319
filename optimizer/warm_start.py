"""A starting plan for HiGHS: relax, round per line, then re-solve the continuous part.

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
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from optimizer.models.data import ModelData
from optimizer.solvers.base import Solver, SolverOptions, StandardForm, Status


@dataclass
class WarmStart:
    x: np.ndarray | None
    objective: float | None
    seconds: float
    note: str


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
