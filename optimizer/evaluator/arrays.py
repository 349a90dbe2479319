"""Flatten an :class:`Instance` and a :class:`Plan` into contiguous arrays for the kernels.

Rows (``N``) are the existing lines in ``instance.lines`` order followed by the new lines of
``plan.new_lines`` (each one ``count`` standard lines of its sector's ``new_builds`` row).
Technology columns (``K``) follow ``instance.technologies`` order, year columns (``Y``) run
from the base year to the horizon end. Every numeric array is float64 or int64 (bool for the
pre-installed mask), C-ordered, and grouped in named tuples so numba can take them whole.

What the numbers *do* is defined once, in :mod:`optimizer.evaluator.kernels`; this module only
gathers them. Conventions fixed here:

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
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import numpy as np

from optimizer.data.consistency import split_list
from optimizer.data.instance import Instance
from optimizer.evaluator.plan import NEVER, Plan

MAX_ATTRIBUTES = 52
"""The attribute mask travels through the float64 output array: exact only below 2**53."""

NEW_LINE_COMPANY = "(new build)"
"""Company label of the replacement lines a plan builds."""


class LineParams(NamedTuple):
    """Per-line constants, shape (N,). Units in the names; CNY are nominal."""

    start_year: np.ndarray  # int64, first running year
    capacity_per_year: np.ndarray  # unit/yr at rated days
    size_t_per_day: np.ndarray  # t/d
    rated_days_per_year: np.ndarray  # d/yr at which capacity_per_year is rated (sector)
    fuel_kgce_per_unit: np.ndarray  # kgce/unit before retrofits
    electricity_kwh_per_unit: np.ndarray  # kWh/unit before retrofits
    gas_share: np.ndarray  # fraction of fuel energy from gas before retrofits
    alt_fuel_share: np.ndarray  # fraction of fuel energy from alternative fuel
    process_co2_t_per_unit: np.ndarray  # tCO2/unit before raw-material substitution
    roof_area_m2: np.ndarray  # m2 usable for rooftop PV
    fixed_om_cny_per_unit_capacity_year: np.ndarray  # CNY/(unit/yr)/yr (sector)
    variable_om_cny_per_unit: np.ndarray  # CNY/unit (sector)
    benchmark_kgce_per_unit: np.ndarray  # product benchmark (level 1)
    baseline_kgce_per_unit: np.ndarray  # product baseline (legal limit)
    attr_bits: np.ndarray  # int64 attribute mask the line holds by itself
    line_capex_cny: np.ndarray  # capex of building the line (new lines; 0 for existing)
    line_lifetime_years: np.ndarray  # int64 economic lifetime of that capex (>= 1)
    preinstalled: np.ndarray  # bool (N, K): technology already on the line, never charged
    # floors and raw materials (rules in kernels.py; the effective figures are built here)
    fuel_floor_kgce_per_unit: np.ndarray  # effective fuel floor phi_f (<= fuel_kgce_per_unit)
    elec_floor_kwh_per_unit: np.ndarray  # effective electricity floor phi_e (<= electricity_kwh_per_unit)
    carbonate_co2_t_per_unit: np.ndarray  # process CO2 if all CaO came from carbonates (product)
    raw_cao_frac0: np.ndarray  # share of CaO the line takes from carbide slag already (dry-slag lines)
    slag_fuel_kgce_per_unit: np.ndarray  # fuel change per unit at 100 % added carbide-slag CaO (dry lines)
    base_carbide_slag_t_per_unit: np.ndarray  # t slag per unit the line uses already


class TechParams(NamedTuple):
    """Per-technology constants, shape (K,), catalogue columns of technologies.csv."""

    capex_fixed_cny: np.ndarray
    capex_cny_per_t_per_day: np.ndarray
    capex_cny_per_kwp: np.ndarray
    om_frac_per_year: np.ndarray
    fuel_saving_frac: np.ndarray
    elec_saving_frac: np.ndarray
    to_gas_frac: np.ndarray
    to_alt_fuel_frac: np.ndarray
    process_co2_cut_frac: np.ndarray
    capture_rate: np.ndarray
    capture_kwh_per_tco2: np.ndarray
    capture_cny_per_tco2: np.ndarray
    pv_kwp_per_m2: np.ndarray
    pv_yield_kwh_per_kwp: np.ndarray
    lifetime_years: np.ndarray  # int64, >= 1
    grant_bits: np.ndarray  # int64 attribute bits the technology grants
    saving_on_stream: np.ndarray  # 1.0: savings scale the whole stream; 0.0: the gap above the floor
    raw_cao_substitution_frac: np.ndarray  # CaO share moved from limestone to a decarbonated material
    raw_material_t_per_tco2: np.ndarray  # t of that material per tCO2 of deduction (1 / deduction)
    raw_is_carbide_slag: np.ndarray  # 1.0 when the material is carbide slag


class YearParams(NamedTuple):
    """Per-year prices and discounting, shape (Y,), base year first."""

    coal_cny_per_tce: np.ndarray
    gas_cny_per_m3: np.ndarray
    electricity_cny_per_kwh: np.ndarray
    alt_fuel_cny_per_tce: np.ndarray
    carbon_cny_per_tco2: np.ndarray
    free_allocation_frac: np.ndarray
    discount_factor: np.ndarray  # (1 + r) ** -(y - base_year)


class Constants(NamedTuple):
    """Scenario scalars used by the formulas."""

    base_year: int
    horizon_end: int
    discount_rate: float  # 1/yr
    kgce_per_kwh: float
    kgce_per_m3_gas: float
    grid_kgco2_per_kwh: float
    coal_tco2_per_tce: float
    gas_kgco2_per_m3: float
    alt_fuel_tco2_per_tce: float
    alt_fuel_biogenic_frac: float


@dataclass(frozen=True)
class EvalArrays:
    """Everything the kernels need for one plan, plus the labels to name the results."""

    lines: LineParams
    techs: TechParams
    years_p: YearParams
    consts: Constants
    # plan decisions, rows = lines
    retire_year: np.ndarray  # (N,) int64, first year not running
    adopt_year: np.ndarray  # (N, K) int64, first year a technology is on the line
    operating_days: np.ndarray  # (N, Y) float64 d/yr
    # labels
    line_ids: tuple[str, ...]
    is_new: np.ndarray  # (N,) bool
    sector_index: np.ndarray  # (N,) int64 into sector_names
    sector_names: tuple[str, ...]
    products: tuple[str, ...]
    companies: tuple[str, ...]
    cities: tuple[str, ...]
    provinces: tuple[str, ...]
    tech_ids: tuple[str, ...]
    years: np.ndarray  # (Y,) int64 calendar years
    attribute_names: tuple[str, ...]  # attribute_names[i] is bit i of every mask
    new_line_signature: tuple[tuple[str, int, float], ...] = ()

    @property
    def n_lines(self) -> int:
        return int(self.retire_year.shape[0])

    @property
    def n_techs(self) -> int:
        return int(self.adopt_year.shape[1])

    @property
    def n_years(self) -> int:
        return int(self.years.shape[0])

    @property
    def n_existing(self) -> int:
        return int(self.n_lines - int(self.is_new.sum()))

    def attribute_bit(self, name: str) -> int:
        """Bit value (a power of two) of an attribute name."""
        return 1 << self.attribute_names.index(name)


class PlanArrays(NamedTuple):
    """The plan-dependent arrays of one plan, for stacking plans that share their lines."""

    retire_year: np.ndarray  # (N,) int64
    adopt_year: np.ndarray  # (N, K) int64
    operating_days: np.ndarray  # (N, Y) float64


def _f64(values: object) -> np.ndarray:
    # always a fresh, writeable C array: pandas hands out read-only views, and a read-only
    # argument is a different numba type (a second compilation of the kernel)
    return np.array(values, dtype=np.float64, order="C", copy=True)


def _i64(values: object) -> np.ndarray:
    return np.array(values, dtype=np.int64, order="C", copy=True)


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


def new_line_signature(plan: Plan) -> tuple[tuple[str, int, float], ...]:
    """What fixes the rows a plan's new lines add: plans with equal signatures stack."""
    return tuple((n.sector, int(n.start_year), float(n.count)) for n in plan.new_lines)


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
        return _f64(sectors[column].reindex(line_sectors).to_numpy(dtype=np.float64))

    def by_product(column: str) -> np.ndarray:
        return _f64(products[column].reindex(line_products).to_numpy(dtype=np.float64))

    dry_slag = np.zeros(n_old + n_new, dtype=np.bool_)
    dry_slag[:n_old] = lines["carbide_slag"].fillna(False).to_numpy(dtype=np.bool_)
    floors = _floors_and_raw(
        fuel0=_f64(cols["fuel_kgce_per_unit"]),
        elec0=_f64(cols["electricity_kwh_per_unit"]),
        proc0=_f64(cols["process_co2_t_per_unit"]),
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
        start_year=_i64(start),
        capacity_per_year=_f64(cols["capacity_per_year"]),
        size_t_per_day=_f64(cols["size_t_per_day"]),
        rated_days_per_year=by_sector("rated_days_per_year"),
        fuel_kgce_per_unit=_f64(cols["fuel_kgce_per_unit"]),
        electricity_kwh_per_unit=_f64(cols["electricity_kwh_per_unit"]),
        gas_share=_f64(cols["gas_share"]),
        alt_fuel_share=_f64(cols["alt_fuel_share"]),
        process_co2_t_per_unit=_f64(cols["process_co2_t_per_unit"]),
        roof_area_m2=_f64(cols["roof_area_m2"]),
        fixed_om_cny_per_unit_capacity_year=by_sector("fixed_om_cny_per_unit_capacity_year"),
        variable_om_cny_per_unit=by_sector("variable_om_cny_per_unit"),
        benchmark_kgce_per_unit=by_product("benchmark_kgce_per_unit"),
        baseline_kgce_per_unit=by_product("baseline_kgce_per_unit"),
        attr_bits=_i64(attr),
        line_capex_cny=_f64(capex),
        line_lifetime_years=_i64(life),
        preinstalled=np.array(preinstalled, dtype=np.bool_, order="C", copy=True),
        **floors,
    )
    provinces = list(lines["province"])
    only = sorted(set(provinces))
    new_province = only[0] if len(only) == 1 else ""
    labels = {
        "line_ids": tuple(lines["line_id"]) + tuple(n.new_id for n in plan.new_lines),
        "sectors": tuple(line_sectors),
        "products": tuple(line_products),
        "companies": tuple(lines["company"]) + (NEW_LINE_COMPANY,) * n_new,
        "cities": tuple(lines["city"]) + ("",) * n_new,
        "provinces": tuple(provinces) + (new_province,) * n_new,
    }
    return params, labels, _i64([sector_pos[s] for s in line_sectors])


def stream_factors(techs: Any) -> tuple[np.ndarray, np.ndarray]:
    """Per technology, the factor it applies to the whole fuel and electricity stream.

    A saving acts on the whole stream (not on the gap above the floor) when it is negative
    (extra use: moisture in alternative fuel, fans of a low-NOx upgrade) or when the
    technology's ``savings_act_on`` is ``stream`` (waste-heat power, electric kilns); 1 else.
    """
    fuel = np.asarray(techs["fuel_saving_frac"], dtype=np.float64)
    elec = np.asarray(techs["elec_saving_frac"], dtype=np.float64)
    stream = np.asarray(techs["savings_act_on"] == "stream", dtype=np.bool_)
    return (
        np.where(stream | (fuel < 0), 1.0 - fuel, 1.0),
        np.where(stream | (elec < 0), 1.0 - elec, 1.0),
    )


def _floors_and_raw(
    *,
    fuel0: np.ndarray,
    elec0: np.ndarray,
    proc0: np.ndarray,
    preinstalled: np.ndarray,
    techs: Any,
    fuel_floor: np.ndarray,
    elec_floor: np.ndarray,
    carbonate: np.ndarray,
    slag_credit: np.ndarray,
    dry_fuel: np.ndarray,
    dry_slag: np.ndarray,
) -> dict[str, np.ndarray]:
    """Effective floors and raw-material figures of every line (rules in kernels.py).

    A line's figures already include its pre-installed technologies. Their efficiency savings
    stay in the figure (the gap above the floor is what is left), but their whole-stream
    factors W (waste-heat power, extra use) scale the floor too, so the floor stays on the
    line's own consumption: phi = min(W x floor, figure). A line already at or below its floor
    keeps its figure and efficiency savings act on nothing (phi = figure).

    Dry-slag lines (``carbide_slag`` = true) take sigma0 = 1 - proc0 / carbonate of their CaO
    from carbide slag already (their process figure says so); the chemistry lowers their fuel
    floor by dry_fuel x sigma0 (dry_fuel < 0) and further slag moves figure and floor alike.
    """
    w_fuel_k, w_elec_k = stream_factors(techs)
    w_fuel = (
        np.where(preinstalled, w_fuel_k[None, :], 1.0).prod(axis=1)
        if preinstalled.size
        else np.ones(len(fuel0))
    )
    w_elec = (
        np.where(preinstalled, w_elec_k[None, :], 1.0).prod(axis=1)
        if preinstalled.size
        else np.ones(len(elec0))
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.where(dry_slag & (carbonate > 0), 1.0 - proc0 / carbonate, 0.0)
        sigma0 = np.clip(np.nan_to_num(own), 0.0, 1.0)
        slag_t = np.where(slag_credit > 0, sigma0 * carbonate / slag_credit, 0.0)
    slag_fuel = np.where(dry_slag, dry_fuel, 0.0)
    return {
        "fuel_floor_kgce_per_unit": _f64(
            np.minimum(w_fuel * np.maximum(fuel_floor + slag_fuel * sigma0, 0.0), fuel0)
        ),
        "elec_floor_kwh_per_unit": _f64(np.minimum(w_elec * elec_floor, elec0)),
        "carbonate_co2_t_per_unit": _f64(carbonate),
        "raw_cao_frac0": _f64(sigma0),
        "slag_fuel_kgce_per_unit": _f64(slag_fuel * w_fuel),
        "base_carbide_slag_t_per_unit": _f64(slag_t),
    }


def _tech_params(instance: Instance, bits: dict[str, int]) -> TechParams:
    t = instance.technologies
    return TechParams(
        capex_fixed_cny=_f64(t["capex_fixed_cny"]),
        capex_cny_per_t_per_day=_f64(t["capex_cny_per_t_per_day"]),
        capex_cny_per_kwp=_f64(t["capex_cny_per_kwp"]),
        om_frac_per_year=_f64(t["om_frac_per_year"]),
        fuel_saving_frac=_f64(t["fuel_saving_frac"]),
        elec_saving_frac=_f64(t["elec_saving_frac"]),
        to_gas_frac=_f64(t["to_gas_frac"]),
        to_alt_fuel_frac=_f64(t["to_alt_fuel_frac"]),
        process_co2_cut_frac=_f64(t["process_co2_cut_frac"]),
        capture_rate=_f64(t["capture_rate"]),
        capture_kwh_per_tco2=_f64(t["capture_kwh_per_tco2"]),
        capture_cny_per_tco2=_f64(t["capture_cny_per_tco2"]),
        pv_kwp_per_m2=_f64(t["pv_kwp_per_m2"]),
        pv_yield_kwh_per_kwp=_f64(t["pv_yield_kwh_per_kwp"]),
        lifetime_years=_i64(t["lifetime_years"]),
        grant_bits=_i64([_mask(split_list(c), bits) for c in t["grants_attribute"]]),
        saving_on_stream=_f64(t["savings_act_on"] == "stream"),
        raw_cao_substitution_frac=_f64(t["raw_cao_substitution_frac"]),
        raw_material_t_per_tco2=_f64(
            [1.0 / v if v > 0 else 0.0 for v in t["raw_material_tco2_per_t"].to_numpy(float)]
        ),
        raw_is_carbide_slag=_f64(t["raw_material"] == "carbide_slag"),
    )


def _year_params(instance: Instance) -> YearParams:
    sc = instance.scenario
    years = list(sc.years)
    p = instance.prices.loc[years]
    r = sc.discount_rate
    return YearParams(
        coal_cny_per_tce=_f64(p["coal_cny_per_tce"]),
        gas_cny_per_m3=_f64(p["gas_cny_per_m3"]),
        electricity_cny_per_kwh=_f64(p["electricity_cny_per_kwh"]),
        alt_fuel_cny_per_tce=_f64(p["alt_fuel_cny_per_tce"]),
        carbon_cny_per_tco2=_f64(p["carbon_cny_per_tco2"]),
        free_allocation_frac=_f64(p["free_allocation_frac"]),
        discount_factor=_f64([math.pow(1.0 + r, -(y - sc.base_year)) for y in years]),
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
    retire = _i64(plan.retire_year)
    adopt = _i64(plan.adopt_year)
    days = _f64(plan.operating_days)
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
        retire_year=_i64(np.concatenate([retire, new_retire])),
        adopt_year=_i64(np.concatenate([adopt, new_adopt])),
        operating_days=_f64(all_days),
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
        years=_i64(sc.years),
        attribute_names=names,
        new_line_signature=new_line_signature(plan),
    )
    decided = plan_arrays(shell, plan)
    return with_plan(shell, decided)


def with_plan(arrs: EvalArrays, decided: PlanArrays) -> EvalArrays:
    """A copy of ``arrs`` carrying other decision arrays (same rows)."""
    return replace(arrs, **decided._asdict())


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
        start_year=_i64(start),
        capacity_per_year=_f64(size * 310.0),
        size_t_per_day=_f64(size),
        rated_days_per_year=_f64(rng.choice([310.0, 330.0, 365.0], n)),
        fuel_kgce_per_unit=_f64(fuel0),
        electricity_kwh_per_unit=_f64(elec0),
        gas_share=_f64(gas),
        alt_fuel_share=_f64(alt),
        process_co2_t_per_unit=_f64(proc0),
        roof_area_m2=_f64(np.where(rng.random(n) < 0.8, rng.uniform(0.0, 1e5, n), 0.0)),
        fixed_om_cny_per_unit_capacity_year=_f64(rng.uniform(1.0, 40.0, n)),
        variable_om_cny_per_unit=_f64(rng.uniform(5.0, 80.0, n)),
        benchmark_kgce_per_unit=_f64(rng.uniform(5.0, 110.0, n)),
        baseline_kgce_per_unit=_f64(rng.uniform(110.0, 140.0, n)),
        attr_bits=_i64(rng.integers(0, 1 << n_attr, n)),
        line_capex_cny=_f64(np.where(is_new, rng.uniform(1e8, 2e9, n), 0.0)),
        line_lifetime_years=_i64(rng.integers(1, 40, n)),
        preinstalled=np.ascontiguousarray((rng.random((n, k)) < preinstalled_prob) & ~is_new[:, None]),
        fuel_floor_kgce_per_unit=_f64(fuel_floor),
        elec_floor_kwh_per_unit=_f64(elec_floor),
        carbonate_co2_t_per_unit=_f64(carbonate),
        raw_cao_frac0=_f64(sigma0),
        slag_fuel_kgce_per_unit=_f64(np.where(dry, rng.uniform(-30.0, 0.0, n), 0.0)),
        base_carbide_slag_t_per_unit=_f64(sigma0 * carbonate / 0.48),
    )
    kind = np.arange(k) % 6  # 0 savings, 1 gas, 2 alt fuel, 3 process, 4 capture, 5 PV

    def where_kind(kinds: tuple[int, ...], values: np.ndarray) -> np.ndarray:
        return _f64(np.where(np.isin(kind, kinds), values, 0.0))

    techs = TechParams(
        capex_fixed_cny=_f64(rng.uniform(0.0, 5e7, k)),
        capex_cny_per_t_per_day=_f64(rng.uniform(0.0, 5e4, k)),
        capex_cny_per_kwp=where_kind((5,), rng.uniform(2000.0, 5000.0, k)),
        om_frac_per_year=_f64(rng.uniform(0.0, 0.06, k)),
        fuel_saving_frac=where_kind((0, 2), rng.uniform(-0.1, 0.3, k)),
        elec_saving_frac=where_kind((0,), rng.uniform(-0.5, 0.5, k)),
        to_gas_frac=where_kind((1,), rng.uniform(0.0, 1.0, k)),
        to_alt_fuel_frac=where_kind((2,), rng.uniform(0.0, 0.5, k)),
        process_co2_cut_frac=where_kind((3,), rng.uniform(0.0, 0.4, k)),
        capture_rate=where_kind((4,), rng.uniform(0.5, 0.95, k)),
        capture_kwh_per_tco2=where_kind((4,), rng.uniform(100.0, 300.0, k)),
        capture_cny_per_tco2=where_kind((4,), rng.uniform(100.0, 400.0, k)),
        pv_kwp_per_m2=where_kind((5,), rng.uniform(0.05, 0.2, k)),
        pv_yield_kwh_per_kwp=where_kind((5,), rng.uniform(800.0, 1500.0, k)),
        lifetime_years=_i64(rng.integers(1, 30, k)),
        grant_bits=_i64(np.where(rng.random(k) < 0.3, 1 << rng.integers(0, n_attr + 2, k), 0)),
        saving_on_stream=_f64(rng.random(k) < 0.3),
        raw_cao_substitution_frac=where_kind((3,), rng.uniform(0.0, 1.0, k)),
        raw_material_t_per_tco2=where_kind((3,), 1.0 / rng.uniform(0.1, 0.6, k)),
        raw_is_carbide_slag=where_kind((3,), (rng.random(k) < 0.5).astype(np.float64)),
    )
    r = float(rng.choice([0.0, 0.05, 0.08]))
    years_p = YearParams(
        coal_cny_per_tce=_f64(rng.uniform(800.0, 1500.0, y)),
        gas_cny_per_m3=_f64(rng.uniform(2.5, 4.5, y)),
        electricity_cny_per_kwh=_f64(rng.uniform(0.5, 0.8, y)),
        alt_fuel_cny_per_tce=_f64(rng.uniform(-200.0, 500.0, y)),
        carbon_cny_per_tco2=_f64(rng.uniform(0.0, 200.0, y)),
        free_allocation_frac=_f64(rng.uniform(0.0, 1.0, y)),
        discount_factor=_f64([math.pow(1.0 + r, -(yy - base_year)) for yy in years]),
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
        retire_year=_i64(retire),
        adopt_year=_i64(adopt),
        operating_days=_f64(days),
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
