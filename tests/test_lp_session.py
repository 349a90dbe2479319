"""The in-memory LP keeps its time limit per solve: a slow solve that hits it does not stop the
ones after it (HiGHS's own limit counts every run of the object)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from optimizer.solvers.base import StandardForm
from optimizer.solvers.lp_session import LpSession


def dense_lp(n: int, seed: int = 0) -> StandardForm:
    # max sum x s.t. a dense random A x <= 1, 0 <= x <= 1: thousands of simplex iterations
    rng = np.random.default_rng(seed)
    A = sp.csc_array(rng.uniform(0.1, 1.0, size=(n, n)))
    return StandardForm(
        c=-np.ones(n),
        offset=0.0,
        A=A,
        row_lower=np.full(n, -np.inf),
        row_upper=np.ones(n),
        col_lower=np.zeros(n),
        col_upper=np.ones(n),
        integer=np.zeros(n, dtype=bool),
        col_names=[],
        row_names=[],
    )


def test_a_solve_after_one_that_hit_the_limit_gets_its_own_time() -> None:
    n = 400
    session = LpSession(dense_lp(n), time_limit_s=0.02)
    slow = session.solve()
    assert not slow.optimal  # the dense LP needs far more than 0.02 s
    # every column fixed at 0: presolve solves it at once, if the solve is allowed to start
    cols = np.arange(n)
    session.set_bounds(cols, np.zeros(n), np.zeros(n))
    for _ in range(3):
        easy = session.solve()
        assert easy.optimal and easy.objective == 0.0
