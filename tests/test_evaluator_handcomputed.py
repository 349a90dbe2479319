"""A two-line cement instance whose results are worked out by hand below.

Everything is written to ``tmp_path`` (own sectors, products, technologies and new_builds
tables) so the figures are round and the derivation can be followed line by line.

Scenario: base year 2024, horizon 2024..2026, r = 10 %, grid 0.6 kgCO2/kWh, coal 2.5
tCO2/tce, gas 2.0 kgCO2/m3 and 1.25 kgce/m3, alternative fuel 2.0 tCO2/tce of which 50 %
biogenic, 0.1229 kgce/kWh. Sector: rated 300 d/yr, fixed O&M 10 CNY per t/yr of capacity,
variable O&M 20 CNY/t. Product: benchmark 100, baseline 117 kgce/t.

Technologies, in catalogue order (capex = fixed + per_tpd x size + per_kwp x kWp):
  T1 save_a   fuel -5 %              1 000 000 + 100 CNY/(t/d)   O&M 2 %/yr  life 10
  T2 save_b   fuel -5 %, power -10 % 2 000 000                   O&M 1 %/yr  life 10
  T3 switch   40 % of coal to gas, 10 % of coal to alternative fuel
                                     3 000 000                   no O&M      life 20
  T4 rawsub   process CO2 -20 %      500 CNY/(t/d)               no O&M      life 20
  T5 capture  50 % of direct CO2, 200 kWh and 100 CNY per t captured
                                     50 000 000                  O&M 3 %/yr  life 25
  T6 pv       0.1 kWp/m2, 1000 kWh/kWp, 3000 CNY/kWp, grants green_smart
                                                                 O&M 1 %/yr  life 25
Prices (all years): coal 1000 CNY/tce, gas 3 CNY/m3, power 0.6 CNY/kWh, alternative fuel
200 CNY/tce, free allocation 50 %; carbon 80 / 100 / 120 CNY/t in 2024 / 2025 / 2026.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from optimizer.data.instance import Instance
from optimizer.data.load import load_instance
from optimizer.evaluator.api import Evaluation, evaluate, evaluate_reference
from optimizer.evaluator.plan import NEVER, NewLine, Plan

TABLES = {
    "sectors.csv": (
        "sector,name_en,name_zh,group,unit,rated_days_per_year,min_operating_days,"
        "fixed_om_cny_per_unit_capacity_year,variable_om_cny_per_unit,source,flag\n"
        "cement_clinker,Cement clinker,水泥熟料,building_materials,t,300,0,10,20,test,S\n"
    ),
    "products.csv": (
        "product,sector,name_en,name_zh,benchmark_kgce_per_unit,baseline_kgce_per_unit,"
        "source,flag\n"
        "clinker,cement_clinker,Clinker,熟料,100,117,test,S\n"
    ),
    "technologies.csv": (
        "tech_id,name_en,name_zh,sectors,capex_fixed_cny,capex_cny_per_t_per_day,"
        "capex_cny_per_kwp,om_frac_per_year,fuel_saving_frac,elec_saving_frac,to_gas_frac,"
        "to_alt_fuel_frac,process_co2_cut_frac,capture_rate,capture_kwh_per_tco2,"
        "capture_cny_per_tco2,pv_kwp_per_m2,pv_yield_kwh_per_kwp,lifetime_years,"
        "grants_attribute,source,flag\n"
        "T1,save a,节能a,cement_clinker,1000000,100,0,0.02,0.05,0,0,0,0,0,0,0,0,0,10,,test,S\n"
        "T2,save b,节能b,cement_clinker,2000000,0,0,0.01,0.05,0.10,0,0,0,0,0,0,0,0,10,,test,S\n"
        "T3,switch,燃料替代,cement_clinker,3000000,0,0,0,0,0,0.4,0.1,0,0,0,0,0,0,20,,test,S\n"
        "T4,rawsub,原料替代,cement_clinker,0,500,0,0,0,0,0,0,0.2,0,0,0,0,0,20,,test,S\n"
        "T5,capture,碳捕集,cement_clinker,50000000,0,0,0.03,0,0,0,0,0,0.5,200,100,0,0,25,,test,S\n"
        "T6,pv,光伏,cement_clinker,0,0,3000,0.01,0,0,0,0,0,0,0,0,0.1,1000,25,green_smart,test,S\n"
    ),
    "new_builds.csv": (
        "sector,product,size_t_per_day,capacity_per_year,capex_cny_per_t_per_day,"
        "lifetime_years,fuel_kgce_per_unit,electricity_kwh_per_unit,process_co2_t_per_unit,"
        "attributes,source,flag\n"
        "cement_clinker,clinker,4000,1240000,100000,20,95,45,0.5,grade_a,test,S\n"
    ),
    "lines.csv": (
        "line_id,province,city,company,sector,product,size_t_per_day,capacity_per_year,"
        "operating_days,commissioning_year,fuel_kgce_per_unit,electricity_kwh_per_unit,"
        "gas_share,alt_fuel_share,process_co2_t_per_unit,roof_area_m2,pollution_grade,"
        "attributes,source,flag\n"
        "A,P,CityA,CoA,cement_clinker,clinker,2000,600000,270,2010,100,50,0,0.1,0.5,10000,B,,"
        "test,S\n"
        "B,P,CityB,CoB,cement_clinker,clinker,1000,300000,30,2005,112,50,0,0,0.5,200000,A,,"
        "test,S\n"
    ),
    "scenario.csv": (
        "parameter,value,unit,source,flag\n"
        "base_year,2024,yr,test,S\n"
        "horizon_end,2026,yr,test,S\n"
        "model_years,2025;2026,yr,test,S\n"
        "discount_rate,0.1,1/yr,test,S\n"
        "grid_kgco2_per_kwh,0.6,kgCO2/kWh,test,S\n"
        "coal_tco2_per_tce,2.5,tCO2/tce,test,S\n"
        "gas_kgco2_per_m3,2.0,kgCO2/m3,test,S\n"
        "alt_fuel_tco2_per_tce,2.0,tCO2/tce,test,S\n"
        "alt_fuel_biogenic_frac,0.5,fraction,test,S\n"
        "replacement_ratio,1,ratio,test,S\n"
        "kgce_per_m3_gas,1.25,kgce/m3,test,S\n"
    ),
    "prices.csv": (
        "year,coal_cny_per_tce,gas_cny_per_m3,electricity_cny_per_kwh,alt_fuel_cny_per_tce,"
        "carbon_cny_per_tco2,free_allocation_frac,source,flag\n"
        "2024,1000,3,0.6,200,80,0.5,test,S\n"
        "2025,1000,3,0.6,200,100,0.5,test,S\n"
        "2026,1000,3,0.6,200,120,0.5,test,S\n"
    ),
    "targets.csv": (
        "target_id,kind,sectors,year,value,unit,pooled,attribute,hard,document,clause,"
        "description\n"
        "T-1,capacity_cut,cement_clinker,2025,0,fraction,true,,true,test,1,none\n"
    ),
    "demand.csv": ("sector,year,demand_per_year,source,flag\ncement_clinker,2025,1000000,test,S\n"),
}

REL = 1e-12  # every figure below is exact decimal arithmetic; only float rounding remains


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Instance:
    folder: Path = tmp_path_factory.mktemp("hand")
    for name, text in TABLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return load_instance(folder)


@pytest.fixture(scope="module")
def plan(instance: Instance) -> Plan:
    """A adopts T1..T6 in 2025. B adopts T6 in 2025, retires in 2026 and 'adopts' T1 in its
    retirement year (which must never happen). Half a standard new line starts in 2026."""
    p = Plan.business_as_usual(instance)
    p.adopt_year[0, :] = 2025
    p.adopt_year[1, 5] = 2025
    p.adopt_year[1, 0] = 2026
    p.retire_year[1] = 2026
    p.new_lines.append(NewLine("N1", "cement_clinker", 2026, 0.5, np.array([0.0, 0.0, 300.0])))
    return p


@pytest.fixture(scope="module")
def ev(instance: Instance, plan: Plan) -> Evaluation:
    return evaluate(instance, plan)


def val(ev: Evaluation, measure: str, line: int, year: int) -> float:
    return float(ev.measure(measure)[line, year - 2024])


A, B, N1 = 0, 1, 2


def test_base_year_line_a_untouched(ev: Evaluation) -> None:
    # 2024, no technology yet: q = 600 000 t/yr x 270 d / 300 d = 540 000 t
    assert val(ev, "output_units", A, 2024) == pytest.approx(540_000, rel=REL)
    # I = 100 + 50 x 0.1229 = 106.145 kgce/t: above benchmark 100, within baseline 117
    assert val(ev, "intensity_kgce_per_unit", A, 2024) == pytest.approx(106.145, rel=REL)
    assert val(ev, "at_benchmark", A, 2024) == 0.0
    assert val(ev, "worse_than_baseline", A, 2024) == 0.0
    # B: 112 + 6.145 = 118.145 > 117: worse than baseline
    assert val(ev, "worse_than_baseline", B, 2024) == 1.0
    # A burns 90 % coal, 10 % alternative fuel: F = 100 x 540 000 = 54 000 000 kgce
    # coal 48 600 tce x 2.5 = 121 500 t; alt 5 400 tce x 2.0 x 0.5 = 5 400 t fossil + 5 400 bio
    assert val(ev, "fuel_co2_t", A, 2024) == pytest.approx(126_900, rel=REL)
    assert val(ev, "biogenic_co2_t", A, 2024) == pytest.approx(5_400, rel=REL)


def test_two_five_percent_savings_give_9_75_percent(ev: Evaluation) -> None:
    # (1 - 0.05) x (1 - 0.05) = 0.9025: savings on one stream multiply, 9.75 % not 10 %
    fuel_2024 = val(ev, "fuel_kgce_per_unit", A, 2024)
    fuel_2025 = val(ev, "fuel_kgce_per_unit", A, 2025)
    assert fuel_2024 == pytest.approx(100.0, rel=REL)
    assert 1.0 - fuel_2025 / fuel_2024 == pytest.approx(0.0975, rel=1e-12)


def test_line_a_2025_energy(ev: Evaluation) -> None:
    # f = 100 x 0.95 x 0.95 = 90.25 kgce/t; e = 50 x 0.9 = 45 kWh/t (T2)
    assert val(ev, "fuel_kgce_per_unit", A, 2025) == pytest.approx(90.25, rel=REL)
    assert val(ev, "electricity_kwh_per_unit", A, 2025) == pytest.approx(45.0, rel=REL)
    # I = 90.25 + 45 x 0.1229 = 95.7805 <= 100: now at benchmark
    assert val(ev, "intensity_kgce_per_unit", A, 2025) == pytest.approx(95.7805, rel=REL)
    assert val(ev, "at_benchmark", A, 2025) == 1.0
    # F = 90.25 x 540 000 = 48 735 000 kgce
    assert val(ev, "fuel_kgce", A, 2025) == pytest.approx(48_735_000, rel=REL)
    # mix: coal 0.9, gas 0, alt 0.1; T3 moves 0.9 x 0.4 = 0.36 to gas, 0.9 x 0.1 = 0.09 to alt
    # -> coal 0.45, gas 0.36, alt 0.19
    # coal 48 735 000 x 0.45 / 1000 = 21 930.75 tce
    # gas  48 735 000 x 0.36 / 1.25 = 14 035 680 m3
    # alt  48 735 000 x 0.19 / 1000 = 9 259.65 tce
    assert val(ev, "coal_tce", A, 2025) == pytest.approx(21_930.75, rel=REL)
    assert val(ev, "gas_m3", A, 2025) == pytest.approx(14_035_680, rel=REL)
    assert val(ev, "alt_fuel_tce", A, 2025) == pytest.approx(9_259.65, rel=REL)


def test_line_a_2025_emissions(ev: Evaluation) -> None:
    # process: 0.5 x (1 - 0.2) x 540 000 = 216 000 t
    assert val(ev, "process_co2_t", A, 2025) == pytest.approx(216_000, rel=REL)
    # fossil fuel CO2: 21 930.75 x 2.5 = 54 826.875; 14 035 680 x 2.0 / 1000 = 28 071.36;
    # 9 259.65 x 2.0 x (1 - 0.5) = 9 259.65 -> 92 157.885 t; biogenic 9 259.65 t apart
    assert val(ev, "fuel_co2_t", A, 2025) == pytest.approx(92_157.885, rel=REL)
    assert val(ev, "biogenic_co2_t", A, 2025) == pytest.approx(9_259.65, rel=REL)
    # capture 50 % of 216 000 + 92 157.885 = 308 157.885 -> 154 078.9425 t captured,
    # 154 078.9425 t left as direct CO2 (biogenic is not captured nor counted)
    assert val(ev, "captured_co2_t", A, 2025) == pytest.approx(154_078.9425, rel=REL)
    assert val(ev, "direct_co2_t", A, 2025) == pytest.approx(154_078.9425, rel=REL)
    # capture power 154 078.9425 x 200 = 30 815 788.5 kWh on top of 45 x 540 000 = 24 300 000
    assert val(ev, "capture_kwh", A, 2025) == pytest.approx(30_815_788.5, rel=REL)
    assert val(ev, "electricity_kwh", A, 2025) == pytest.approx(55_115_788.5, rel=REL)
    # PV: 10 000 m2 x 0.1 = 1 000 kWp = 1 MW, 1 000 000 kWh all used on site
    assert val(ev, "pv_mw", A, 2025) == pytest.approx(1.0, rel=REL)
    assert val(ev, "pv_self_kwh", A, 2025) == pytest.approx(1_000_000, rel=REL)
    # grid 54 115 788.5 kWh x 0.6 / 1000 = 32 469.4731 t indirect
    assert val(ev, "grid_kwh", A, 2025) == pytest.approx(54_115_788.5, rel=REL)
    assert val(ev, "indirect_co2_t", A, 2025) == pytest.approx(32_469.4731, rel=REL)
    assert val(ev, "total_co2_t", A, 2025) == pytest.approx(186_548.4156, rel=REL)


def test_line_a_2025_costs_and_npv(ev: Evaluation) -> None:
    # capex (size 2000 t/d, 1000 kWp): T1 1 000 000 + 100 x 2000 = 1 200 000; T2 2 000 000;
    # T3 3 000 000; T4 500 x 2000 = 1 000 000; T5 50 000 000; T6 3000 x 1000 = 3 000 000
    # -> 60 200 000 CNY, six projects started in 2025
    assert val(ev, "capex_cny", A, 2025) == pytest.approx(60_200_000, rel=REL)
    assert val(ev, "projects_started", A, 2025) == 6.0
    # technology O&M: 2 % x 1.2 M + 1 % x 2 M + 3 % x 50 M + 1 % x 3 M = 1 574 000
    assert val(ev, "tech_om_cny", A, 2025) == pytest.approx(1_574_000, rel=REL)
    # fixed O&M 10 x 600 000 = 6 000 000; variable 20 x 540 000 + capture 100 x 154 078.9425
    # = 10 800 000 + 15 407 894.25 = 26 207 894.25
    assert val(ev, "fixed_om_cny", A, 2025) == pytest.approx(6_000_000, rel=REL)
    assert val(ev, "variable_om_cny", A, 2025) == pytest.approx(26_207_894.25, rel=REL)
    # fuel 21 930 750 + 3 x 14 035 680 + 200 x 9 259.65 = 21 930 750 + 42 107 040 + 1 851 930
    assert val(ev, "fuel_cost_cny", A, 2025) == pytest.approx(65_889_720, rel=REL)
    # electricity 0.6 x 54 115 788.5; carbon 100 x 154 078.9425 x (1 - 0.5)
    assert val(ev, "electricity_cost_cny", A, 2025) == pytest.approx(32_469_473.1, rel=REL)
    assert val(ev, "carbon_cost_cny", A, 2025) == pytest.approx(7_703_947.125, rel=REL)
    # cash 60 200 000 + 1 574 000 + 6 000 000 + 26 207 894.25 + 65 889 720 + 32 469 473.1
    #      + 7 703 947.125 = 200 045 034.475, discounted one year at 10 %
    assert val(ev, "npv_cny", A, 2025) == pytest.approx(200_045_034.475 / 1.1, rel=REL)
    # annuity of T1 alone would be 1 200 000 x 0.1 / (1 - 1.1^-10); check the total of six
    crf10 = 0.1 / (1 - 1.1**-10)
    crf20 = 0.1 / (1 - 1.1**-20)
    crf25 = 0.1 / (1 - 1.1**-25)
    annuity = 3_200_000 * crf10 + 4_000_000 * crf20 + 53_000_000 * crf25
    assert val(ev, "capex_annuity_cny", A, 2025) == pytest.approx(annuity, rel=REL)
    assert val(ev, "capex_annuity_cny", A, 2026) == pytest.approx(annuity, rel=REL)
    assert val(ev, "capex_annuity_cny", A, 2024) == 0.0


def test_salvage_in_last_year(ev: Evaluation) -> None:
    # items of 2025 still have (2025 + n - 1) - 2026 years of life after the horizon:
    # T1, T2 (n = 10): 8/10 of 3.2 M = 2.56 M; T3, T4 (n = 20): 18/20 of 4 M = 3.6 M;
    # T5, T6 (n = 25): 23/25 of 53 M = 48.76 M -> 54.92 M, valued at 2027 -> / 1.1
    assert val(ev, "salvage_cny", A, 2026) == pytest.approx(54_920_000 / 1.1, rel=REL)
    assert val(ev, "salvage_cny", A, 2025) == 0.0
    # B is retired in 2026: its PV (60 M, see below) is scrapped and earns no salvage
    assert val(ev, "salvage_cny", B, 2026) == 0.0


def test_line_b_pv_capped_by_own_use(ev: Evaluation) -> None:
    # q = 300 000 x 30 / 300 = 30 000 t; power 50 x 30 000 = 1 500 000 kWh
    assert val(ev, "output_units", B, 2025) == pytest.approx(30_000, rel=REL)
    # PV: 200 000 m2 x 0.1 = 20 000 kWp = 20 MW, 20 000 000 kWh > own use: only 1.5 GWh counts
    assert val(ev, "pv_mw", B, 2025) == pytest.approx(20.0, rel=REL)
    assert val(ev, "pv_kwh", B, 2025) == pytest.approx(20_000_000, rel=REL)
    assert val(ev, "pv_self_kwh", B, 2025) == pytest.approx(1_500_000, rel=REL)
    assert val(ev, "grid_kwh", B, 2025) == 0.0
    assert val(ev, "indirect_co2_t", B, 2025) == 0.0
    # direct: coal 112 x 30 000 / 1000 = 3 360 tce x 2.5 = 8 400 t + process 15 000 t
    assert val(ev, "direct_co2_t", B, 2025) == pytest.approx(23_400, rel=REL)
    # PV capex 3000 CNY/kWp x 20 000 kWp
    assert val(ev, "capex_cny", B, 2025) == pytest.approx(60_000_000, rel=REL)
    # attributes: grade A line, plus green_smart from T6
    ly = ev.line_year().set_index(["line_id", "year"])
    assert bool(ly.loc[("B", 2024), "attr_grade_a"])
    assert not bool(ly.loc[("B", 2024), "attr_green_smart"])
    assert bool(ly.loc[("B", 2025), "attr_green_smart"])
    assert not bool(ly.loc[("A", 2025), "attr_grade_a"])


def test_line_b_retired_in_2026(ev: Evaluation) -> None:
    # retired: no flows, no capacity, no PV; T1 "adopted" in the retirement year never happens
    for m in (
        "running",
        "output_units",
        "capacity_per_year",
        "total_co2_t",
        "pv_mw",
        "fixed_om_cny",
        "tech_om_cny",
        "capex_cny",
        "projects_started",
    ):
        assert val(ev, m, B, 2026) == 0.0, m
    # but the PV debt stays: 60 M x 0.1 / (1 - 1.1^-25) per year
    crf25 = 0.1 / (1 - 1.1**-25)
    assert val(ev, "capex_annuity_cny", B, 2026) == pytest.approx(60_000_000 * crf25, rel=REL)
    # NPV of B in 2026 is nothing: no flows, and scrapped equipment has no salvage value
    assert val(ev, "npv_cny", B, 2026) == 0.0


def test_new_line(ev: Evaluation) -> None:
    # half a standard line: 2000 t/d, 620 000 t/yr, capex 100 000 x 4000 x 0.5 = 200 M in 2026
    assert val(ev, "running", N1, 2025) == 0.0
    assert val(ev, "capacity_per_year", N1, 2026) == pytest.approx(620_000, rel=REL)
    assert val(ev, "output_units", N1, 2026) == pytest.approx(620_000, rel=REL)
    assert val(ev, "capex_cny", N1, 2026) == pytest.approx(200_000_000, rel=REL)
    # I = 95 + 45 x 0.1229 = 100.5305: misses the benchmark of 100
    assert val(ev, "intensity_kgce_per_unit", N1, 2026) == pytest.approx(100.5305, rel=REL)
    assert val(ev, "at_benchmark", N1, 2026) == 0.0
    # 19 of 20 years left after 2026
    assert val(ev, "salvage_cny", N1, 2026) == pytest.approx(190_000_000 / 1.1, rel=REL)
    ly = ev.line_year().set_index(["line_id", "year"])
    assert bool(ly.loc[("N1", 2026), "attr_grade_a"])
    assert bool(ly.loc[("N1", 2026), "is_new"])


def test_totals_and_reference(instance: Instance, plan: Plan, ev: Evaluation) -> None:
    ref = evaluate_reference(instance, plan)
    np.testing.assert_allclose(ev.values, ref.values, rtol=1e-12, atol=1e-6)
    # the cost breakdown's discounted total is the NPV
    costs: dict[Any, float] = ev.cost_breakdown()["discounted_cny"].to_dict()
    assert costs["total"] == pytest.approx(ev.npv_cny, rel=1e-12)
    assert costs["salvage"] < 0
    # sector table: capacity-weighted intensity in 2025 (A 600 000 t/yr at 95.7805,
    # B 300 000 t/yr at 112 x 1 + 50 x 0.1229 = 118.145)
    sector = ev.by_sector().set_index("year")
    expected = (600_000 * 95.7805 + 300_000 * 118.145) / 900_000
    assert sector.loc[2025, "intensity_kgce_per_unit"] == pytest.approx(expected, rel=REL)
    assert sector.loc[2025, "share_at_benchmark"] == pytest.approx(2 / 3, rel=REL)
    base = (600_000 * 106.145 + 300_000 * 118.145) / 900_000
    assert sector.loc[2025, "intensity_change_vs_base_frac"] == pytest.approx(expected / base - 1, rel=1e-9)
    worse: dict[Any, float] = sector["capacity_worse_than_baseline"].to_dict()
    assert math.isclose(worse[2024], 300_000)


def test_zero_operating_days_and_never(instance: Instance) -> None:
    p = Plan.business_as_usual(instance)
    p.operating_days[:] = 0.0
    p.retire_year[1] = 2024  # retired in the base year: never runs
    p.adopt_year[1, :] = 2024  # adoptions on a line that never runs never happen
    ev0 = evaluate(instance, p)
    assert ev0.measure("running")[A].tolist() == [1.0, 1.0, 1.0]
    assert ev0.measure("output_units")[A].tolist() == [0.0, 0.0, 0.0]
    # no output: no fuel, no CO2, but fixed O&M 6 000 000 per year is still paid
    assert ev0.measure("total_co2_t")[A].tolist() == [0.0, 0.0, 0.0]
    assert ev0.measure("fixed_om_cny")[A].tolist() == [6_000_000.0] * 3
    # intensity stays defined (no division by output): 106.145
    assert val(ev0, "intensity_kgce_per_unit", A, 2026) == pytest.approx(106.145, rel=REL)
    assert not ev0.values[:, B, :].any()
    assert ev0.npv_cny == pytest.approx(6_000_000 * (1 + 1 / 1.1 + 1 / 1.21), rel=REL)
    assert NEVER > 2026
