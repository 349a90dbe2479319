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

SUB_LIMIT_S = 10.0
"""Most one sub-MIP may take."""

QUICK_S = 2.0
"""A sub-MIP proven within this many seconds lets the next group of lines grow."""

SMALL_SECTOR = 4000
"""Sectors with at most this many integer columns are searched whole."""

START_GROUP = 8
"""Lines of a large sector freed together at first."""


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
    """The model in one HiGHS object; each step changes the integer columns' bounds."""

    def __init__(self, form: StandardForm, threads: int = 1):
        import highspy

        from optimizer.solvers.highs_child import _build
        from optimizer.solvers.lp_session import quiet_stdout

        self._highspy = highspy
        with quiet_stdout():
            self.h, self.factor = _build(form, relax=False)
        self.h.setOptionValue("threads", threads)
        self.h.setOptionValue("mip_rel_gap", 1e-4)
        self.form = form
        self.int_cols = np.flatnonzero(form.integer).astype(np.int32)

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
        info = h.getInfo()
        if info.primal_solution_status != 2:
            return None, None, False
        proven = h.getModelStatus() == self._highspy.HighsModelStatus.kOptimal
        value = np.array(h.getSolution().col_value, dtype=float)
        value[form.integer] = np.round(value[form.integer])
        return float(form.c @ value + form.offset), value, proven


def search(
    form: StandardForm,
    hoods: Neighbourhoods,
    x: np.ndarray,
    deadline: float,
    on_better: Callable[[float, np.ndarray], None],
    incoming: Callable[[], tuple[float, np.ndarray] | None] = lambda: None,
    seed: int = 0,
) -> tuple[float, np.ndarray]:
    """Improve plan ``x`` until ``deadline`` (time.perf_counter()); every cheaper plan found is
    passed to ``on_better`` (objective, plan). Returns the best (objective, plan)."""
    rng = np.random.default_rng(seed)
    sub = _SubMip(form)
    objective = float(form.c @ x + form.offset)
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
        if news is not None and news[0] < objective * (1 - 1e-12):
            objective, x = news
            settled = False
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
        value, plan, proven = sub.solve(free, x, min(SUB_LIMIT_S, left))
        seconds = time.perf_counter() - t0
        if kind == "lines":
            if proven and seconds < QUICK_S:
                group[s] = min(int(group[s] * 1.5) + 1, len(hoods.lines_of_sector(s)))
            elif not proven:
                group[s] = max(int(group[s] / 1.5), 2)
        if value is not None and plan is not None and value < objective * (1 - 1e-9):
            objective, x = value, plan
            on_better(objective, x)
            settled = False
        elif not proven:
            settled = False
        if settled and not queue and not large and len(small) == 1:
            break  # one sector searched whole, proven, nothing better: the plan is optimal
    return objective, x
