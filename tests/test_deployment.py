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
from optimizer.evaluator.api import evaluate
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


@pytest.mark.parametrize(
    ("provinces", "ekilns"), [(("north", "north", "south", "south"), 2), (("one",) * 4, 1)]
)
def test_pilot_lines_hold_per_province(tmp_path: Path, provinces: tuple[str, ...], ekilns: int) -> None:
    # Four lines must each reach the benchmark; one pilot ekiln (1 M) per ceiling, burners (3 M)
    # on the rest. The ceilings are stated per province ("one line per province, then 3 %/yr"):
    # two provinces take one pilot each (2 x 1 M + 2 x 3 M = 8 M), one province one in all
    # (1 M + 3 x 3 M = 10 M), in the model and in the evaluator's check alike.
    kiln = {"fuel_saving_frac": 0.2, "lifetime_years": 1, "exclusive_group": "kiln"}
    folder = make_instance(
        tmp_path / "i",
        lines=[
            {"line_id": n, "province": p, "fuel_kgce_per_unit": 110, "size_t_per_day": 2000}
            for n, p in zip("ABCD", provinces, strict=True)
        ],
        techs=[
            {"tech_id": "ekiln", "capex_fixed_cny": 1e6, "earliest_year": 2025, **kiln},
            {"tech_id": "burner", "capex_fixed_cny": 3e6, **kiln},
        ],
        targets=[{"target_id": "B", "kind": "benchmark_share", "year": 2026, "value": 1.0}],
        demand={2025: 1150e3, 2026: 1150e3},
        model_years="2025;2026",
    )
    write_deployment(
        folder, [{"tech_id": "ekiln", "line_share_max_per_year": 0, "line_share_max": 0, "pilot_lines": 1}]
    )
    inst = load_instance(folder)
    result = solve_instance(inst, OPTIONS)
    assert result.exit_code == 0
    assert (carriers(result, 0), carriers(result, 1)) == (ekilns, 4 - ekilns)
    assert result.objective_cny == pytest.approx((ekilns * 1 + (4 - ekilns) * 3) * 1e6, rel=1e-9)
    rows = pace_table(inst, result.evaluation, result.plan)
    rows = rows[(rows["rule"] == "deployment") & (rows["year"] == 2026)]
    several = len(set(provinces)) > 1
    assert sorted(rows["province"]) == (["north", "south"] if several else [""])
    assert rows["within"].all() and set(rows["used"]) == {1.0}
    if several:  # both ekilns in the north break the north's ceiling only
        plan = result.plan
        plan.adopt_year[:, 0] = [2025, 2025, NEVER, NEVER]
        plan.adopt_year[:, 1] = [NEVER, NEVER, 2025, 2025]
        table = pace_table(inst, evaluate(inst, plan), plan)
        broken = table[(table["rule"] == "deployment") & ~table["within"]]
        assert set(broken["province"]) == {"north"}
