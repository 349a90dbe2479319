r"""The least relaxation :math:`L_k` a target row needs, from the LP relaxation of the relaxed
model (:mod:`optimizer.diagnose_check` says what it is for).

.. math:: L_k = \min\; s_k \quad\text{s.t.}\quad \ell \le A x \le u,\; l \le x \le v
   \quad\text{(integrality dropped, every other slack free of cost)}

One HiGHS object holds the LP; between rows only the cost changes, so each LP starts from the
last optimal basis, which stays primal feasible (primal simplex). The first starts from the
plan the MIP found: with its integers fixed the LP is a fraction of a second, and its basis,
the integer columns then freed at the bound they sit on, is feasible for the full LP. On
zhejiang (ZJ-T4 at 1 000 000 MW) the first LP from scratch took 35 s.

Two points make :math:`L_k` a proof rather than a solver's claim:

* The cost is :math:`2^{18} e_k`, not :math:`e_k`: HiGHS's dual feasibility tolerance (1e-7)
  is absolute, and outputs range over 1e5-1e6 t/yr, so with a unit cost the "optimum" of
  zhejiang's ZJ-T4 2025 row came out 0.999808 from one start and 0.999813 from another, while
  the scaled LP gives 0.9997874, which its dual bound confirms.
* The bound reported is the dual bound of the LP's row prices y (Neumaier & Shcherbina):
  with :math:`r = c - A^\top y`,

  .. math:: c^\top x = y^\top A x + r^\top x \ge \sum_i \min(y_i \ell_i, y_i u_i)
     + \sum_j \min(r_j l_j, r_j v_j)

  for every x of the LP, whatever y is. Outputs have no column bound (rows bound them), and
  a reduced cost of -3e-18 on one of them (rounding in :math:`A^\top y`) made the bound
  :math:`-\infty` for four of zhejiang's six ZJ-T4 rows, and a price of the wrong sign on a
  one-sided row does the same: infinite bounds are first tightened, columns by one pass over
  the rows, rows by their activity range (:func:`implied_bounds`), bounds every x keeps.
  A row whose LP solution has :math:`s_k = 0` needs no bound: the LP solution itself meets it.
"""

from __future__ import annotations

import time
from copy import copy
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from optimizer.solvers.base import StandardForm
from optimizer.solvers.lp_session import LpSession

COST_SCALE = 2.0**18
"""Cost of the slack minimised (a power of two: exact); :func:`objective_scale_exponent` leaves
it as it is (below 5e5)."""

MET_TOL = 1e-6
"""A slack at or below this in the LP solution (relative units: 1e-4 share points, 1 MW of a
1 000 000 MW floor) counts as met; a dual bound must exceed it to show a row needs relaxing."""


@dataclass
class Bounds:
    """Row and column bounds that every x of an LP keeps."""

    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray

    @classmethod
    def of(cls, form: StandardForm) -> Bounds:
        return cls(form.row_lower, form.row_upper, form.col_lower, form.col_upper)


def dual_bound(form: StandardForm, cost: np.ndarray, y: np.ndarray, bounds: Bounds | None = None) -> float:
    """The module's lower bound on ``cost``·x over the LP of ``form`` from row prices ``y``,
    on the form's own bounds or on ``bounds`` (such as :func:`implied_bounds`)."""
    b = Bounds.of(form) if bounds is None else bounds
    r = cost - form.A.T @ y
    total = 0.0
    for price, lower, upper in ((y, b.row_lower, b.row_upper), (r, b.col_lower, b.col_upper)):
        up, down = price > 0, price < 0
        total += float(np.sum(price[up] * lower[up]) + np.sum(price[down] * upper[down]))
    return total


def implied_bounds(form: StandardForm) -> Bounds:
    """The form's bounds with the infinite ones tightened, each a bound of every x of the LP.

    Columns, by one pass over the rows: for a_ij > 0, a_ij x_j <= u_i - (least activity of the
    rest of row i), for a_ij < 0 the same from the row's lower bound; lower bounds as upper
    bounds of -x. Rows, by their activity range over those column bounds."""
    A = sp.csr_array(form.A)
    negated = sp.csr_array((-A.data, A.indices, A.indptr), shape=A.shape)
    col_upper = _implied_upper(A, form.row_lower, form.row_upper, form.col_lower, form.col_upper)
    col_lower = -_implied_upper(negated, form.row_lower, form.row_upper, -form.col_upper, -form.col_lower)
    least, most = _activity(A, col_lower, col_upper)
    row_lower = np.where(np.isfinite(form.row_lower), form.row_lower, least - 1e-9 * (1.0 + np.abs(least)))
    row_upper = np.where(np.isfinite(form.row_upper), form.row_upper, most + 1e-9 * (1.0 + np.abs(most)))
    return Bounds(row_lower, row_upper, col_lower, col_upper)


def _terms(A: sp.csr_array, col_lower: np.ndarray, col_upper: np.ndarray) -> tuple[np.ndarray, ...]:
    """Row, column, coefficient, least and most value of each nonzero term a_ij x_j."""
    keep = A.data != 0
    rows = np.repeat(np.arange(A.shape[0]), np.diff(A.indptr))[keep]
    cols, a = A.indices[keep], A.data[keep]
    least = np.where(a > 0, a * col_lower[cols], a * col_upper[cols])
    most = np.where(a > 0, a * col_upper[cols], a * col_lower[cols])
    return rows, cols, a, least, most


def _sums(rows: np.ndarray, values: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the sum of the finite values and the count of the infinite ones."""
    infinite = ~np.isfinite(values)
    return np.bincount(rows, np.where(infinite, 0.0, values), m), np.bincount(rows, infinite, m)


def _activity(A: sp.csr_array, col_lower: np.ndarray, col_upper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least and most activity of each row over the column bounds (infinite when a term is)."""
    rows, _, _, least, most = _terms(A, col_lower, col_upper)
    (low, low_inf), (high, high_inf) = _sums(rows, least, A.shape[0]), _sums(rows, most, A.shape[0])
    return np.where(low_inf > 0, -np.inf, low), np.where(high_inf > 0, np.inf, high)


def _implied_upper(
    A: sp.csr_array,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
) -> np.ndarray:
    m = A.shape[0]
    rows, cols, a, least, most = _terms(A, col_lower, col_upper)
    bound = np.full(len(a), np.inf)
    for side, sign, row_bound in ((least, a > 0, row_upper), (most, a < 0, row_lower)):
        total, count = _sums(rows, side, m)
        infinite = ~np.isfinite(side)
        rest = total[rows] - np.where(infinite, 0.0, side)  # the rest of the row, without x_j
        ok = sign & (count[rows] - infinite == 0) & np.isfinite(row_bound[rows])
        bound[ok] = (row_bound[rows][ok] - rest[ok]) / a[ok]
    implied = np.full(len(col_upper), np.inf)
    np.minimum.at(implied, cols, bound + 1e-9 * (1.0 + np.abs(bound)))  # rounding in the sums
    return np.where(np.isfinite(col_upper), col_upper, implied)


def _left(deadline: float) -> float:
    """Seconds to ``deadline``, at least a tenth (an LP stopped at once helps nobody)."""
    return max(deadline - time.perf_counter(), 0.1)


class LeastRelaxation:
    """:math:`L_k` row by row on one LP of ``form`` (the relaxed model), first from ``plan``."""

    def __init__(self, form: StandardForm, slack_cols: dict, plan: np.ndarray):
        self.form = form
        self.slack_cols = slack_cols
        self.plan = plan
        self.session: LpSession | None = None
        self.bounds: Bounds | None = None
        self.timed_out = False
        """The last LP did not end optimal (its time limit): no more fit before the deadline."""

    def of(self, key: object, deadline: float) -> float | None:
        """:math:`L_k` of ``key``'s row (0.0 when the LP meets it), or None when the LP did
        not end optimal before ``deadline`` (``timed_out``) or its dual bound does not confirm
        a need (numerics)."""

        col = self.slack_cols[key]
        cost = np.zeros(self.form.shape[1])
        cost[col] = COST_SCALE
        if self.session is None:
            self._open(cost, deadline)
        assert self.session is not None
        h = self.session.h
        self.session.set_costs(cost)
        # a cost change keeps the basis, and HiGHS starts from it
        self.timed_out = not self.session.run(from_basis=True, limit_s=_left(deadline))
        if self.timed_out:
            return None
        # every basis from here on is primal feasible: the primal simplex keeps it so
        h.setOptionValue("simplex_strategy", 4)
        solution = h.getSolution()
        if solution.col_value[col] <= MET_TOL:
            return 0.0
        y = np.asarray(solution.row_dual, dtype=float) / self.session.factor
        if self.bounds is None:
            self.bounds = implied_bounds(self.form)
        bound = dual_bound(self.form, cost, y, self.bounds) / COST_SCALE
        return bound if np.isfinite(bound) and bound > MET_TOL else None

    def _open(self, cost: np.ndarray, deadline: float) -> None:
        """The LP in memory, its basis the plan's (integers fixed, then freed at their bound)."""
        import highspy

        lp = copy(self.form)
        lp.c, lp.offset = cost, 0.0
        self.session = session = LpSession(lp, _left(deadline))
        h = session.h
        ints = np.flatnonzero(self.form.integer).astype(np.int32)
        value = np.round(self.plan[ints])
        lower, upper = self.form.col_lower[ints], self.form.col_upper[ints]
        session.set_bounds(ints, value, value)
        basis = h.getBasis() if session.run() else None
        session.set_bounds(ints, lower, upper)
        if basis is not None:
            status = list(basis.col_status)
            basic = highspy.HighsBasisStatus.kBasic
            at_upper, at_lower = highspy.HighsBasisStatus.kUpper, highspy.HighsBasisStatus.kLower
            for j, v, lo, hi in zip(
                ints.tolist(), value.tolist(), lower.tolist(), upper.tolist(), strict=True
            ):
                if status[j] != basic and v in (lo, hi):  # a fixed column is nonbasic "at lower"
                    status[j] = at_upper if v == hi else at_lower
            basis.col_status = status
            h.setBasis(basis)
            h.setOptionValue("simplex_strategy", 4)  # the basis is primal feasible
        else:  # the plan's LP failed (numerics): the first LP runs from scratch
            h.clearSolver()
