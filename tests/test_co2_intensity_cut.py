"""The co2_intensity_cut kind on a hand-made instance: a sector's CO2 per unit of output,
E / Q (output-weighted), at most (1 − v) of its reference from its year on."""

from __future__ import annotations

from pathlib import Path

import pytest
from handmade import make_instance

from optimizer.data.load import load_instance
from optimizer.exit_codes import EXIT_INFEASIBLE
from optimizer.run import solve_instance
from optimizer.run_options import RunOptions
from optimizer.targets.registry import KINDS

OPTIONS = RunOptions(time_limit_s=60, shadow_prices=False, write=False)
COAL_TCO2_PER_TCE = 2.62  # handmade's scenario
E_A = 0.100 * COAL_TCO2_PER_TCE + 0.535  # 0.797 tCO2/t: 100 kgce/t of coal, all-limestone CaO
E_B = 0.110 * COAL_TCO2_PER_TCE + 0.235  # 0.5232 tCO2/t: more fuel, less process CO2
DEMAND_T = 300e3


def _instance(folder: Path, targets: list[dict]) -> Path:
    # two 300 kt/yr lines, each run 150 d in the base year (150 kt each); coal at 1 000 CNY/tce,
    # so A costs 100 CNY/t and B 110 CNY/t: without a target all output goes to A
    return make_instance(
        folder,
        lines=[
            {"line_id": "A", "fuel_kgce_per_unit": 100, "process_co2_t_per_unit": 0.535},
            {"line_id": "B", "fuel_kgce_per_unit": 110, "process_co2_t_per_unit": 0.235},
        ],
        techs=[],
        targets=targets,
        demand={2025: DEMAND_T, 2026: DEMAND_T},
        coal_cny_per_tce=1000.0,
    )


def _cut(v: float, **extra: object) -> dict:
    return {"target_id": "T-CI", "kind": "co2_intensity_cut", "year": 2025, "value": v, **extra}


def _output_b_2025(result) -> float:  # type: ignore[no-untyped-def]
    ev = result.evaluation
    return float(ev.measure("output_units")[1, ev.years.index(2025)])


def test_cut_moves_output_to_the_cleaner_line(tmp_path: Path) -> None:
    # Base year: 150 kt on each line, I0 = (E_A + E_B) / 2 = 0.6601 t/t. A 10 % cut allows
    # 0.9 I0 = 0.59409 t/t; with a share s of the output on B, E_A − (E_A − E_B) s ≤ 0.59409
    # gives s ≥ 0.74109, i.e. q_B ≥ 222.3 kt. B's extra 10 CNY/t over that output, in 2025 and
    # 2026 (model year 2025 stands for both; no discounting) is the target's cost.
    free = solve_instance(load_instance(_instance(tmp_path / "free", [])), OPTIONS)
    bound = solve_instance(load_instance(_instance(tmp_path / "bound", [_cut(0.10)])), OPTIONS)
    assert free.exit_code == bound.exit_code == 0
    i0 = (E_A + E_B) / 2
    q_b = (E_A - 0.9 * i0) / (E_A - E_B) * DEMAND_T
    assert _output_b_2025(free) == pytest.approx(0.0, abs=1e-3)
    assert _output_b_2025(bound) == pytest.approx(q_b, rel=1e-6)
    assert bound.npv_cny - free.npv_cny == pytest.approx(10.0 * q_b * 2, rel=1e-6)
    row = bound.targets[bound.targets["target_id"] == "T-CI"].iloc[0]
    assert row["kind"] == "co2_intensity_cut" and bool(row["met"])
    assert row["achieved"] == pytest.approx(0.10, abs=1e-6)


def test_cut_is_measured_from_a_stated_reference(tmp_path: Path) -> None:
    # Against a 2020 reference of 0.70 t/t a 10 % cut allows 0.63 t/t: s ≥ (E_A − 0.63) /
    # (E_A − E_B) = 0.60994, less than from the base year's 0.6601 t/t
    ref = {"reference_year": 2020, "reference_value": 0.70, "reference_source": "hand-made"}
    bound = solve_instance(load_instance(_instance(tmp_path / "ref", [_cut(0.10, **ref)])), OPTIONS)
    assert bound.exit_code == 0
    assert _output_b_2025(bound) == pytest.approx((E_A - 0.63) / (E_A - E_B) * DEMAND_T, rel=1e-6)


def test_cut_beyond_the_cleanest_line_is_relaxed_in_points(tmp_path: Path) -> None:
    # All output on B reaches 1 − E_B / I0 = 20.74 % at most; a 30 % cut misses by 9.26 points
    result = solve_instance(load_instance(_instance(tmp_path / "i", [_cut(0.30)])), OPTIONS)
    assert result.exit_code == EXIT_INFEASIBLE
    relax = result.relaxation.set_index("target")
    i0 = (E_A + E_B) / 2
    assert relax.loc["T-CI", "relaxation_in_unit"] == pytest.approx(100 * (0.30 - (1 - E_B / i0)), rel=1e-6)
    assert relax.loc["T-CI", "unit"] == KINDS["co2_intensity_cut"].relaxation.unit  # type: ignore[union-attr]
