"""The capacity-cover rows (models/constraints/cover.py) on hand-made instances: their
coefficients are the lines' most output, they cut off a plan that closes too many lines, and
they are implied: the LP bound and the optimum are the same with and without them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from handmade import make_instance
from pyomo.repn import generate_standard_repn

from optimizer.data.load import load_instance
from optimizer.instance_model import BuiltModel, build_instance_model
from optimizer.solvers.base import SolverOptions, Status
from optimizer.solvers.highs import HighsSolver
from optimizer.solvers.standard_form import compile_model


def three_lines(folder: Path, demand_t: float, new_build: dict | None = None) -> BuiltModel:
    # A, B, C: 1 000 t/d at 300 rated days, 300 kt/yr each; running a line costs
    # 10 CNY per t of capacity a year, so the optimum closes every line demand can spare.
    folder = make_instance(
        folder,
        lines=[{"line_id": n} for n in "ABC"],
        techs=[],
        targets=[],
        demand={2025: demand_t, 2026: demand_t},
        model_years="2025;2026",
        new_build=new_build,
    )
    path = folder / "sectors.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for row in rows:
        row["fixed_om_cny_per_unit_capacity_year"] = "10"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return build_instance_model(load_instance(folder))


def terms(built: BuiltModel, year: int) -> tuple[dict[str, float], float]:
    """Coefficient per variable name, and the right-hand side, of the cement row of ``year``."""
    con = built.model.capacity_cover["cement_clinker", year]
    repn = generate_standard_repn(con.body)
    coefs = {v.name: float(c) for v, c in zip(repn.linear_vars, repn.linear_coefs, strict=True)}
    return coefs, float(con.lower)


def test_cover_row_counts_each_running_line_at_its_most_output(tmp_path: Path) -> None:
    built = three_lines(tmp_path / "i", 300e3)
    coefs, lower = terms(built, 2025)
    # one package (no technology) per line: x[l,0,2025] at 300 000 t/yr each
    assert lower == pytest.approx(300e3)
    assert sorted(coefs.values()) == pytest.approx([300e3] * 3)
    assert all(name.startswith("x[") for name in coefs)


def test_cover_row_counts_replacement_lines_at_their_most_output(tmp_path: Path) -> None:
    built = three_lines(
        tmp_path / "i", 300e3, new_build={"capex_cny_per_t_per_day": 50000, "fuel_kgce_per_unit": 95}
    )
    coefs, _ = terms(built, 2026)
    # the hand-made replacement line: 1 000 t/d, 300 000 t/yr
    assert {k: v for k, v in coefs.items() if k.startswith("n[")} == {
        "n[cement_clinker,2026]": pytest.approx(300e3)
    }


def test_cover_row_cuts_off_closing_one_line_too_many(tmp_path: Path) -> None:
    # demand 450 kt needs two running lines; one running line (300 kt) breaks the row
    built = three_lines(tmp_path / "i", 450e3)
    con = built.model.capacity_cover["cement_clinker", 2025]
    variables = generate_standard_repn(con.body).linear_vars
    for i, var in enumerate(variables):
        var.set_value(1 if i == 0 else 0)
    assert float(con.body()) == pytest.approx(300e3)
    assert float(con.body()) < float(con.lower)
    variables[1].set_value(1)
    assert float(con.body()) >= float(con.lower)


@pytest.mark.parametrize(("demand_t", "running"), [(250e3, 1), (450e3, 2), (600e3, 2)])
def test_cover_rows_are_implied(tmp_path: Path, demand_t: float, running: int) -> None:
    # the LP runs demand / 300 kt lines (0.83, 1.5, 2), the optimum whole ones (1, 2, 2):
    # with or without the rows, the same LP bound and the same optimum
    built = three_lines(tmp_path / "i", demand_t)
    solver = HighsSolver()
    options = SolverOptions(time_limit_s=60, mip_rel_gap=0.0)
    with_rows = solver.solve(built.form, options)
    lp_with = solver.solve_lp_duals(built.form, options)
    built.model.capacity_cover.deactivate()
    form, columns = compile_model(built.model)
    assert form.shape[0] == built.form.shape[0] - 2
    without = solver.solve(form, options)
    lp_without = solver.solve_lp_duals(form, options)
    assert with_rows.status is Status.OPTIMAL and without.status is Status.OPTIMAL
    assert with_rows.objective == pytest.approx(without.objective, rel=1e-9)
    assert lp_with.objective == pytest.approx(lp_without.objective, rel=1e-9)
    assert lp_with.objective < with_rows.objective - 1.0 or running * 300e3 == demand_t
    assert without.x is not None
    x_2026 = sum(
        without.x[i] for i, v in enumerate(columns) if v.name.startswith("x[") and v.name.endswith(",2026]")
    )
    assert round(x_2026) == running
