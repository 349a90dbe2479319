"""Kiln co-processing of waste (ZJ clause (四)10): only lines of 4000 t/d and above, burning a
scarce feed of its own (supplies.csv coprocessing_feed) for a gate fee, by hand-derived figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from handmade import make_instance, write_supplies

from optimizer.data.load import instance_dir, load_instance
from optimizer.evaluator.packages import build_packages
from optimizer.models.data import package_resource_use
from optimizer.outputs import resource_table
from optimizer.run import solve_instance
from optimizer.run_options import RunOptions

OPTIONS = RunOptions(time_limit_s=60, shadow_prices=False, write=False)
BIG = {"size_t_per_day": 5000, "capacity_per_year": 1.5e6}
COPROCESSING = {
    "tech_id": "waste_coprocessing",
    "min_size_t_per_day": 4000,
    "to_coprocessing_frac": 0.1,
    "lifetime_years": 10,
}
# A and B: 5000 t/d, 1.5 Mt/yr, 100 kgce/t of coal each; demand 3.0 Mt, so both run their 300
# rated days: 150 ktce of fuel a line. Co-processing replaces 10 % of the coal, 15 ktce a line,
# at -300 CNY/tce (a gate fee) instead of 1000 CNY/tce of coal: 19.5 M CNY a year saved per line.
# C (3000 t/d) is below the 4000 t/d the lever needs. Fossil CO2 of waste 2.0 x (1 - 0.5) = 1.0
# t/tce against 2.62 for coal: -24.3 kt CO2 a line.
FEED_TCE_PER_LINE = 1.5e6 * 100 / 1000 * 0.1
SAVING_CNY_PER_LINE = FEED_TCE_PER_LINE * (1000 + 300)


def two_big_lines_and_a_small_one(folder: Path, feed_tce: float) -> Path:
    make_instance(
        folder,
        lines=[
            {"line_id": "A", **BIG},
            {"line_id": "B", **BIG},
            {"line_id": "C", "size_t_per_day": 3000, "capacity_per_year": 9e5},
        ],
        techs=[COPROCESSING],
        targets=[],
        demand={2025: 3.9e6, 2026: 3.9e6},
        model_years="2025;2026",
        coal_cny_per_tce=1000.0,
    )
    prices = pd.read_csv(folder / "prices.csv")
    prices.insert(prices.columns.get_loc("alt_fuel_cny_per_tce") + 1, "coprocessing_cny_per_tce", -300.0)
    prices.to_csv(folder / "prices.csv", index=False)
    rows = [
        {"resource": "coprocessing_feed", "year": y, "available": feed_tce, "unit": "tce/yr"}
        for y in (2025, 2026)
    ]
    return write_supplies(folder, rows)


def adopted_lines(inst, result) -> list[str]:  # type: ignore[no-untyped-def]
    k = list(inst.technologies.index).index("waste_coprocessing")
    lines = list(inst.lines.index)
    return [lines[i] for i in range(len(lines)) if result.plan.adopt_year[i, k] == 2025]


def test_feed_for_one_line_goes_to_one_big_line(tmp_path: Path) -> None:
    inst = load_instance(two_big_lines_and_a_small_one(tmp_path / "i", 20e3))
    result = solve_instance(inst, OPTIONS)
    assert result.exit_code == 0
    assert len(adopted_lines(inst, result)) == 1 and adopted_lines(inst, result)[0] in {"A", "B"}
    # 2024 (150 days a line: 195 M CNY of coal) and two full years (390 M each), less one line's
    # saving in each of them
    assert result.objective_cny == pytest.approx(195e6 + 2 * (390e6 - SAVING_CNY_PER_LINE), rel=1e-9)
    used = resource_table(inst, result.evaluation, result.plan)
    used = used[used["resource"] == "coprocessing_feed"]
    assert used["used"].tolist() == pytest.approx([FEED_TCE_PER_LINE] * 2, rel=1e-9)
    assert used["within"].all()


def test_the_catalogues_roll_out_allows_one_pilot_line_first(tmp_path: Path) -> None:
    # catalogue deployment.csv: one line at once, then 3 % of the sector's 3 lines a year
    # (0.09 in 2025, 0.18 in 2026): with feed for every line, still one line
    inst = load_instance(two_big_lines_and_a_small_one(tmp_path / "i", 1e6))
    row = inst.deployment.set_index("tech_id").loc["waste_coprocessing"]
    assert row["pilot_lines"] == 1 and row["line_share_max_per_year"] == pytest.approx(0.03)
    result = solve_instance(inst, OPTIONS)
    assert result.exit_code == 0
    assert len(adopted_lines(inst, result)) == 1


def test_feed_for_both_big_lines_still_skips_the_small_one(tmp_path: Path) -> None:
    folder = two_big_lines_and_a_small_one(tmp_path / "i", 1e6)
    # no roll-out ceiling: only the feed and the line size decide
    (folder / "deployment.csv").write_text(
        "tech_id,sector,line_share_max_per_year,line_share_max,pilot_lines,source,flag\n", encoding="utf-8"
    )
    inst = load_instance(folder)
    result = solve_instance(inst, OPTIONS)
    assert result.exit_code == 0
    assert sorted(adopted_lines(inst, result)) == ["A", "B"]
    ev = result.evaluation
    fuel_cost = ev.measure("fuel_cost_cny")[:, 1]
    # A and B: 135 ktce coal x 1000 - 15 ktce x 300; C: 0.9 Mt x 0.1 tce/t x 1000
    assert fuel_cost.tolist() == pytest.approx(
        [150e6 - SAVING_CNY_PER_LINE, 150e6 - SAVING_CNY_PER_LINE, 90e6], rel=1e-9
    )
    assert ev.measure("coprocessed_tce")[:, 1].tolist() == pytest.approx([15e3, 15e3, 0.0], rel=1e-9)
    assert ev.measure("alt_fuel_tce")[:, 1].tolist() == [0.0, 0.0, 0.0]
    assert ev.measure("fuel_co2_t")[0, 1] == pytest.approx(135e3 * 2.62 + 15e3 * 1.0, rel=1e-9)
    packages = build_packages(inst)
    use = package_resource_use(inst, packages)["coprocessing_feed"]
    line_c = list(inst.lines.index).index("C")
    assert all(use[j] == 0.0 for j in range(len(use)) if packages.line_pos[j] == line_c)
    assert max(use) == pytest.approx(0.01, rel=1e-12)  # tce per t of clinker


def test_no_feed_no_coprocessing(tmp_path: Path) -> None:
    inst = load_instance(two_big_lines_and_a_small_one(tmp_path / "i", 10e3))
    result = solve_instance(inst, OPTIONS)
    assert result.exit_code == 0
    assert adopted_lines(inst, result) == []


def test_shipped_catalogue_keeps_coprocessing_to_big_clinker_lines() -> None:
    inst = load_instance(instance_dir("zhejiang"))
    row = inst.technologies.loc["waste_coprocessing"]
    assert row["min_size_t_per_day"] == 4000 and row["sectors"] == "cement_clinker"
    assert (inst.prices["coprocessing_cny_per_tce"] < 0).all()
