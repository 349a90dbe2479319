"""Target prices on tiny instances whose target costs are derived by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from handmade import make_instance

from optimizer.data.load import load_instance
from optimizer.run import solve_instance
from optimizer.run_options import RunOptions
from optimizer.target_prices import is_binding, parse_row_name

OPTIONS = RunOptions(time_limit_s=60, write=False, target_costs=True, gap=1e-9, race=1)


def test_forced_retrofit_costs_its_capex_net_of_salvage(tmp_path: Path) -> None:
    # One line at 110 kgce/t; the benchmark is 100. Coal is free, so without the target nothing
    # is done (NPV 0). With "100 % at the benchmark from 2025" the line must take the 20 % burner
    # (88 kgce/t): capex 10 M CNY in 2025, 18 of its 20 years left after 2026 are salvaged:
    # 10 M x (1 - 18/20) = 1.0 M CNY, the target's whole cost.
    folder = make_instance(
        tmp_path / "i",
        lines=[{"line_id": "A", "fuel_kgce_per_unit": 110}],
        techs=[{"tech_id": "burner", "fuel_saving_frac": 0.2, "capex_fixed_cny": 10e6}],
        targets=[
            {"target_id": "T1", "kind": "benchmark_share", "year": 2025, "value": 1.0, "unit": "fraction"}
        ],
        demand={2025: 300e3, 2026: 300e3},
    )
    result = solve_instance(load_instance(folder), OPTIONS)
    assert result.exit_code == 0 and result.npv_cny == pytest.approx(1.0e6, rel=1e-9)
    prices = result.target_prices
    assert prices is not None and list(prices["target_id"]) == ["T1"]
    row = prices.iloc[0]
    assert bool(row["binding"]) and row["slack"] == pytest.approx(0.0, abs=1e-9)
    assert row["target_cost_cny"] == pytest.approx(1.0e6, rel=1e-6)
    assert row["target_cost_low_cny"] <= row["target_cost_cny"] <= row["target_cost_high_cny"] + 1e-6
    assert row["price_unit"] == "CNY per percentage point"
    assert row["price_basis"].startswith("integer decisions only")  # the share row holds binaries only


def _cap_instance(folder: Path, cap_t: float | None) -> Path:
    # A: 100 kgce/t + 0.6 t process CO2/t -> 0.1 x 2.62 + 0.6 = 0.862 tCO2/t, 100 CNY/t of coal
    # B: 120 kgce/t + 0.3 t process CO2/t -> 0.12 x 2.62 + 0.3 = 0.6144 tCO2/t, 120 CNY/t
    # Each can make 300 kt/yr (1000 t/d x 300 rated days); demand 300 kt/yr in 2025 and 2026.
    targets = []
    if cap_t is not None:
        targets = [
            {"target_id": "CAP", "kind": "emissions_cap", "year": 2025, "value": cap_t, "unit": "tCO2"}
        ]
    return make_instance(
        folder,
        lines=[
            {"line_id": "A", "fuel_kgce_per_unit": 100, "process_co2_t_per_unit": 0.6},
            {"line_id": "B", "fuel_kgce_per_unit": 120, "process_co2_t_per_unit": 0.3},
        ],
        techs=[
            {
                "tech_id": "burner",
                "fuel_saving_frac": 0.01,
                "capex_fixed_cny": 1e6,
                "min_size_t_per_day": 5000,
            }
        ],
        targets=targets,
        demand={2025: 300e3, 2026: 300e3},
        coal_cny_per_tce=1000,
    )


def test_emissions_cap_price_and_cost(tmp_path: Path) -> None:
    # Without the cap A makes everything: 258.6 kt CO2/yr. A cap of 220 kt/yr moves output to B:
    #   a x 0.862 + (300e3 - a) x 0.6144 = 220e3  ->  a = (220e3 - 184.32e3) / 0.2476 = 144 103 t
    # Each tonne moved costs 20 CNY and abates 0.2476 t: 80.775 CNY per tCO2, for each of the two
    # calendar years model year 2025 stands for -> price 161.55 CNY per tCO2/yr of the cap.
    # Cost: (300e3 - a) t moved x 20 CNY x 2 years.
    a = (220e3 - 300e3 * 0.6144) / (0.862 - 0.6144)
    result = solve_instance(load_instance(_cap_instance(tmp_path / "cap", 220e3)), OPTIONS)
    free = solve_instance(load_instance(_cap_instance(tmp_path / "free", None)), OPTIONS)
    assert result.exit_code == 0 and free.exit_code == 0
    cost = (300e3 - a) * 20 * 2
    assert result.npv_cny - free.npv_cny == pytest.approx(cost, rel=1e-6)  # the hand figure holds
    row = result.target_prices.set_index("target_id").loc["CAP"]
    assert bool(row["binding"]) and row["price_unit"] == "CNY per tCO2/yr"
    assert row["price_basis"].startswith("LP with")  # emissions depend on continuous output
    assert row["dual_price"] == pytest.approx(2 * 20 / (0.862 - 0.6144), rel=1e-6)
    assert row["target_cost_cny"] == pytest.approx(cost, rel=1e-6)


def test_slack_target_is_not_binding_and_not_priced(tmp_path: Path) -> None:
    # a cap of 300 kt/yr is above the 258.6 kt/yr the cheapest plan emits: slack 41.4 kt
    result = solve_instance(load_instance(_cap_instance(tmp_path / "loose", 300e3)), OPTIONS)
    row = result.target_prices.set_index("target_id").loc["CAP"]
    assert not bool(row["binding"]) and row["slack"] == pytest.approx(300e3 - 300e3 * 0.862, rel=1e-9)
    assert row["dual_price"] != row["dual_price"]  # NaN: no price where the target does not bind
    assert row["target_cost_cny"] != row["target_cost_cny"] and row["resolve_status"] == "not re-solved"


def test_binding_rule_and_row_names() -> None:
    assert is_binding("benchmark_share", "fraction", 0.5, 0.5004)
    assert not is_binding("capacity_cut", "fraction", 0.08, 0.152)  # ZJ-T1 at 15.2 % against 8 %
    assert is_binding("emissions_cap", "tCO2", 1e6, 1e6 - 10)
    assert not is_binding("emissions_cap", "tCO2", 1e6, 0.9e6)
    assert parse_row_name("benchmark_share['ZJ-T3:flat_glass',2025]") == (
        "benchmark_share",
        "ZJ-T3:flat_glass",
        2025,
    )
    assert parse_row_name("demand[cement_clinker,2025]") == ("demand", "cement_clinker", 2025)


def test_report_says_what_each_binding_target_costs(tmp_path: Path) -> None:
    """The 1.0 M CNY retrofit target of the first test, shown as 0.01 亿元 / 1.00 M CNY."""
    import io

    from rich.console import Console

    from optimizer.report import write_report
    from optimizer.run import run_plan

    folder = make_instance(
        tmp_path / "i",
        lines=[{"line_id": "A", "fuel_kgce_per_unit": 110}],
        techs=[{"tech_id": "burner", "fuel_saving_frac": 0.2, "capex_fixed_cny": 10e6}],
        targets=[
            {"target_id": "T1", "kind": "benchmark_share", "year": 2025, "value": 1.0, "unit": "fraction"}
        ],
        demand={2025: 300e3, 2026: 300e3},
    )
    out = tmp_path / "run"
    options = RunOptions(out=out, time_limit_s=60, target_costs=True, gap=1e-9, race=1)
    assert run_plan(load_instance(folder), options, Console(file=io.StringIO())) == 0
    zh = write_report(out, "zh")[0].read_text(encoding="utf-8")
    en = write_report(out, "en")[0].read_text(encoding="utf-8")
    assert "T1(2025年,能效标杆水平产能占比):该目标使总成本增加约 0.01 亿元" in zh
    assert "T1 (2025, capacity at benchmark): this target raises the total cost by about 1.00 M CNY" in en
    assert "仅含整数决策" in zh
