"""Issue 14 rules on tiny instances derived by hand: closures and projects per year, closure
costs, a yearly capex budget, scarce supplies, projects every year and output-weighted
intensity. Prices, O&M and discounting are zero (see handmade.py) unless a test says so."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from handmade import make_instance, write_pace, write_supplies

from optimizer.cli import EXIT_INFEASIBLE
from optimizer.data.load import load_instance
from optimizer.errors import InputError
from optimizer.evaluator.api import evaluate
from optimizer.evaluator.pace import pace_table
from optimizer.evaluator.packages import build_packages
from optimizer.evaluator.plan import NEVER, Plan
from optimizer.evaluator.targets import check_targets
from optimizer.models.data import package_resource_use, pool_use
from optimizer.outputs import resource_table
from optimizer.run import solve_instance
from optimizer.run_options import RunOptions

OPTIONS = RunOptions(time_limit_s=60, shadow_prices=False, write=False)
YEARS = "2025;2026"


def solve(folder: Path):  # type: ignore[no-untyped-def]
    return solve_instance(load_instance(folder), OPTIONS)


def three_lines(folder: Path, cut_year: int) -> Path:
    # A, B, C: 300 kt/yr each (900 kt base); demand 300 kt needs one line. Capacity cut 60 %
    # by cut_year: running ≤ 360 kt, so two lines close by then.
    return make_instance(
        folder,
        lines=[{"line_id": n} for n in "ABC"],
        techs=[],
        targets=[{"target_id": "CUT", "kind": "capacity_cut", "year": cut_year, "value": 0.6}],
        demand={2025: 300e3, 2026: 300e3},
        model_years=YEARS,
    )


def test_closure_pace_spreads_closures_over_years(tmp_path: Path) -> None:
    # closure share 30 %/yr: max(0.3 × 900 kt, largest line 300 kt) = 300 kt, one line a year.
    # Two closures needed by 2026 ⇒ one in 2025 and one in 2026, the third line runs on.
    folder = write_pace(three_lines(tmp_path / "i", 2026), closure_share_max_per_year=0.3)
    result = solve(folder)
    assert result.exit_code == 0
    assert sorted(int(y) for y in result.plan.retire_year) == [2025, 2026, NEVER]


def test_closure_pace_that_binds_makes_an_early_cut_infeasible(tmp_path: Path) -> None:
    # The same cut due in 2025 needs two closures in one year: more than 300 kt/yr.
    free = solve(three_lines(tmp_path / "free", 2025))
    assert free.exit_code == 0
    paced = solve(write_pace(three_lines(tmp_path / "paced", 2025), closure_share_max_per_year=0.3))
    assert paced.exit_code == EXIT_INFEASIBLE


def test_closure_pace_holds_from_its_first_year(tmp_path: Path) -> None:
    # The same 2025 cut with the limit holding only from 2026: both closures fit in 2025.
    folder = three_lines(tmp_path / "i", 2025)
    result = solve(write_pace(folder, closure_share_max_per_year=0.3, from_year=2026))
    assert result.exit_code == 0
    assert sorted(int(y) for y in result.plan.retire_year) == [2025, 2025, NEVER]


def test_closure_cost_is_charged_in_model_and_evaluator(tmp_path: Path) -> None:
    # A, B 300 kt/yr; cut 40 % by 2026 ⇒ running ≤ 360 kt, one line closes. Closure cost
    # 50 CNY per t/yr × 300 kt = 15 M CNY; nothing else costs anything ⇒ NPV = 15 M.
    folder = make_instance(
        tmp_path / "i",
        lines=[{"line_id": "A"}, {"line_id": "B"}],
        techs=[],
        targets=[{"target_id": "CUT", "kind": "capacity_cut", "year": 2026, "value": 0.4}],
        demand={2025: 300e3, 2026: 300e3},
        model_years=YEARS,
    )
    result = solve(write_pace(folder, closure_cost_cny_per_unit_capacity=50))
    assert result.exit_code == 0
    assert result.objective_cny == pytest.approx(15e6, rel=1e-9)
    assert result.npv_cny == pytest.approx(15e6, rel=1e-9)
    costs = result.evaluation.cost_breakdown()
    assert costs.loc["closure", "discounted_cny"] == pytest.approx(15e6, rel=1e-9)
    assert costs.loc["total", "discounted_cny"] == pytest.approx(15e6, rel=1e-9)


def two_burner_lines(folder: Path, targets: list[dict]) -> Path:
    # A, B: 2000 t/d, 110 kgce/t; the burner (-20 %: 88 kgce/t ≤ 100 benchmark) costs 1 M CNY.
    # Demand 450 kt needs both lines running (300 kt each at most), so neither can close.
    return make_instance(
        folder,
        lines=[
            {"line_id": "A", "fuel_kgce_per_unit": 110, "size_t_per_day": 2000},
            {"line_id": "B", "fuel_kgce_per_unit": 110, "size_t_per_day": 2000},
        ],
        techs=[{"tech_id": "burner", "fuel_saving_frac": 0.2, "capex_fixed_cny": 1e6}],
        targets=targets,
        demand={2025: 450e3, 2026: 450e3},
        model_years=YEARS,
    )


ALL_BY_2025 = [{"target_id": "B", "kind": "benchmark_share", "year": 2025, "value": 1.0}]
HALF_THEN_ALL = [
    {"target_id": "B1", "kind": "benchmark_share", "year": 2025, "value": 0.5},
    {"target_id": "B2", "kind": "benchmark_share", "year": 2026, "value": 1.0},
]


def test_retrofit_pace_limits_campaigns_per_year(tmp_path: Path) -> None:
    # 0.5 of 2 lines = 1 line may start a campaign a year: both burners in 2025 cannot be,
    # half in 2025 and all in 2026 can, with one line each year.
    assert solve(two_burner_lines(tmp_path / "free", ALL_BY_2025)).exit_code == 0
    paced = write_pace(two_burner_lines(tmp_path / "p1", ALL_BY_2025), retrofit_line_share_max_per_year=0.5)
    assert solve(paced).exit_code == EXIT_INFEASIBLE
    spread = write_pace(
        two_burner_lines(tmp_path / "p2", HALF_THEN_ALL), retrofit_line_share_max_per_year=0.5
    )
    result = solve(spread)
    assert result.exit_code == 0
    assert sorted(int(y) for y in result.plan.adopt_year[:, 0]) == [2025, 2026]
    table = pace_table(load_instance(spread), result.evaluation, result.plan)
    campaigns = table[table["rule"] == "retrofit_campaigns"]
    assert list(campaigns["used"]) == [1.0, 1.0]
    assert list(campaigns["limit"]) == [1.0, 1.0]
    assert campaigns["within"].all()


def five_burner_lines(folder: Path, share: float, year: int) -> Path:
    # five 2000 t/d lines at 110 kgce/t (the burner: 88 ≤ 100); demand 1.4 Mt > 4 × 300 kt
    # keeps all five running; a benchmark share of `share` due in `year`
    folder = make_instance(
        folder,
        lines=[{"line_id": n, "fuel_kgce_per_unit": 110, "size_t_per_day": 2000} for n in "ABCDE"],
        techs=[{"tech_id": "burner", "fuel_saving_frac": 0.2, "capex_fixed_cny": 1e6}],
        targets=[{"target_id": "B", "kind": "benchmark_share", "year": year, "value": share}],
        demand={2025: 1.4e6, 2026: 1.4e6},
        model_years=YEARS,
    )
    return write_pace(folder, retrofit_line_share_max_per_year=0.3)


def test_campaigns_average_over_the_years(tmp_path: Path) -> None:
    # 0.3 × 5 = 1.5 lines a year on average, at most ceil(1.5) = 2 in one year: 1 line by
    # 2025 (1.5 to date), 3 by 2026 (3.0). Three lines (60 %) by 2026 fit as 1 + 2, which a
    # yearly cap of 1.5 (one whole line a year) would forbid; two lines in 2025 do not fit.
    result = solve(five_burner_lines(tmp_path / "ok", 0.6, 2026))
    assert result.exit_code == 0
    years = sorted(int(y) for y in result.plan.adopt_year[:, 0] if y != NEVER)
    assert years == [2025, 2026, 2026]
    table = pace_table(load_instance(tmp_path / "ok"), result.evaluation, result.plan)
    to_date = table[table["rule"] == "retrofit_campaigns_to_date"]
    assert list(to_date["used"]) == [1.0, 3.0] and list(to_date["limit"]) == [1.5, 3.0]
    in_year = table[table["rule"] == "retrofit_campaigns"]
    assert list(in_year["limit"]) == [2.0, 2.0]
    assert solve(five_burner_lines(tmp_path / "early", 0.4, 2025)).exit_code == EXIT_INFEASIBLE


def test_target_due_before_the_pace_can_reach_it_is_held_from_hard_from(tmp_path: Path) -> None:
    # Both burners by 2025 need two campaigns in 2025, one is allowed (infeasible above). With
    # hard_from 2026 the target is reported in 2025 and enforced from 2026: one line a year.
    late = [{**ALL_BY_2025[0], "hard_from": 2026}]
    folder = write_pace(two_burner_lines(tmp_path / "i", late), retrofit_line_share_max_per_year=0.5)
    result = solve(folder)
    assert result.exit_code == 0
    years = sorted(int(y) for y in result.plan.adopt_year[:, 0])
    assert years[1] == 2026 and years[0] in (2025, 2026)
    checked = result.targets.set_index("year")
    assert list(checked.index) == [2025, 2026]
    assert not checked.loc[2025, "hard"]
    assert checked.loc[2025, "achieved"] <= 0.5
    assert checked.loc[2026, "hard"] and checked.loc[2026, "met"]


def test_hard_from_is_checked_on_input(tmp_path: Path) -> None:
    # only for targets held from their year on, and never before the target's own year
    peak = [{"target_id": "P", "kind": "emissions_peak", "year": 2026, "value": 0, "hard_from": 2026}]
    with pytest.raises(InputError) as err:
        load_instance(two_burner_lines(tmp_path / "a", peak))
    assert "targets.csv row 2, hard_from" in str(err.value) and "not emissions_peak" in str(err.value)
    early = [{**ALL_BY_2025[0], "year": 2026, "hard_from": 2025}]
    with pytest.raises(InputError) as err:
        load_instance(two_burner_lines(tmp_path / "b", early))
    assert "must lie from the target's year 2026" in str(err.value)


def test_one_campaign_installs_a_whole_package(tmp_path: Path) -> None:
    # A, B: 2000 t/d (300 kt), 120 kgce/t; two 0.5 M CNY techs of -12 % each: one alone gives
    # 105.6 > 100 benchmark; both act on the gap above the 88 kgce/t floor, g = 14.4 / 32 =
    # 0.45 each: 88 + 32 × 0.55² = 97.68 ≤ 100. Demand 200 kt needs one line.
    # Campaign limit max(0.1 × 2, 1) = 1 line a year: A takes both techs in one 2025 campaign
    # and B closes (closing is free here). A limit of one project a year could never reach the
    # two-technology package in 2025.
    folder = make_instance(
        tmp_path / "i",
        lines=[
            {"line_id": "A", "fuel_kgce_per_unit": 120, "size_t_per_day": 2000},
            {"line_id": "B", "fuel_kgce_per_unit": 120, "size_t_per_day": 2000},
        ],
        techs=[
            {"tech_id": "burner", "fuel_saving_frac": 0.12, "capex_fixed_cny": 0.5e6},
            {"tech_id": "cooler", "fuel_saving_frac": 0.12, "capex_fixed_cny": 0.5e6},
        ],
        targets=[{"target_id": "B", "kind": "benchmark_share", "year": 2025, "value": 1.0}],
        demand={2025: 200e3, 2026: 200e3},
        model_years=YEARS,
    )
    result = solve(write_pace(folder, retrofit_line_share_max_per_year=0.1))
    assert result.exit_code == 0
    kept = int(np.flatnonzero(result.plan.retire_year[:2] == NEVER)[0])
    assert [int(y) for y in result.plan.adopt_year[kept]] == [2025, 2025]
    assert int(result.plan.retire_year[1 - kept]) == 2025
    table = pace_table(load_instance(folder), result.evaluation, result.plan).set_index(["rule", "year"])
    assert table.loc[("retrofit_campaigns", 2025), "used"] == 1.0
    assert table.loc[("retrofit_campaigns", 2025), "limit"] == 1.0


def test_pace_check_flags_a_plan_beyond_the_limits(tmp_path: Path) -> None:
    # The evaluator's check reads the plan alone: both lines retrofitted and one closed in
    # 2025 break a 1-line campaign limit (2 used) and a 30 % closure limit (max(0.3 × 600 kt,
    # 300 kt) = 300 kt: 300 kt closed is within).
    folder = write_pace(
        two_burner_lines(tmp_path / "i", []),
        retrofit_line_share_max_per_year=0.5,
        closure_share_max_per_year=0.3,
    )
    inst = load_instance(folder)
    plan = Plan.business_as_usual(inst)
    plan.adopt_year[:, 0] = 2025
    plan.retire_year[1] = 2026
    table = pace_table(inst, evaluate(inst, plan), plan).set_index(["rule", "year"])
    assert table.loc[("retrofit_campaigns", 2025), "used"] == 2.0
    assert not table.loc[("retrofit_campaigns", 2025), "within"]
    assert table.loc[("closures", 2026), "used"] == pytest.approx(300e3)
    assert table.loc[("closures", 2026), "within"]
    assert table.loc[("closures", 2025), "used"] == 0.0


def test_yearly_capex_budget(tmp_path: Path) -> None:
    # Budget 1.5 M CNY a year: one 1 M burner a year, so both in 2025 is infeasible.
    folder = two_burner_lines(tmp_path / "i", ALL_BY_2025)
    with (folder / "scenario.csv").open("a", encoding="utf-8") as handle:
        handle.write("capex_budget_cny_per_year,1.5e6,CNY/yr,test,S\n")
    assert load_instance(folder).scenario.capex_budget_cny_per_year == 1.5e6
    assert solve(folder).exit_code == EXIT_INFEASIBLE


def test_projects_floor_holds_in_every_year(tmp_path: Path) -> None:
    # ≥ 1 project per year "every year" (target year 2025): with model years 2025 and 2026 one
    # 1 M CNY motor is adopted each year; a floor met only in 2025 would leave B without one.
    folder = make_instance(
        tmp_path / "i",
        lines=[{"line_id": "A"}, {"line_id": "B"}],
        techs=[{"tech_id": "motor", "capex_fixed_cny": 1e6}],
        targets=[{"target_id": "P", "kind": "projects_min", "sectors": "*", "year": 2025, "value": 1}],
        demand={2025: 300e3, 2026: 300e3},
        model_years=YEARS,
    )
    result = solve(folder)
    assert result.exit_code == 0
    assert sorted(int(y) for y in result.plan.adopt_year[:, 0]) == [2025, 2026]
    checked = result.targets[result.targets["target_id"] == "P"]
    assert list(checked["year"]) == [2025, 2026]
    assert list(checked["achieved"]) == [1.0, 1.0]


def carbide_line(folder: Path) -> Path:
    # One line, 100 kgce/t coal (0.1 tce × 2.62 = 0.262 tCO2/t), process CO2 0.5 t/t, demand
    # 200 kt. Without carbide slag 200 kt × 0.762 = 152.4 kt CO2; with 30 % of the CaO from
    # carbide slag (carbonate 0.535 tCO2/t clinker) 0.5 - 0.3 × 0.535 = 0.3395 t/t, so
    # 200 kt × (0.3395 + 0.262) = 120.3 kt. Cap 130 kt: the substitution is needed, using
    # 0.3 × 0.535 / 0.48 (tCO2 deducted per t slag) = 0.334375 t slag per t, 66 875 t a year.
    return make_instance(
        folder,
        lines=[{"line_id": "A", "process_co2_t_per_unit": 0.5}],
        techs=[
            {
                "tech_id": "carbide_slag_substitution",
                "raw_cao_substitution_frac": 0.3,
                "raw_material": "carbide_slag",
                "raw_material_tco2_per_t": 0.48,
                "capex_fixed_cny": 1e6,
            }
        ],
        targets=[{"target_id": "E", "kind": "emissions_cap", "year": 2025, "value": 130e3}],
        demand={2025: 200e3, 2026: 200e3},
        model_years=YEARS,
    )


SLAG_T_PER_YEAR = 200e3 * 0.3 * 0.535 / 0.48


def test_supply_that_suffices_is_reported_used_vs_available(tmp_path: Path) -> None:
    rows = [{"resource": "carbide_slag", "year": y, "available": 70e3, "unit": "t/yr"} for y in (2025, 2026)]
    folder = write_supplies(carbide_line(tmp_path / "i"), rows)
    result = solve(folder)
    assert result.exit_code == 0
    table = resource_table(load_instance(folder), result.evaluation, result.plan)
    assert list(table["year"]) == [2025, 2026]
    assert table["used"].to_numpy() == pytest.approx([SLAG_T_PER_YEAR] * 2, rel=1e-9)
    assert result.evaluation.total_co2_t()[2025] == pytest.approx(200e3 * (0.3395 + 0.262), rel=1e-9)
    assert table["available"].tolist() == [70e3, 70e3]
    assert table["within"].all()


def test_supply_that_binds_makes_the_cap_infeasible(tmp_path: Path) -> None:
    # 60 kt of slag < 66.9 kt needed: the cap cannot be met.
    rows = [{"resource": "carbide_slag", "year": y, "available": 60e3, "unit": "t/yr"} for y in (2025, 2026)]
    assert solve(write_supplies(carbide_line(tmp_path / "i"), rows)).exit_code == EXIT_INFEASIBLE


def test_scarce_use_per_package_is_the_evaluators(tmp_path: Path) -> None:
    # 100 kgce/t, 10 % alt fuel; RDF: +5 % fuel, 40 % of the remaining coal (0.9) to alt fuel:
    # F = 105 kgce/t, a = 0.1 + 0.36 = 0.46 ⇒ 0.0483 tce/t; 150 kt ⇒ 7,245 tce/yr. The model's
    # per-package figure and resources.csv's per-plan figure are both the evaluator's.
    folder = make_instance(
        tmp_path / "i",
        lines=[{"line_id": "A", "alt_fuel_share": 0.1}],
        techs=[{"tech_id": "rdf", "fuel_saving_frac": -0.05, "to_alt_fuel_frac": 0.4}],
        targets=[],
        demand={2025: 150e3, 2026: 150e3},
    )
    write_supplies(folder, [{"resource": "alt_fuel", "year": 2025, "available": 1e4, "unit": "tce/yr"}])
    inst = load_instance(folder)
    packages = build_packages(inst)
    with_rdf = [j for j, techs in enumerate(packages.techs) if techs == (0,)]
    assert package_resource_use(inst, packages)["alt_fuel"][with_rdf] == pytest.approx([0.0483], rel=1e-12)
    plan = Plan.business_as_usual(inst)
    plan.adopt_year[0, 0] = 2025
    ev = evaluate(inst, plan)
    assert pool_use(ev)["alt_fuel"][0, 1] == pytest.approx(7245.0, rel=1e-12)
    assert resource_table(inst, ev, plan)["used"].tolist() == pytest.approx([7245.0], rel=1e-12)


def test_carbide_slag_substitution_draws_on_the_supply(tmp_path: Path) -> None:
    # The shipped catalogue's carbide-slag technology (30 % of the CaO) counts as slag use:
    # a run that took it on every line while resources.csv showed 0 t was the bug this guards.
    inst = load_instance(carbide_line(tmp_path / "i"))
    plan = Plan.business_as_usual(inst)
    plan.adopt_year[0, 0] = 2025
    ev = evaluate(inst, plan)
    output_t = ev.measure("output_units")[0, 1]  # the BAU days' output, not the demand
    assert pool_use(ev)["carbide_slag"][0, 1] == pytest.approx(output_t * 0.3 * 0.535 / 0.48, rel=1e-12)
    assert pool_use(ev)["other_calcium_waste"][0, 1] == 0.0


def test_intensity_cut_is_output_weighted(tmp_path: Path) -> None:
    # A 110 and B 94 kgce/t, 300 kt/yr each, 150 days each in 2024: I0 = 102. In 2025 A runs
    # 100 days (100 kt) and B 300 days (300 kt): output-weighted (110·100 + 94·300) / 400 = 98,
    # a cut of 1 - 98/102 = 3.92 % (capacity-weighted it would be (110 + 94) / 2 = 102: 0 %).
    folder = make_instance(
        tmp_path / "i",
        lines=[{"line_id": "A", "fuel_kgce_per_unit": 110}, {"line_id": "B", "fuel_kgce_per_unit": 94}],
        techs=[],
        targets=[{"target_id": "I", "kind": "intensity_cut", "year": 2025, "value": 0.03}],
        demand={2025: 400e3, 2026: 400e3},
    )
    inst = load_instance(folder)
    plan = Plan.business_as_usual(inst)
    plan.operating_days[0, 1:] = 100.0
    plan.operating_days[1, 1:] = 300.0
    ev = evaluate(inst, plan)
    checked = check_targets(inst, ev.arrays, ev.values).set_index("year")
    assert checked.loc[2025, "achieved"] == pytest.approx(1 - 98 / 102, rel=1e-12)
    assert bool(checked.loc[2025, "met"])


def test_bad_supply_rows_are_named(tmp_path: Path) -> None:
    # an unknown resource fails the schema; a unit that does not fit the resource fails the
    # cross-check; both name file, row and column
    unknown = [{"resource": "coal", "year": 2025, "available": 1e3, "unit": "t/yr"}]
    with pytest.raises(InputError) as err:
        load_instance(write_supplies(carbide_line(tmp_path / "a"), unknown))
    assert "supplies.csv row 2, resource: 'coal' is not allowed" in str(err.value)
    wrong_unit = [{"resource": "carbide_slag", "year": 2025, "available": 1e3, "unit": "tce/yr"}]
    with pytest.raises(InputError) as err:
        load_instance(write_supplies(carbide_line(tmp_path / "b"), wrong_unit))
    assert "supplies.csv row 2, unit" in str(err.value) and "must be t/yr for carbide_slag" in str(err.value)


def test_shipped_provinces_carry_pace_and_supplies() -> None:
    from optimizer.data.load import instance_dir

    for name in ("zhejiang", "guizhou", "xinjiang", "chongqing"):
        inst = load_instance(instance_dir(name))
        assert inst.pace.loc["cement_clinker", "closure_share_max_per_year"] == pytest.approx(0.10)
        assert set(inst.supplies["resource"]) == {
            "carbide_slag",
            "other_calcium_waste",
            "alt_fuel",
            "coprocessing_feed",
        }
        assert np.all(inst.supplies["available"] >= 0)


def test_staggered_cap_binds_replacement_lines_too(tmp_path: Path) -> None:
    # Two 300 kt lines at 120 kgce/t must clear the 117 baseline in 2025; demand 300 kt;
    # coal 1000 CNY/tce. A 200-day cap (rated 300) holds every running line to 200 kt, a new
    # 2:1 replacement line included, so the swap (one new line) can no longer meet demand and
    # both lines are retrofitted (deep: -20 %, 100 M CNY, 18 of 20 years salvaged):
    #   base 2024: 300 kt × 0.120 × 1000 = 36 M; capex 2 × 10 M; fuel 300 kt × 0.096 × 1000 × 2.
    folder = make_instance(
        tmp_path / "i",
        lines=[{"line_id": "A", "fuel_kgce_per_unit": 120}, {"line_id": "B", "fuel_kgce_per_unit": 120}],
        techs=[{"tech_id": "deep", "fuel_saving_frac": 0.2, "capex_fixed_cny": 100e6}],
        targets=[
            {"target_id": "T1", "kind": "baseline_clear", "year": 2025, "value": 0},
            {"target_id": "D", "kind": "operating_days_max", "year": 2025, "value": 200},
        ],
        demand={2025: 300e3, 2026: 300e3},
        coal_cny_per_tce=1000,
        new_build={"capex_cny_per_t_per_day": 50000, "fuel_kgce_per_unit": 95},
    )
    result = solve(folder)
    assert result.exit_code == 0
    assert result.plan.new_lines == []
    assert result.npv_cny == pytest.approx(36e6 + 20e6 + 57.6e6, rel=1e-9)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_shows_limits_used_vs_allowed(tmp_path: Path, lang: str) -> None:
    # The carbide line with 70 kt of slag a year (66.6 kt used) and one campaign a year allowed:
    # the workbook's limits sheet holds both, in kt (en) / 万 t (zh), next to pace.csv's rows.
    import io

    from openpyxl import load_workbook
    from rich.console import Console

    from optimizer.report import write_report
    from optimizer.run import run_plan

    rows = [{"resource": "carbide_slag", "year": y, "available": 70e3, "unit": "t/yr"} for y in (2025, 2026)]
    folder = write_pace(
        write_supplies(carbide_line(tmp_path / "i"), rows), retrofit_line_share_max_per_year=0.5
    )
    out = tmp_path / "run"
    options = RunOptions(out=out, time_limit_s=60, shadow_prices=False)
    assert run_plan(load_instance(folder), options, Console(file=io.StringIO())) == 0
    pace = pd.read_csv(out / "pace.csv")
    # closures unlimited: no row
    assert list(pace["rule"]) == ["retrofit_campaigns", "retrofit_campaigns_to_date"] * 2
    html, xlsx = write_report(out, lang)
    sheet = load_workbook(xlsx)["Limits" if lang == "en" else "限额与用量"]
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(values) == 6  # campaigns in the year and to date, slag; 2025 and 2026
    k = {"en": 1e3, "zh": 1e4}[lang]
    slag = [v for v in values if v[1] in ("carbide slag", "电石渣")]
    assert [v[3] for v in slag] == pytest.approx([SLAG_T_PER_YEAR / k] * 2, rel=1e-9)
    assert [v[4] for v in slag] == pytest.approx([70e3 / k] * 2)
    campaigns = [v for v in values if v[0] in ("lines starting a retrofit", "当年开展改造的生产线")]
    assert [v[3] for v in campaigns] == [1.0, 0.0]
    assert [v[4] for v in campaigns] == [1.0, 1.0]
    page = html.read_text(encoding="utf-8")
    assert {"en": "Can it be done", "zh": "执行可行性"}[lang] in page


def test_capacity_cut_from_its_reference_year(tmp_path: Path) -> None:
    # A, B, C 300 kt each (900 kt in 2024), demand 300 kt. A 50 % cut from the base year
    # leaves ≤ 450 kt running: two close. The document's 2020 reference of 1,200 kt (a fourth
    # line closed since) leaves ≤ 600 kt: one closure meets it, achieved 1 - 600/1200 = 0.5.
    base = {"target_id": "CUT", "kind": "capacity_cut", "year": 2026, "value": 0.5}
    referenced = {**base, "reference_year": 2020, "reference_value": 1.2e6, "reference_source": "doc, V"}
    closures = []
    for name, target in (("base", base), ("ref", referenced)):
        folder = make_instance(
            tmp_path / name,
            lines=[{"line_id": n} for n in "ABC"],
            techs=[],
            targets=[target],
            demand={2025: 300e3, 2026: 300e3},
            model_years=YEARS,
        )
        # a closure costs, so no line closes that the cut does not need
        result = solve(write_pace(folder, closure_cost_cny_per_unit_capacity=1.0))
        assert result.exit_code == 0
        closures.append(int((result.plan.retire_year != NEVER).sum()))
        checked = result.targets.set_index("year")
    assert closures == [2, 1]
    assert checked.loc[2026, "achieved"] == pytest.approx(0.5, rel=1e-12)


def test_intensity_cut_from_its_reference_value(tmp_path: Path) -> None:
    # As the output-weighted test: 98 kgce/t in 2025 against 102 in 2024 is a 3.92 % cut; the
    # document's 2020 reference of 100 kgce/t makes it 1 - 98/100 = 2 %, short of 3 %.
    folder = make_instance(
        tmp_path / "i",
        lines=[{"line_id": "A", "fuel_kgce_per_unit": 110}, {"line_id": "B", "fuel_kgce_per_unit": 94}],
        techs=[],
        targets=[
            {
                "target_id": "I",
                "kind": "intensity_cut",
                "year": 2025,
                "value": 0.03,
                "reference_year": 2020,
                "reference_value": 100.0,
                "reference_source": "doc, V",
            }
        ],
        demand={2025: 400e3, 2026: 400e3},
    )
    inst = load_instance(folder)
    plan = Plan.business_as_usual(inst)
    plan.operating_days[0, 1:] = 100.0
    plan.operating_days[1, 1:] = 300.0
    ev = evaluate(inst, plan)
    checked = check_targets(inst, ev.arrays, ev.values).set_index("year")
    assert checked.loc[2025, "achieved"] == pytest.approx(0.02, rel=1e-12)
    assert not bool(checked.loc[2025, "met"])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"kind": "benchmark_share", "reference_year": 2020, "reference_value": 1.0},
            "is not measured from a reference",
        ),
        (
            {"reference_year": 2025, "reference_value": 1e6, "reference_source": "x"},
            "at or before the base year 2024",
        ),
        ({"reference_year": 2020, "reference_source": "x"}, "reference_value: 0"),
        ({"reference_year": 2020, "reference_value": 1e6}, "reference_source: (empty) is empty"),
    ],
)
def test_bad_reference_is_named(tmp_path: Path, extra: dict, message: str) -> None:
    target = {"target_id": "CUT", "kind": "capacity_cut", "year": 2026, "value": 0.5, **extra}
    folder = make_instance(
        tmp_path / "i",
        lines=[{"line_id": "A"}],
        techs=[],
        targets=[target],
        demand={2025: 100e3, 2026: 100e3},
        model_years=YEARS,
    )
    with pytest.raises(InputError) as err:
        load_instance(folder)
    assert "targets.csv row 2, reference_" in str(err.value) and message in str(err.value)
