"""Modelling to generate alternatives (MGA): near-optimal plans that differ as much as possible.

Method (Hop-Skip-Jump MGA, Brill et al. 1982, as in GenX/Temoa/PyPSA):

1. Solve the normal model (the same build, solve and verification as ``optimize``): optimum
   NPV ``C*``.
2. For k = 1..K, rebuild the model with the extra constraint

       NPV(x, q, r, ...) ≤ C* + S·|C*|                       (cost slack S, e.g. 0.02)

   and replace the objective by

       min  Σ_{p ∈ plans so far} ( Σ_{(l,j,t): x_p[l,j,t]=1} x[l,j,t] + Σ_{(l,t): r_p[l,t]=1} r[l,t] )

   i.e. minimise how often the new plan repeats a line-year package choice or retirement taken
   by an earlier plan. Each line-year holds exactly one package or is retired, so this is the
   same as maximising the Hamming distance, over the binaries x (package per line-year) and r
   (retired per line-year), to the plans found so far.
3. The discrete decisions of the MGA solution (x, r and the new-line counts n) are then fixed
   and the model is re-solved for the least-cost continuous operation (an LP) through the normal
   :func:`optimizer.solve.solve_built`, so each alternative is verified by the independent evaluator
   exactly like a normal run (model objective = evaluator NPV, every hard target met). The fixed
   re-solve can only lower the cost, so it stays within the slack.

The Hamming distance between two plans counts the binaries x and r on which they differ.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from optimizer.data.instance import Instance
from optimizer.diagnose import within_deadline
from optimizer.instance_model import BuiltModel, build_instance_model, load_solution
from optimizer.models.data import ModelData
from optimizer.models.extract import ModelDecisions, read_decisions
from optimizer.overrides import apply_overrides
from optimizer.run_options import PlanResult, RunOptions
from optimizer.solve import solve_built, solver_options_of
from optimizer.solvers.base import Solver, SolveResult, Status
from optimizer.solvers.registry import get_solver

Binary = tuple  # ("x", line, package, model year) or ("r", line, model year)
FIXED_LP_LIMIT_S = 60.0


@dataclass
class Alternative:
    """One plan of the MGA sequence (k = 0 is the optimum)."""

    k: int
    result: PlanResult
    ones: frozenset[Binary]  # the binaries x, r set to 1
    note: str = ""


def ones_of(decisions: ModelDecisions) -> frozenset[Binary]:
    """The binaries x[l,j,t] and r[l,t] that a plan sets to 1."""
    chosen: set[Binary] = {("x", l, j, t) for (l, t), j in decisions.package.items()}
    chosen |= {("r", l, t) for (l, t), gone in decisions.retired.items() if gone}
    return frozenset(chosen)


def hamming(a: frozenset[Binary], b: frozenset[Binary]) -> int:
    """Number of binaries on which two plans differ."""
    return len(a ^ b)


def cost_cap_cny(optimum_cny: float, slack: float) -> float:
    """C* + S·|C*|: the most an alternative may cost."""
    return optimum_cny + slack * abs(optimum_cny)


def mga_hook(
    earlier: list[frozenset[Binary]], cap_cny: float
) -> Callable[[pyo.ConcreteModel, ModelData], None]:
    """Adds ``NPV ≤ cap`` and makes ``min Σ_p Σ_{v ∈ ones_p} v`` the objective."""

    def hook(m: pyo.ConcreteModel, d: ModelData) -> None:
        m.mga_cost_cap = pyo.Constraint(expr=m.npv.expr <= cap_cny)
        m.npv.deactivate()
        terms = []
        for ones in earlier:
            for v in ones:
                terms.append(m.x[v[1], v[2], v[3]] if v[0] == "x" else m.r[v[1], v[2]])
        m.mga_overlap = pyo.Objective(expr=sum(terms), sense=pyo.minimize)

    return hook


def fix_discrete(decisions: ModelDecisions) -> Callable[[pyo.ConcreteModel, ModelData], None]:
    """Fixes x, r and the new-line counts n to ``decisions``; outputs stay free."""

    def hook(m: pyo.ConcreteModel, d: ModelData) -> None:
        for l, j, t in d.x_index:
            m.x[l, j, t].fix(1 if decisions.package.get((l, t)) == j else 0)
        for l, t in m.LT:
            m.r[l, t].fix(1 if decisions.retired[(l, t)] else 0)
        for s, t in m.ST_new:
            m.n[s, t].fix(decisions.new_count[(s, t)])

    return hook


WHOLE_MODEL_MAX_INTEGERS = 5_000
"""Above this many integer columns an MGA step goes straight to the sector windows: HiGHS over
every binary at once did not move off the optimum on zhejiang (17 784 integers) within 250 s,
so half of each step was spent for nothing; the tiny and company models keep the whole search."""

OPTIMUM_SHARE = 0.5
"""Share of ``--time-limit`` the optimum may take; the alternatives share the rest evenly. The
optimum sets the cost cap, but each alternative needs time too: an optimum that took the whole
limit (a province at the time limit) left none before."""


def start_from(result_of: BuiltModel, into: BuiltModel) -> np.ndarray:
    """The values a solved model holds, by column name, as a start for another build of it (the
    MGA model has the same variables; a column it lacks in the solved model starts at 0)."""
    named = zip(result_of.form.col_names, result_of.columns, strict=True)
    values = {name: float(v.value or 0.0) for name, v in named}
    return np.array([values.get(name, 0.0) for name in into.form.col_names])


def _same_binaries(built: BuiltModel, x: np.ndarray, start: np.ndarray) -> bool:
    ints = built.form.integer
    return bool(np.array_equal(np.round(x[ints]), np.round(start[ints])))


def integer_sectors(built: BuiltModel) -> np.ndarray:
    """Sector of every integer column: x[l,j,t] and r[l,t] by their line, n[s,t] by its sector;
    "" for the continuous columns."""
    sector = np.full(len(built.columns), "", dtype=object)
    for i in np.flatnonzero(built.form.integer):
        head = built.columns[i].index()[0]
        sector[i] = head if isinstance(head, str) else built.data.sector_of[int(head)]
    return sector


def _window_search(
    built: BuiltModel, solver: Solver, options: RunOptions, start: np.ndarray, step: int, deadline: float
) -> tuple[SolveResult, str]:
    """The MGA model with one sector's integers free (every year) and every other integer fixed
    at the optimum, sector after sector, largest first; the k-th alternative starts at the k-th
    sector, so alternatives differ where they are searched first. The first sector whose plan
    moves off the optimum gives the alternative (one that repeats an earlier alternative ends
    the sequence in :func:`generate_alternatives`). A sector, not a span of years: a line's
    closure and packages run through every year after it (closing the other twin of a pair
    changes both lines in every later year), and demand and targets are per sector. Each
    window is a fraction of the whole model, as in fix-and-optimise, started from the optimum
    (feasible in every window)."""
    form = built.form
    sector = integer_sectors(built)
    sizes = pd.Series(sector[form.integer]).value_counts()
    windows = list(sizes.index)
    offset = (step - 1) % len(windows)
    order = windows[offset:] + windows[:offset]
    last = SolveResult(Status.NO_SOLUTION, "no sector searched (no time left)")
    for k, name in enumerate(order):
        left = deadline - time.perf_counter()
        if left <= 1.0:
            break
        fixed = form.integer & (sector != name)
        sub = form.with_columns_fixed(fixed, start)
        window_options = within_deadline(
            solver_options_of(options), time.perf_counter() + left / (len(order) - k)
        )
        last = solver.solve(sub, window_options, start=start)
        if last.x is not None and not _same_binaries(built, last.x, start):
            return last, f"searched with only {name}'s decisions free"
    return last, ""


def generate_alternatives(instance: Instance, options: RunOptions, k: int, slack: float) -> list[Alternative]:
    """The optimum and up to ``k`` verified alternatives within ``slack`` of its cost.

    The optimum may take :data:`OPTIMUM_SHARE` of the time limit; each MGA solve then gets an
    even share of what is left and starts from the optimum (within any cost cap, so every step
    has a plan from its first second and can only move away from earlier plans). Stops early
    (with a note on the last element) when an MGA solve finds nothing new."""
    if k < 1:
        raise ValueError(f"--k must be at least 1 (got {k})")
    if not slack >= 0:
        raise ValueError(f"--slack must be a non-negative fraction, e.g. 0.02 (got {slack})")
    t_start = time.perf_counter()
    started_at = options.started_at if options.started_at is not None else t_start
    deadline = started_at + options.time_limit_s
    base_options = replace(
        options,
        shadow_prices=False,
        target_costs=False,
        mode="perfect",
        started_at=started_at,
        time_limit_s=OPTIMUM_SHARE * options.time_limit_s,
    )
    instance = apply_overrides(instance, options.carbon_price, options.overrides)
    timings0: dict[str, float] = {}
    first = build_instance_model(instance, timings0)
    packages = first.packages
    optimum = solve_built(instance, first, base_options, None, timings0, t_start)
    if optimum.plan is None or optimum.objective_cny is None:
        return [Alternative(0, optimum, frozenset(), "no optimum: no alternatives")]
    plans = [Alternative(0, optimum, ones_of(read_decisions(first.model, first.data)))]
    cap = cost_cap_cny(optimum.objective_cny, slack)
    solver = get_solver()
    for step in range(1, k + 1):
        built = build_instance_model(instance, {}, packages, fix=mga_hook([p.ones for p in plans], cap))
        step_deadline = time.perf_counter() + max(deadline - time.perf_counter(), 0.0) / (k - step + 1)
        start = start_from(first, built)
        if int(built.form.integer.sum()) > WHOLE_MODEL_MAX_INTEGERS:
            found, how = _window_search(built, solver, options, start, step, step_deadline)
        else:
            how = "searched over every year at once"
            share = (step_deadline - time.perf_counter()) / 2
            found = solver.solve(
                built.form,
                within_deadline(solver_options_of(options), time.perf_counter() + share),
                start=start,
            )
            if found.x is not None and _same_binaries(built, found.x, start):
                # HiGHS did not move off the optimum over all binaries at once: search one
                # sector at a time with the rest fixed instead
                found, how = _window_search(built, solver, options, start, step, step_deadline)
        if not found.has_solution or found.x is None:
            plans[-1].note = f"alternative {step}: no plan within the slack ({found.termination})"
            break
        load_solution(built.columns, found.x)
        decisions = read_decisions(built.model, built.data)
        fixed = build_instance_model(instance, {}, packages, fix=fix_discrete(decisions))
        timings: dict[str, float] = {"mga_solve_s": found.wall_seconds}
        # every discrete choice is fixed: an LP, given its own short clock past the deadline so
        # a found alternative is never lost to the limit
        result = solve_built(
            instance,
            fixed,
            replace(base_options, warm_start=False, started_at=None, time_limit_s=FIXED_LP_LIMIT_S),
            None,
            timings,
            time.perf_counter(),
            [
                f"MGA alternative {step}: within {slack:.2%} of the optimum "
                f"{optimum.objective_cny:,.0f} CNY, {how}"
            ],
        )
        ones = ones_of(decisions)
        same = [p for p in plans if hamming(p.ones, ones) == 0]
        if same:  # the MGA objective could not avoid an earlier plan: nothing new within the slack
            plans[-1].note = f"alternative {step}: no plan within the slack differs from plan {same[0].k}"
            break
        plans.append(Alternative(step, result, ones))
        if result.plan is None:
            break
    return plans


__all__ = [
    "Alternative",
    "cost_cap_cny",
    "fix_discrete",
    "generate_alternatives",
    "hamming",
    "mga_hook",
    "ones_of",
    "start_from",
]
