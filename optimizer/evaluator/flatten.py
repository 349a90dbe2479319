"""Flatten an :class:`Instance` and a :class:`Plan` into the arrays of :mod:`.arrays`.

Conventions fixed here:

- an existing line has ``start_year = base_year - 1`` (already running); a line runs in year
  ``y`` iff ``start_year <= y < retire_year``;
- a new line has ``retire_year = NEVER``, no technologies, and its capex
  (``capex_cny_per_t_per_day x size_t_per_day x count``) spent in its ``start_year``;
- attributes are bits of an int64 mask (``attribute_names[i]`` is bit ``i``); pollution grade A
  implies ``grade_a``;
- a technology id in a line's ``attributes`` cell means the line already carries it: its
  ``adopt_year`` is forced to the base year and it is marked *pre-installed*. The line's
  figures already include it, so the kernels apply no effect, no capex, no project and no O&M;
  it blocks re-adoption, and the attributes it grants are added to the line's own bits.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from optimizer.data.consistency import split_list
from optimizer.data.instance import Instance
from optimizer.evaluator.arrays import (
    Constants,
    EvalArrays,
    LineParams,
    PlanArrays,
    TechParams,
    YearParams,
    f64,
    i64,
    new_line_signature,
    with_plan,
)
from optimizer.evaluator.floors import floors_and_raw
from optimizer.evaluator.plan import NEVER, Plan

MAX_ATTRIBUTES = 52
"""The attribute mask travels through the float64 output array: exact only below 2**53."""

NEW_LINE_COMPANY = "(new build)"
"""Company label of the replacement lines a plan builds."""


def attribute_names(instance: Instance) -> tuple[str, ...]:
    """Every attribute an instance can mention, sorted (so the bits depend on the instance only).

    Technology ids written in a line's ``attributes`` cell are not attributes: they mark
    pre-installed technologies.
    """
    tech_ids = set(instance.technologies.index)
    names: set[str] = set()
    for cell in instance.lines["attributes"].unique():  # virtual fleets repeat cells
        names.update(a for a in split_list(cell) if a not in tech_ids)
    for cell in instance.new_builds["attributes"]:
        names.update(split_list(cell))
    for cell in instance.technologies["grants_attribute"]:
        names.update(split_list(cell))
    if (instance.lines["pollution_grade"] == "A").any():
        names.add("grade_a")
    ordered = tuple(sorted(names))
    if len(ordered) > MAX_ATTRIBUTES:
        raise ValueError(f"{len(ordered)} attributes exceed the {MAX_ATTRIBUTES} the mask holds")
    return ordered


def _mask(names: list[str], bits: dict[str, int]) -> int:
    mask = 0
    for name in names:
        mask |= bits[name]
    return mask


def _line_params(
    instance: Instance, plan: Plan, bits: dict[str, int]
) -> tuple[LineParams, dict[str, tuple[str, ...]], np.ndarray]:
    """Line constants for existing then new lines, their text labels, and sector indices."""
    sc = instance.scenario
    lines = instance.lines
    sectors = instance.sectors
    products = instance.products
    tech_pos = {t: k for k, t in enumerate(instance.technologies.index)}
    n_old = len(lines)
    n_new = len(plan.new_lines)
    n_tech = len(tech_pos)
    preinstalled = np.zeros((n_old + n_new, n_tech), dtype=np.bool_)
    grants = [split_list(g) for g in instance.technologies["grants_attribute"]]
    # package evaluation builds arrays for thousands of virtual copies of a few lines: parse
    # each distinct (attributes, grade) pair once and fill the rows that share it together
    code_of: dict[tuple[object, object], int] = {}
    keys = zip(lines["attributes"], lines["pollution_grade"], strict=True)
    codes = np.fromiter((code_of.setdefault(key, len(code_of)) for key in keys), dtype=np.int64, count=n_old)
    masks = np.zeros(len(code_of), dtype=np.int64)
    for (cell, grade), code in code_of.items():
        items = split_list(cell)
        held = [tech_pos[item] for item in items if item in tech_pos]
        names = [a for a in items if a not in tech_pos]
        # a pre-installed technology's grant (e.g. grade A) is part of what the line holds
        for k in held:
            names.extend(grants[k])
        if grade == "A":
            names.append("grade_a")
        masks[code] = _mask(names, bits)
        if held:
            preinstalled[np.ix_(np.flatnonzero(codes == code), np.array(held, dtype=np.int64))] = True
    attr = list(masks[codes])
    line_sectors = list(lines["sector"])
    line_products = list(lines["product"])
    cols: dict[str, list[float]] = {
        "capacity_per_year": list(lines["capacity_per_year"]),
        "size_t_per_day": list(lines["size_t_per_day"]),
        "fuel_kgce_per_unit": list(lines["fuel_kgce_per_unit"]),
        "electricity_kwh_per_unit": list(lines["electricity_kwh_per_unit"]),
        "gas_share": list(lines["gas_share"]),
        "alt_fuel_share": list(lines["alt_fuel_share"]),
        "process_co2_t_per_unit": list(lines["process_co2_t_per_unit"]),
        "roof_area_m2": list(lines["roof_area_m2"]),
    }
    start = [sc.base_year - 1] * n_old
    capex = [0.0] * n_old
    life = [1] * n_old
    for nl in plan.new_lines:
        if nl.sector not in instance.new_builds.index:
            raise ValueError(f"new line {nl.new_id}: sector {nl.sector!r} has no new_builds row")
        if nl.count < 0:
            raise ValueError(f"new line {nl.new_id}: count {nl.count} is negative")
        if nl.start_year < sc.base_year:
            raise ValueError(
                f"new line {nl.new_id}: start_year {nl.start_year} is before the base year {sc.base_year}"
            )
        nb: dict[Any, Any] = instance.new_builds.loc[nl.sector].to_dict()
        count = float(nl.count)
        line_sectors.append(nl.sector)
        line_products.append(str(nb["product"]))
        cols["capacity_per_year"].append(float(nb["capacity_per_year"]) * count)
        cols["size_t_per_day"].append(float(nb["size_t_per_day"]) * count)
        cols["fuel_kgce_per_unit"].append(float(nb["fuel_kgce_per_unit"]))
        cols["electricity_kwh_per_unit"].append(float(nb["electricity_kwh_per_unit"]))
        cols["gas_share"].append(0.0)
        cols["alt_fuel_share"].append(0.0)
        cols["process_co2_t_per_unit"].append(float(nb["process_co2_t_per_unit"]))
        cols["roof_area_m2"].append(0.0)
        start.append(int(nl.start_year))
        capex.append(float(nb["capex_cny_per_t_per_day"]) * float(nb["size_t_per_day"]) * count)
        life.append(int(nb["lifetime_years"]))
        attr.append(_mask(split_list(nb["attributes"]), bits))
    sector_names = tuple(sectors.index)
    sector_pos = {s: i for i, s in enumerate(sector_names)}

    def by_sector(column: str) -> np.ndarray:
        return f64(sectors[column].reindex(line_sectors).to_numpy(dtype=np.float64))

    def by_product(column: str) -> np.ndarray:
        return f64(products[column].reindex(line_products).to_numpy(dtype=np.float64))

    dry_slag = np.zeros(n_old + n_new, dtype=np.bool_)
    dry_slag[:n_old] = lines["carbide_slag"].fillna(False).to_numpy(dtype=np.bool_)
    floors = floors_and_raw(
        fuel0=f64(cols["fuel_kgce_per_unit"]),
        elec0=f64(cols["electricity_kwh_per_unit"]),
        proc0=f64(cols["process_co2_t_per_unit"]),
        preinstalled=preinstalled,
        techs=instance.technologies,
        fuel_floor=np.nan_to_num(by_product("fuel_floor_kgce_per_unit")),
        elec_floor=np.nan_to_num(by_product("electricity_floor_kwh_per_unit")),
        carbonate=np.nan_to_num(by_product("carbonate_co2_t_per_unit")),
        slag_credit=np.nan_to_num(by_product("carbide_slag_tco2_per_t")),
        dry_fuel=np.nan_to_num(by_product("dry_slag_fuel_kgce_per_unit")),
        dry_slag=dry_slag,
    )

    params = LineParams(
        start_year=i64(start),
        capacity_per_year=f64(cols["capacity_per_year"]),
        size_t_per_day=f64(cols["size_t_per_day"]),
        rated_days_per_year=by_sector("rated_days_per_year"),
        fuel_kgce_per_unit=f64(cols["fuel_kgce_per_unit"]),
        electricity_kwh_per_unit=f64(cols["electricity_kwh_per_unit"]),
        gas_share=f64(cols["gas_share"]),
        alt_fuel_share=f64(cols["alt_fuel_share"]),
        process_co2_t_per_unit=f64(cols["process_co2_t_per_unit"]),
        roof_area_m2=f64(cols["roof_area_m2"]),
        fixed_om_cny_per_unit_capacity_year=by_sector("fixed_om_cny_per_unit_capacity_year"),
        variable_om_cny_per_unit=by_sector("variable_om_cny_per_unit"),
        benchmark_kgce_per_unit=by_product("benchmark_kgce_per_unit"),
        baseline_kgce_per_unit=by_product("baseline_kgce_per_unit"),
        attr_bits=i64(attr),
        line_capex_cny=f64(capex),
        line_lifetime_years=i64(life),
        preinstalled=np.array(preinstalled, dtype=np.bool_, order="C", copy=True),
        **floors,
    )
    provinces = list(lines["province"])
    new_province = instance.new_line_province
    labels = {
        "line_ids": tuple(lines["line_id"]) + tuple(n.new_id for n in plan.new_lines),
        "sectors": tuple(line_sectors),
        "products": tuple(line_products),
        "companies": tuple(lines["company"]) + (NEW_LINE_COMPANY,) * n_new,
        "cities": tuple(lines["city"]) + ("",) * n_new,
        "provinces": tuple(provinces) + tuple(n.province or new_province for n in plan.new_lines),
    }
    return params, labels, i64([sector_pos[s] for s in line_sectors])


def _tech_params(instance: Instance, bits: dict[str, int]) -> TechParams:
    t = instance.technologies
    return TechParams(
        capex_fixed_cny=f64(t["capex_fixed_cny"]),
        capex_cny_per_t_per_day=f64(t["capex_cny_per_t_per_day"]),
        capex_cny_per_kwp=f64(t["capex_cny_per_kwp"]),
        om_frac_per_year=f64(t["om_frac_per_year"]),
        fuel_saving_frac=f64(t["fuel_saving_frac"]),
        elec_saving_frac=f64(t["elec_saving_frac"]),
        to_gas_frac=f64(t["to_gas_frac"]),
        to_alt_fuel_frac=f64(t["to_alt_fuel_frac"]),
        to_coprocessing_frac=f64(t["to_coprocessing_frac"]),
        process_co2_cut_frac=f64(t["process_co2_cut_frac"]),
        capture_rate=f64(t["capture_rate"]),
        capture_kwh_per_tco2=f64(t["capture_kwh_per_tco2"]),
        capture_cny_per_tco2=f64(t["capture_cny_per_tco2"]),
        pv_kwp_per_m2=f64(t["pv_kwp_per_m2"]),
        pv_yield_kwh_per_kwp=f64(t["pv_yield_kwh_per_kwp"]),
        lifetime_years=i64(t["lifetime_years"]),
        grant_bits=i64([_mask(split_list(c), bits) for c in t["grants_attribute"]]),
        saving_on_stream=f64(t["savings_act_on"] == "stream"),
        raw_cao_substitution_frac=f64(t["raw_cao_substitution_frac"]),
        raw_material_t_per_tco2=f64(
            [1.0 / v if v > 0 else 0.0 for v in t["raw_material_tco2_per_t"].to_numpy(float)]
        ),
        raw_is_carbide_slag=f64(t["raw_material"] == "carbide_slag"),
    )


def _year_params(instance: Instance) -> YearParams:
    sc = instance.scenario
    years = list(sc.years)
    p = instance.prices.loc[years]
    r = sc.discount_rate
    return YearParams(
        coal_cny_per_tce=f64(p["coal_cny_per_tce"]),
        gas_cny_per_m3=f64(p["gas_cny_per_m3"]),
        electricity_cny_per_kwh=f64(p["electricity_cny_per_kwh"]),
        alt_fuel_cny_per_tce=f64(p["alt_fuel_cny_per_tce"]),
        coprocessing_cny_per_tce=f64(p["coprocessing_cny_per_tce"]),
        carbon_cny_per_tco2=f64(p["carbon_cny_per_tco2"]),
        free_allocation_frac=f64(p["free_allocation_frac"]),
        discount_factor=f64([math.pow(1.0 + r, -(y - sc.base_year)) for y in years]),
    )


def _constants(instance: Instance) -> Constants:
    sc = instance.scenario
    return Constants(
        base_year=int(sc.base_year),
        horizon_end=int(sc.horizon_end),
        discount_rate=float(sc.discount_rate),
        kgce_per_kwh=float(sc.kgce_per_kwh),
        kgce_per_m3_gas=float(sc.kgce_per_m3_gas),
        grid_kgco2_per_kwh=float(sc.grid_kgco2_per_kwh),
        coal_tco2_per_tce=float(sc.coal_tco2_per_tce),
        gas_kgco2_per_m3=float(sc.gas_kgco2_per_m3),
        alt_fuel_tco2_per_tce=float(sc.alt_fuel_tco2_per_tce),
        alt_fuel_biogenic_frac=float(sc.alt_fuel_biogenic_frac),
    )


def plan_arrays(arrs: EvalArrays, plan: Plan) -> PlanArrays:
    """The decision arrays of ``plan`` laid out on the rows of ``arrs``.

    ``plan`` must build the same new lines (sector, start year, count) as the plan ``arrs``
    was built from; its new lines' operating days may differ.
    """
    if new_line_signature(plan) != arrs.new_line_signature:
        raise ValueError("plan builds different new lines than the arrays were built for")
    n_old = arrs.n_existing
    n_tech = arrs.n_techs
    n_years = arrs.n_years
    base_year = arrs.consts.base_year
    retire = i64(plan.retire_year)
    adopt = i64(plan.adopt_year)
    days = f64(plan.operating_days)
    if retire.shape != (n_old,) or adopt.shape != (n_old, n_tech) or days.shape != (n_old, n_years):
        raise ValueError(
            f"plan arrays have shapes retire {retire.shape}, adopt {adopt.shape}, days "
            f"{days.shape}; expected ({n_old},), ({n_old}, {n_tech}), ({n_old}, {n_years})"
        )
    pre = arrs.lines.preinstalled[:n_old]
    early = (adopt < base_year) & ~pre
    if early.any():
        row, col = (int(v[0]) for v in np.nonzero(early))
        raise ValueError(
            f"line {arrs.line_ids[row]} adopts {arrs.tech_ids[col]} in {adopt[row, col]}, "
            f"before the base year {base_year}; list technologies already on a line in its "
            "attributes cell instead"
        )
    # a technology already on the line is there from the base year whatever the plan says
    adopt = np.where(pre, base_year, adopt)
    new_retire = np.full(len(plan.new_lines), NEVER, dtype=np.int64)
    new_adopt = np.full((len(plan.new_lines), n_tech), NEVER, dtype=np.int64)
    new_days = np.zeros((len(plan.new_lines), n_years), dtype=np.float64)
    for i, nl in enumerate(plan.new_lines):
        d = np.asarray(nl.operating_days, dtype=np.float64)
        if d.shape != (n_years,):
            raise ValueError(
                f"new line {nl.new_id}: operating_days has shape {d.shape}, expected ({n_years},)"
            )
        new_days[i] = d
    all_days = np.concatenate([days, new_days])
    if not np.isfinite(all_days).all() or (all_days < 0).any():
        raise ValueError("operating_days must be finite and >= 0")
    return PlanArrays(
        retire_year=i64(np.concatenate([retire, new_retire])),
        adopt_year=i64(np.concatenate([adopt, new_adopt])),
        operating_days=f64(all_days),
    )


def build_arrays(instance: Instance, plan: Plan) -> EvalArrays:
    """Flatten ``instance`` and ``plan`` into the arrays the evaluation kernels read."""
    names = attribute_names(instance)
    bits = {name: 1 << i for i, name in enumerate(names)}
    lines, labels, sector_index = _line_params(instance, plan, bits)
    sc = instance.scenario
    n_old = len(instance.lines)
    n_all = n_old + len(plan.new_lines)
    # placeholders for the plan arrays, replaced just below by plan_arrays()
    shell = EvalArrays(
        lines=lines,
        techs=_tech_params(instance, bits),
        years_p=_year_params(instance),
        consts=_constants(instance),
        retire_year=np.zeros(n_all, dtype=np.int64),
        adopt_year=np.zeros((n_all, len(instance.technologies)), dtype=np.int64),
        operating_days=np.zeros((n_all, len(sc.years)), dtype=np.float64),
        line_ids=labels["line_ids"],
        is_new=np.arange(n_all) >= n_old,
        sector_index=sector_index,
        sector_names=tuple(instance.sectors.index),
        products=labels["products"],
        companies=labels["companies"],
        cities=labels["cities"],
        provinces=labels["provinces"],
        tech_ids=tuple(instance.technologies.index),
        years=i64(sc.years),
        attribute_names=names,
        new_line_signature=new_line_signature(plan),
    )
    decided = plan_arrays(shell, plan)
    return with_plan(shell, decided)
