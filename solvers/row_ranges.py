"""The rows that couple lines, and the range of activity each can reach under a plan of paths.

A row is *coupling* when its columns belong to two lines or more, or to no line. A row of one
line only is kept by every path of that line (:mod:`optimizer.solvers.line_paths`) unless it is
a target that happens to hold one line (Guangxi has one clinker line below the energy baseline,
so its baseline-clearance rows hold that line alone, and its base path breaks them): a row of
one line's integer columns that one of its paths breaks is coupling too. Under a
plan, with the outputs free within their bounds, a coupling row's activity lies in a range:
exact for rows of integer-implied columns only (pace, shares, roll-out ceilings, capacity
targets), a necessary condition for rows with outputs (the lines left running can still make
the demand; the lines carrying carbide slag can still stay within its supply). A move after
which a row's range misses its bounds (or misses them by more) cannot be part of a feasible
plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from optimizer.solvers.base import StandardForm
from optimizer.solvers.line_paths import QN, ColumnMap, N, Paths


@dataclass
class CouplingRows:
    coupling: np.ndarray  # bool (m,)
    weight: np.ndarray  # (m,) 1 / largest |coefficient|: one line's worth of the row ~ 1


def coupling_rows(form: StandardForm, cm: ColumnMap, paths: Paths | None = None) -> CouplingRows:
    """The coupling rows (module docstring) and their weights; with ``paths``, also each row of
    one line's integer columns that a path of that line breaks."""
    A = form.A.tocsr()
    m = form.shape[0]
    has = np.diff(A.indptr) > 0
    starts = A.indptr[:-1][has]
    lines = cm.line[A.indices]
    lo = np.full(m, -1, dtype=np.int64)
    hi = np.full(m, -1, dtype=np.int64)
    lo[has] = np.minimum.reduceat(lines, starts)
    hi[has] = np.maximum.reduceat(lines, starts)
    largest = np.zeros(m)
    largest[has] = np.maximum.reduceat(np.abs(A.data), starts)
    weight = np.where(largest > 0, 1.0 / np.maximum(largest, 1e-300), 0.0)
    coupling = has & ((lo < 0) | (lo != hi))
    if paths is not None:
        coupling |= _broken_by_a_path(form, A, ~coupling & has, lo, paths)
    return CouplingRows(coupling, weight)


def _broken_by_a_path(
    form: StandardForm, A: sp.csr_array, single: np.ndarray, line_of_row: np.ndarray, paths: Paths
) -> np.ndarray:
    """Rows of one line's integer columns (``single``) whose activity under some path of that
    line lies outside the row's bounds: a path's columns outside the row give it activity 0."""
    tol = 1e-7
    continuous = sp.csr_array(A.multiply((~form.integer)[np.newaxis, :].astype(float)) != 0)
    rows = np.flatnonzero(single & (np.diff(continuous.indptr) == 0))
    out = np.zeros(form.shape[0], dtype=bool)
    if not len(rows):
        return out
    act = sp.csr_array(A[rows] @ paths.det)
    lower, upper = form.row_lower[rows], form.row_upper[rows]
    rows_of_entries = np.repeat(np.arange(len(rows)), np.diff(act.indptr))
    bad = (act.data < lower[rows_of_entries] - tol) | (act.data > upper[rows_of_entries] + tol)
    broken = np.bincount(rows_of_entries[bad], minlength=len(rows)) > 0
    # a path that does not touch the row leaves it at 0
    paths_of_line = np.bincount(paths.line, minlength=int(line_of_row.max(initial=0)) + 1)
    some_at_zero = np.diff(act.indptr) < paths_of_line[np.maximum(line_of_row[rows], 0)]
    broken |= some_at_zero & ((lower > tol) | (upper < -tol))
    out[rows[broken]] = True
    return out


def _positive(M: sp.csc_array) -> sp.csc_array:
    return sp.csc_array(M.multiply(M > 0))


def _negative(M: sp.csc_array) -> sp.csc_array:
    return sp.csc_array(M.multiply(M < 0))


def _range_of(M: sp.csc_array, lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least and most of M v over lower <= v <= upper (infinite where a bound is)."""
    pos, neg = _positive(M), _negative(M)

    def dot(P: sp.csc_array, v: np.ndarray) -> np.ndarray:
        finite = np.isfinite(v)
        out = P @ np.where(finite, v, 0.0)
        signed_inf = P @ np.where(finite, 0.0, np.sign(v))
        return np.where(signed_inf > 0, np.inf, np.where(signed_inf < 0, -np.inf, out))

    return dot(pos, lower) + dot(neg, upper), dot(pos, upper) + dot(neg, lower)


class RowRanges:
    """Activity ranges of the coupling rows under the current plan, updated move by move."""

    def __init__(self, form: StandardForm, cm: ColumnMap, rows: CouplingRows, paths: Paths):
        self.rows = np.flatnonzero(rows.coupling)
        A = sp.csc_array(form.A.tocsr()[self.rows])
        n = form.shape[1]
        n_paths = len(paths.line)
        on = paths.qcol >= 0
        cols = paths.qcol[on]
        where = np.nonzero(on)[0]
        low_in = sp.csc_array((paths.qmin[on], (cols, where)), shape=(n, n_paths))
        high_in = sp.csc_array((paths.qmax[on], (cols, where)), shape=(n, n_paths))
        det = A @ paths.det
        pos, neg = _positive(A), _negative(A)
        self.low = sp.csc_array(det + pos @ low_in + neg @ high_in)
        self.high = sp.csc_array(det + pos @ high_in + neg @ low_in)
        # columns outside every path: replacement lines stay at their lower bound (no output
        # without a line), anything else anywhere within its bounds
        outside = np.ones(n, dtype=bool)
        outside[paths.det.indices] = False
        outside[cols] = False
        held = np.maximum(form.col_lower, 0.0)
        lower = np.where(cm.kind == N, held, np.where(cm.kind == QN, 0.0, form.col_lower))
        upper = np.where(cm.kind == N, held, np.where(cm.kind == QN, 0.0, form.col_upper))
        keep = np.flatnonzero(outside)
        self.base_low, self.base_high = _range_of(sp.csc_array(A[:, keep]), lower[keep], upper[keep])
        self.row_lower = form.row_lower[self.rows]
        self.row_upper = form.row_upper[self.rows]
        scale = np.where(np.isfinite(self.row_lower), np.abs(self.row_lower), 0.0) + np.where(
            np.isfinite(self.row_upper), np.abs(self.row_upper), 0.0
        )
        self.tol = 1e-6 * (1.0 + np.minimum(scale, 1e9))
        self._dense: tuple[np.ndarray, np.ndarray] | None = None
        self.lo = self.base_low.copy()
        self.hi = self.base_high.copy()

    def dense(self) -> tuple[np.ndarray, np.ndarray]:
        """(low, high) contribution of every path to every coupling row, as dense arrays."""
        if self._dense is None:
            self._dense = (self.low.toarray(), self.high.toarray())
        return self._dense

    def position(self, row: int) -> int:
        """Position of form row ``row`` among the coupling rows."""
        return int(np.searchsorted(self.rows, row))

    def reset(self, current: np.ndarray) -> None:
        self.lo = self.base_low + np.asarray(self.low[:, current].sum(axis=1)).ravel()
        self.hi = self.base_high + np.asarray(self.high[:, current].sum(axis=1)).ravel()

    def gap(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """How far each row's range misses its bounds (0 where it meets them)."""
        return np.maximum(self.row_lower - hi, 0.0) + np.maximum(lo - self.row_upper, 0.0)

    def after(self, old: int, new: int) -> tuple[np.ndarray, np.ndarray]:
        """The ranges once a line moves from path ``old`` to path ``new``."""
        lo, hi = self.lo.copy(), self.hi.copy()
        for M, target in ((self.low, lo), (self.high, hi)):
            for p, sign in ((new, 1.0), (old, -1.0)):
                s, e = M.indptr[p], M.indptr[p + 1]
                np.add.at(target, M.indices[s:e], sign * M.data[s:e])
        return lo, hi

    def blocks(self, old: int, new: int) -> int | None:
        """The first row (form index) the move would put out of reach, or None."""
        lo, hi = self.after(old, new)
        worse = np.flatnonzero(self.gap(lo, hi) > self.gap(self.lo, self.hi) + self.tol)
        return int(self.rows[worse[0]]) if worse.size else None

    def move(self, old: int, new: int) -> None:
        self.lo, self.hi = self.after(old, new)
