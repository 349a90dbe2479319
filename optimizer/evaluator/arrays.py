"""The contiguous arrays the evaluation kernels read, and the one-plan decision arrays.

Rows (``N``) are the existing lines in ``instance.lines`` order followed by the new lines of
``plan.new_lines`` (each one ``count`` standard lines of its sector's ``new_builds`` row).
Technology columns (``K``) follow ``instance.technologies`` order, year columns (``Y``) run
from the base year to the horizon end. Every numeric array is float64 or int64 (bool for the
pre-installed mask), C-ordered, and grouped in named tuples so numba can take them whole.

What the numbers *do* is defined once, in :mod:`optimizer.evaluator.kernels`; how an instance
and a plan become these arrays is :mod:`optimizer.evaluator.flatten`; random arrays for
benchmarks and property tests are :mod:`optimizer.evaluator.synthetic`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from optimizer.evaluator.plan import Plan


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
    to_coprocessing_frac: np.ndarray  # of the remaining coal, replaced by co-processed waste
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
    coprocessing_cny_per_tce: np.ndarray  # waste co-processed as fuel (negative: gate fee earned)
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


def f64(values: object) -> np.ndarray:
    """A float64 copy the kernels can take."""
    # always a fresh, writeable C array: pandas hands out read-only views, and a read-only
    # argument is a different numba type (a second compilation of the kernel)
    return np.array(values, dtype=np.float64, order="C", copy=True)


def i64(values: object) -> np.ndarray:
    """An int64 copy the kernels can take (see :func:`f64`)."""
    return np.array(values, dtype=np.int64, order="C", copy=True)


def new_line_signature(plan: Plan) -> tuple[tuple[str, int, float], ...]:
    """What fixes the rows a plan's new lines add: plans with equal signatures stack."""
    return tuple((n.sector, int(n.start_year), float(n.count)) for n in plan.new_lines)


def with_plan(arrs: EvalArrays, decided: PlanArrays) -> EvalArrays:
    """A copy of ``arrs`` carrying other decision arrays (same rows)."""
    return replace(arrs, **decided._asdict())
