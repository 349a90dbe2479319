"""Solver-neutral types: the matrix handed to a solver, its options and its result.

Every adapter takes a :class:`StandardForm` and returns a :class:`SolveResult`, so the model
code never branches on solver names (linopy's habit).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from optimizer.solvers.neighbourhood_search import Neighbourhoods


class Status(enum.Enum):
    """Solver-neutral outcome."""

    OPTIMAL = "optimal"  # proven within the requested gap
    FEASIBLE = "feasible"  # stopped (time limit, hard wall clock) with an incumbent
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    NO_SOLUTION = "no_solution"  # stopped without any incumbent
    ERROR = "error"


class Feature(enum.Enum):
    MIP = "mip"
    WARM_START = "warm_start"
    DUALS = "duals"
    HARD_WALL_CLOCK = "hard_wall_clock"


@dataclass
class StandardForm:
    """``min c·x + offset  s.t.  row_lower <= A x <= row_upper, col_lower <= x <= col_upper``."""

    c: np.ndarray
    offset: float
    A: sp.csc_array
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray  # bool per column
    col_names: Sequence[str]
    row_names: Sequence[str]

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.row_lower), len(self.c))

    def with_columns_fixed(self, fixed: np.ndarray, x: np.ndarray) -> StandardForm:
        """A copy with the ``fixed`` columns (bool mask) held at ``x`` rounded to whole numbers:
        the sub-problem of a fix-and-optimise window, an LP for duals or a plan's check. The
        matrix is shared, the bounds are the copy's own."""
        out = copy(self)
        out.col_lower, out.col_upper = self.col_lower.copy(), self.col_upper.copy()
        out.col_lower[fixed] = out.col_upper[fixed] = np.round(np.asarray(x)[fixed])
        return out


@dataclass
class SolverOptions:
    time_limit_s: float = 300.0
    mip_rel_gap: float = 1e-4
    threads: int = 0
    seed: int = 0
    verbose: bool = False
    hard_limit_grace_s: float = 15.0
    race: int = 1
    """MIP only: run this many racers on separate cores, pooling plans and bounds (each bound is
    valid for the same model); the first to prove the gap wins. Racer 0 is HiGHS; with
    ``neighbourhoods`` and a start, racer 1 is the neighbourhood search; the others are HiGHS
    with seeds seed+i and more primal heuristics (``solvers.highs_child.RACER_HEURISTIC_EFFORT``).
    Every racer's better plan is handed to the others."""
    progress: Callable[[float, float | None, float | None], None] | None = None
    """MIP only: called in the parent with (elapsed s, best objective, best bound) whenever a
    racer reports a new incumbent or bound (about once a second), for a live display."""
    neighbourhoods: Neighbourhoods | None = None
    """MIP with a start and two racers or more: the second racer is a large-neighbourhood
    search over these (:mod:`optimizer.solvers.neighbourhood_search`) instead of another HiGHS
    run; every racer's better plan is handed to the others."""


@dataclass
class SolveResult:
    status: Status
    termination: str
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    x: np.ndarray | None = None
    row_duals: np.ndarray | None = None
    solve_seconds: float = 0.0
    wall_seconds: float = 0.0
    killed_at_hard_limit: bool = False
    interrupted: bool = False  # stopped by Ctrl-C / SIGTERM: x is the best incumbent so far
    info: dict[str, float] = field(default_factory=dict)

    @property
    def has_solution(self) -> bool:
        return self.x is not None


class Solver(Protocol):
    name: str
    features: frozenset[Feature]

    def solve(
        self, form: StandardForm, options: SolverOptions, start: np.ndarray | None = None
    ) -> SolveResult: ...

    def solve_lp_duals(self, form: StandardForm, options: SolverOptions) -> SolveResult: ...


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """|objective − bound| / max(|objective|, 1e-9), the usual MIP gap definition."""
    if objective is None or bound is None or not np.isfinite(bound):
        return None
    return abs(objective - bound) / max(abs(objective), 1e-9)


@dataclass
class WarmStart:
    """A starting plan for the solver (``x`` None when none was found), how it was made and what
    it proved."""

    x: np.ndarray | None
    objective: float | None
    seconds: float
    note: str
    bound: float | None = None
    """A valid lower bound on the full model's objective, when the start proved one: the LP
    relaxation the neighbourhood search solves first, or the first relax-and-fix step (the full
    model with only its year integer); both are relaxations of it."""
    interrupted: bool = False
    """Ctrl-C or SIGTERM came while the plan was being improved: ``x`` is the best full plan so
    far, and no solver may run again in this process."""
    infeasible: bool = False
    """A relaxation of the full model (its LP, or the first relax-and-fix step) is infeasible:
    so is the model, and no solver need run; the note says which relaxation."""
    first_plan_s: float | None = None
    """Seconds from the warm start's start to its first full, verified plan (the greedy's
    repaired plan, before its descent and polish); None means at its end."""

    @classmethod
    def none(cls, seconds: float, note: str, infeasible: bool = False) -> WarmStart:
        """No starting plan: what was tried (``note``) and whether it proved the model infeasible."""
        return cls(None, None, seconds, note, infeasible=infeasible)
