"""A first plan in seconds, without the LP relaxation: greedy repair of line paths.

The LP relaxation of a province takes 4-23 s and HiGHS alone found no plan for zhejiang in
60 s (not even with a zero objective), while a plan with every integer column fixed is an LP of
a tenth of a second. This heuristic never solves the relaxation. It chooses one *path* per line
(:mod:`optimizer.solvers.line_paths`), which keeps the line's own rows by construction, so only
the rows that couple lines (demand, targets, pace, supplies, roll-out ceilings) can be broken.

1. Start with every line on its base path (closures the instance forces taken).
2. Hold the integer columns at the plan and solve the *elastic* LP: every coupling row gets a
   slack and the objective is the violation, each slack weighted by the inverse of its row's
   largest coefficient (one line's worth of a row counts about one).
3. The LP's row duals price each row. A path's gain is the priced change of the broken rows
   when its line switches to it (exact for the integer columns; for the outputs the line's
   current output is carried over), credited only up to what each row still needs, plus the
   first-order change of the other priced rows. Moves are taken largest gain first (the
   cheaper of equal gains), one per line, and only when no coupling row's reachable range
   (:mod:`optimizer.solvers.row_ranges`) gets further from its bounds.
4. When no single move is allowed (a year's campaign or closure slots went to other rows),
   pairs are tried: another line leaves the blocking row and the blocked repair goes in, when
   the pair still gains. When even that fails, the rows still broken are weighed
   :data:`RESTART_BOOST` times more and the search starts again.
5. Repeat 2-4 until the violation is zero; the LP with the slacks at zero and the real costs
   sets the outputs. The plan is feasible for the full model (that LP says so) or there is
   none.

Measured on the seed provinces (2 cores, one at a time): 1.8-3.0 s, 2-6 rounds, plans 2.4-3.4 %
above the best known optimum. It is a start for the warm start and HiGHS, not an answer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from optimizer.models.data import ModelData
from optimizer.solvers.base import StandardForm
from optimizer.solvers.line_paths import ColumnMap, N, Paths, R, X, line_paths
from optimizer.solvers.lp_session import LpSession, LpSolution
from optimizer.solvers.row_ranges import CouplingRows, RowRanges, coupling_rows

MAX_ROUNDS = 40
MAX_RESTARTS = 4
RESTART_BOOST = 10.0
STALL_ROUNDS = 3
STALL_GAIN = 0.01
"""Rounds in a row that shrink the violation by less than this share end a start (restart)."""
VIOLATION_TOL = 1e-7
"""Weighted violation below which a plan counts as repaired (the final LP then checks it)."""

DESCENT_ROUNDS = 8
DESCENT_LPS = 30
DESCENT_TOL = 1e-7
"""Descent after the repair: passes (each with fresh duals), LPs in all, and the least
estimated saving (share of the NPV) a move must promise to be tried."""

SWAP_CANDIDATES = 60
SWAP_PATHS_PER_DONOR = 3
SWAP_CHECKS = 120
"""Blocked repairs tried per stuck round, donor paths per line, and range checks per repair."""


@dataclass
class GreedyPlan:
    x: np.ndarray | None
    objective: float | None
    seconds: float
    note: str
    interrupted: bool = False
    """Ctrl-C or SIGTERM came during the descent: ``x`` is the cheapest plan so far."""
    first_plan_s: float | None = None
    """Seconds to the repaired plan (its LP proved it feasible), before the descent."""


class ElasticLp:
    """The form with a slack on each side of every coupling row, as one in-memory LP."""

    def __init__(self, form: StandardForm, rows: CouplingRows, time_limit_s: float):
        n, m = form.shape[1], form.shape[0]
        self.n, self.m = n, m
        self.low_rows = np.flatnonzero(rows.coupling & np.isfinite(form.row_lower))
        self.high_rows = np.flatnonzero(rows.coupling & np.isfinite(form.row_upper))
        k_low, k_high = len(self.low_rows), len(self.high_rows)
        k = k_low + k_high
        S = sp.csc_array(
            (
                np.concatenate([np.ones(k_low), -np.ones(k_high)]),
                (np.concatenate([self.low_rows, self.high_rows]), np.arange(k)),
            ),
            shape=(m, k),
        )
        self.slack_cols = np.arange(n, n + k)
        elastic = StandardForm(
            c=self._costs(rows.weight),
            offset=0.0,
            A=sp.csc_array(sp.hstack([form.A, S], format="csc")),
            row_lower=form.row_lower,
            row_upper=form.row_upper,
            col_lower=np.concatenate([form.col_lower, np.zeros(k)]),
            col_upper=np.concatenate([form.col_upper, np.full(k, np.inf)]),
            integer=np.zeros(n + k, dtype=bool),
            col_names=[],
            row_names=[],
        )
        self.session = LpSession(elastic, time_limit_s)

    def _costs(self, weight: np.ndarray) -> np.ndarray:
        return np.concatenate([np.zeros(self.n), weight[self.low_rows], weight[self.high_rows]])

    def set_weights(self, weight: np.ndarray) -> None:
        self.session.set_costs(self._costs(weight))

    def needed(self, x: np.ndarray) -> np.ndarray:
        """Signed change of activity each row still needs (+ up, - down), 0 where met."""
        need = np.zeros(self.m)
        s = x[self.n :]
        k = len(self.low_rows)
        need[self.low_rows] += s[:k]
        need[self.high_rows] -= s[k:]
        return need

    def real_costs(self, c: np.ndarray) -> None:
        """From now on: slacks held at zero, the model's own costs (the plan's last LP)."""
        zeros = np.zeros(len(self.slack_cols))
        self.session.set_bounds(self.slack_cols, zeros, zeros)
        self.session.set_costs(np.concatenate([c, zeros]))


def estimate_outputs(paths: Paths, current: np.ndarray, x: np.ndarray, n_lines: int) -> np.ndarray:
    """(P, T) output each path would run at: its line's output in the last LP, else the
    average utilisation of the lines running that year, within the path's own bounds."""
    qc = paths.qcol[current]
    q_now = np.where(qc >= 0, x[np.maximum(qc, 0)], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        util = np.nansum(q_now, axis=0) / np.nansum(np.where(qc >= 0, paths.qmax[current], np.nan), axis=0)
    util = np.where(np.isfinite(util), util, 0.8)
    line_q = np.full((n_lines, paths.qcol.shape[1]), np.nan)
    line_q[paths.line[current]] = q_now
    guess = line_q[paths.line]
    guess = np.where(np.isnan(guess), util[None, :] * paths.qmax, guess)
    return np.where(paths.qcol >= 0, np.clip(guess, paths.qmin, paths.qmax), 0.0)


def swap_pairs(
    ranges: RowRanges,
    paths: Paths,
    current: np.ndarray,
    path_slot: np.ndarray,
    gain: np.ndarray,
    blocked_by: np.ndarray,
) -> int:
    """Pairs of moves taken on ``current`` and ``ranges`` in place: another line leaves the
    row that blocked a repair, then the repair goes in. Returns the number of moves made."""
    low_rows, high_rows = ranges.dense()
    taken = 0
    moved = np.zeros(int(paths.line.max()) + 1, dtype=bool)
    blocked = np.flatnonzero((gain > 0) & (blocked_by >= 0))
    for p in blocked[np.argsort(-gain[blocked])][:SWAP_CANDIDATES]:
        line_p = int(paths.line[p])
        if moved[line_p]:
            continue
        old_p = int(current[path_slot[p]])
        row = ranges.position(int(blocked_by[p]))
        lo, hi = ranges.after(old_p, p)
        over = lo[row] - ranges.row_upper[row]
        under = ranges.row_lower[row] - hi[row]
        cur = current[path_slot]
        if over > 0:
            frees = low_rows[row] - low_rows[row][cur] <= -over + ranges.tol[row]
        elif under > 0:
            frees = high_rows[row] - high_rows[row][cur] >= under - ranges.tol[row]
        else:
            continue
        donors = np.flatnonzero(frees & (paths.line != line_p) & ~moved[paths.line] & (gain + gain[p] > 0))
        tried: dict[int, int] = {}
        for q in donors[np.argsort(-gain[donors], kind="stable")][: SWAP_CHECKS * SWAP_PATHS_PER_DONOR]:
            line_q = int(paths.line[q])
            if tried.get(line_q, 0) >= SWAP_PATHS_PER_DONOR:
                continue
            tried[line_q] = tried.get(line_q, 0) + 1
            if sum(tried.values()) > SWAP_CHECKS:
                break
            old_q = int(current[path_slot[q]])
            if ranges.blocks(old_q, q) is not None:
                continue
            ranges.move(old_q, q)
            if ranges.blocks(old_p, p) is None:
                ranges.move(old_p, p)
                current[path_slot[q]] = q
                current[path_slot[p]] = p
                moved[[line_p, line_q]] = True
                taken += 2
                break
            ranges.move(q, old_q)
    return taken


def _gains(
    price: np.ndarray, toward_need: np.ndarray, remaining: np.ndarray, other: np.ndarray
) -> np.ndarray:
    """Per path: the priced repair of the rows still broken, each credited up to what it still
    needs, plus the first-order change of the other priced rows."""
    alive = remaining > 0
    if not alive.any():
        return other.copy()
    credited = np.minimum(toward_need[alive], remaining[alive, None])
    return price[alive] @ credited + other


def greedy_plan(d: ModelData, form: StandardForm, columns: list, budget_s: float) -> GreedyPlan:
    """A feasible plan by greedy repair of line paths (module docstring), or none."""
    t0 = time.perf_counter()

    def done(x: np.ndarray | None, objective: float | None, note: str) -> GreedyPlan:
        return GreedyPlan(x, objective, time.perf_counter() - t0, note)

    n_lines = len(d.lines)
    cm = ColumnMap.of(columns, n_lines)
    if np.any(form.integer & ~np.isin(cm.kind, (X, R, N))):
        return done(None, None, "greedy: the model has integer columns it does not know")
    paths = line_paths(d, cm, form)
    lines = np.unique(paths.line)
    if any(d.pkgs_of_line[l] for l in set(d.lines) - set(lines.tolist())):
        return done(None, None, "greedy: a line has no path its bounds allow")
    first_path = np.full(n_lines, -1, dtype=np.int64)
    first_path[paths.line[::-1]] = np.arange(len(paths.line))[::-1]
    start = np.where(paths.base >= 0, paths.base, first_path)[lines]
    current = start.copy()  # one path per line of ``lines``
    line_slot = np.full(n_lines, -1, dtype=np.int64)
    line_slot[lines] = np.arange(len(lines))
    path_slot = line_slot[paths.line]

    rows = coupling_rows(form, cm, paths)
    m, n = form.shape
    A_csr = form.A.tocsr()
    elastic = ElasticLp(form, rows, time_limit_s=max(budget_s, 1.0))
    ranges = RowRanges(form, cm, rows, paths)
    int_cols = np.flatnonzero(form.integer)
    n_cols = np.flatnonzero(cm.kind == N)
    det_T = sp.csr_array(paths.det.T)
    c = np.asarray(form.c, dtype=float)
    q_on = paths.qcol >= 0
    safe_q = np.maximum(paths.qcol, 0)

    def integer_values(cur: np.ndarray) -> np.ndarray:
        v = np.zeros(n)
        v[n_cols] = np.maximum(form.col_lower[n_cols], 0.0)
        chosen = paths.det[:, cur]
        v[chosen.indices] = chosen.data  # each column belongs to one line: no overlap
        return v

    def per_path(g: np.ndarray, qhat: np.ndarray) -> np.ndarray:
        """g · (the path's integer-implied columns and estimated outputs), per path."""
        return det_T @ g + np.where(q_on, g[safe_q] * qhat, 0.0).sum(axis=1)

    rounds = moves = restarts = stalled = 0
    violation = best = np.inf
    boost = np.ones(m)
    while rounds < MAX_ROUNDS and time.perf_counter() - t0 < budget_s:
        rounds += 1
        v = integer_values(current)
        elastic.session.set_bounds(int_cols, v[int_cols], v[int_cols])
        sol = elastic.session.solve()
        if sol.x is None or sol.row_duals is None:
            return done(None, None, f"greedy: the elastic LP failed in round {rounds}")
        violation = float(sol.objective or 0.0)
        if violation <= VIOLATION_TOL:
            break
        # rounds that no longer shrink the violation (targets out of reach, or moves that undo
        # each other) count as stuck: restart, or give up to the fallback
        stalled = stalled + 1 if violation > (1 - STALL_GAIN) * best else 0
        best = min(best, violation)
        need = elastic.needed(sol.x)
        broken = np.flatnonzero(need != 0)
        y = np.where(rows.coupling, sol.row_duals, 0.0)
        qhat = estimate_outputs(paths, current, sol.x, n_lines)
        cur_of_path = current[path_slot]
        # broken rows: each path's change of their activity, credited up to what is needed
        A_b = sp.csr_array(A_csr[broken])
        q_part = A_b.toarray()[:, safe_q] * np.where(q_on, qhat, 0.0)[None]
        D = (A_b @ paths.det).toarray() + q_part.sum(axis=2)
        D -= D[:, cur_of_path]
        price = np.abs(y[broken])
        toward_need = np.sign(need[broken])[:, None] * D  # each path's repair of each row
        remaining = np.abs(need[broken])
        # the other priced rows (binding, blocking a repair): their first-order change
        y[broken] = 0.0
        other = per_path(A_csr.T @ y, qhat)
        other -= other[cur_of_path]
        cost = per_path(c, qhat)
        dcost = cost - cost[cur_of_path]
        efficiency = np.where(dcost > 0, 1.0 / np.maximum(dcost, 1e-9), np.inf)
        ranges.reset(current)
        moved = np.zeros(len(lines), dtype=bool)
        rejected = np.zeros(len(paths.line), dtype=bool)
        blocked_by = np.full(len(paths.line), -1, dtype=np.int64)
        taken = 0
        gain = None
        while remaining.any():
            if gain is None:  # a rejected path leaves what is needed, and so every gain, as it was
                gain = _gains(price, toward_need, remaining, other)
            ok = np.flatnonzero((gain > 1e-9 * violation) & ~moved[path_slot] & ~rejected)
            if not ok.size:
                break
            # feasibility first: the largest expected repair, the cheaper of equal ones
            top = gain[ok].max()
            near = ok[gain[ok] >= top - 1e-9 * abs(top)]
            p = int(near[np.argmax(efficiency[near])])
            old = int(current[path_slot[p]])
            why = ranges.blocks(old, p)
            if why is not None:
                rejected[p] = True
                blocked_by[p] = why
                continue
            ranges.move(old, p)
            remaining = np.maximum(remaining - toward_need[:, p], 0.0)
            gain = None
            current[path_slot[p]] = p
            moved[path_slot[p]] = True
            taken += 1
        if taken == 0:
            gain = _gains(price, toward_need, remaining, other)
            taken = swap_pairs(ranges, paths, current, path_slot, gain, blocked_by)
        moves += taken
        if taken == 0 or stalled >= STALL_ROUNDS:
            if restarts >= MAX_RESTARTS:
                return done(None, None, f"greedy: stuck after {rounds} rounds, violation {violation:.3g}")
            restarts += 1
            boost[broken] *= RESTART_BOOST
            elastic.set_weights(rows.weight * boost)
            current = start.copy()
            stalled, best = 0, np.inf
    if violation > VIOLATION_TOL:
        return done(None, None, f"greedy: {rounds} rounds, weighted violation {violation:.3g} left")
    elastic.real_costs(c)
    sol = elastic.session.solve()
    if sol.x is None or sol.objective is None:
        return done(None, None, "greedy: the repaired plan's LP is not feasible")
    note = (
        f"greedy plan in {rounds} rounds ({restarts} restarts, {moves} moves, "
        f"{time.perf_counter() - t0:.1f}s)"
    )
    repaired = float(sol.objective)
    first_plan_s = time.perf_counter() - t0

    def solve_plan(cur: np.ndarray) -> LpSolution:
        v = integer_values(cur)
        elastic.session.set_bounds(int_cols, v[int_cols], v[int_cols])
        return elastic.session.solve()

    # descent: the LP's duals price every coupling row; a path whose cost, less the priced
    # change of those rows, is below its line's current one should make the plan cheaper.
    # The moves so promising are tried together in one LP (it says whether the plan stays
    # feasible and gets cheaper); a group that fails is split in two halves, each tried on the
    # plan as it then is, so the good moves of a group go in without its bad ones. Ctrl-C here
    # keeps the cheapest plan so far (every one is feasible).
    steps = lps = 0
    interrupted = False
    try:
        while steps < DESCENT_ROUNDS and lps < DESCENT_LPS and time.perf_counter() - t0 < budget_s:
            assert sol.x is not None and sol.row_duals is not None and sol.objective is not None
            steps += 1
            y = np.where(rows.coupling, sol.row_duals, 0.0)
            qhat = estimate_outputs(paths, current, sol.x, n_lines)
            value = per_path(c, qhat) - per_path(A_csr.T @ y, qhat)
            delta = value - value[current[path_slot]]
            order = np.argsort(delta)
            order = order[delta[order] < -DESCENT_TOL * abs(sol.objective)]
            seen: set[int] = set()
            moves_in_order = []
            for p in order:  # the best path of each line
                if int(paths.line[p]) not in seen:
                    seen.add(int(paths.line[p]))
                    moves_in_order.append(int(p))
            improved = False
            stack = [moves_in_order]
            while stack and lps < DESCENT_LPS and time.perf_counter() - t0 < budget_s:
                group = stack.pop()
                ranges.reset(current)
                trial = current.copy()
                for p in group:
                    old = int(trial[path_slot[p]])
                    if old != p and ranges.blocks(old, p) is None:
                        ranges.move(old, p)
                        trial[path_slot[p]] = p
                if np.array_equal(trial, current):
                    continue
                tried = solve_plan(trial)
                lps += 1
                if tried.objective is not None and tried.objective < sol.objective * (1 - 1e-9):
                    current, sol, improved = trial, tried, True
                elif len(group) > 1:
                    half = len(group) // 2
                    stack += [group[half:], group[:half]]
            if not improved:
                break
    except KeyboardInterrupt:
        interrupted = True
        note += ", descent interrupted"
    if steps and sol.objective is not None and sol.objective < repaired:
        note += f", {(repaired - sol.objective) / abs(repaired):.2%} cheaper after {steps} descent steps"
    assert sol.x is not None
    x = sol.x[:n].copy()
    x[form.integer] = np.round(x[form.integer])
    objective = float(c @ x + form.offset)
    return GreedyPlan(x, objective, time.perf_counter() - t0, note, interrupted, first_plan_s)
