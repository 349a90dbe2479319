"""The model exported as MPS, as the province benchmark hands it to HiGHS alone and to SCIP alone
(vs_highs_plain, vs_scip): both must solve the very model the product solves, objective offset
included, or their times compare different problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.bench_province import exported_mps, highs_plain, scip_plain
from optimizer.data.load import load_instance
from optimizer.run import solve_instance
from optimizer.run_options import RunOptions

TINY = Path(__file__).parent / "data" / "tiny"


def test_highs_and_scip_alone_solve_the_products_model(tmp_path: Path) -> None:
    inst = load_instance(TINY)
    ours = solve_instance(inst, RunOptions(time_limit_s=60, gap=1e-6, shadow_prices=False, write=False))
    assert ours.exit_code == 0 and ours.objective_cny is not None
    mps = exported_mps(inst, tmp_path)
    for solver in (highs_plain, scip_plain):
        seconds, reached, objective = solver(mps, 1e-6, 60.0)
        assert reached and seconds < 60.0, solver.__name__
        # the objective offset (the base years' NPV) survives the file: an offset read with the
        # wrong sign or dropped would move the objective by billions
        assert objective == pytest.approx(ours.objective_cny, rel=1e-5), solver.__name__
