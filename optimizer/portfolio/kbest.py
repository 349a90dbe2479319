"""The K best distinct portfolios, by integer cuts on the lines' states.

Method: solve; then add the cut Σ_{v ∈ ones} v ≤ |ones| − 1 over the binary state variables
(x[line, package, year] and r[line, year]) that are 1 in every solution found so far, and solve
again, K − 1 times. Each new portfolio therefore differs from every earlier one in at least one
line's package or retirement in at least one model year.

Limits: each portfolio is a full MIP solve (K solves); two portfolios that differ only in
operating days or replacement-line counts are not distinct; with a gap > 0 the k-th portfolio is
the k-th best only up to that gap.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from optimizer.solvers.base import SolveResult, SolverOptions, StandardForm
from optimizer.solvers.registry import get_solver


@dataclass
class Ranked:
    rank: int
    result: SolveResult


def state_columns(form: StandardForm) -> np.ndarray:
    """Columns of the binary state variables x[...] and r[...]."""
    return np.array(
        [i for i, name in enumerate(form.col_names) if name.startswith(("x[", "r["))], dtype=np.int64
    )


def with_cut(form: StandardForm, ones: np.ndarray) -> StandardForm:
    row = sp.csr_array(
        (np.ones(len(ones)), (np.zeros(len(ones), dtype=np.int64), ones)), shape=(1, form.shape[1])
    )
    cut = copy(form)
    cut.A = sp.vstack([form.A.tocsr(), row]).tocsc()
    cut.row_lower = np.append(form.row_lower, -np.inf)
    cut.row_upper = np.append(form.row_upper, len(ones) - 1)
    cut.row_names = [*form.row_names, f"kbest_cut[{len(form.row_names)}]"]
    return cut


def k_best(
    form: StandardForm, k: int, options: SolverOptions, first: SolveResult | None = None
) -> list[Ranked]:
    """Up to ``k`` distinct portfolios in order of cost (fewer if no more exist)."""
    solver = get_solver()
    states = state_columns(form)
    found: list[Ranked] = []
    current = form
    result = first if first is not None else solver.solve(form, options)
    while result.x is not None:
        found.append(Ranked(len(found) + 1, result))
        if len(found) >= k:
            break
        ones = states[result.x[states] > 0.5]
        current = with_cut(current, ones)
        result = solver.solve(current, options)
    return found
