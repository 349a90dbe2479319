"""schedule.csv on a hand-solved swap, and target figures in their own units (size exits in
t/d, ratios with nothing built, infeasibility relaxations as absolute figures)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from handmade import make_instance

from optimizer.data.load import load_instance
from optimizer.evaluator.api import evaluate
from optimizer.evaluator.plan import Plan
from optimizer.evaluator.targets import check_targets
from optimizer.outputs import plan_table
from optimizer.run import solve_instance
from optimizer.run_options import RunOptions
from optimizer.schedule import by_group, schedule_table

OPTIONS = RunOptions(time_limit_s=60, shadow_prices=False, write=False, gap=1e-9, race=1)


def test_schedule_of_a_two_to_one_swap(tmp_path: Path) -> None:
    # tests/test_model_tiny.py::test_swap_beats_retrofit_and_retire_under_two_to_one: A and B
    # (300 kt/yr each, cities X and Y) are both swapped out in 2025 for one new 300 kt/yr line
    # costing 50 000 CNY/(t/d) x 1000 t/d = 50 M CNY in 2025; nothing happens in 2024 or 2026.
    folder = make_instance(
        tmp_path / "i",
        lines=[
            {"line_id": "A", "fuel_kgce_per_unit": 120, "city": "X"},
            {"line_id": "B", "fuel_kgce_per_unit": 120, "city": "Y"},
        ],
        techs=[{"tech_id": "deep", "fuel_saving_frac": 0.2, "capex_fixed_cny": 100e6}],
        targets=[{"target_id": "T1", "kind": "baseline_clear", "year": 2025, "value": 0}],
        demand={2025: 300e3, 2026: 300e3},
        coal_cny_per_tce=1000,
        new_build={"capex_cny_per_t_per_day": 50000, "fuel_kgce_per_unit": 95},
        replacement_ratio=2.0,
    )
    result = solve_instance(load_instance(folder), OPTIONS)
    assert result.exit_code == 0 and result.evaluation is not None and result.plan is not None
    plan = plan_table(result.evaluation, result.plan)
    nameplate = dict(
        zip(result.evaluation.arrays.line_ids, result.evaluation.arrays.lines.capacity_per_year, strict=False)
    )
    schedule = schedule_table(plan, nameplate).set_index("year")
    assert list(schedule.index) == [2024, 2025, 2026]  # every plan year, one sector
    y = schedule.loc[2025]
    assert y["lines_closed"] == 2 and y["capacity_closed_per_year"] == pytest.approx(600e3)
    assert y["closed_lines"] == "A;B" and y["new_builds"] == 1
    assert y["new_capacity_per_year"] == pytest.approx(300e3)
    assert y["capex_cny"] == pytest.approx(50e6, rel=1e-9)
    # fuel 300e3 t x 0.095 tce x 1000 CNY in 2025 (no O&M, no carbon price)
    assert y["operating_cost_cny"] == pytest.approx(300e3 * 0.095 * 1000, rel=1e-9)
    assert schedule.loc[2024, "lines_closed"] == 0 and schedule.loc[2026, "capex_cny"] == 0
    assert schedule.loc[2026, "running_lines"] == 1
    cities = by_group(plan, nameplate, "city")
    closed = cities[cities["year"] == 2025].set_index("city")["capacity_closed_per_year"]
    assert closed["X"] == pytest.approx(300e3) and closed["Y"] == pytest.approx(300e3)


def test_size_exit_in_t_per_day_and_ratio_without_new_build(tmp_path: Path) -> None:
    # Business as usual keeps the 2000 t/d line running: the size exit reads 2000 t/d (the
    # largest small line left), not its 600 kt/yr; nothing is built, so no ratio is computed.
    folder = make_instance(
        tmp_path / "i",
        lines=[
            {"line_id": "S", "size_t_per_day": 2000, "capacity_per_year": 600000},
            {"line_id": "M", "size_t_per_day": 1500, "capacity_per_year": 450000},
            {"line_id": "L", "size_t_per_day": 4000, "capacity_per_year": 1200000},
        ],
        techs=[{"tech_id": "burner", "fuel_saving_frac": 0.1, "capex_fixed_cny": 1e6}],
        targets=[
            {"target_id": "X", "kind": "size_exit", "year": 2025, "value": 2500, "unit": "t/d"},
            {"target_id": "R", "kind": "replacement_ratio_min", "year": 2025, "value": 2.0, "unit": "ratio"},
        ],
        demand={2025: 300e3, 2026: 300e3},
    )
    inst = load_instance(folder)
    evaluation = evaluate(inst, Plan.business_as_usual(inst))
    targets = check_targets(inst, evaluation.arrays, evaluation.values)
    x = targets[targets["target_id"] == "X"].iloc[0]
    assert x["achieved"] == 2000 and x["required"] == 0 and not bool(x["met"])
    r = targets[targets["target_id"] == "R"].iloc[0]
    assert math.isnan(r["achieved"]) and bool(r["met"])


def test_infeasible_cap_relaxed_in_tco2(tmp_path: Path) -> None:
    # One line, 0.1 tce x 2.62 + 0.6 = 0.862 tCO2/t, must make 300 kt/yr: 258 600 tCO2/yr.
    # A cap of 100 000 tCO2/yr cannot hold: it must be relaxed by 158 600 tCO2/yr.
    folder = make_instance(
        tmp_path / "i",
        lines=[{"line_id": "A", "fuel_kgce_per_unit": 100, "process_co2_t_per_unit": 0.6}],
        techs=[
            {
                "tech_id": "burner",
                "fuel_saving_frac": 0.01,
                "capex_fixed_cny": 1e6,
                "min_size_t_per_day": 5000,
            }
        ],
        targets=[{"target_id": "CAP", "kind": "emissions_cap", "year": 2025, "value": 1e5, "unit": "tCO2"}],
        demand={2025: 300e3, 2026: 300e3},
    )
    result = solve_instance(load_instance(folder), OPTIONS)
    assert result.status == "infeasible" and result.relaxation is not None
    row = result.relaxation.set_index("target").loc["CAP"]
    assert row["kind"] == "emissions_cap" and row["unit"] == "tCO2/yr"
    assert row["absolute"] == pytest.approx(300e3 * 0.862 - 1e5, rel=1e-6)
    assert row["relaxation_in_unit"] == pytest.approx(row["absolute"])
    assert "158,600 tCO2/yr" in row["note"]
