"""The raw_substitution_share kind on hand-made instances (issue 14 item 5): the share of the
clinker's CaO from decarbonated sources, Σ q·σ / Σ q over clinker lines, is at least v."""

from __future__ import annotations

from pathlib import Path

import pytest
from handmade import make_instance

from optimizer.data.load import load_instance
from optimizer.errors import InputError
from optimizer.exit_codes import EXIT_INFEASIBLE
from optimizer.run import solve_instance
from optimizer.run_options import RunOptions
from optimizer.targets.registry import KINDS

OPTIONS = RunOptions(time_limit_s=60, shadow_prices=False, write=False)

# 30 % of the CaO from carbide slag (0.48 tCO2 deducted per t of slag), 1 M CNY per line
CARBIDE = {
    "tech_id": "cs",
    "raw_cao_substitution_frac": 0.3,
    "raw_material": "carbide_slag",
    "raw_material_tco2_per_t": 0.48,
    "capex_fixed_cny": 1e6,
}


def _instance(folder: Path, targets: list[dict]) -> Path:
    # two 300 kt/yr lines, 300 kt/yr of demand, no fuel or carbon price: output may go to either
    # line at no cost. Process CO2 0.535 t/t (all CaO from limestone), so substitution lowers
    # emissions and its packages survive the Pareto filter (a package that only costs more would
    # be dropped before the model sees it)
    return make_instance(
        folder,
        lines=[
            {"line_id": "A", "process_co2_t_per_unit": 0.535},
            {"line_id": "B", "process_co2_t_per_unit": 0.535},
        ],
        techs=[CARBIDE],
        targets=targets,
        demand={2025: 300e3, 2026: 300e3},
    )


def _share(v: float) -> dict:
    return {"target_id": "T-RAW", "kind": "raw_substitution_share", "year": 2025, "value": v}


def _adopted(result) -> int:  # type: ignore[no-untyped-def]
    techs = list(result.evaluation.arrays.tech_ids)
    return int((result.plan.adopt_year[:, techs.index("cs")] <= 2026).sum())


def test_floor_binds_one_line_substitutes(tmp_path: Path) -> None:
    # Without the floor nothing pays for the 1 M CNY of substitution: NPV 0, no adoption.
    # With share >= 0.2: one line with σ = 0.3 must make q_A with 0.3 q_A / 300 kt >= 0.2,
    # i.e. q_A >= 200 kt (it can: 300 kt capacity); a second line would cost 1 M more.
    # Cost: capex 1 M less salvage 18/20 of it (2025 + 20 - 1 - 2026 = 18 years left) = 0.1 M.
    free = solve_instance(load_instance(_instance(tmp_path / "free", [])), OPTIONS)
    assert free.exit_code == 0
    assert _adopted(free) == 0
    assert free.npv_cny == pytest.approx(0.0, abs=1e-3)

    bound = solve_instance(load_instance(_instance(tmp_path / "bound", [_share(0.2)])), OPTIONS)
    assert bound.exit_code == 0
    assert _adopted(bound) == 1
    assert bound.npv_cny == pytest.approx(0.1e6, rel=1e-9)
    rows = bound.targets[bound.targets["target_id"] == "T-RAW"]
    assert list(rows["year"]) == [2025]  # the one model year
    row = rows.iloc[0]
    assert row["kind"] == "raw_substitution_share"
    assert 0.2 - 1e-6 <= row["achieved"] <= 0.3 + 1e-9
    assert bool(row["met"])


def test_floor_above_the_technology_is_relaxed_in_share_points(tmp_path: Path) -> None:
    # σ is at most 0.3 on every line, so a floor of 0.4 misses by 0.1 of the output
    # (300 kt, the row's slack scale): 10 percentage points in each model year (2025 only).
    result = solve_instance(load_instance(_instance(tmp_path / "i", [_share(0.4)])), OPTIONS)
    assert result.exit_code == EXIT_INFEASIBLE
    relax = result.relaxation.set_index("target")
    assert list(relax.index) == ["T-RAW"]
    assert relax.loc["T-RAW", "relaxation_in_unit"] == pytest.approx(10.0, rel=1e-6)
    assert relax.loc["T-RAW", "unit"] == KINDS["raw_substitution_share"].relaxation.unit  # type: ignore[union-attr]


def test_share_above_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"fraction 0\.\.1 for raw_substitution_share"):
        load_instance(_instance(tmp_path / "i", [_share(1.5)]))
