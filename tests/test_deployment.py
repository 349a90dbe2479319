"""Roll-out ceilings of emerging technologies (deployment.csv, issue 14) on a tiny instance
derived by hand, and the bad-input errors of the table. Prices, O&M and discounting are zero
(handmade.py); lifetimes of 1 year leave no salvage, so the objective is the capex spent."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from handmade import make_instance

from optimizer.data.deployment import max_lines
from optimizer.data.load import load_instance
from optimizer.errors import InputError
from optimizer.evaluator.pace import pace_table
from optimizer.evaluator.plan import NEVER
from optimizer.run import solve_instance
from optimizer.run_options import RunOptions

OPTIONS = RunOptions(time_limit_s=60, shadow_prices=False, write=False)


def three_kiln_lines(folder: Path) -> Path:
    # A, B, C: 2000 t/d (300 kt/yr), 110 kgce/t; demand 850 kt keeps all three running. Every
    # line must reach the 100 kgce/t benchmark by 2026: either the new "ekiln" (-20 %, 1 M CNY,
    # from 2025) or the proven "burner" (-20 %, 3 M CNY), one of the two per line.
    kiln = {"fuel_saving_frac": 0.2, "lifetime_years": 1, "exclusive_group": "kiln"}
    return make_instance(
        folder,
        lines=[{"line_id": n, "fuel_kgce_per_unit": 110, "size_t_per_day": 2000} for n in "ABC"],
        techs=[
            {"tech_id": "ekiln", "capex_fixed_cny": 1e6, "earliest_year": 2025, **kiln},
            {"tech_id": "burner", "capex_fixed_cny": 3e6, **kiln},
        ],
        targets=[{"target_id": "B", "kind": "benchmark_share", "year": 2026, "value": 1.0}],
        demand={2025: 850e3, 2026: 850e3},
        model_years="2025;2026",
    )


def write_deployment(folder: Path, rows: list[dict]) -> Path:
    columns = ["tech_id", "sector", "line_share_max_per_year", "line_share_max", "pilot_lines"]
    with (folder / "deployment.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*columns, "source", "flag"], lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({"sector": "*", "source": "hand-made", "flag": "S", **row})
    return folder


def carriers(result, tech: int) -> int:  # type: ignore[no-untyped-def]
    return int((result.plan.adopt_year[:, tech] != NEVER).sum())


def test_without_a_ceiling_every_line_takes_the_cheap_new_kiln(tmp_path: Path) -> None:
    result = solve_instance(load_instance(three_kiln_lines(tmp_path / "i")), OPTIONS)
    assert result.exit_code == 0
    assert (carriers(result, 0), carriers(result, 1)) == (3, 0)
    assert result.objective_cny == pytest.approx(3e6, rel=1e-9)


def test_a_ramp_that_binds_moves_one_line_to_the_proven_burner(tmp_path: Path) -> None:
    # 0.34 of 3 lines a year from 2025: floor(1.02) = 1 line in 2025, floor(2.04) = 2 in 2026;
    # no pilot. Optimum: ekiln on 2, burner on 1, 2 x 1 M + 3 M = 5 M CNY.
    folder = write_deployment(
        three_kiln_lines(tmp_path / "i"),
        [{"tech_id": "ekiln", "line_share_max_per_year": 0.34, "line_share_max": 1, "pilot_lines": 0}],
    )
    result = solve_instance(load_instance(folder), OPTIONS)
    assert result.exit_code == 0
    assert (carriers(result, 0), carriers(result, 1)) == (2, 1)
    assert result.objective_cny == pytest.approx(5e6, rel=1e-9)
    assert result.npv_cny == pytest.approx(5e6, rel=1e-9)
    table = pace_table(load_instance(folder), result.evaluation, result.plan)
    rows = table[table["rule"] == "deployment"]
    assert list(rows["technology"]) == ["ekiln", "ekiln"]
    assert list(rows["limit"]) == [1.0, 2.0]
    assert rows["used"].iloc[1] == 2.0 and rows["within"].all()


def test_a_pilot_line_alone_leaves_two_burners(tmp_path: Path) -> None:
    # no ramp, one demonstration line: 1 M + 2 x 3 M = 7 M CNY
    folder = write_deployment(
        three_kiln_lines(tmp_path / "i"),
        [{"tech_id": "ekiln", "line_share_max_per_year": 0, "line_share_max": 0, "pilot_lines": 1}],
    )
    result = solve_instance(load_instance(folder), OPTIONS)
    assert (carriers(result, 0), carriers(result, 1)) == (1, 2)
    assert result.objective_cny == pytest.approx(7e6, rel=1e-9)


def test_the_evaluator_flags_a_plan_over_the_ceiling(tmp_path: Path) -> None:
    # the uncapped optimum (3 ekilns, in 2025 or 2026: without discounting both cost the same)
    # evaluated against a one-line ceiling: over it in 2026 at least
    free = solve_instance(load_instance(three_kiln_lines(tmp_path / "free")), OPTIONS)
    capped = load_instance(
        write_deployment(
            three_kiln_lines(tmp_path / "capped"),
            [{"tech_id": "ekiln", "line_share_max_per_year": 0, "line_share_max": 0, "pilot_lines": 1}],
        )
    )
    table = pace_table(capped, free.evaluation, free.plan)
    over = table[(table["rule"] == "deployment") & ~table["within"]]
    assert 2026 in set(over["year"])
    assert set(over["used"]) == {3.0} and set(over["limit"]) == {1.0}


def test_ceiling_formula() -> None:
    # L(y) = max(pilot, floor(min(rho (y - y0 + 1), cap) N)), 0 before y0, at most N
    args = {"n_lines": 18, "earliest_year": 2026, "share_per_year": 0.05, "share_max": 0.2, "pilot_lines": 1}
    assert [max_lines(year=y, **args) for y in range(2025, 2032)] == [0, 1, 1, 2, 3, 3, 3]
    assert max_lines(**{**args, "share_per_year": 1.0, "share_max": 1.0}, year=2027) == 18


def test_bad_rows_are_named(tmp_path: Path) -> None:
    folder = write_deployment(
        three_kiln_lines(tmp_path / "i"),
        [
            {"tech_id": "nope", "line_share_max_per_year": 0.1},
            {"tech_id": "ekiln", "sector": "flat_glass", "line_share_max_per_year": 0.1},
            {"tech_id": "ekiln", "line_share_max_per_year": 1.5},
        ],
    )
    with pytest.raises(InputError) as err:
        load_instance(folder)
    text = str(err.value)
    assert "deployment.csv row 4, line_share_max_per_year" in text
    (folder / "deployment.csv").write_text(
        (folder / "deployment.csv").read_text().replace("1.5", "0.5"), encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        load_instance(folder)
    text = str(err.value)
    assert "deployment.csv row 2, tech_id: 'nope' is not a tech_id" in text
    assert "deployment.csv row 3, sector: 'flat_glass' is not a sector of ekiln" in text


def test_catalogue_rows_for_technologies_an_instance_lacks_are_left_out(tmp_path: Path) -> None:
    # the hand-made instance has its own technologies and no deployment.csv: the catalogue's
    # rows (ceramic_electric_kiln_tile, capture) name technologies it lacks and add nothing
    inst = load_instance(three_kiln_lines(tmp_path / "i"))
    assert not inst.deployment.empty
    assert "ceramic_electric_kiln_tile" in set(inst.deployment["tech_id"])
