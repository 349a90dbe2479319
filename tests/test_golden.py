"""Golden figures per shipped province: model size and LP-relaxation bound.

Formulation drift cannot pass silently: any change to these numbers must be deliberate, and the
commit that changes them says why in the comment next to the figure.
"""

from __future__ import annotations

import pytest

from optimizer.data.instance import instance_dir, load_instance
from optimizer.run import build_instance_model
from optimizer.solvers.base import SolverOptions, Status
from optimizer.solvers.highs import HighsSolver

# name: (packages, variables, constraints, integer variables, LP relaxation bound in CNY)
GOLDEN = {
    # first recorded with the salvage-only-if-running rule (z variables) and pre-installed
    # technologies no longer applied on top of measured figures.
    # Then: capture opex no longer counted twice in package costs, so capture packages got
    # cheaper and the non-dominated sets changed (counts moved; LP bounds did not: no capture
    # in the relaxed optimum at the shipped carbon prices).
    # Then (issue 14): every calendar year 2025-2030 a model year (variables and rows about
    # double), pace.csv limits and closure costs, supplies.csv rows, output-weighted intensity,
    # staggered-production caps (GZ 185, XJ 170, ZJ 290 d), projects floor in every year, and
    # packages without scarce inputs kept by the Pareto filter (more packages). Bounds rise:
    # closure costs and caps make the relaxation dearer.
    "zhejiang": (1564, 29383, 52134, 9082, 113800559652.1162),
    "guizhou": (1645, 28464, 39107, 9081, 102154475446.82866),
    "xinjiang": (1392, 23994, 33118, 7599, 79940908582.45235),
    # chongqing: LP not solved within 120 s on the loaded machine when recorded; counts only
    # known once it is (integrator: rerun `pytest tests/test_golden.py` and record)
    "chongqing": None,
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_counts_and_lp_bound(name: str) -> None:
    built = build_instance_model(load_instance(instance_dir(name)))
    lp = HighsSolver().solve_lp_duals(built.form, SolverOptions(time_limit_s=120))
    assert lp.status is Status.OPTIMAL
    found = (
        built.counts["packages"],
        built.counts["variables"],
        built.counts["constraints"],
        built.counts["integer_variables"],
        lp.objective,
    )
    expected = GOLDEN[name]
    assert expected is not None, f"record the golden figures for {name}: {found}"
    assert found[:4] == expected[:4]
    assert found[4] == pytest.approx(expected[4], rel=1e-6)
