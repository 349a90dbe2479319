"""Solving by province on dask: bounds, assembly and national verification."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import DATA

from optimizer.data.instance import load_instance
from optimizer.decompose import province_targets, solve_national


@pytest.fixture(scope="module")
def two_provinces(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tiny twice over: province north (the tiny lines) and south (copies with 3 % more fuel)."""
    folder = tmp_path_factory.mktemp("nation") / "nation"
    shutil.copytree(DATA / "tiny", folder)
    lines = pd.read_csv(folder / "lines.csv", dtype=str, keep_default_na=False)
    north = lines.assign(province="north")
    south = lines.assign(
        province="south",
        line_id=lines["line_id"] + "-S",
        fuel_kgce_per_unit=(lines["fuel_kgce_per_unit"].astype(float) * 1.03).round(3).astype(str),
    )
    pd.concat([north, south]).to_csv(folder / "lines.csv", index=False)
    demand = pd.read_csv(folder / "demand.csv")
    demand["demand_per_year"] *= 2
    demand.to_csv(folder / "demand.csv", index=False)
    targets = pd.read_csv(folder / "targets.csv", dtype=str, keep_default_na=False)
    extra = pd.DataFrame(
        [
            {
                **targets.iloc[0].to_dict(),
                "target_id": "TT-3",
                "kind": "capacity_cap",
                "value": "4000000",
                "unit": "t/yr",
                "description": "national clinker cap",
            }
        ]
    )
    pd.concat([targets, extra]).to_csv(folder / "targets.csv", index=False)
    return folder


def test_allocation_makes_provincial_targets_sufficient(two_provinces: Path) -> None:
    inst = load_instance(two_provinces)
    north = inst.lines[inst.lines["province"] == "north"]
    upper = province_targets(inst, north, "upper").set_index("target_id")
    # a share applies unchanged; a cap is split by base capacity: north has half the clinker
    assert upper.loc["TT-2", "value"] == 0.5
    assert upper.loc["TT-3", "value"] == pytest.approx(2_000_000)
    lower = province_targets(inst, north, "lower")
    assert lower.empty  # every target here couples the provinces: the relaxation drops them


def test_national_plan_is_verified_and_bounded(two_provinces: Path) -> None:
    inst = load_instance(two_provinces)
    result = solve_national(inst, time_limit_s=60, gap=1e-6, workers=2, progress=False)
    assert result.plan is not None and result.targets is not None
    uppers = result.provinces[result.provinces["bound_kind"] == "upper"]
    # the assembled plan's exact NPV is the sum of the provincial objectives
    assert result.upper_cny == pytest.approx(uppers["objective_cny"].sum(), rel=1e-9)
    assert result.lower_cny is not None and result.lower_cny <= result.upper_cny * (1 + 1e-9)
    assert result.gap is not None and 0 <= result.gap < 0.05
    assert result.targets[result.targets["hard"]]["met"].all()
