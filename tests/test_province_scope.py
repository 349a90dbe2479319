"""A per-line rule of some provinces (targets.csv ``provinces``): one province's
staggered-production days in an instance of several, derived by hand. Prices, O&M and
discounting as in handmade.py; coal 1 000 CNY/tce, so a line at 100 kgce/t spends 100 CNY/t."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from handmade import make_instance

from optimizer.cli import EXIT_INFEASIBLE
from optimizer.data.load import load_instance
from optimizer.decompose_targets import province_targets
from optimizer.errors import InputError
from optimizer.evaluator.api import evaluate
from optimizer.evaluator.packages import build_packages
from optimizer.evaluator.plan import NewLine, Plan
from optimizer.evaluator.targets import check_targets
from optimizer.models.data import build_model_data
from optimizer.run import solve_instance
from optimizer.run_options import RunOptions

NORTH_CAP = {"target_id": "D", "kind": "operating_days_max", "year": 2025, "value": 200, "provinces": "north"}


def two_provinces(folder: Path, target: dict | None = None, new_build: dict | None = None) -> Path:
    # A (north, 100 kgce/t) and B (south, 110 kgce/t): 300 kt/yr each at 300 rated days, 150 kt
    # each in 2024; demand 450 kt in 2025 and 2026.
    return make_instance(
        folder,
        lines=[
            {"line_id": "A", "province": "north", "fuel_kgce_per_unit": 100},
            {"line_id": "B", "province": "south", "fuel_kgce_per_unit": 110},
        ],
        techs=[],
        targets=[target or NORTH_CAP],
        demand={2025: 450e3, 2026: 450e3},
        model_years="2025;2026",
        coal_cny_per_tce=1000,
        new_build=new_build,
    )


def test_province_cap_holds_only_its_provinces_lines(tmp_path: Path) -> None:
    # Uncapped, the cheap north line A would run its 300 days (300 kt, 30 M CNY a year) and B make
    # the other 150 kt (16.5 M). North's 200-day cap holds A to 200 kt (20 M); B, in the south, is
    # not capped and makes 250 kt (27.5 M), which a cap on both would forbid (2 × 200 kt < 450 kt):
    #   NPV = 2024 (15 + 16.5 M) + 2 × (20 + 27.5 M) = 126.5 M.
    result = solve_instance(
        load_instance(two_provinces(tmp_path / "i")),
        RunOptions(time_limit_s=60, shadow_prices=False, write=False),
    )
    assert result.exit_code == 0
    assert result.npv_cny == pytest.approx(126.5e6, rel=1e-9)
    days = result.plan.operating_days[:, 1:]
    assert days[0] == pytest.approx([200, 200]) and days[1] == pytest.approx([250, 250])
    rows = result.targets[result.targets["target_id"] == "D"]
    assert list(rows["provinces"]) == ["north", "north"]
    assert list(rows["achieved"]) == pytest.approx([200, 200]) and rows["met"].all()


def test_check_judges_the_provinces_lines_only(tmp_path: Path) -> None:
    # South's B at 300 days is within the rule (it covers north); north's A at 250 days is not.
    inst = load_instance(two_provinces(tmp_path / "i"))
    plan = Plan.business_as_usual(inst)
    plan.operating_days[1, 1:] = 300
    plan.operating_days[0, 1:] = 200
    ev = evaluate(inst, plan)
    assert check_targets(inst, ev.arrays, ev.values)["met"].all()
    plan.operating_days[0, 2] = 250
    ev = evaluate(inst, plan)
    check = check_targets(inst, ev.arrays, ev.values)  # each year's row sees that year and after
    assert not check["met"].any() and list(check["achieved"]) == pytest.approx([250, 250])


def test_replacement_line_is_capped_where_it_is_built(tmp_path: Path) -> None:
    # A replacement line belongs to a province only where the instance has one (a seed, a
    # decomposed sub-problem) or the plan says so (a merged national plan): the model's cap on
    # new lines and the check agree on that.
    new_build = {"capex_cny_per_t_per_day": 50000, "fuel_kgce_per_unit": 95}
    both = load_instance(two_provinces(tmp_path / "both", new_build=new_build))
    north_only = load_instance(
        make_instance(
            tmp_path / "north",
            lines=[{"line_id": "A", "province": "north"}],
            techs=[],
            targets=[NORTH_CAP],
            demand={2025: 150e3, 2026: 150e3},
            model_years="2025;2026",
            new_build=new_build,
        )
    )
    capped = build_model_data(north_only, build_packages(north_only)).new_cap_days
    uncapped = build_model_data(both, build_packages(both)).new_cap_days
    assert capped[("cement_clinker", 2025)] == 200 and uncapped[("cement_clinker", 2025)] == 300
    plan = Plan.business_as_usual(both)
    plan.operating_days[0, 1:] = 200
    days = np.array([0.0, 250.0, 250.0])
    for province, met in (("", True), ("south", True), ("north", False)):
        plan.new_lines = [NewLine("N1", "cement_clinker", 2025, 1.0, days, province)]
        ev = evaluate(both, plan)
        assert ev.arrays.provinces[-1] == province
        assert check_targets(both, ev.arrays, ev.values)["met"].all() == met, province


def test_decomposition_gives_the_rule_to_its_provinces_only(tmp_path: Path) -> None:
    inst = load_instance(two_provinces(tmp_path / "i"))
    for province, expected in (("north", ["D"]), ("south", [])):
        lines = inst.lines[inst.lines["province"] == province]
        for bound in ("upper", "lower"):
            assert list(province_targets(inst, lines, bound)["target_id"]) == expected


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ({**NORTH_CAP, "provinces": "north;east"}, "targets.csv row 2, provinces: 'east' is not a province"),
        (
            {"target_id": "C", "kind": "capacity_cap", "year": 2025, "value": 1e6, "provinces": "north"},
            "a province scope is for per-line rules (operating_days_max, size_exit), not capacity_cap",
        ),
    ],
)
def test_bad_province_scope_is_named(tmp_path: Path, target: dict, message: str) -> None:
    with pytest.raises(InputError) as err:
        load_instance(two_provinces(tmp_path / "i", target))
    assert message in str(err.value)


def test_plan_file_keeps_where_a_replacement_line_stands(tmp_path: Path) -> None:
    # A national plan re-read from its plan.csv still judges a replacement line by its province.
    from optimizer.outputs import plan_table
    from optimizer.plan_io import read_plan

    inst = load_instance(
        two_provinces(tmp_path / "i", new_build={"capex_cny_per_t_per_day": 50000, "fuel_kgce_per_unit": 95})
    )
    plan = Plan.business_as_usual(inst)
    plan.new_lines = [
        NewLine("north-N1", "cement_clinker", 2025, 1.0, np.array([0.0, 250.0, 250.0]), "north")
    ]
    path = tmp_path / "plan.csv"
    plan_table(evaluate(inst, plan), plan).to_csv(path, index=False)
    again = read_plan(inst, path)
    assert [n.province for n in again.new_lines] == ["north"]
    ev = evaluate(inst, again)
    assert not check_targets(inst, ev.arrays, ev.values)["met"].any()  # 250 d against north's 200


@pytest.mark.parametrize(
    ("provinces", "feasible"), [(("north", "north", "south", "south"), True), (("one",) * 4, False)]
)
def test_pace_holds_per_province(tmp_path: Path, provinces: tuple[str, ...], feasible: bool) -> None:
    # Four 300 kt lines must lose half their capacity by 2025 (two closures that year). A tenth a
    # year lets one line close per pace group: one group of four cannot close two in 2025; two
    # provinces of two lines each close one each (a province closes a tenth of its own fleet).
    from handmade import write_pace

    from optimizer.evaluator.pace import pace_table

    folder = make_instance(
        tmp_path / "i",
        lines=[{"line_id": n, "province": p} for n, p in zip("ABCD", provinces, strict=True)],
        techs=[],
        targets=[{"target_id": "CUT", "kind": "capacity_cut", "year": 2025, "value": 0.5}],
        demand={2025: 300e3, 2026: 300e3},
        model_years="2025;2026",
    )
    inst = load_instance(write_pace(folder, closure_share_max_per_year=0.1))
    result = solve_instance(inst, RunOptions(time_limit_s=60, shadow_prices=False, write=False))
    assert result.exit_code == (0 if feasible else EXIT_INFEASIBLE)
    if not feasible:
        return
    closed = {inst.lines.index[l]: int(y) for l, y in enumerate(result.plan.retire_year) if y == 2025}
    assert len(closed) == 2 and {provinces["ABCD".index(n)] for n in closed} == {"north", "south"}
    pace = pace_table(inst, result.evaluation, result.plan)
    closures = pace[(pace["rule"] == "closures") & (pace["year"] == 2025)].set_index("province")
    assert closures["used"].to_dict() == {"north": 300e3, "south": 300e3} and closures["within"].all()
    # the report's limits table says whose limit each row is
    from rich.console import Console

    from optimizer.report.data import load_run
    from optimizer.report.limits import limits_table
    from optimizer.run import run_plan

    out = tmp_path / "run"
    options = RunOptions(out=out, time_limit_s=60, shadow_prices=False, report=False)
    assert run_plan(inst, options, Console(quiet=True)) == 0
    where = limits_table(load_run(out, "en", instance=inst)).columns[1].values
    assert "clinker (north)" in " ".join(map(str, where)) and "clinker (south)" in " ".join(map(str, where))
    # both of the north's lines in 2025: the north's row breaks, though the country closed half
    plan = result.plan
    plan.retire_year[:] = [2025, 2025, 9999, 9999]
    rows = pace_table(inst, evaluate(inst, plan), plan)
    broken = rows[~rows["within"]]
    assert broken[["rule", "province", "year"]].values.tolist() == [["closures", "north", 2025]]
