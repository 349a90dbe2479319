"""Package figures come from virtual copies of lines gathered from the fleet's own arrays: a
copy's figures must be those of a real plan in which the line carries the package, and every
copy must use the instance's attribute bits, however the copies are chunked."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from optimizer.data.load import instance_dir, load_instance
from optimizer.evaluator.flatten import attribute_names, build_arrays
from optimizer.evaluator.kernels import MEASURE_INDEX, run_kernel
from optimizer.evaluator.package_coefficients import evaluate_virtual, fleet_arrays
from optimizer.evaluator.packages import build_packages
from optimizer.evaluator.plan import Plan


def test_virtual_copies_match_real_plans_on_a_shipped_province() -> None:
    instance = load_instance(instance_dir("guizhou"))
    packages = build_packages(instance)
    rng = np.random.default_rng(7)
    # one package per line, chosen at random among its kept packages, so each line appears once
    chosen = {
        int(l): int(rng.choice(np.flatnonzero(packages.line_pos == l))) for l in np.unique(packages.line_pos)
    }
    lines = np.array(list(chosen), dtype=np.int64)
    combos = [tuple(packages.techs[j]) for j in chosen.values()]
    rated = instance.lines["sector"].map(instance.sectors["rated_days_per_year"]).to_numpy(float)
    virtual = evaluate_virtual(fleet_arrays(instance), lines, combos, rated[lines])

    bau = Plan.business_as_usual(instance)
    adopt = bau.adopt_year.copy()
    for l, combo in zip(lines, combos, strict=True):
        adopt[l, list(combo)] = instance.scenario.base_year
    days = np.repeat(rated[:, None], len(instance.scenario.years), axis=1)
    real = run_kernel(build_arrays(instance, Plan(bau.retire_year, bau.swapped, adopt, days)))
    assert virtual.shape[1] == len(lines) and len(lines) > 50
    np.testing.assert_allclose(virtual, real[:, lines, :], rtol=1e-12, atol=1e-9)


def test_every_copy_uses_the_instances_attribute_bits(tmp_path: Path) -> None:
    """Only line B holds the attribute ``near_port``, sorted before ``zz_green``, which only C
    holds; evaluated alone, C's copy must still report the bit of ``zz_green`` the instance uses
    (a copy flattened from C's row alone would number ``zz_green`` bit 0)."""
    from handmade import make_instance

    make_instance(
        tmp_path / "i",
        lines=[
            {"line_id": "A"},
            {"line_id": "B", "attributes": "near_port"},
            {"line_id": "C", "attributes": "zz_green"},
        ],
        techs=[],
        targets=[],
        demand={2025: 1.0},
    )
    instance = load_instance(tmp_path / "i")
    names = attribute_names(instance)
    assert "near_port" in names and "zz_green" in names
    bit = 1 << names.index("zz_green")
    out = evaluate_virtual(fleet_arrays(instance), np.array([2]), [()], np.array([300.0]))
    assert int(out[MEASURE_INDEX["attr_bits"], 0, 0]) & bit
    out = evaluate_virtual(fleet_arrays(instance), np.array([1]), [()], np.array([300.0]))
    assert not int(out[MEASURE_INDEX["attr_bits"], 0, 0]) & bit
