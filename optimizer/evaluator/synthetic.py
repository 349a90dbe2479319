"""Random but plausible evaluation arrays, without an Instance, for benchmarks and property tests."""

from __future__ import annotations

import math

import numpy as np

from optimizer.evaluator.arrays import (
    Constants,
    EvalArrays,
    LineParams,
    TechParams,
    YearParams,
    f64,
    i64,
)
from optimizer.evaluator.plan import NEVER


def synthetic_arrays(
    rng: np.random.Generator,
    n_lines: int,
    n_techs: int = 30,
    n_years: int = 7,
    *,
    base_year: int = 2024,
    adopt_prob: float = 0.3,
    retire_prob: float = 0.2,
    zero_days_prob: float = 0.05,
    preinstalled_prob: float = 0.02,
    new_line_frac: float = 0.05,
) -> EvalArrays:
    """Random but plausible arrays (no Instance) for benchmarks and property tests.

    Technology columns mix every kind of effect (savings, fuel switches, process cuts,
    capture, PV); a share of rows behave like new lines (later start, own capex).
    """
    n, k, y = n_lines, n_techs, n_years
    horizon_end = base_year + y - 1
    years = np.arange(base_year, horizon_end + 1, dtype=np.int64)
    n_attr = 4
    is_new = rng.random(n) < new_line_frac
    start = np.where(is_new, rng.integers(base_year, horizon_end + 2, n), base_year - 1)
    gas = rng.random(n) * 0.5
    alt = rng.random(n) * (1.0 - gas) * 0.5
    size = rng.uniform(300.0, 8000.0, n)
    fuel0 = rng.uniform(5.0, 130.0, n)
    elec0 = rng.uniform(3.0, 80.0, n)
    proc0 = rng.uniform(0.0, 0.6, n)
    # floors: none, binding somewhere above, or above the figure (a line already below it)
    floor_kind = rng.integers(0, 3, (2, n))
    fuel_floor = np.where(
        floor_kind[0] == 0, 0.0, np.where(floor_kind[0] == 1, fuel0 * rng.uniform(0.5, 1.0, n), fuel0)
    )
    elec_floor = np.where(
        floor_kind[1] == 0, 0.0, np.where(floor_kind[1] == 1, elec0 * rng.uniform(0.5, 1.0, n), elec0)
    )
    carbonate = np.where(rng.random(n) < 0.7, 0.535, 0.0)
    dry = rng.random(n) < 0.3
    sigma0 = np.where(dry & (carbonate > 0), rng.uniform(0.0, 1.0, n), 0.0)
    lines = LineParams(
        start_year=i64(start),
        capacity_per_year=f64(size * 310.0),
        size_t_per_day=f64(size),
        rated_days_per_year=f64(rng.choice([310.0, 330.0, 365.0], n)),
        fuel_kgce_per_unit=f64(fuel0),
        electricity_kwh_per_unit=f64(elec0),
        gas_share=f64(gas),
        alt_fuel_share=f64(alt),
        process_co2_t_per_unit=f64(proc0),
        roof_area_m2=f64(np.where(rng.random(n) < 0.8, rng.uniform(0.0, 1e5, n), 0.0)),
        fixed_om_cny_per_unit_capacity_year=f64(rng.uniform(1.0, 40.0, n)),
        variable_om_cny_per_unit=f64(rng.uniform(5.0, 80.0, n)),
        benchmark_kgce_per_unit=f64(rng.uniform(5.0, 110.0, n)),
        baseline_kgce_per_unit=f64(rng.uniform(110.0, 140.0, n)),
        attr_bits=i64(rng.integers(0, 1 << n_attr, n)),
        line_capex_cny=f64(np.where(is_new, rng.uniform(1e8, 2e9, n), 0.0)),
        line_lifetime_years=i64(rng.integers(1, 40, n)),
        preinstalled=np.ascontiguousarray((rng.random((n, k)) < preinstalled_prob) & ~is_new[:, None]),
        fuel_floor_kgce_per_unit=f64(fuel_floor),
        elec_floor_kwh_per_unit=f64(elec_floor),
        carbonate_co2_t_per_unit=f64(carbonate),
        raw_cao_frac0=f64(sigma0),
        slag_fuel_kgce_per_unit=f64(np.where(dry, rng.uniform(-30.0, 0.0, n), 0.0)),
        base_carbide_slag_t_per_unit=f64(sigma0 * carbonate / 0.48),
    )
    kind = np.arange(k) % 6  # 0 savings, 1 gas, 2 alt fuel, 3 process, 4 capture, 5 PV

    def where_kind(kinds: tuple[int, ...], values: np.ndarray) -> np.ndarray:
        return f64(np.where(np.isin(kind, kinds), values, 0.0))

    techs = TechParams(
        capex_fixed_cny=f64(rng.uniform(0.0, 5e7, k)),
        capex_cny_per_t_per_day=f64(rng.uniform(0.0, 5e4, k)),
        capex_cny_per_kwp=where_kind((5,), rng.uniform(2000.0, 5000.0, k)),
        om_frac_per_year=f64(rng.uniform(0.0, 0.06, k)),
        fuel_saving_frac=where_kind((0, 2), rng.uniform(-0.1, 0.3, k)),
        elec_saving_frac=where_kind((0,), rng.uniform(-0.5, 0.5, k)),
        to_gas_frac=where_kind((1,), rng.uniform(0.0, 1.0, k)),
        to_alt_fuel_frac=where_kind((2,), rng.uniform(0.0, 0.5, k)),
        to_coprocessing_frac=where_kind((2,), rng.uniform(0.0, 0.2, k)),
        process_co2_cut_frac=where_kind((3,), rng.uniform(0.0, 0.4, k)),
        capture_rate=where_kind((4,), rng.uniform(0.5, 0.95, k)),
        capture_kwh_per_tco2=where_kind((4,), rng.uniform(100.0, 300.0, k)),
        capture_cny_per_tco2=where_kind((4,), rng.uniform(100.0, 400.0, k)),
        pv_kwp_per_m2=where_kind((5,), rng.uniform(0.05, 0.2, k)),
        pv_yield_kwh_per_kwp=where_kind((5,), rng.uniform(800.0, 1500.0, k)),
        lifetime_years=i64(rng.integers(1, 30, k)),
        grant_bits=i64(np.where(rng.random(k) < 0.3, 1 << rng.integers(0, n_attr + 2, k), 0)),
        saving_on_stream=f64(rng.random(k) < 0.3),
        raw_cao_substitution_frac=where_kind((3,), rng.uniform(0.0, 1.0, k)),
        raw_material_t_per_tco2=where_kind((3,), 1.0 / rng.uniform(0.1, 0.6, k)),
        raw_is_carbide_slag=where_kind((3,), (rng.random(k) < 0.5).astype(np.float64)),
    )
    r = float(rng.choice([0.0, 0.05, 0.08]))
    years_p = YearParams(
        coal_cny_per_tce=f64(rng.uniform(800.0, 1500.0, y)),
        gas_cny_per_m3=f64(rng.uniform(2.5, 4.5, y)),
        electricity_cny_per_kwh=f64(rng.uniform(0.5, 0.8, y)),
        alt_fuel_cny_per_tce=f64(rng.uniform(-200.0, 500.0, y)),
        coprocessing_cny_per_tce=f64(rng.uniform(-800.0, 100.0, y)),
        carbon_cny_per_tco2=f64(rng.uniform(0.0, 200.0, y)),
        free_allocation_frac=f64(rng.uniform(0.0, 1.0, y)),
        discount_factor=f64([math.pow(1.0 + r, -(yy - base_year)) for yy in years]),
    )
    consts = Constants(base_year, horizon_end, r, 0.1229, 1.33, 0.55, 2.62, 2.16, 2.0, 0.5)
    adopted = rng.random((n, k)) < adopt_prob
    adopt = np.where(adopted, rng.integers(base_year, horizon_end + 2, (n, k)), NEVER)
    adopt = np.where(is_new[:, None], NEVER, adopt)
    adopt = np.where(lines.preinstalled, base_year, adopt)
    retire = np.where(rng.random(n) < retire_prob, rng.integers(base_year, horizon_end + 2, n), NEVER)
    retire = np.where(is_new, NEVER, retire)
    days = rng.uniform(0.0, 366.0, (n, y))
    days = np.where(rng.random((n, y)) < zero_days_prob, 0.0, days)
    ids = tuple(f"L{i}" for i in range(n))
    return EvalArrays(
        lines=lines,
        techs=techs,
        years_p=years_p,
        consts=consts,
        retire_year=i64(retire),
        adopt_year=i64(adopt),
        operating_days=f64(days),
        line_ids=ids,
        is_new=is_new,
        sector_index=np.zeros(n, dtype=np.int64),
        sector_names=("synthetic",),
        products=("synthetic",) * n,
        companies=("synthetic",) * n,
        cities=("",) * n,
        provinces=("",) * n,
        tech_ids=tuple(f"T{j}" for j in range(k)),
        years=years,
        attribute_names=tuple(f"a{i}" for i in range(n_attr + 2)),
    )
