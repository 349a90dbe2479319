"""The matrix handed to HiGHS is the model Pyomo states, and the adapter reads results right."""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest
from conftest import DATA

from optimizer.data.load import load_instance
from optimizer.instance_model import build_instance_model
from optimizer.solvers.base import SolverOptions, Status
from optimizer.solvers.highs import HighsSolver
from optimizer.solvers.standard_form import compile_model


def _check_matrix_against_pyomo(model: pyo.ConcreteModel, seed: int) -> None:
    form, columns = compile_model(model)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, len(columns))
    for var, value in zip(columns, x, strict=True):
        var.set_value(float(value), skip_validation=True)
    activity = form.A @ x
    by_name = {name: i for i, name in enumerate(form.row_names)}
    checked = 0
    for con in model.component_data_objects(pyo.Constraint, active=True):
        body = pyo.value(con.body)
        i = by_name[con.name]
        # constants in the body moved to the bounds: compare body - constant with A x
        lower = None if con.lower is None else pyo.value(con.lower)
        upper = None if con.upper is None else pyo.value(con.upper)
        offset = body - activity[i]
        if lower is not None:
            assert form.row_lower[i] == pytest.approx(lower - offset, rel=1e-9, abs=1e-6)
        if upper is not None:
            assert form.row_upper[i] == pytest.approx(upper - offset, rel=1e-9, abs=1e-6)
        checked += 1
    assert checked == form.shape[0]
    objective = next(model.component_data_objects(pyo.Objective, active=True))
    assert form.c @ x + form.offset == pytest.approx(pyo.value(objective.expr), rel=1e-9)
    for var, low, high, integer in zip(columns, form.col_lower, form.col_upper, form.integer, strict=True):
        assert (var.lb if var.lb is not None else -np.inf) == low
        assert (var.ub if var.ub is not None else np.inf) == high
        assert integer == (var.is_integer() or var.is_binary())


def test_every_row_type_on_a_small_model() -> None:
    m = pyo.ConcreteModel()
    m.x = pyo.Var(bounds=(0, 10))
    m.y = pyo.Var(domain=pyo.Binary)
    m.z = pyo.Var(domain=pyo.NonNegativeIntegers, bounds=(0, 5))
    m.ge = pyo.Constraint(expr=m.x + 3 * m.y >= 2)
    m.rng = pyo.Constraint(expr=pyo.inequality(1, m.x + m.z, 4))
    m.eq = pyo.Constraint(expr=m.x - m.z + 2 == 2.5)
    m.le = pyo.Constraint(expr=2 * m.x - m.y <= 7)
    m.o = pyo.Objective(expr=2 * m.x + 5 * m.y + m.z + 7)
    _check_matrix_against_pyomo(m, 0)
    # x - z = 0.5 with x + z in [1, 4] and x + 3y >= 2: (x, y, z) = (1.5, 1, 1) costs 16
    form, _ = compile_model(m)
    result = HighsSolver().solve(form, SolverOptions(time_limit_s=30))
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(16.0)
    np.testing.assert_allclose(result.x, [1.5, 1.0, 1.0], atol=1e-9)


def test_planning_model_matrix_is_the_pyomo_model() -> None:
    built = build_instance_model(load_instance(DATA / "tiny"))
    _check_matrix_against_pyomo(built.model, 1)


def _knapsack(n: int, seed: int, feasible: bool = True):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    m = pyo.ConcreteModel()
    m.i = pyo.RangeSet(0, n - 1)
    w = rng.integers(20, 60, n)
    v = w + rng.integers(-5, 6, n)
    m.x = pyo.Var(m.i, domain=pyo.Binary)
    m.cap = pyo.Constraint(expr=sum(int(w[i]) * m.x[i] for i in m.i) <= int(w.sum() // 2) + 0.5)
    if not feasible:
        m.too_much = pyo.Constraint(expr=sum(m.x[i] for i in m.i) >= n)
    m.o = pyo.Objective(expr=-sum(int(v[i]) * m.x[i] for i in m.i))
    return compile_model(m)[0]


def test_hard_wall_clock_limit_returns_the_incumbent_or_says_none() -> None:
    # A knapsack-like model HiGHS cannot close in 0.2 s; with no grace the parent stops it at the
    # limit and reports what it has: an incumbent with its gap, or no solution, never a hang.
    form = _knapsack(400, 3)
    result = HighsSolver().solve(form, SolverOptions(time_limit_s=0.2, hard_limit_grace_s=0.0))
    assert result.wall_seconds < 10
    assert result.status in {Status.OPTIMAL, Status.FEASIBLE, Status.NO_SOLUTION}
    if result.status is Status.FEASIBLE:
        assert result.x is not None
        # the gap is known once HiGHS has a finite dual bound (not before its root LP)
        assert (result.gap is None) == (result.bound is None)


def test_racing_seeds_prove_the_same_optimum_as_one_run() -> None:
    form = _knapsack(40, 5)
    one = HighsSolver().solve(form, SolverOptions(time_limit_s=60, mip_rel_gap=0.0))
    raced = HighsSolver().solve(form, SolverOptions(time_limit_s=60, mip_rel_gap=0.0, race=2))
    assert one.status is raced.status is Status.OPTIMAL
    assert raced.objective == pytest.approx(one.objective, abs=1e-6)
    assert raced.bound is not None and raced.bound <= raced.objective + 1e-6
    # the pooled result carries a solution of the model: it must satisfy the capacity row
    assert raced.x is not None
    assert (form.A @ raced.x)[0] <= form.row_upper[0] + 1e-6


def test_racing_reports_an_infeasible_model_as_infeasible() -> None:
    raced = HighsSolver().solve(_knapsack(30, 2, feasible=False), SolverOptions(time_limit_s=30, race=2))
    assert raced.status is Status.INFEASIBLE


def test_racing_stopped_at_the_limit_pools_incumbent_and_bound() -> None:
    form = _knapsack(400, 3)
    raced = HighsSolver().solve(form, SolverOptions(time_limit_s=0.5, hard_limit_grace_s=0.0, race=2))
    assert raced.wall_seconds < 10
    assert raced.status in {Status.OPTIMAL, Status.FEASIBLE, Status.NO_SOLUTION}
    if raced.x is not None and raced.bound is not None:
        assert raced.bound <= raced.objective + 1e-6
        assert raced.gap == pytest.approx((raced.objective - raced.bound) / abs(raced.objective))
