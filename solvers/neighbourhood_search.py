"""Large-neighbourhood search: a plan improved by sub-MIPs with most of its decisions held.

HiGHS proves bounds well on the planning models but improves plans slowly: on zhejiang it held
a plan 1.2 % above the optimum for 300 s, while sub-MIPs over a few lines find better plans in
seconds. Each step frees the integer columns of one *neighbourhood* and holds every other
integer column at the incumbent, gives HiGHS the incumbent as its start and keeps a cheaper
plan:

* a whole sector, every year (small sectors: ceramics, glass, lime, wall materials);
* a random group of lines of one large sector (clinker), every year; the group grows by half
  when its sub-MIP is proven within :data:`QUICK_S` and shrinks by a third when it runs out of
  time, so the steps stay a few seconds long;
* first, and again after each pass when the incumbent has changed, the integer columns on which the
  incumbent and the LP relaxation disagree (RINS, relaxation-induced neighbourhood search).
  The relaxation knows which lines the coupling rows want closed or retrofitted; random groups
  do not. From the greedy plan, on a national sub-problem: Hebei 2.18 % cheaper in the LP's
  24 s and one 30 s step (the random groups: 1.53 % in 60 s; HiGHS's own search needed 129 s
  for that plan), Anhui 2.40 % in 89 + 24 s (the random groups: 1.66 % in 110 s), zhejiang
  1.70 % in 6 + 5 s, 0.12 % above the optimum;

Plans from elsewhere (HiGHS racing beside it) replace the incumbent when cheaper. Every plan a
step returns is a full plan of the model (the sub-MIP holds the rest), so each improvement can
be handed on at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from optimizer.models.data import ModelData
from optimizer.solvers.base import StandardForm
from optimizer.solvers.stop import raise_if_stopped

SUB_LIMIT_S = 10.0
"""Most one sub-MIP may take."""

QUICK_S = 2.0
"""A sub-MIP proven within this many seconds lets the next group of lines grow."""

SMALL_SECTOR = 4000
"""Sectors with at most this many integer columns are searched whole."""

START_GROUP = 8
"""Lines of a large sector freed together at first."""

GUIDED_LIMIT_S = 30.0
"""Most one LP-guided sub-MIP may take (Anhui's first proven in 24 s; zhejiang's found its plan
within 5 s and took 35 s to prove it)."""

LP_SHARE = 0.75
"""Most share of the time to the deadline the LP relaxation may take; without it in time the
search goes on with the random neighbourhoods alone."""


@dataclass(frozen=True)
class Neighbourhoods:
    """Which line, and which sector, each integer column of a model belongs to."""

    line_of_col: np.ndarray  # (n,) line position, -1 for columns of no line
    sector_of_line: np.ndarray  # (L,) sector code
    sector_names: tuple[str, ...]

    def columns_of_lines(self, integer: np.ndarray, lines: np.ndarray) -> np.ndarray:
        return integer & np.isin(self.line_of_col, lines)

    def lines_of_sector(self, s: int) -> np.ndarray:
        return np.flatnonzero(self.sector_of_line == s)


def has_large_sector(form: StandardForm, hoods: Neighbourhoods) -> bool:
    """Whether a sector is too large to search whole: then the search is worth its time before
    HiGHS (smaller models HiGHS proves alone in seconds)."""
    return any(
        hoods.columns_of_lines(form.integer, hoods.lines_of_sector(s)).sum() > SMALL_SECTOR
        for s in range(len(hoods.sector_names))
    )


def neighbourhoods_of(sector_of_line: list[str], line_of_col: np.ndarray) -> Neighbourhoods:
    names = tuple(sorted(set(sector_of_line)))
    codes = np.array([names.index(s) for s in sector_of_line], dtype=np.int64)
    return Neighbourhoods(np.asarray(line_of_col, dtype=np.int64), codes, names)


def model_neighbourhoods(d: ModelData, columns: list) -> Neighbourhoods:
    """The neighbourhoods of a planning model: its columns' lines (replacement lines, which
    belong to no line, stay held) and the lines' sectors."""
    from optimizer.solvers.line_paths import ColumnMap

    n_lines = len(d.lines)
    line = ColumnMap.of(columns, n_lines).line
    return neighbourhoods_of(list(d.sector_of), np.where(line < n_lines, line, -1))


class _SubMip:
    """The model in one HiGHS object; each step changes the integer columns' bounds. Every
    plan HiGHS improves to during a step goes to ``on_plan`` at once (a step of 30 s that
    found its plan in 5 s would otherwise hold it back for 25)."""

    def __init__(
        self, form: StandardForm, threads: int = 1, on_plan: Callable[[float, np.ndarray], None] | None = None
    ):
        import highspy

        from optimizer.solvers.highs_child import _build
        from optimizer.solvers.lp_session import quiet_stdout, stop_on_request

        self._highspy = highspy
        with quiet_stdout():
            self.h, self.factor = _build(form, relax=False)
        stop_on_request(self.h)
        self.h.setOptionValue("threads", threads)
        self.h.setOptionValue("mip_rel_gap", 1e-4)
        self.form = form
        self.int_cols = np.flatnonzero(form.integer).astype(np.int32)
        if on_plan is not None:
            self.h.cbMipImprovingSolution.subscribe(
                lambda event: on_plan(*self._plan(np.array(event.data_out.mip_solution, dtype=float)))
            )

    def _plan(self, value: np.ndarray) -> tuple[float, np.ndarray]:
        """(objective, plan) of a solution HiGHS found, integers rounded."""
        value[self.form.integer] = np.round(value[self.form.integer])
        return float(self.form.c @ value + self.form.offset), value

    def solve(
        self, free: np.ndarray, x: np.ndarray, limit_s: float
    ) -> tuple[float | None, np.ndarray | None, bool]:
        """(objective, plan, proven) of the sub-MIP with the non-``free`` integers held at x."""
        h, form = self.h, self.form
        held = np.round(x[self.int_cols])
        lower = np.where(free[self.int_cols], form.col_lower[self.int_cols], held)
        upper = np.where(free[self.int_cols], form.col_upper[self.int_cols], held)
        h.changeColsBounds(len(self.int_cols), self.int_cols, lower, upper)
        h.setOptionValue("time_limit", float(max(limit_s, 0.1)))
        start = self._highspy.HighsSolution()
        start.col_value = list(np.asarray(x, dtype=float))
        start.value_valid = True
        h.setSolution(start)
        h.run()
        raise_if_stopped()
        info = h.getInfo()
        if info.primal_solution_status != 2:
            return None, None, False
        proven = h.getModelStatus() == self._highspy.HighsModelStatus.kOptimal
        return (*self._plan(np.array(h.getSolution().col_value, dtype=float)), proven)


@dataclass
class _Incumbent:
    objective: float
    x: np.ndarray


def relaxed_solution(form: StandardForm, limit_s: float) -> tuple[float, np.ndarray] | None:
    """The LP relaxation's objective (a valid lower bound) and solution within ``limit_s``, else
    None."""
    from optimizer.solvers.lp_session import LpSession, stop_on_request

    if limit_s < 1.0:
        return None
    session = LpSession(form, limit_s)
    stop_on_request(session.h)
    lp = session.solve()
    return (lp.objective, lp.x) if lp.optimal and lp.objective is not None and lp.x is not None else None


def search(
    form: StandardForm,
    hoods: Neighbourhoods,
    x: np.ndarray,
    deadline: float,
    on_better: Callable[[float, np.ndarray], None],
    incoming: Callable[[], tuple[float, np.ndarray] | None] = lambda: None,
    seed: int = 0,
    guided: bool = True,
    on_bound: Callable[[float], None] = lambda bound: None,
    lp_window_s: float | None = None,
) -> tuple[float, np.ndarray]:
    """Improve plan ``x`` until ``deadline`` (time.perf_counter()); every cheaper plan found is
    passed to ``on_better`` (objective, plan). Returns the best (objective, plan). ``guided``:
    solve the LP relaxation first and search where the plan disagrees with it; its objective,
    a lower bound, goes to ``on_bound``. The LP may take ``LP_SHARE`` of the time to
    ``deadline``, or of ``lp_window_s`` when given (a polish before HiGHS: the LP is the run's
    bound, worth more than the polish's own budget, and an LP that ends past ``deadline``
    still gets one guided step)."""
    rng = np.random.default_rng(seed)
    best = _Incumbent(float(form.c @ x + form.offset), x)

    def offer(value: float | None, plan: np.ndarray | None) -> None:
        """Keep ``plan`` and pass it on when it is cheaper than the incumbent."""
        if value is not None and plan is not None and value < best.objective * (1 - 1e-9):
            best.objective, best.x = value, plan
            on_better(value, plan)

    sub = _SubMip(form, on_plan=offer)
    window_end = deadline if lp_window_s is None else time.perf_counter() + lp_window_s
    lp = relaxed_solution(form, LP_SHARE * (window_end - time.perf_counter())) if guided else None
    relaxed = lp[1] if lp is not None else None
    if lp is not None:
        on_bound(lp[0])
        deadline = max(deadline, min(time.perf_counter() + GUIDED_LIMIT_S, window_end))
    guided_at: float | None = None  # the incumbent's objective at the last guided step
    integer = form.integer
    sizes = {
        s: int(hoods.columns_of_lines(integer, hoods.lines_of_sector(s)).sum())
        for s in range(len(hoods.sector_names))
    }
    small = [s for s, k in sizes.items() if 0 < k <= SMALL_SECTOR]
    large = [s for s, k in sizes.items() if k > SMALL_SECTOR]
    group = dict.fromkeys(large, START_GROUP)
    queue: list[tuple[str, int]] = []
    settled = False  # the last pass proved every step and found nothing: a local optimum
    while time.perf_counter() < deadline:
        news = incoming()
        if news is not None and news[0] < best.objective * (1 - 1e-12):
            best.objective, best.x = news
            settled = False
        if relaxed is not None and not queue and guided_at != best.objective:
            guided_at = best.objective
            free = integer & (np.abs(relaxed - best.x) > 1e-6)
            if free.any():
                before = best.objective
                offer(*sub.solve(free, best.x, min(GUIDED_LIMIT_S, deadline - time.perf_counter()))[:2])
                settled = settled and best.objective == before
                continue
        if not queue:
            if settled and not large:
                break  # every sector was searched whole and proven: nothing left to find
            queue = [("sector", s) for s in small] + [("lines", s) for s in large] * 3
            settled = True
        kind, s = queue.pop(0)
        lines = hoods.lines_of_sector(s)
        if kind == "lines":
            lines = rng.choice(lines, size=min(group[s], len(lines)), replace=False)
        free = hoods.columns_of_lines(integer, lines)
        left = deadline - time.perf_counter()
        t0 = time.perf_counter()
        before = best.objective
        value, plan, proven = sub.solve(free, best.x, min(SUB_LIMIT_S, left))
        seconds = time.perf_counter() - t0
        if kind == "lines":
            if proven and seconds < QUICK_S:
                group[s] = min(int(group[s] * 1.5) + 1, len(hoods.lines_of_sector(s)))
            elif not proven:
                group[s] = max(int(group[s] / 1.5), 2)
        offer(value, plan)
        if best.objective < before or not proven:
            settled = False
        if settled and not queue and not large and len(small) == 1:
            break  # one sector searched whole, proven, nothing better: the plan is optimal
    return best.objective, best.x
