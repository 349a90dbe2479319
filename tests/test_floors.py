"""Best-practice floors and decarbonated raw materials, worked out by hand.

One clinker product with the shipped floors written into the test's own tables: fuel floor
88 kgce/t, electricity floor 42 kWh/t, carbonate process factor 0.535 tCO2/t, carbide slag
deduction 0.48 tCO2/t, dry-slag fuel effect -28 kgce/t at 100 % (-0.28 per point).
Rated 300 d/yr; every line runs 300 days with 300 000 t/yr capacity, so q = 300 000 t.

Technologies (catalogue order):
  S1  fuel -5 %                        (efficiency: acts on the gap above the floor)
  S2  fuel -5 %, power -10 %           (efficiency)
  WHR power -45 %, savings_act_on = stream (waste-heat power supplies power)
  PEN fuel +3 % (fuel_saving_frac -0.03: extra use, scales the whole stream)
  CS  30 % of the CaO from carbide slag (0.48 tCO2 per t slag)

The rule: a measure saves s of the line's figure x0 on its own, g = min(1, s x0 / (x0 - phi))
of the gap above the floor phi; x = phi + (x0 - phi) x Π (1 - g), so combined savings
approach the floor and never pass it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.data.instance import Instance
from optimizer.data.load import load_instance
from optimizer.errors import InputError
from optimizer.evaluator.api import Evaluation, evaluate, evaluate_reference
from optimizer.evaluator.flatten import build_arrays
from optimizer.evaluator.kernels import MEASURE_INDEX, evaluate_numpy, run_kernel
from optimizer.evaluator.packages import build_packages
from optimizer.evaluator.plan import Plan
from optimizer.evaluator.synthetic import synthetic_arrays

PRODUCTS = (
    "product,sector,name_en,name_zh,benchmark_kgce_per_unit,baseline_kgce_per_unit,source,flag,"
    "fuel_floor_kgce_per_unit,fuel_floor_source,fuel_floor_flag,"
    "electricity_floor_kwh_per_unit,electricity_floor_source,electricity_floor_flag,"
    "carbonate_co2_t_per_unit,carbonate_co2_source,carbonate_co2_flag,"
    "carbide_slag_tco2_per_t,carbide_slag_tco2_source,carbide_slag_tco2_flag,"
    "dry_slag_fuel_kgce_per_unit,dry_slag_fuel_source,dry_slag_fuel_flag\n"
    "clinker,cement_clinker,Clinker,熟料,100,117,test,S,88,test,S,42,test,S,0.535,test,S,"
    "0.48,test,S,-28,test,S\n"
)
TECHS = (
    "tech_id,name_en,name_zh,sectors,capex_fixed_cny,fuel_saving_frac,elec_saving_frac,"
    "savings_act_on,raw_cao_substitution_frac,raw_material,raw_material_tco2_per_t,"
    "lifetime_years,source,flag\n"
    "S1,save a,节能a,cement_clinker,1000000,0.05,0,gap,0,,0,10,test,S\n"
    "S2,save b,节能b,cement_clinker,1000000,0.05,0.10,gap,0,,0,10,test,S\n"
    "WHR,waste heat,余热发电,cement_clinker,1000000,0,0.45,stream,0,,0,10,test,S\n"
    "PEN,alt fuel,替代燃料,cement_clinker,1000000,-0.03,0,gap,0,,0,10,test,S\n"
    "CS,carbide slag,电石渣,cement_clinker,1000000,0,0,gap,0.3,carbide_slag,0.48,10,test,S\n"
)
S1, S2, WHR, PEN, CS = range(5)

# line id -> (fuel, electricity, process CO2, carbide_slag flag, attributes, technologies)
LINES: dict[str, tuple[float, float, float, str, str, tuple[int, ...]]] = {
    "ONE": (100, 50, 0.535, "false", "", (S1,)),
    "TWO": (100, 50, 0.535, "false", "", (S1, S2)),
    "BIND": (92, 50, 0.535, "false", "", (S1, S2)),
    "BELOW": (85, 40, 0.535, "false", "", (S1, S2, PEN)),
    "WHRNEW": (100, 50, 0.535, "false", "", (S2, WHR)),
    "WHRPRE": (100, 27.5, 0.535, "false", "WHR", (S2,)),
    "WET": (100, 50, 0.535, "false", "", (CS,)),
    "DRY": (100, 50, 0.535, "true", "", (CS,)),
    "DRYBIND": (92, 50, 0.535, "true", "", (S1, S2, CS)),
    "COUPLED": (100, 50, 0.1605, "true", "", (CS,)),
}

TABLES = {
    "sectors.csv": (
        "sector,name_en,name_zh,group,unit,rated_days_per_year,min_operating_days,"
        "fixed_om_cny_per_unit_capacity_year,variable_om_cny_per_unit,source,flag\n"
        "cement_clinker,Cement clinker,水泥熟料,building_materials,t,300,0,0,0,test,S\n"
    ),
    "products.csv": PRODUCTS,
    "technologies.csv": TECHS,
    "new_builds.csv": (
        "sector,product,size_t_per_day,capacity_per_year,capex_cny_per_t_per_day,"
        "lifetime_years,fuel_kgce_per_unit,electricity_kwh_per_unit,process_co2_t_per_unit,"
        "attributes,source,flag\n"
        "cement_clinker,clinker,1000,300000,100000,20,95,45,0.535,,test,S\n"
    ),
    "lines.csv": (
        "line_id,province,city,company,sector,product,size_t_per_day,capacity_per_year,"
        "operating_days,commissioning_year,fuel_kgce_per_unit,electricity_kwh_per_unit,"
        "process_co2_t_per_unit,carbide_slag,attributes,source,flag\n"
        + "".join(
            f"{lid},P,C,Co,cement_clinker,clinker,1000,300000,300,2010,{f},{e},{p},{dry},{attr},test,S\n"
            for lid, (f, e, p, dry, attr, _) in LINES.items()
        )
    ),
    "scenario.csv": (
        "parameter,value,unit,source,flag\n"
        "base_year,2024,yr,test,S\n"
        "horizon_end,2025,yr,test,S\n"
        "model_years,2025,yr,test,S\n"
        "discount_rate,0,1/yr,test,S\n"
        "grid_kgco2_per_kwh,0.6,kgCO2/kWh,test,S\n"
        "coal_tco2_per_tce,2.5,tCO2/tce,test,S\n"
        "gas_kgco2_per_m3,2.0,kgCO2/m3,test,S\n"
        "alt_fuel_tco2_per_tce,2.0,tCO2/tce,test,S\n"
        "alt_fuel_biogenic_frac,0.5,fraction,test,S\n"
        "replacement_ratio,1,ratio,test,S\n"
    ),
    "prices.csv": (
        "year,coal_cny_per_tce,gas_cny_per_m3,electricity_cny_per_kwh,alt_fuel_cny_per_tce,"
        "carbon_cny_per_tco2,free_allocation_frac,source,flag\n"
        "2024,1000,3,0.6,200,80,0,test,S\n"
        "2025,1000,3,0.6,200,80,0,test,S\n"
    ),
    "targets.csv": (
        "target_id,kind,sectors,year,value,unit,pooled,attribute,hard,document,clause,"
        "description\n"
        "T-1,capacity_cut,cement_clinker,2025,0,fraction,true,,true,test,1,none\n"
    ),
    "demand.csv": "sector,year,demand_per_year,source,flag\ncement_clinker,2025,1000000,test,S\n",
}

REL = 1e-12


def _write(folder: Path, tables: dict[str, str]) -> Path:
    for name, text in tables.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Instance:
    return load_instance(_write(tmp_path_factory.mktemp("floors"), TABLES))


@pytest.fixture(scope="module")
def plan(instance: Instance) -> Plan:
    p = Plan.business_as_usual(instance)
    for row, (*_, techs) in enumerate(LINES.values()):
        for k in techs:
            if not (row == list(LINES).index("WHRPRE") and k == WHR):
                p.adopt_year[row, k] = 2025
    return p


@pytest.fixture(scope="module")
def ev(instance: Instance, plan: Plan) -> Evaluation:
    return evaluate(instance, plan)


def val(ev: Evaluation, measure: str, line: str, year: int = 2025) -> float:
    return float(ev.measure(measure)[list(LINES).index(line), year - 2024])


def test_one_saving_keeps_its_catalogue_figure(ev: Evaluation) -> None:
    # alone, S1 saves 5 % of 100: g = 0.05 x 100 / (100 - 88) = 5/12 of the gap -> 95
    assert val(ev, "fuel_kgce_per_unit", "ONE", 2024) == pytest.approx(100.0, rel=REL)
    assert val(ev, "fuel_kgce_per_unit", "ONE") == pytest.approx(95.0, rel=REL)


def test_two_savings_approach_the_floor(ev: Evaluation) -> None:
    # 88 + 12 x (1 - 5/12)^2 = 88 + 12 x 49/144 = 92.083333 (no floor: 90.25)
    assert val(ev, "fuel_kgce_per_unit", "TWO") == pytest.approx(88 + 12 * 49 / 144, rel=REL)
    # power: S2 alone saves 10 % of 50 = 5 kWh: 42 + 8 x (1 - 5/8) = 45
    assert val(ev, "electricity_kwh_per_unit", "TWO") == pytest.approx(45.0, rel=REL)


def test_a_floor_that_binds(ev: Evaluation) -> None:
    # fuel 92, gap 4: each 5 % saving (4.6 kgce) alone would pass the floor (87.4); on the gap
    # g = min(1, 4.6 / 4) = 1, so both together stop at 88 exactly, not 83.03 (92 x 0.9025)
    assert val(ev, "fuel_kgce_per_unit", "BIND") == pytest.approx(88.0, rel=REL)
    # I = 88 + 45 x 0.1229 = 93.5305
    assert val(ev, "intensity_kgce_per_unit", "BIND") == pytest.approx(93.5305, rel=REL)


def test_a_line_already_below_its_floor(ev: Evaluation) -> None:
    # fuel 85 < 88 and power 40 < 42: the line keeps its figures, savings act on nothing;
    # the alternative fuel's extra use (+3 %) still scales the whole stream: 85 x 1.03
    assert val(ev, "fuel_kgce_per_unit", "BELOW", 2024) == pytest.approx(85.0, rel=REL)
    assert val(ev, "fuel_kgce_per_unit", "BELOW") == pytest.approx(87.55, rel=REL)
    assert val(ev, "electricity_kwh_per_unit", "BELOW") == pytest.approx(40.0, rel=REL)


def test_waste_heat_power_supplies_power_it_does_not_save_it(ev: Evaluation) -> None:
    # adopted: S2 takes own use to 45 (>= 42), waste-heat power then covers 45 % of it:
    # purchased 45 x 0.55 = 24.75, below the 42 floor on consumption, as it should be
    assert val(ev, "electricity_kwh_per_unit", "WHRNEW") == pytest.approx(24.75, rel=REL)
    # pre-installed: 27.5 kWh/t purchased = 50 used x 0.55; the floor on purchased power is
    # 42 x 0.55 = 23.1, gap 4.4; S2 alone saves 10 % of 27.5 = 2.75 -> 24.75 (same use, 45)
    assert val(ev, "electricity_kwh_per_unit", "WHRPRE") == pytest.approx(24.75, rel=REL)


def test_carbide_slag_at_30_percent_on_a_wet_line(ev: Evaluation) -> None:
    # process CO2: (0.535 - 30 x 0.00535) x 300 000 t = 0.3745 x 300 000 = 112 350 t
    assert val(ev, "process_co2_t", "WET", 2024) == pytest.approx(0.535 * 300_000, rel=REL)
    assert val(ev, "process_co2_t", "WET") == pytest.approx(112_350.0, rel=REL)
    # slag: 0.3 x 0.535 / 0.48 = 0.334375 t per t clinker -> 100 312.5 t/yr
    assert val(ev, "carbide_slag_t", "WET") == pytest.approx(100_312.5, rel=REL)
    assert val(ev, "raw_substitute_t", "WET") == pytest.approx(100_312.5, rel=REL)
    assert val(ev, "raw_cao_substitution_frac", "WET") == pytest.approx(0.3, rel=REL)
    # wet slag: drying cancels the chemistry's gain, fuel unchanged
    assert val(ev, "fuel_kgce_per_unit", "WET") == pytest.approx(100.0, rel=REL)


def test_dry_slag_saves_fuel_and_moves_the_floor(ev: Evaluation) -> None:
    # dry-slag line: -0.28 kgce/t per point x 30 = -8.4 -> 91.6; process as on the wet line
    assert val(ev, "fuel_kgce_per_unit", "DRY") == pytest.approx(91.6, rel=REL)
    assert val(ev, "process_co2_t", "DRY") == pytest.approx(112_350.0, rel=REL)
    # fuel 92 with S1 + S2 stops at 88 (as BIND); the slag lowers figure and floor: 79.6
    assert val(ev, "fuel_kgce_per_unit", "DRYBIND") == pytest.approx(79.6, rel=REL)


def test_a_coupled_line_cannot_pass_100_percent(ev: Evaluation) -> None:
    # process 0.1605 = 0.535 x 0.3: the line takes 70 % of its CaO from slag already
    # (1.11 t slag per t at 100 %: 0.7 x 0.535 / 0.48 = 0.780208 t/t -> 234 062.5 t/yr)
    assert val(ev, "raw_cao_substitution_frac", "COUPLED", 2024) == pytest.approx(0.7, rel=REL)
    assert val(ev, "carbide_slag_t", "COUPLED", 2024) == pytest.approx(0.7 * 0.535 / 0.48 * 3e5, rel=REL)
    # CS adds the 30 points left: 100 %, no process CO2, 0.535 / 0.48 t slag per t clinker
    assert val(ev, "raw_cao_substitution_frac", "COUPLED") == pytest.approx(1.0, rel=REL)
    assert val(ev, "process_co2_t", "COUPLED") == pytest.approx(0.0, abs=1e-9)
    assert val(ev, "carbide_slag_t", "COUPLED") == pytest.approx(0.535 / 0.48 * 3e5, rel=REL)
    assert val(ev, "fuel_kgce_per_unit", "COUPLED") == pytest.approx(91.6, rel=REL)


def test_reference_and_numpy_agree(instance: Instance, plan: Plan, ev: Evaluation) -> None:
    np.testing.assert_allclose(evaluate_reference(instance, plan).values, ev.values, rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(evaluate_numpy(build_arrays(instance, plan)), ev.values, rtol=1e-12, atol=1e-6)


def test_sector_substitution_share(ev: Evaluation) -> None:
    # 2025: WET, DRY, DRYBIND at 0.3, COUPLED at 1.0, six lines at 0, equal output:
    # (3 x 0.3 + 1.0) / 10 = 0.19
    kpis = ev.by_sector().set_index("year")
    assert kpis.loc[2025, "raw_cao_substitution_frac"] == pytest.approx(0.19, rel=REL)
    assert kpis.loc[2024, "raw_cao_substitution_frac"] == pytest.approx(0.07, rel=REL)
    assert kpis.loc[2025, "carbide_slag_t"] == pytest.approx(3 * 100_312.5 + 0.535 / 0.48 * 3e5, rel=1e-9)


def test_packages_never_pass_the_floor_and_expose_resources(instance: Instance) -> None:
    ps = build_packages(instance)
    # lowest intensity a package can reach: fuel and power at their floors (lines at or above
    # them) or at their own figures (BELOW); PEN adds fuel, WHR supplies power (left out)
    lowest = {"BIND": 88 + 42 * 0.1229, "TWO": 88 + 42 * 0.1229, "BELOW": 85 + 40 * 0.1229}
    for lid, floor in lowest.items():
        rows = [
            j for j in ps.of_line(list(LINES).index(lid)) if PEN not in ps.techs[j] and WHR not in ps.techs[j]
        ]
        assert rows
        assert min(ps.intensity_kgce_per_unit[j] for j in rows) >= floor - 1e-9
    # on BIND, S2 alone reaches the fuel floor (g = min(1, 4.6 / 4) = 1): adding S1 buys
    # nothing, so no kept package carries S1; S2 + WHR: 88 + 45 x 0.55 x 0.1229 = 91.041775
    bind = {ps.techs[j]: j for j in ps.of_line(list(LINES).index("BIND"))}
    assert not any(S1 in techs for techs in bind)
    assert ps.intensity_kgce_per_unit[bind[(S2, WHR)]] == pytest.approx(91.041775, rel=1e-12)
    # every kept WET package with CS uses 0.3 x 0.535 / 0.48 = 0.334375 t slag per t, in every year
    wet = [j for j in ps.of_line(list(LINES).index("WET")) if CS in ps.techs[j]]
    assert wet
    np.testing.assert_allclose(ps.carbide_slag_t_per_unit[wet], 0.334375, rtol=1e-9)
    np.testing.assert_allclose(ps.raw_cao_substitution_frac[wet], 0.3, rtol=1e-9)
    empty = [j for j in ps.of_line(list(LINES).index("WET")) if ps.techs[j] == ()]
    assert ps.carbide_slag_t_per_unit[empty[0], 0] == 0.0
    assert ps.alt_fuel_tce_per_unit.shape == ps.co2_per_unit_t.shape


def test_a_floor_without_source_is_an_input_error(tmp_path: Path) -> None:
    tables = dict(TABLES, **{"products.csv": PRODUCTS.replace("88,test,S", "88,,")})
    with pytest.raises(InputError) as err:
        load_instance(_write(tmp_path, tables))
    text = str(err.value)
    assert "products.csv" in text and "fuel_floor_source" in text and "fuel_floor_flag" in text


def test_substitution_without_its_material_is_an_input_error(tmp_path: Path) -> None:
    tables = dict(TABLES, **{"technologies.csv": TECHS.replace("0.3,carbide_slag,0.48", "0.3,,0")})
    with pytest.raises(InputError) as err:
        load_instance(_write(tmp_path, tables))
    text = str(err.value)
    assert "raw_material" in text and "raw_material_tco2_per_t" in text


def test_measure_index_has_the_new_kpis() -> None:
    for name in ("raw_cao_substitution_frac", "carbide_slag_t", "raw_substitute_t"):
        assert name in MEASURE_INDEX


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 8))
def test_savings_never_pass_the_floor(seed: int, n_techs: int) -> None:
    """Whatever efficiency savings a line stacks, fuel and power stay within [floor, figure]."""
    rng = np.random.default_rng(seed)
    arrs = synthetic_arrays(rng, 12, n_techs, 3, adopt_prob=0.9, preinstalled_prob=0.0)
    tp = arrs.techs
    # efficiency savings only: no extra use, no stream technologies, no slag fuel effect
    techs = tp._replace(
        fuel_saving_frac=np.abs(tp.fuel_saving_frac),
        elec_saving_frac=np.minimum(np.abs(tp.elec_saving_frac), 0.95),
        saving_on_stream=np.zeros_like(tp.saving_on_stream),
    )
    arrs = replace(arrs, techs=techs)
    out = run_kernel(arrs)
    running = out[MEASURE_INDEX["running"]] > 0.5
    lp = arrs.lines
    for name, floor, figure in (
        ("fuel_kgce_per_unit", lp.fuel_floor_kgce_per_unit, lp.fuel_kgce_per_unit),
        ("electricity_kwh_per_unit", lp.elec_floor_kwh_per_unit, lp.electricity_kwh_per_unit),
    ):
        value = out[MEASURE_INDEX[name]]
        low = np.broadcast_to(np.minimum(floor, figure)[:, None], value.shape)
        high = np.broadcast_to(figure[:, None], value.shape)
        if name == "fuel_kgce_per_unit":  # the dry-slag effect may lower fuel (and its floor)
            low = low + np.minimum(lp.slag_fuel_kgce_per_unit, 0.0)[:, None]
        assert (value[running] >= low[running] - 1e-9).all()
        assert (value[running] <= high[running] + 1e-9).all()
