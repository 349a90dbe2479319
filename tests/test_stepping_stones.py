"""Rule 6 of the packages: the early part of a kept package stays, so a line can stage it.

One line, 300 kt/yr, 100 kgce/t of coal at 1000 CNY/tce: 30 M CNY of fuel a year at 300 days
(2024: 150 days, 15 M). E1 and E2 (from 2025) and L (from 2026) each save 10 % of the fuel
stream, no capex. The best plan takes E1 and E2 in 2025 (0.81 x 30 = 24.3 M) and adds L in
2026 (0.729 x 30 = 21.87 M): 15 + 24.3 + 21.87 = 61.17 M CNY. The Pareto set is {E1, E2} and
{E1, E2, L} (the pair dominates each single; {L} alone is later and dearer). With MAX_KEPT = 1
only the empty package and the frontier's {E1, E2, L} stay; without rule 6 the line must then
wait for L and do nothing in 2025 (30 M): 15 + 30 + 21.87 = 66.87 M.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from handmade import make_instance

import optimizer.evaluator.package_pruning as pruning
import optimizer.evaluator.packages as packages
from optimizer.data.load import load_instance
from optimizer.run import solve_instance
from optimizer.run_options import RunOptions

OPTIONS = RunOptions(time_limit_s=60, shadow_prices=False, write=False)


def staged_line(folder: Path) -> Path:
    saving = {"fuel_saving_frac": 0.1, "savings_act_on": "stream"}
    return make_instance(
        folder,
        lines=[{"line_id": "A"}],
        techs=[
            {"tech_id": "E1", "earliest_year": 2025, **saving},
            {"tech_id": "E2", "earliest_year": 2025, **saving},
            {"tech_id": "L", "earliest_year": 2026, **saving},
        ],
        targets=[],
        demand={2025: 300e3, 2026: 300e3},
        model_years="2025;2026",
        coal_cny_per_tce=1000.0,
    )


def test_stepping_stone_lets_a_line_stage_its_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pruning, "MAX_KEPT", 1)
    inst = load_instance(staged_line(tmp_path / "i"))
    result = solve_instance(inst, OPTIONS)
    assert result.exit_code == 0
    assert result.objective_cny == pytest.approx(15e6 + 24.3e6 + 21.87e6, rel=1e-9)
    assert result.plan.adopt_year[0].tolist() == [2025, 2025, 2026]


def test_without_the_stone_the_line_waits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pruning, "MAX_KEPT", 1)
    monkeypatch.setattr(packages, "stepping_stones", lambda *args: set())
    inst = load_instance(staged_line(tmp_path / "i"))
    result = solve_instance(inst, OPTIONS)
    assert result.exit_code == 0
    assert result.objective_cny == pytest.approx(15e6 + 30e6 + 21.87e6, rel=1e-9)


def test_stones_are_the_parts_available_before_each_first_year() -> None:
    combos = [(), (0,), (0, 1, 2), (0, 1), (0, 2), (1,)]
    earliest = [2024, 2026, 2028]  # technology 0 from before the first model year (2025)
    # (0, 1, 2): its parts by 2025 -> (0,) and by 2026 -> (0, 1); (0, 2): by 2025 -> (0,)
    idx = list(range(len(combos)))
    assert pruning.stepping_stones({2, 4}, idx, combos, earliest, 2025) == {1, 3}
    # a part not enumerated (dropped by an exclusive group, say) is simply not there
    assert pruning.stepping_stones({2}, [0, 2], combos, earliest, 2025) == set()
