"""The greedy start: hand-derived instances where only one plan (or one kind of plan) is
feasible, the swap that frees a full campaign slot, and every seed province."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from handmade import make_instance, write_pace

from optimizer.data.load import instance_dir, load_instance
from optimizer.evaluator.api import evaluate
from optimizer.evaluator.plan import NEVER
from optimizer.evaluator.targets import all_hard_met, check_targets
from optimizer.instance_model import build_instance_model, load_solution
from optimizer.models.extract import decisions_to_plan, read_decisions
from optimizer.run import solve_instance
from optimizer.run_options import RunOptions
from optimizer.solve import limits_exceeded
from optimizer.solvers.base import StandardForm
from optimizer.solvers.greedy_plan import greedy_plan, swap_pairs
from optimizer.solvers.line_paths import C, ColumnMap, Paths, X, line_paths
from optimizer.solvers.row_ranges import CouplingRows, RowRanges, coupling_rows


def _greedy(folder: Path):  # type: ignore[no-untyped-def]
    """The greedy plan of an instance folder, as the evaluator sees it."""
    instance = load_instance(folder)
    built = build_instance_model(instance)
    plan = greedy_plan(built.data, built.form, built.columns, budget_s=30)
    assert plan.x is not None, plan.note
    load_solution(built.columns, plan.x)
    evaluated = decisions_to_plan(built.data, read_decisions(built.model, built.data))
    evaluation = evaluate(instance, evaluated)
    targets = check_targets(instance, evaluation.arrays, evaluation.values)
    return plan, evaluated, evaluation, targets


def _one_line_reaches_the_share(folder: Path) -> Path:
    """A (900 kt/yr) and B, C (300 kt/yr), all 110 kgce/t; half the capacity at the benchmark
    in 2025 and one retrofit campaign a year (the first test derives the plan)."""
    make_instance(
        folder,
        lines=[
            {"line_id": "A", "size_t_per_day": 3000, "capacity_per_year": 900000, "fuel_kgce_per_unit": 110},
            {"line_id": "B", "fuel_kgce_per_unit": 110},
            {"line_id": "C", "fuel_kgce_per_unit": 110},
        ],
        techs=[{"tech_id": "burner", "fuel_saving_frac": 0.2, "capex_fixed_cny": 1e6}],
        targets=[{"target_id": "T1", "kind": "benchmark_share", "year": 2025, "value": 0.5}],
        demand={2025: 900e3, 2026: 900e3},
        coal_cny_per_tce=1000,
    )
    return write_pace(folder, retrofit_line_share_max_per_year=0.2, from_year=2025)


def test_the_one_line_that_reaches_the_share_alone_is_retrofitted(tmp_path: Path) -> None:
    # A (3 000 t/d, 900 kt/yr), B and C (1 000 t/d, 300 kt/yr each), all 110 kgce/t, above the
    # clinker benchmark; the burner (-20 % fuel) brings a line to 88 kgce/t, below it. Half the
    # capacity at the benchmark in 2025 is 750 kt: A alone (900) reaches it, B + C (600) cannot,
    # and the campaign pace allows one line a year (max(0.2 x 3 lines, 1)). Every feasible
    # plan retrofits A in 2025. A running line makes at least 1 000 t/yr, so B and C running
    # cost 2 x 1 000 t x 22 kgce/t x 1 000 CNY/tce = 44 000 CNY a year more than A making it
    # (88 000 over 2025-26): the repair keeps them, the descent closes them, and the plan is
    # the optimum HiGHS proves.
    folder = _one_line_reaches_the_share(tmp_path / "i")
    plan, evaluated, _, targets = _greedy(folder)
    burner = list(load_instance(folder).technologies.index).index("burner")
    assert list(evaluated.adopt_year[:, burner]) == [2025, NEVER, NEVER]
    assert list(evaluated.retire_year) == [NEVER, 2025, 2025]
    assert "cheaper after" in plan.note
    assert all_hard_met(targets)
    options = RunOptions(time_limit_s=60, shadow_prices=False, write=False)
    optimum = solve_instance(load_instance(folder), options)
    assert plan.objective == pytest.approx(optimum.objective_cny, rel=1e-9)


def test_a_capacity_cap_closes_a_line_the_demand_can_spare(tmp_path: Path) -> None:
    # A 900, B 600, C 300 kt/yr (1 800 in all) under a cap of 1 500: one line must close.
    # Demand is 1 000 kt/yr and a line makes at most its capacity: closing A leaves 900, too
    # little, so the greedy must close B or C (each meets the cap), never A.
    folder = make_instance(
        tmp_path / "i",
        lines=[
            {"line_id": "A", "size_t_per_day": 3000, "capacity_per_year": 900000},
            {"line_id": "B", "size_t_per_day": 2000, "capacity_per_year": 600000},
            {"line_id": "C", "size_t_per_day": 1000, "capacity_per_year": 300000},
        ],
        techs=[{"tech_id": "burner", "fuel_saving_frac": 0.2, "capex_fixed_cny": 1e6}],
        targets=[{"target_id": "T1", "kind": "capacity_cap", "year": 2025, "value": 1.5e6, "unit": "t/yr"}],
        demand={2025: 1000e3, 2026: 1000e3},
    )
    _, evaluated, _, targets = _greedy(folder)
    closed = [bool(y != NEVER) for y in evaluated.retire_year]
    assert closed[0] is False and sum(closed) == 1
    assert all_hard_met(targets)


def test_a_full_campaign_slot_is_freed_for_a_blocked_repair() -> None:
    # Two lines, one year, campaigns c0 + c1 <= 1. Line 0 holds the slot (path 1); line 1's
    # retrofit (path 3) gains 2, line 0 going back to its base path (path 0) loses 1: the pair
    # gains 1, so the swap moves line 0 out of the slot and line 1 in.
    cols = ["x0base", "x0new", "x1base", "x1new", "c0", "c1"]
    form = StandardForm(
        c=np.zeros(6),
        offset=0.0,
        A=sp.csc_array(np.array([[0, 0, 0, 0, 1.0, 1.0]])),
        row_lower=np.array([-np.inf]),
        row_upper=np.array([1.0]),
        col_lower=np.zeros(6),
        col_upper=np.ones(6),
        integer=np.array([True, True, True, True, False, False]),
        col_names=cols,
        row_names=["campaigns"],
    )
    cm = ColumnMap(
        kind=np.array([X, X, X, X, C, C], dtype=np.int8),
        line=np.array([0, 0, 1, 1, 0, 1]),
        x={},
        r={},
        a={},
        c={},
        z={},
        q={},
        n={},
    )
    det = np.zeros((6, 4))
    det[0, 0] = 1
    det[[1, 4], 1] = 1
    det[2, 2] = 1
    det[[3, 5], 3] = 1
    paths = Paths(
        line=np.array([0, 0, 1, 1]),
        det=sp.csc_array(det),
        qcol=np.full((4, 1), -1),
        qmin=np.zeros((4, 1)),
        qmax=np.zeros((4, 1)),
        label=[(-1, 0, 0), (1, 2025, 0), (-1, 0, 0), (3, 2025, 0)],
        base=np.array([0, 2]),
    )
    ranges = RowRanges(form, cm, CouplingRows(np.array([True]), np.array([1.0])), paths)
    current = np.array([1, 2])
    ranges.reset(current)
    assert ranges.blocks(2, 3) == 0
    path_slot = np.array([0, 0, 1, 1])
    gain = np.array([-1.0, 0.0, 0.0, 2.0])
    blocked_by = np.array([-1, -1, -1, 0])
    assert swap_pairs(ranges, paths, current, path_slot, gain, blocked_by) == 2
    assert list(current) == [0, 3]
    assert ranges.blocks(0, 0) is None  # the row holds: one campaign


@pytest.mark.parametrize("province", ["zhejiang", "guizhou", "xinjiang", "chongqing"])
def test_every_seed_province_gets_a_verified_greedy_plan(province: str) -> None:
    """The plan a short run falls back on: every hard target met and every pace and supply
    limit held, as the independent evaluator checks them, and its NPV equals the model's."""
    plan, evaluated, evaluation, targets = _greedy(instance_dir(province))
    assert all_hard_met(targets), targets[~targets["met"] & targets["hard"]]
    assert limits_exceeded(load_instance(instance_dir(province)), evaluation, evaluated) == []
    assert evaluation.npv_cny == pytest.approx(plan.objective, rel=1e-6)


def _repaired_share_plan(folder: Path, monkeypatch):  # type: ignore[no-untyped-def]
    """The first test's instance built, and its repaired plan without the descent: it keeps B
    and C running (88 000 CNY above the optimum)."""
    import optimizer.solvers.greedy_plan as greedy_module

    built = build_instance_model(load_instance(_one_line_reaches_the_share(folder)))
    monkeypatch.setattr(greedy_module, "DESCENT_ROUNDS", 0)
    repaired = greedy_plan(built.data, built.form, built.columns, budget_s=30)
    assert repaired.x is not None and repaired.objective is not None
    assert repaired.objective == pytest.approx(241.088e6, rel=1e-9)
    return built, repaired


def test_the_neighbourhood_search_finds_what_the_repair_left(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # without the LP's guidance: one sub-MIP over the clinker sector closes B and C
    from optimizer.solvers.neighbourhood_search import model_neighbourhoods, search

    built, repaired = _repaired_share_plan(tmp_path / "i", monkeypatch)
    found: list[float] = []
    objective, x = search(
        built.form,
        model_neighbourhoods(built.data, built.columns),
        repaired.x,
        deadline=time.perf_counter() + 5,
        on_better=lambda value, _x: found.append(value),
        guided=False,
    )
    assert objective == pytest.approx(241.0e6, rel=1e-9) and found[-1] == objective
    load_solution(built.columns, x)
    plan = decisions_to_plan(built.data, read_decisions(built.model, built.data))
    assert list(plan.retire_year) == [NEVER, 2025, 2025]


def test_the_first_step_frees_where_plan_and_lp_relaxation_disagree(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # the repaired plan keeps B and C running, the LP relaxation (like the optimum) closes
    # them: the first sub-MIP frees only columns on which plan and relaxation disagree, finds
    # the optimum, and hands it on while HiGHS still runs (before the step returns); the
    # relaxation's objective is passed on as a bound
    from optimizer.solvers.base import WarmStart
    from optimizer.solvers.neighbourhood_search import _SubMip, model_neighbourhoods, relaxed_solution, search
    from optimizer.solvers.warm_start import polish_by_neighbourhoods

    built, repaired = _repaired_share_plan(tmp_path / "i", monkeypatch)
    hoods = model_neighbourhoods(built.data, built.columns)
    lp = relaxed_solution(built.form, 10.0)
    assert lp is not None
    lp_bound, relaxed = lp
    disagree = built.form.integer & (np.abs(relaxed - repaired.x) > 1e-6)
    found: list[float] = []
    steps: list[tuple[np.ndarray, int]] = []  # (freed columns, plans handed on when it returned)
    real_solve = _SubMip.solve

    def spy(self, free, x, limit_s):  # type: ignore[no-untyped-def]
        result = real_solve(self, free, x, limit_s)
        steps.append((free.copy(), len(found)))
        return result

    monkeypatch.setattr(_SubMip, "solve", spy)
    bounds: list[float] = []
    objective, _ = search(
        built.form,
        hoods,
        repaired.x,
        deadline=time.perf_counter() + 5,
        on_better=lambda value, _x: found.append(value),
        on_bound=bounds.append,
    )
    # the relaxation's objective is handed on as a bound: below the optimum, not above
    assert bounds == [pytest.approx(lp_bound, rel=1e-9)] and lp_bound <= 241.0e6 * (1 + 1e-9)
    first_free, handed_on = steps[0]
    assert disagree.any() and np.array_equal(first_free, disagree)
    assert handed_on >= 1 and found[handed_on - 1] == pytest.approx(241.0e6, rel=1e-9)
    assert objective == pytest.approx(241.0e6, rel=1e-9)
    # one racer: the polish before HiGHS keeps the bound for the run (with_start_bound)
    start = WarmStart(repaired.x, repaired.objective, 0.0, "greedy")
    polished = polish_by_neighbourhoods(built.form, start, hoods, 3.0)
    assert polished.bound == pytest.approx(lp_bound, rel=1e-9)
    assert polished.objective == pytest.approx(241.0e6, rel=1e-9)
    # a polish too short for the LP (its share of 0.5 s is under the 1 s an LP is given at
    # least) still solves it within the solve's time left and takes the guided step after it
    assert polish_by_neighbourhoods(built.form, start, hoods, 0.5).bound is None
    late = polish_by_neighbourhoods(built.form, start, hoods, 0.5, lp_window_s=20.0)
    assert late.bound == pytest.approx(lp_bound, rel=1e-9)
    assert late.objective == pytest.approx(241.0e6, rel=1e-9)


def test_highs_races_the_neighbourhood_search_and_they_share_plans(tmp_path: Path) -> None:
    # two racers from the repaired (non-descended) plan: HiGHS and the search; the run ends
    # proven at the optimum and says which racer improved on the start
    folder = _one_line_reaches_the_share(tmp_path / "i")
    options = RunOptions(time_limit_s=60, race=2, shadow_prices=False, write=False)
    result = solve_instance(load_instance(folder), options)
    assert result.status == "optimal" and result.objective_cny == pytest.approx(241.0e6, rel=1e-9)
    assert result.solve is not None
    assert set(result.solve.info) == {"highs", "search", "best_from_search"}


def test_ctrl_c_in_the_descent_keeps_the_repaired_plan(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Ctrl-C on the descent's first LP: the repaired plan (B and C still running, 88 000 CNY
    # above the optimum) is kept, feasible, and marked interrupted
    from optimizer.solvers.greedy_plan import ElasticLp
    from optimizer.solvers.lp_session import LpSession

    built = build_instance_model(load_instance(_one_line_reaches_the_share(tmp_path / "i")))
    state = {"armed": False, "solves": 0}
    real_costs, solve = ElasticLp.real_costs, LpSession.solve

    def arm(self, c):  # type: ignore[no-untyped-def]
        real_costs(self, c)
        state["armed"] = True

    def interrupt_in_the_descent(self):  # type: ignore[no-untyped-def]
        if state["armed"]:
            state["solves"] += 1
            if state["solves"] == 2:  # the first is the repaired plan's own LP
                raise KeyboardInterrupt
        return solve(self)

    monkeypatch.setattr(ElasticLp, "real_costs", arm)
    monkeypatch.setattr(LpSession, "solve", interrupt_in_the_descent)
    plan = greedy_plan(built.data, built.form, built.columns, budget_s=30)
    assert plan.interrupted and plan.x is not None
    assert plan.objective == pytest.approx(241.088e6, rel=1e-9)


def test_the_first_plan_is_timed_at_the_repair(tmp_path: Path) -> None:
    # the repaired plan (88 000 CNY above the optimum) is a verified plan before the descent
    # makes it cheaper: the run's first_plan_s counts up to the repair, not the descent
    folder = _one_line_reaches_the_share(tmp_path / "i")
    built = build_instance_model(load_instance(folder))
    plan = greedy_plan(built.data, built.form, built.columns, budget_s=30)
    assert plan.first_plan_s is not None and 0 < plan.first_plan_s < plan.seconds
    assert "cheaper after" in plan.note  # the descent ran
    t = solve_instance(load_instance(folder), RunOptions(time_limit_s=30, write=False)).timings
    before = t["packages_s"] + t["build_s"] + t["handover_s"]
    assert before < t["first_plan_s"] < before + t["warm_start_s"]


def test_a_target_that_holds_one_line_is_repaired(tmp_path: Path) -> None:
    # A burns 120 kgce/t, worse than the 117 baseline that must be cleared in 2025; B burns 100.
    # The demand (600 kt/yr) needs both lines, so A must take the 20 % retrofit (96 kgce/t).
    # The clearance row holds A alone, and A's base path breaks it: the greedy used to take it
    # for a row every path keeps, and its first LP was infeasible ("elastic LP failed").
    folder = make_instance(
        tmp_path / "i",
        lines=[{"line_id": "A", "fuel_kgce_per_unit": 120}, {"line_id": "B", "fuel_kgce_per_unit": 100}],
        techs=[{"tech_id": "deep", "fuel_saving_frac": 0.2, "capex_fixed_cny": 100e6}],
        targets=[{"target_id": "T1", "kind": "baseline_clear", "year": 2025, "value": 0}],
        demand={2025: 600e3, 2026: 600e3},
        coal_cny_per_tce=1000,
    )
    built = build_instance_model(load_instance(folder))
    cm = ColumnMap.of(built.columns, len(built.data.lines))
    paths = line_paths(built.data, cm, built.form)
    clearance = np.array(["baseline_clear" in name for name in built.form.row_names])
    assert not coupling_rows(built.form, cm).coupling[clearance].any()  # one line's rows...
    assert coupling_rows(built.form, cm, paths).coupling[clearance].all()  # ...that a path breaks
    _, evaluated, _, targets = _greedy(folder)
    assert all_hard_met(targets) and list(evaluated.retire_year) == [NEVER, NEVER]
