"""Solvers by name: the one place that names an adapter class (linopy's habit)."""

from __future__ import annotations

from collections.abc import Callable

from optimizer.solvers.base import Solver
from optimizer.solvers.highs import HighsSolver

SOLVERS: dict[str, Callable[[], Solver]] = {"highs": HighsSolver}
DEFAULT_SOLVER = "highs"


def get_solver(name: str = DEFAULT_SOLVER) -> Solver:
    """A fresh adapter for solver ``name`` (see SOLVERS)."""
    try:
        return SOLVERS[name]()
    except KeyError:
        raise ValueError(f"unknown solver {name!r}; available: {', '.join(sorted(SOLVERS))}") from None
