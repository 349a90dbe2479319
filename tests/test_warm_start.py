"""Relax and fix by year on forms small enough to solve by hand."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from optimizer.solvers.base import SolverOptions, StandardForm
from optimizer.solvers.highs import HighsSolver
from optimizer.solvers.year_by_year import relax_and_fix_by_year

INF = np.inf


def _form(c, rows, lower, upper, integer) -> StandardForm:
    A = sp.csc_array(np.array([r for r, _, _ in rows], dtype=float))
    return StandardForm(
        c=np.array(c, dtype=float),
        offset=0.0,
        A=A,
        row_lower=np.array([lo for _, lo, _ in rows], dtype=float),
        row_upper=np.array([up for _, _, up in rows], dtype=float),
        col_lower=np.array(lower, dtype=float),
        col_upper=np.array(upper, dtype=float),
        integer=np.array(integer, dtype=bool),
        col_names=[f"v{i}" for i in range(len(c))],
        row_names=[f"r{i}" for i in range(len(rows))],
    )


def test_the_relaxed_future_steers_the_first_year() -> None:
    """Build in 2025 (y1) or 2026 (y2); a line once built stays (y2 >= y1 is not required, but
    y2 <= y1: only a line built in 2025 runs in 2026) and 2026 needs it (y2 >= 1).

    Year 2025 alone would build nothing (y1 costs 1); with 2026 relaxed, y2 >= 1 and y2 <= y1
    force y1 = 1 in the first step, so the plan is y1 = y2 = 1 at cost 1 + 2 = 3.
    """
    form = _form(
        c=[1.0, 2.0],
        rows=[([-1.0, 1.0], -INF, 0.0), ([0.0, 1.0], 1.0, INF)],
        lower=[0, 0],
        upper=[1, 1],
        integer=[True, True],
    )
    year = np.array([2025, 2026])
    start = relax_and_fix_by_year(form, year, HighsSolver(), SolverOptions(time_limit_s=30), budget_s=30)
    assert start.x is not None, start.note
    assert list(np.round(start.x)) == [1.0, 1.0]
    assert abs(start.objective - 3.0) < 1e-9
    assert "2025" in start.note and "2026" in start.note


def test_a_year_with_no_integer_plan_is_reported() -> None:
    """2 y1 = 1 has no integer solution: the first step fails and says which year."""
    form = _form(
        c=[1.0, 1.0],
        rows=[([2.0, 0.0], 1.0, 1.0), ([0.0, 1.0], 0.0, 1.0)],
        lower=[0, 0],
        upper=[1, 1],
        integer=[True, True],
    )
    start = relax_and_fix_by_year(
        form, np.array([2025, 2026]), HighsSolver(), SolverOptions(time_limit_s=30), budget_s=30
    )
    assert start.x is None
    assert "2025" in start.note


def test_continuous_columns_are_set_by_the_final_lp() -> None:
    """A continuous output q <= 10 y_t per year, demand q >= 4 in each: open in 2025 (cost 5,
    output 1/unit), keep in 2026; the final LP sets q at the demand: 5 + 5 + 4 + 4 = 18."""
    # columns: y2025, y2026, q2025, q2026
    form = _form(
        c=[5.0, 5.0, 1.0, 1.0],
        rows=[
            ([-10.0, 0.0, 1.0, 0.0], -INF, 0.0),
            ([0.0, -10.0, 0.0, 1.0], -INF, 0.0),
            ([0.0, 0.0, 1.0, 0.0], 4.0, INF),
            ([0.0, 0.0, 0.0, 1.0], 4.0, INF),
        ],
        lower=[0, 0, 0, 0],
        upper=[1, 1, INF, INF],
        integer=[True, True, False, False],
    )
    year = np.array([2025, 2026, -1, -1])
    start = relax_and_fix_by_year(form, year, HighsSolver(), SolverOptions(time_limit_s=30), budget_s=30)
    assert start.x is not None
    assert np.allclose(start.x, [1, 1, 4, 4])
    assert abs(start.objective - 18.0) < 1e-9


def test_large_costs_are_scaled_for_highs_and_reported_unscaled() -> None:
    """min 3e9 y + 1e9 q with y integer >= 0.5 and q >= 2.5: y = 1, q = 2.5, cost 5.5e9; the
    LP's demand-row dual is 1e9 CNY per unit (HiGHS saw costs scaled by 2^-13)."""
    from optimizer.solvers.highs_child import objective_scale_exponent

    form = _form(
        c=[3e9, 1e9],
        rows=[([1.0, 0.0], 0.5, INF), ([0.0, 1.0], 2.5, INF)],
        lower=[0, 0],
        upper=[1, INF],
        integer=[True, False],
    )
    assert objective_scale_exponent(form.c) == -13
    mip = HighsSolver().solve(form, SolverOptions(time_limit_s=30, mip_rel_gap=0))
    assert mip.objective == 5.5e9 and mip.bound == 5.5e9
    lp = HighsSolver().solve_lp_duals(form, SolverOptions(time_limit_s=30))
    assert lp.objective == 4.0e9  # y = 0.5 in the relaxation
    assert lp.row_duals is not None and np.allclose(np.abs(lp.row_duals), [3e9, 1e9])


def test_each_year_column_knows_its_previous_year() -> None:
    from optimizer.solvers.year_by_year import previous_year_columns

    form = _form(
        c=[0.0] * 5,
        rows=[([0.0] * 5, -INF, INF)],
        lower=[0] * 5,
        upper=[1] * 5,
        integer=[True, True, True, True, False],
    )
    form.col_names = ["x[3,1,2025]", "x[3,1,2027]", "r[3,2027]", "r[3,2025]", "q[3,1,2027]"]
    previous = previous_year_columns(form, np.array([2025, 2027, 2027, 2025, -1]))
    assert list(previous) == [-1, 0, 3, -1, -1]


def _one_of_three_years() -> StandardForm:
    """Open a line in 2025, 2026 or 2027 at costs 3, 2, 1; at least one open."""
    return _form(
        c=[3.0, 2.0, 1.0],
        rows=[([1.0, 1.0, 1.0], 1.0, INF)],
        lower=[0, 0, 0],
        upper=[1, 1, 1],
        integer=[True, True, True],
    )


def test_fix_and_optimise_improves_window_by_window() -> None:
    """Open a line in 2025, 2026 or 2027 (costs 3, 2, 1; at least one open). Started from
    "open in 2025" (cost 3), the 2025-26 window moves it to 2026 (cost 2) with 2027 fixed at 0;
    the 2027 window then has 2025-26 fixed (one open already), so opening in 2027 too only adds
    cost: the polished plan costs 2, not the global optimum 1 — windows are local search."""
    from optimizer.solvers.base import WarmStart
    from optimizer.solvers.year_by_year import fix_and_optimise_by_years

    form = _one_of_three_years()
    start = WarmStart(np.array([1.0, 0.0, 0.0]), 3.0, 0.0, "given")
    better = fix_and_optimise_by_years(
        form, np.array([2025, 2026, 2027]), start, HighsSolver(), SolverOptions(time_limit_s=30), 60
    )
    assert better.x is not None and list(np.round(better.x)) == [0.0, 1.0, 0.0]
    assert better.objective == 2.0
    assert "33.33% cheaper" in better.note


def test_years_left_without_time_keep_the_last_fixed_state() -> None:
    from optimizer.solvers.year_by_year import _stay_from, previous_year_columns

    form = _form(
        c=[0.0] * 4,
        rows=[([0.0] * 4, -INF, INF)],
        lower=[0] * 4,
        upper=[1] * 4,
        integer=[True] * 4,
    )
    form.col_names = ["r[1,2025]", "r[1,2026]", "r[1,2027]", "x[1,0,2027]"]
    year = np.array([2025, 2026, 2027, 2027])
    lower, upper = form.col_lower.copy(), form.col_upper.copy()
    lower[0] = upper[0] = 1.0  # closed in 2025
    note = _stay_from(form, year, previous_year_columns(form, year), lower, upper, [2026, 2027], "why")
    assert list(lower[:3]) == [1, 1, 1] and list(upper[:3]) == [1, 1, 1]
    assert (lower[3], upper[3]) == (0, 1)  # no 2026 column to copy: left free
    assert note == "2026-2027 kept as the year before (why)"


class _InterruptedAfterFirst:
    """A solver whose first solve improves the plan and is then interrupted (Ctrl-C in the
    first window); any later solve would raise, as HighsSolver does once interrupted."""

    name = "fake"
    features = frozenset()

    def __init__(self) -> None:
        self.calls = 0

    def solve(self, form, options, start=None):  # type: ignore[no-untyped-def]
        from optimizer.solvers.base import SolveResult, Status

        self.calls += 1
        if self.calls > 1:
            raise KeyboardInterrupt("a solve of this process was interrupted")
        return SolveResult(Status.FEASIBLE, "interrupted", 2.0, x=np.array([0.0, 1.0, 0.0]), interrupted=True)


def test_fix_and_optimise_interrupted_keeps_its_best_plan() -> None:
    # the window problem of the test above: the first window's improved plan (cost 2) is kept
    # and no second window is started
    from optimizer.solvers.base import WarmStart
    from optimizer.solvers.year_by_year import fix_and_optimise_by_years

    form = _one_of_three_years()
    solver = _InterruptedAfterFirst()
    start = WarmStart(np.array([1.0, 0.0, 0.0]), 3.0, 0.0, "given")
    kept = fix_and_optimise_by_years(
        form, np.array([2025, 2026, 2027]), start, solver, SolverOptions(time_limit_s=30), 60
    )
    assert kept.interrupted and solver.calls == 1
    assert kept.x is not None and list(np.round(kept.x)) == [0.0, 1.0, 0.0] and kept.objective == 2.0


def test_a_run_interrupted_in_its_warm_start_keeps_that_plan_verified(tiny, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Ctrl-C while the warm start polished a full plan: the run is 'interrupted' (exit 7) with
    # that plan re-evaluated by the evaluator, and HiGHS's main solve is never started
    import optimizer.solve as solve_module
    from optimizer.data.load import load_instance
    from optimizer.exit_codes import EXIT_INTERRUPTED
    from optimizer.instance_model import build_instance_model
    from optimizer.run_options import RunOptions
    from optimizer.solvers.base import WarmStart

    inst = load_instance(tiny)
    built = build_instance_model(inst)
    solved = HighsSolver().solve(built.form, SolverOptions(time_limit_s=60, mip_rel_gap=1e-6))
    assert solved.x is not None
    monkeypatch.setattr(
        solve_module,
        "starting_plan",
        lambda *args: WarmStart(solved.x, solved.objective, 1.0, "polished, interrupted", interrupted=True),
    )

    def no_main_solve(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the main solve must not start after an interrupt")

    monkeypatch.setattr(HighsSolver, "solve", no_main_solve)
    result = solve_module.solve_built(inst, built, RunOptions(time_limit_s=60, write=False), None, {}, 0.0)
    assert result.status == "interrupted" and result.exit_code == EXIT_INTERRUPTED
    assert result.npv_cny == pytest.approx(result.objective_cny, rel=1e-6)  # verified
    assert result.plan is not None and result.evaluation is not None


def test_short_runs_give_the_starting_plan_most_of_the_time() -> None:
    from optimizer.solvers.warm_start import warm_start_budget_s

    # 24 s left (a 30 s run after the build): HiGHS alone finds no plan that fast
    assert warm_start_budget_s(24.0) == pytest.approx(0.9 * 24.0)
    # a long run keeps 40 % for HiGHS from the start
    assert warm_start_budget_s(1500.0) == pytest.approx(0.6 * 1500.0)
    assert warm_start_budget_s(80.0) == pytest.approx(max(0.6 * 80.0, 0.9 * 60.0))


def test_a_stronger_bound_from_the_start_replaces_a_trivial_one() -> None:
    import numpy as np

    from optimizer.solve import with_start_bound
    from optimizer.solvers.base import SolveResult, Status

    trivial = SolveResult(Status.FEASIBLE, "time limit", objective=100.0, bound=-50.0, gap=1.5, x=np.zeros(1))
    pooled = with_start_bound(trivial, 98.0, 1e-3)
    assert pooled.bound == 98.0 and pooled.gap == pytest.approx(0.02) and pooled.status is Status.FEASIBLE
    proven = with_start_bound(trivial, 99.95, 1e-3)
    assert proven.status is Status.OPTIMAL and proven.gap == pytest.approx(5e-4)
    # HiGHS's own bound is kept when it is the stronger one
    strong = SolveResult(Status.FEASIBLE, "time limit", objective=100.0, bound=99.0, gap=0.01, x=np.zeros(1))
    assert with_start_bound(strong, 98.0, 1e-3) is strong
    assert with_start_bound(strong, None, 1e-3) is strong


def test_an_unreachable_target_is_proven_infeasible_without_the_main_solve(tiny) -> None:  # type: ignore[no-untyped-def]
    """TT-3 asks for 1 000 000 MW of clean energy, which no package of the tiny fleet gives: the
    greedy gets stuck, the LP relaxation is infeasible, so the run is infeasible (exit 3) with
    the target named by the diagnosis, and HiGHS never starts on the full MIP (it only proved
    the same again: the infeasible zhejiang run spent its whole limit on the starting plan)."""
    from optimizer.data.load import load_instance
    from optimizer.exit_codes import EXIT_INFEASIBLE
    from optimizer.run import solve_instance
    from optimizer.run_options import RunOptions

    targets = tiny / "targets.csv"
    targets.write_text(
        targets.read_text(encoding="utf-8")
        + "TT-3,clean_energy_mw,*,2025,1000000,MW,true,,true,test,3,unreachable\n",
        encoding="utf-8",
    )
    result = solve_instance(load_instance(tiny), RunOptions(time_limit_s=60, write=False))
    assert result.status == "infeasible" and result.exit_code == EXIT_INFEASIBLE
    assert result.solve.termination.startswith("infeasible: ")
    assert "LP relaxation is infeasible" in result.solve.termination
    assert result.relaxation is not None and "TT-3" in set(result.relaxation["target"])
