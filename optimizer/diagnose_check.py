r"""Which relaxations a diagnosis that stopped short of optimality really needs.

The diagnosis (:func:`optimizer.diagnose.explain_infeasibility`) solves the relaxed model

.. math::

    \min\; \Pi \sum_k s_k + \mathrm{cost}(x) \quad\text{s.t.}\quad
    a_k(x) + \sigma_k s_k \ge b_k \;\text{(or } a_k(x) - \sigma_k s_k \le b_k\text{)},\quad
    s \ge 0,\; x \in X

with :math:`s_k` the relaxation of target row k relative to its scale :math:`\sigma_k` and
:math:`\Pi` far above any plan cost. Stopped at its time limit, it returns *some* plan whose
relaxed rows :math:`\{k : s_k > 0\}` need not all be relaxed: zhejiang with an unreachable
clean-energy floor (ZJ-T4 at 1 000 000 MW) also relaxed ZJ-T3 by 7 points at a 1.16 % gap, a
target the feasible instance meets. A planner reads such a row as a second conflict.

1. For each relaxed row k, the LP relaxation (integrality dropped)

   .. math:: L_k = \min\; s_k \quad\text{s.t. the same rows, } s_j \ge 0 \text{ free of cost for } j \ne k

   bounds :math:`s_k` from below over every plan and every relaxation of the other targets
   (the LP's feasible set contains the MIP's). :math:`L_k > 0`: row k conflicts whatever
   else gives, by at least :math:`L_k` (a dual bound, :mod:`optimizer.diagnose_lp`). Rows
   are taken smallest relaxation first: the likeliest to need none.
2. The rows Z with :math:`L_k = 0` are not shown to need any relaxation. The MIP is solved
   again with :math:`s_k = 0` for :math:`k \in Z` (the others free and priced as before): a
   plan found there relaxes none of Z, and its own relaxed rows are checked the same way, Z
   growing each round. Proven infeasible, the rows of Z cannot all be met at once, though the
   LP meets each on its own.

A diagnosis proven optimal is not checked: its relaxation is a least total one. Both MIPs
start from the greedy plan of their form (:func:`greedy_start`), and the first leaves
:data:`CHECK_SHARE` of the time to the checks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass, field

import numpy as np

from optimizer.diagnose_lp import MET_TOL, LeastRelaxation
from optimizer.models.data import ModelData
from optimizer.solvers.base import Solver, SolveResult, SolverOptions, StandardForm, Status
from optimizer.solvers.greedy_plan import greedy_plan
from optimizer.solvers.warm_start import GREEDY_BUDGET_S

Key = tuple[str, int]
"""(target label, model year) of a target row, the index of its slack."""

Start = Callable[[StandardForm], "np.ndarray | None"]
"""A plan to start a MIP of the relaxed model (or of it with rows held met) from, or None."""

CHECK_SHARE = 0.5
"""Share of the time left that the diagnosis MIP leaves for these checks. On zhejiang (ZJ-T4 at
1 000 000 MW, a loaded two-core machine) one LP took 0-35 s, and the MIP holding rows met
needs its greedy start (3-4 s) and time to improve it; the first MIP, from its greedy start,
had stopped at a 4.2 % gap after 58 s relaxing 22 rows: more time buys a smaller gap, not a
proof."""

RELAXED_TOL = 1e-7
"""A slack above this (relative units) is a relaxation the diagnosis reports."""

NEEDED = {
    "yes": "the LP bound shows every plan relaxes it (least_relaxation_in_unit)",
    "least relaxation": "part of a least total relaxation (the diagnosis was proven optimal)",
    "not shown": "the LP meets it when the other targets are relaxed further",
    "not checked": "no time for its LP, an interruption, or an LP value its dual bound does not confirm",
}
"""Values of infeasibility.csv's ``needed`` column and what each means."""

GREEDY_SHARE = 0.2
"""Most of the time left the greedy start of a diagnosis MIP may take (and at most
:data:`optimizer.solvers.warm_start.GREEDY_BUDGET_S`)."""

RESOLVE_SHARE = 0.5
"""Share of the time left a MIP holding rows met may take (the rest is for the LPs of the rows
it relaxes); the LPs stop for it when they have used this share of theirs."""

MIN_LP_S = 0.5
MIN_RESOLVE_S = 2.0
"""An LP bound is not started with less than ``MIN_LP_S`` left, the MIP not solved again with
less than ``MIN_RESOLVE_S`` (as :data:`optimizer.diagnose.MIN_DIAGNOSIS_S`)."""


@dataclass
class Checked:
    """A diagnosis after the checks: the plan's relaxed rows and what the LP proved of each."""

    relaxed: dict[Key, float]
    """s_k > RELAXED_TOL of the plan reported (relative units)."""
    result: SolveResult
    """The MIP solve the plan comes from."""
    least: dict[Key, float] = field(default_factory=dict)
    """L_k of each row checked (relative units); a row missing was not checked."""
    held: tuple[Key, ...] = ()
    """Rows held at s = 0 in the solve of ``result`` (the LP showed they need no relaxation)."""
    unchecked: dict[Key, str] = field(default_factory=dict)
    """Why a row's LP gave no L_k (when it ran); rows never tried are ``lp_note``'s."""
    lp_note: str = ""
    """Why the LPs stopped before every row had its L_k ("" when they did not)."""
    held_note: str = ""
    """Why the rows with L_k = 0 are still relaxed: no time, no plan or no plan at all holding
    them met ("" when the MIP was not solved again)."""


def greedy_start(d: ModelData, columns: list, deadline: float) -> Start:
    """Starts from the greedy repair of line paths (:mod:`optimizer.solvers.greedy_plan`, 1-5 s
    on a province). In the relaxed model the target slacks are free in its elastic LP, so only
    demand, pace and supplies need repairing; rows held met are repaired like any target.
    HiGHS alone found no plan of zhejiang's relaxed model in about 65 s (--time-limit 120, with
    ZJ-T4 at 1 000 000 MW, on a loaded two-core machine)."""

    def start(form: StandardForm) -> np.ndarray | None:
        budget = min(GREEDY_BUDGET_S, GREEDY_SHARE * (deadline - time.perf_counter()))
        return greedy_plan(d, form, columns, budget).x if budget >= MIN_LP_S else None

    return start


def no_start(form: StandardForm) -> np.ndarray | None:
    """No starting plan: the solver's own search."""
    return None


def relaxed_rows(x: np.ndarray, slack_cols: dict[Key, int]) -> dict[Key, float]:
    """The rows a plan relaxes: slack above :data:`RELAXED_TOL`."""
    return {key: float(x[i]) for key, i in slack_cols.items() if x[i] > RELAXED_TOL}


def check_relaxation(
    form: StandardForm,
    slack_cols: dict[Key, int],
    result: SolveResult,
    solver: Solver,
    options: SolverOptions,
    deadline: float,
    start: Start = no_start,
) -> Checked:
    """The relaxation of ``result`` (a plan of the relaxed ``form``) checked row by row as
    the module says, within ``deadline`` (time.perf_counter()); nothing is solved when the
    result is proven optimal. A MIP solved again starts from ``start``'s plan."""
    from optimizer.diagnose import within_deadline  # diagnose imports this module

    assert result.x is not None
    checked = Checked(relaxed_rows(result.x, slack_cols), result)
    if result.status is Status.OPTIMAL:
        return checked
    lp = LeastRelaxation(form, slack_cols, result.x)
    held: set[Key] = set()
    try:
        while True:
            # the LPs give way to a pending solve holding rows met once less than this is left
            reserve = RESOLVE_SHARE * (deadline - time.perf_counter())
            # smallest first: the likeliest to need none, and the ones a planner would misread
            for key in sorted(checked.relaxed, key=lambda k: checked.relaxed[k]):
                if key in checked.least or key in checked.unchecked:
                    continue
                left = deadline - time.perf_counter()
                if left < MIN_LP_S or (any(_unneeded(checked)) and left < reserve):
                    checked.lp_note = "no time left within --time-limit for the LP check"
                    break
                bound = lp.of(key, deadline)
                if bound is None and lp.timed_out:
                    checked.lp_note = "the LP check stopped at the --time-limit"
                    break
                if bound is None:
                    checked.unchecked[key] = "the LP's dual bound does not confirm its value (numerics)"
                else:
                    checked.least[key] = bound
            unneeded = set(_unneeded(checked))
            if not unneeded:
                return checked
            if deadline - time.perf_counter() < MIN_RESOLVE_S:
                checked.held_note = "no time left within --time-limit to solve again holding such rows met"
                return checked
            held |= unneeded
            held_form = held_met(form, [slack_cols[k] for k in held])
            plan = start(held_form)
            # half the time left, the other half for the LPs of the rows it relaxes
            stop = time.perf_counter() + RESOLVE_SHARE * (deadline - time.perf_counter())
            again = or_start(
                solver.solve(held_form, within_deadline(options, stop), start=plan), held_form, plan
            )
            if again.interrupted:
                checked.held_note = "the solve holding such rows met was interrupted"
                return checked
            if again.status is Status.INFEASIBLE:
                names = ", ".join(f"{label} {t}" for label, t in sorted(held))
                checked.held_note = (
                    f"{names} cannot all be met at once (the diagnosis holding them met is "
                    "infeasible): at least one of them must be relaxed"
                )
                return checked
            if again.x is None:
                checked.held_note = (
                    f"solved again holding such rows met: no plan in time ({again.termination})"
                )
                return checked
            checked = Checked(
                relaxed_rows(again.x, slack_cols),
                again,
                checked.least,
                tuple(sorted(held)),
                checked.unchecked,
            )
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the relaxation as far as it was checked
        checked.lp_note = checked.held_note = "the check was interrupted"
        return checked


def _unneeded(checked: Checked) -> list[Key]:
    """The rows of the plan that the LP meets when the others are relaxed (L_k = 0)."""
    return [key for key in checked.relaxed if checked.least.get(key) == 0.0]


def or_start(result: SolveResult, form: StandardForm, plan: np.ndarray | None) -> SolveResult:
    """``result``, or the start ``plan`` when the solve returned no plan of its own (HiGHS
    stopped before it took the start): the plan is feasible (its last LP is ``form``'s with
    the integers fixed)."""
    if plan is None or result.has_solution or result.interrupted or result.status is Status.INFEASIBLE:
        return result
    objective = float(form.c @ plan + form.offset)
    return SolveResult(
        Status.FEASIBLE, f"the greedy start ({result.termination})", objective=objective, x=plan
    )


def held_met(form: StandardForm, cols: list[int]) -> StandardForm:
    """``form`` with the slacks in ``cols`` held at 0 (their targets met); the matrix is shared."""
    out = copy(form)
    out.col_upper = form.col_upper.copy()
    out.col_upper[cols] = 0.0
    return out


def needed_columns(checked: Checked, key: Key, note: str, per_slack: float, unit: str) -> dict[str, object]:
    """``needed`` (a key of :data:`NEEDED`), ``least_relaxation_in_unit`` (L_k times
    ``per_slack``, the target's ``unit`` per unit of slack; NaN when not checked) and the
    ``note`` of one relaxed row, what it says extended with what the checks proved."""
    from optimizer.console import fmt_value

    result = checked.result
    if result.status is Status.OPTIMAL and not checked.held:  # nothing was checked
        return {"needed": "least relaxation", "least_relaxation_in_unit": float("nan"), "note": note}
    gap = "unknown" if result.gap is None else f"{result.gap:.2%}"
    optimal = result.status is Status.OPTIMAL
    stopped = "" if optimal else f"the diagnosis stopped at the time limit (gap {gap})"
    least = checked.least.get(key)
    least_in_unit = float("nan") if least is None else least * per_slack
    if least is None:
        needed = "not checked"
        why = checked.unchecked.get(key, checked.lp_note)
        parts = [
            f"not checked: {why or 'no time left'}",
            f"{stopped}: a smaller relaxation may exist" if stopped else "",
        ]
    elif least > MET_TOL:
        needed = "yes"
        parts = [
            f"needed: every plan relaxes it by at least {fmt_value(least_in_unit)} {unit} (LP bound)",
            f"{stopped}: the relaxation found may be larger" if stopped else "",
        ]
    else:
        needed = "not shown"
        parts = [
            "not shown to be needed: the LP relaxation meets it when the other targets are relaxed further",
            stopped,
            checked.held_note,
        ]
    if checked.held:
        names = ", ".join(f"{label} {t}" for label, t in checked.held)
        parts.append(f"found holding {names} met (relaxed by an earlier diagnosis, not needed by the LP)")
    return {
        "needed": needed,
        "least_relaxation_in_unit": least_in_unit,
        "note": "; ".join(p for p in (note, *parts) if p),
    }
