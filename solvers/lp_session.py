"""An LP kept in memory between solves: only bounds and costs change from one to the next.

The starting-plan heuristic solves the same LP many times with the integer columns held at
another candidate plan. A solver child per solve would copy the model to a new process and
pass it to HiGHS each time; one in-process HiGHS object only changes the bounds. These LPs
have every integer column fixed, so they are small after presolve (0.06-0.15 s on a province)
and need no hard wall-clock guard beyond HiGHS's own limit.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from optimizer.solvers.base import StandardForm
from optimizer.solvers.highs_child import _build, objective_scale_exponent
from optimizer.solvers.stop import STOP, raise_if_stopped


@contextmanager
def quiet_stdout() -> Iterator[None]:
    """File descriptor 1 to /dev/null for the block (C++ writes there, not to sys.stdout)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # pytest capture, notebooks: nothing to hide
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(devnull)
        os.close(saved)


def stop_on_request(h: object) -> None:
    """Have HiGHS object ``h`` end its run soon after a stop request (:data:`STOP`).

    A Ctrl-C reaches Python only once ``h.run()`` returns (zhejiang's LP relaxation: 5.7 s
    after the signal); with this, 1 ms. The callback runs every simplex iteration (4 % of an
    LP's time), so it is for long runs only; after the run, :func:`raise_if_stopped`."""

    def interrupt_if_stopped(event: Any) -> None:
        event.data_in.user_interrupt = STOP.is_set()

    h.cbSimplexInterrupt.subscribe(interrupt_if_stopped)  # type: ignore[attr-defined]
    h.cbMipInterrupt.subscribe(interrupt_if_stopped)  # type: ignore[attr-defined]


@dataclass
class LpSolution:
    optimal: bool
    objective: float | None
    x: np.ndarray | None
    row_duals: np.ndarray | None
    """∂ objective / ∂ row bound, in the form's own (unscaled) cost units."""


class LpSession:
    """``form`` as an LP in one HiGHS object (costs scaled as in the solver children)."""

    def __init__(self, form: StandardForm, time_limit_s: float = 60.0):
        import highspy

        self._highspy = highspy
        with quiet_stdout():  # HiGHS prints its banner when the object is made
            self.h, self.factor = _build(form, relax=True)
        self.h.setOptionValue("threads", 1)
        self.time_limit_s = float(time_limit_s)
        """Per solve. HiGHS's own ``time_limit`` counts every run of the object (clearSolver does
        not reset it), so once the runs add up to it every later solve stops at once."""
        self.n_cols = form.shape[1]

    def set_bounds(self, cols: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        cols = np.asarray(cols, dtype=np.int32)
        if len(cols):
            self.h.changeColsBounds(
                len(cols), cols, np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)
            )

    def set_costs(self, c: np.ndarray) -> None:
        """Replace every column's cost (form units), scaled anew by a power of two."""
        self.factor = 2.0 ** objective_scale_exponent(c)
        cols = np.arange(len(c), dtype=np.int32)
        self.h.changeColsCost(len(c), cols, np.asarray(c, dtype=np.float64) * self.factor)

    def run(self, *, from_basis: bool = False, limit_s: float | None = None) -> bool:
        """Solve the LP as it stands within ``limit_s`` (default: the session's limit); True
        when it ended optimal. ``from_basis`` keeps HiGHS's current basis (a cost change)
        instead of solving from scratch."""
        raise_if_stopped()
        h = self.h
        if not from_basis:
            h.clearSolver()
        h.setOptionValue("time_limit", h.getRunTime() + (self.time_limit_s if limit_s is None else limit_s))
        h.run()
        raise_if_stopped()  # interrupted by stop_on_request: the run's status is an error, not a stop
        return bool(h.getModelStatus() == self._highspy.HighsModelStatus.kOptimal)

    def solve(self) -> LpSolution:
        # from scratch, with presolve: with the integer columns fixed presolve removes most of
        # the LP (guizhou 0.06-0.11 s a solve), while a re-solve from the last basis after a
        # few dozen lines changed paths took 0.2-1.9 s (2 000-23 000 iterations)
        if not self.run():
            return LpSolution(False, None, None, None)
        h = self.h
        solution = h.getSolution()
        return LpSolution(
            True,
            float(h.getInfo().objective_function_value) / self.factor,
            np.array(solution.col_value, dtype=float),
            np.array(solution.row_dual, dtype=float) / self.factor,
        )
