"""A diagnosis stopped short of optimality: which relaxed rows are really needed.

Every instance here is two clinker lines A and B of 300 kt/yr, each with 10 000 m² of roof;
rooftop PV gives 10 000 x 0.15 kWp/m² = 1.5 MW on a running line, so 3 MW with both running.
Demand (100 kt) needs one line. Two targets in 2025:

* T-CAP, a capacity cap of 300 kt/yr: one line may run. Its slack is relative to the base
  capacity, 600 kt/yr (both running: s = 300/600 = 0.5).
* T-PV, a clean-energy floor of ``pv`` MW. Its slack is relative to the floor (scale
  max(pv, 1)): with both lines running s = (pv − 3)/pv, with one (T-CAP met) (pv − 1.5)/pv.

A diagnosis stopped at its time limit may hand back a plan relaxing both, as zhejiang's did
(ZJ-T4 out of reach, ZJ-T3 relaxed by 7 points at a 1.16 % gap though it can be met).
"""

from __future__ import annotations

import math
import time
from copy import copy
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from conftest import infeasible_run
from handmade import pv_and_cap_conflict
from openpyxl import load_workbook

from optimizer.data.load import load_instance
from optimizer.diagnose import RELAXATION_COLUMNS, explain_infeasibility, relaxed_model
from optimizer.diagnose_check import CHECK_SHARE, Checked, check_relaxation, needed_columns
from optimizer.diagnose_lp import LeastRelaxation, dual_bound, implied_bounds
from optimizer.evaluator.packages import build_packages
from optimizer.report import write_report
from optimizer.solvers.base import Solver, SolveResult, SolverOptions, StandardForm, Status
from optimizer.solvers.highs import HighsSolver

PV, CAP = ("T-PV", 2025), ("T-CAP", 2025)
OPTIONS = SolverOptions(time_limit_s=60.0)


def _relaxed(folder: Path) -> tuple[StandardForm, dict[tuple[str, int], int]]:
    instance = load_instance(folder)
    _, _, form, _, slack_cols = relaxed_model(instance, build_packages(instance))
    return form, slack_cols


def _stopped(form: StandardForm, slack_cols: dict, slacks: dict) -> SolveResult:
    """A hand-made diagnosis that stopped at its time limit with these slacks (only the slacks
    of its plan are read by the check)."""
    x = np.zeros(form.shape[1])
    for key, value in slacks.items():
        x[slack_cols[key]] = value
    return SolveResult(Status.FEASIBLE, "time limit", objective=1e13, bound=0.7e13, gap=0.3, x=x)


class NoPlanInTime:
    """A solver that finds no plan before its time limit (a province's MIP in a short run)."""

    name = "none"
    features = HighsSolver.features

    def __init__(self) -> None:
        self.calls = 0

    def solve(
        self, form: StandardForm, options: SolverOptions, start: np.ndarray | None = None
    ) -> SolveResult:
        self.calls += 1
        return SolveResult(Status.NO_SOLUTION, "time limit, no incumbent")

    def solve_lp_duals(self, form: StandardForm, options: SolverOptions) -> SolveResult:
        raise AssertionError("the check solves its LPs in memory")


def _check_stopped(form: StandardForm, slack_cols: dict, relaxed: dict, solver: Solver) -> Checked:
    """The check of a diagnosis stopped with ``relaxed`` slacks, a minute to go."""
    return check_relaxation(
        form, slack_cols, _stopped(form, slack_cols, relaxed), solver, OPTIONS, time.perf_counter() + 60
    )


def test_unreachable_floor_is_needed_and_a_met_cap_is_dropped(tmp_path: Path) -> None:
    # T-PV at 100 MW is out of reach: the LP with T-CAP free runs both lines, 3 MW, so every
    # plan relaxes T-PV by at least (100 − 3)/100 = 0.97, 97 MW. T-CAP's LP minimum is 0 (close
    # a line, T-PV relaxed further), so the MIP runs again holding T-CAP met: one line, 1.5 MW,
    # T-PV relaxed by (100 − 1.5)/100 = 0.985, 98.5 MW, and T-CAP not at all.
    form, slack_cols = _relaxed(pv_and_cap_conflict(tmp_path / "i", 100.0))
    checked = _check_stopped(form, slack_cols, {PV: 0.97, CAP: 0.5}, HighsSolver())
    assert checked.least[PV] == pytest.approx(0.97, rel=1e-9)
    assert checked.least[CAP] == 0.0
    assert checked.held == (CAP,) and checked.result.status is Status.OPTIMAL
    assert list(checked.relaxed) == [PV] and checked.relaxed[PV] == pytest.approx(0.985, rel=1e-9)
    columns = needed_columns(checked, PV, "the floor must be lower", 100.0, "MW")
    assert columns["needed"] == "yes"
    assert columns["least_relaxation_in_unit"] == pytest.approx(97.0, rel=1e-9)
    assert "at least 97 MW (LP bound)" in str(columns["note"])
    assert "found holding T-CAP 2025 met" in str(columns["note"])


def test_dual_bound_holds_for_any_row_prices() -> None:
    # min x1 s.t. x1 + x2 >= 1, 0 <= x2 <= 0.25, x1 >= 0: the minimum is 0.75. Price y = 1 gives
    # r = (0, -1) and the bound 1 x 1 - 1 x 0.25 = 0.75; y = 0.5 gives r = (0.5, -0.5) and
    # 0.5 x 1 + 0.5 x 0 - 0.5 x 0.25 = 0.375, weaker but still below; with x2 unbounded above
    # a negative r2 can bound nothing (-inf).
    form = StandardForm(
        c=np.array([1.0, 0.0]),
        offset=0.0,
        A=sp.csc_array(np.array([[1.0, 1.0]])),
        row_lower=np.array([1.0]),
        row_upper=np.array([np.inf]),
        col_lower=np.zeros(2),
        col_upper=np.array([np.inf, 0.25]),
        integer=np.zeros(2, dtype=bool),
        col_names=["x1", "x2"],
        row_names=["r"],
    )
    assert dual_bound(form, form.c, np.array([1.0])) == pytest.approx(0.75)
    assert dual_bound(form, form.c, np.array([0.5])) == pytest.approx(0.375)
    form.col_upper = np.array([np.inf, np.inf])
    assert dual_bound(form, form.c, np.array([1.0])) == -np.inf


def test_rows_bound_an_output_a_rounding_error_would_make_unbounded() -> None:
    # min s s.t. q + s >= 500, q - 300 x <= 0, 0 <= x <= 1, q >= 0 and s >= 0 without upper
    # bounds: min s = 200 (q = 300). Prices y = (1, -1) give r = (x: -300, q: 0, s: 0) and the
    # bound 500 - 300 = 200. With y2 = -1 + 1e-12 (rounding), r_q = -1e-12 meets q's infinite
    # upper bound: -inf, until the second row bounds q by 300 x <= 300.
    form = StandardForm(
        c=np.array([0.0, 0.0, 1.0]),
        offset=0.0,
        A=sp.csc_array(np.array([[0.0, 1.0, 1.0], [-300.0, 1.0, 0.0]])),
        row_lower=np.array([500.0, -np.inf]),
        row_upper=np.array([np.inf, 0.0]),
        col_lower=np.zeros(3),
        col_upper=np.array([1.0, np.inf, np.inf]),
        integer=np.array([True, False, False]),
        col_names=["x", "q", "s"],
        row_names=["floor", "output"],
    )
    assert dual_bound(form, form.c, np.array([1.0, -1.0])) == pytest.approx(200.0)
    noisy = np.array([1.0, -1.0 + 1e-12])
    assert dual_bound(form, form.c, noisy) == -np.inf
    bounds = implied_bounds(form)
    assert bounds.col_upper[1] == pytest.approx(300.0) and bounds.col_upper[0] == 1.0
    assert bounds.col_upper[2] == np.inf and bounds.col_lower.tolist() == [0.0, 0.0, 0.0]
    assert dual_bound(form, form.c, noisy, bounds) == pytest.approx(200.0)
    # a price of the wrong sign on the output row's open side: -inf on the form's bounds; its
    # activity q - 300 x is at least -300, so the bound is 500 + 1e-12 x (-300) on the row and
    # -(1 + 1e-12) x 300 on q (r_x = 3e-10 x 0): 200 to 1e-9
    wrong = np.array([1.0, 1e-12])
    assert dual_bound(form, form.c, wrong) == -np.inf
    assert bounds.row_lower[1] == pytest.approx(-300.0)
    assert dual_bound(form, form.c, wrong, bounds) == pytest.approx(200.0, rel=1e-8)


def test_the_plan_basis_gives_the_lp_minimum_from_scratch(tmp_path: Path) -> None:
    # The LP starts from the basis of a real plan (both lines running with PV, T-CAP relaxed by
    # half); a plan whose integers are all 0 has no LP (no line in any state), so the LP runs
    # from scratch. Both give the hand-derived 0.97 and 0.
    form, slack_cols = _relaxed(pv_and_cap_conflict(tmp_path / "i", 100.0))
    forced = copy(form)
    forced.col_lower = form.col_lower.copy()
    forced.col_lower[slack_cols[CAP]] = 0.5
    plan = HighsSolver().solve(forced, OPTIONS).x
    assert plan is not None and plan[slack_cols[CAP]] == pytest.approx(0.5)
    for start in (plan, np.zeros(form.shape[1])):
        lp = LeastRelaxation(form, slack_cols, start)
        assert lp.of(CAP, time.perf_counter() + 30) == 0.0
        assert lp.of(PV, time.perf_counter() + 30) == pytest.approx(0.97, rel=1e-9)


def test_a_cap_kept_without_time_to_solve_again_is_marked_not_shown(tmp_path: Path) -> None:
    # The same slacks, but the MIP holding T-CAP met finds no plan in time: T-CAP stays in the
    # relaxation, marked as not shown to be needed, and T-PV keeps its 97 MW bound.
    form, slack_cols = _relaxed(pv_and_cap_conflict(tmp_path / "i", 100.0))
    solver = NoPlanInTime()
    checked = _check_stopped(form, slack_cols, {PV: 0.97, CAP: 0.5}, solver)
    assert solver.calls == 1 and checked.held == () and set(checked.relaxed) == {PV, CAP}
    cap = needed_columns(checked, CAP, "the capacity cap must be 300,000 t/yr higher", 600e3, "t/yr")
    assert cap["needed"] == "not shown" and cap["least_relaxation_in_unit"] == pytest.approx(0.0, abs=1.0)
    assert "not shown to be needed" in str(cap["note"]) and "gap 30.00%" in str(cap["note"])
    assert "no plan in time (time limit, no incumbent)" in str(cap["note"])
    pv = needed_columns(checked, PV, "", 100.0, "MW")
    assert pv["needed"] == "yes" and pv["least_relaxation_in_unit"] == pytest.approx(97.0, rel=1e-9)


def test_a_pair_in_conflict_is_not_shown_row_by_row_but_cannot_both_hold(tmp_path: Path) -> None:
    # T-PV at 2 MW: the LP meets it when T-CAP is relaxed (3 MW) and meets T-CAP when T-PV is
    # relaxed, so neither is needed on its own; holding both met is infeasible (one line,
    # 1.5 MW < 2 MW), which the note says.
    form, slack_cols = _relaxed(pv_and_cap_conflict(tmp_path / "i", 2.0))
    checked = _check_stopped(form, slack_cols, {PV: 0.25, CAP: 0.5}, HighsSolver())
    assert checked.least[PV] == 0.0 and checked.least[CAP] == 0.0
    assert set(checked.relaxed) == {PV, CAP} and checked.held == ()
    assert "T-CAP 2025, T-PV 2025 cannot all be met at once" in checked.held_note
    assert needed_columns(checked, PV, "", 2.0, "MW")["needed"] == "not shown"


def test_no_time_for_the_lp_marks_rows_not_checked(tmp_path: Path) -> None:
    form, slack_cols = _relaxed(pv_and_cap_conflict(tmp_path / "i", 100.0))
    stopped = _stopped(form, slack_cols, {PV: 0.97, CAP: 0.5})
    checked = check_relaxation(form, slack_cols, stopped, NoPlanInTime(), OPTIONS, time.perf_counter())
    assert checked.least == {} and "no time left" in checked.lp_note
    columns = needed_columns(checked, CAP, "", 600e3, "t/yr")
    assert columns["needed"] == "not checked" and math.isnan(float(columns["least_relaxation_in_unit"]))  # type: ignore[arg-type]
    assert "a smaller relaxation may exist" in str(columns["note"])


def test_an_optimal_diagnosis_is_not_checked(tmp_path: Path) -> None:
    form, slack_cols = _relaxed(pv_and_cap_conflict(tmp_path / "i", 100.0))
    optimal = replace(_stopped(form, slack_cols, {PV: 0.985}), status=Status.OPTIMAL, gap=0.0)
    solver = NoPlanInTime()
    checked = check_relaxation(form, slack_cols, optimal, solver, OPTIONS, time.perf_counter() + 60)
    assert solver.calls == 0 and checked.least == {} and checked.lp_note == checked.held_note == ""
    columns = needed_columns(checked, PV, "the floor must be lower", 100.0, "MW")
    assert columns["needed"] == "least relaxation" and columns["note"] == "the floor must be lower"


def test_the_greedy_plan_is_diagnosed_when_the_mip_finds_none(tmp_path: Path) -> None:
    # The MIP gets nowhere in its time; the greedy start is a plan of the relaxed model too, so
    # the diagnosis reports and checks it (its gap unknown): T-PV needs at least 97 MW.
    instance = load_instance(pv_and_cap_conflict(tmp_path / "i", 100.0))
    solver = NoPlanInTime()
    frame = explain_infeasibility(instance, build_packages(instance), solver, OPTIONS)
    assert frame["target"].tolist() == ["T-PV"] and solver.calls == 1
    row = frame.iloc[0]
    assert row["needed"] == "yes" and row["least_relaxation_in_unit"] == pytest.approx(97.0, rel=1e-9)
    assert "gap unknown" in row["note"]


class StopsEarly(HighsSolver):
    """HiGHS, except that the first MIP ends as a diagnosis at its time limit may: with a plan
    relaxing T-CAP by half (both lines running) and a gap of 30 %."""

    def __init__(self) -> None:
        self.limits: list[float] = []

    def solve(
        self, form: StandardForm, options: SolverOptions, start: np.ndarray | None = None
    ) -> SolveResult:
        self.limits.append(options.time_limit_s)
        if len(self.limits) > 1:
            return super().solve(form, options, start)
        forced = copy(form)
        forced.col_lower = form.col_lower.copy()
        forced.col_lower[list(form.col_names).index("slack[T-CAP,2025]")] = 0.5
        return replace(
            super().solve(forced, options), status=Status.FEASIBLE, termination="time limit", gap=0.3
        )


def test_diagnosis_reports_only_the_row_that_is_needed(tmp_path: Path) -> None:
    # The stopped MIP relaxes T-PV by 0.97 and T-CAP by 0.5. infeasibility.csv must list T-PV
    # alone, 98.5 MW (held to one line), needed, at least 97 MW.
    instance = load_instance(pv_and_cap_conflict(tmp_path / "i", 100.0))
    solver = StopsEarly()
    start = time.perf_counter()
    frame = explain_infeasibility(instance, build_packages(instance), solver, OPTIONS, deadline=start + 60)
    assert list(frame.columns) == RELAXATION_COLUMNS
    assert frame["target"].tolist() == ["T-PV"]
    row = frame.iloc[0]
    assert row["relaxation"] == pytest.approx(0.985, rel=1e-9)
    assert row["relaxation_in_unit"] == pytest.approx(98.5, rel=1e-9)
    assert row["needed"] == "yes" and row["least_relaxation_in_unit"] == pytest.approx(97.0, rel=1e-9)
    assert "found holding T-CAP 2025 met" in row["note"]
    # the first MIP left a share of the time for the checks
    assert len(solver.limits) == 2 and solver.limits[0] <= (1 - CHECK_SHARE) * 60 + 1e-6


@pytest.mark.parametrize(
    ("lang", "sheet", "shown"), [("zh", "不可行分析", "未证明必须"), ("en", "Infeasibility", "not shown")]
)
def test_report_says_needed_in_its_language(tmp_path: Path, lang: str, sheet: str, shown: str) -> None:
    frame = pd.DataFrame(
        {
            "target": ["TT-9", "TT-8"],
            "year": [2025, 2026],
            "relaxation": [0.985, 0.0704],
            "needed": ["yes", "not shown"],
            "least_relaxation_in_unit": [97.0, 0.0],
        }
    )
    folder = infeasible_run(tmp_path / "run", frame)
    _, xlsx = write_report(folder, lang)
    rows = list(load_workbook(xlsx)[sheet].iter_rows(min_row=2, values_only=True))
    assert [r[3] for r in rows] == (["是", shown] if lang == "zh" else ["yes", shown])
    assert rows[0][4] == 97.0
