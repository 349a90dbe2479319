"""Rule 3 of :mod:`optimizer.evaluator.packages`: exact figures of (line, package) pairs.

Packages are evaluated with the plan kernels on virtual copies of their lines, so a package
and a plan carrying it have the same figures.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np

from optimizer.data.instance import Instance
from optimizer.evaluator.arrays import EvalArrays, LineParams
from optimizer.evaluator.flatten import build_arrays
from optimizer.evaluator.kernels import MEASURE_INDEX, YEARLY_COST_MEASURES, run_kernel
from optimizer.evaluator.plan import NEVER, Plan


def fleet_arrays(instance: Instance) -> EvalArrays:
    """The kernel arrays of ``instance``'s own lines (no new lines): the rows that
    :func:`evaluate_virtual` copies."""
    return build_arrays(instance, Plan.business_as_usual(instance))


def evaluate_virtual(
    fleet: EvalArrays, line_of: np.ndarray, combos: list[tuple[int, ...]], days: np.ndarray
) -> np.ndarray:
    """Run the kernel on virtual copies of lines carrying whole packages from the base year.

    Copy ``j`` is row ``line_of[j]`` of ``fleet`` (:func:`fleet_arrays`) carrying the
    technologies ``combos[j]`` from the base year at ``days[j]`` days every year. The rows are
    gathered from arrays flattened once, not re-flattened from a copied line table: the kernel
    treats every row on its own, so a copy's figures are its line's, and every copy shares the
    instance's attribute bits.
    """
    return run_at_days(virtual_fleet(fleet, line_of, combos), days)


def run_at_days(virtual: EvalArrays, days: np.ndarray) -> np.ndarray:
    """The kernel on ``virtual`` (:func:`virtual_fleet`) with copy ``j`` at ``days[j]`` days every year."""
    operating = np.repeat(np.asarray(days, dtype=np.float64)[:, None], virtual.n_years, axis=1)
    return run_kernel(replace(virtual, operating_days=operating))


def virtual_fleet(fleet: EvalArrays, line_of: np.ndarray, combos: list[tuple[int, ...]]) -> EvalArrays:
    """The virtual copies of :func:`evaluate_virtual`, days left to :func:`run_at_days`: the
    evaluations at the fewest and at rated days share them."""
    line_of = np.asarray(line_of, dtype=np.int64)
    n, k = len(line_of), fleet.n_techs
    base_year = fleet.consts.base_year
    lines = LineParams(*(np.ascontiguousarray(field[line_of]) for field in fleet.lines))
    adopt = np.full((n, k), NEVER, dtype=np.int64)
    sizes = np.fromiter((len(c) for c in combos), dtype=np.int64, count=n)
    held = np.fromiter(itertools.chain.from_iterable(combos), dtype=np.int64, count=int(sizes.sum()))
    adopt[np.repeat(np.arange(n), sizes), held] = base_year
    adopt[lines.preinstalled] = base_year

    def gather(labels: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(np.asarray(labels, dtype=object)[line_of])

    virtual = replace(
        fleet,
        lines=lines,
        retire_year=np.full(n, NEVER, dtype=np.int64),
        adopt_year=adopt,
        operating_days=np.zeros((n, fleet.n_years)),
        line_ids=gather(fleet.line_ids),
        is_new=np.zeros(n, dtype=np.bool_),
        sector_index=np.ascontiguousarray(fleet.sector_index[line_of]),
        products=gather(fleet.products),
        companies=gather(fleet.companies),
        cities=gather(fleet.cities),
        provinces=gather(fleet.provinces),
    )
    return virtual


_COST_MEASURES = YEARLY_COST_MEASURES


def yearly_flows(out: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Yearly cost (CNY), total CO2 (t) and output (unit) of a kernel run."""
    cost = sum(out[MEASURE_INDEX[m]] for m in _COST_MEASURES)
    return np.asarray(cost), out[MEASURE_INDEX["total_co2_t"]], out[MEASURE_INDEX["output_units"]]


@dataclass
class Coefficients:
    """Exact figures of (line, package) pairs from two kernel runs (fewest and rated days)."""

    cost_fixed_cny: np.ndarray  # (P, Y)
    cost_per_unit_cny: np.ndarray  # (P, Y)
    co2_fixed_t: np.ndarray  # (P, Y)
    co2_per_unit_t: np.ndarray  # (P, Y)
    cost_at_rated_cny: np.ndarray  # (P, Y) yearly cost at rated days
    co2_at_rated_t: np.ndarray  # (P, Y)
    q_min: np.ndarray  # (P,)
    q_max: np.ndarray  # (P,)
    feasible: np.ndarray  # (P,) bool: the PV floor on output does not exceed rated output
    intensity: np.ndarray  # (P,) kgce/unit
    at_benchmark: np.ndarray  # (P,) bool
    worse_than_baseline: np.ndarray  # (P,) bool
    pv_mw: np.ndarray  # (P,)
    attr_bits: np.ndarray  # (P,) int64
    carbide_slag_t_per_unit: np.ndarray  # (P, Y)
    raw_substitute_t_per_unit: np.ndarray  # (P, Y)
    alt_fuel_tce_per_unit: np.ndarray  # (P, Y)
    coprocessed_tce_per_unit: np.ndarray  # (P, Y)
    raw_cao_substitution_frac: np.ndarray  # (P,)


CHUNK_PAIRS = 20_000
"""(line, package) pairs evaluated per kernel call: bounds memory (39 measures x years x pairs
x 8 bytes, about 45 MB a run) however large the fleet."""


def package_coefficients(
    instance: Instance, line_of: np.ndarray, combos: list[tuple[int, ...]]
) -> Coefficients:
    """Evaluate every (line, package) pair at the fewest and at rated operating days.

    Yearly flows are linear in output q between those two levels, so two kernel runs give the
    exact intercept and slope of cost and CO2 for every year (prices vary by year). Pairs are
    evaluated in chunks of :data:`CHUNK_PAIRS`.
    """
    fleet = fleet_arrays(instance)
    parts = [
        _coefficients_chunk(instance, fleet, line_of[i : i + CHUNK_PAIRS], combos[i : i + CHUNK_PAIRS])
        for i in range(0, len(combos), CHUNK_PAIRS)
    ]
    if len(parts) <= 1:
        return parts[0] if parts else _coefficients_chunk(instance, fleet, line_of, combos)
    fields = Coefficients.__dataclass_fields__
    return Coefficients(**{f: np.concatenate([getattr(p, f) for p in parts]) for f in fields})


def _coefficients_chunk(
    instance: Instance, fleet: EvalArrays, line_of: np.ndarray, combos: list[tuple[int, ...]]
) -> Coefficients:
    lines = instance.lines
    rated = lines["sector"].map(instance.sectors["rated_days_per_year"]).to_numpy(float)
    min_days = lines["sector"].map(instance.sectors["min_operating_days"]).to_numpy(float)
    capacity = lines["capacity_per_year"].to_numpy(float)
    lo_days = np.maximum(min_days[line_of], 1.0)
    hi_days = rated[line_of]
    virtual = virtual_fleet(fleet, line_of, combos)
    out_lo = run_at_days(virtual, lo_days)
    out_hi = run_at_days(virtual, hi_days)
    cost_lo, co2_lo, q_lo = yearly_flows(out_lo)
    cost_hi, co2_hi, q_hi = yearly_flows(out_hi)
    dq = np.maximum(q_hi - q_lo, 1e-12)
    cost_slope = (cost_hi - cost_lo) / dq
    cost_icpt = cost_lo - cost_slope * q_lo
    co2_slope = (co2_hi - co2_lo) / dq
    co2_icpt = co2_lo - co2_slope * q_lo
    # PV credit is linear in output only while PV does not exceed the line's own power use;
    # such packages must run at least at the output where use equals generation.
    pv_kwh = out_hi[MEASURE_INDEX["pv_kwh"], :, -1]
    elec_hi = out_hi[MEASURE_INDEX["electricity_kwh"], :, -1]
    q_pv = np.where(pv_kwh > 0, pv_kwh * q_hi[:, -1] / np.maximum(elec_hi, 1e-12), 0.0)
    capped_lo = out_lo[MEASURE_INDEX["pv_self_kwh"], :, -1] < pv_kwh - 1e-6
    q_min = np.maximum(q_lo[:, -1], q_pv)
    feasible = q_min <= q_hi[:, -1] * (1 + 1e-9)
    if capped_lo.any():
        # recompute the linear fit between q_pv and rated output where PV was capped at q_lo
        idx = np.flatnonzero(capped_lo & feasible)
        if len(idx):
            days_pv = q_pv[idx] / capacity[line_of[idx]] * rated[line_of[idx]]
            out_pv = evaluate_virtual(
                fleet,
                line_of[idx],
                [combos[i] for i in idx],
                np.minimum(days_pv * (1 + 1e-9), hi_days[idx]),
            )
            c_pv, e_pv, qq = yearly_flows(out_pv)
            dq2 = np.maximum(q_hi[idx] - qq, 1e-12)
            cost_slope[idx] = (cost_hi[idx] - c_pv) / dq2
            cost_icpt[idx] = c_pv - cost_slope[idx] * qq
            co2_slope[idx] = (co2_hi[idx] - e_pv) / dq2
            co2_icpt[idx] = e_pv - co2_slope[idx] * qq
            q_min[idx] = qq[:, -1]

    base_col = 0

    def per_unit(measure: str) -> np.ndarray:
        # resource flows are proportional to output (no fixed part): use at rated days / q
        return out_hi[MEASURE_INDEX[measure]] / np.maximum(q_hi, 1e-12)

    return Coefficients(
        cost_fixed_cny=cost_icpt,
        cost_per_unit_cny=cost_slope,
        co2_fixed_t=co2_icpt,
        co2_per_unit_t=co2_slope,
        cost_at_rated_cny=cost_hi,
        co2_at_rated_t=co2_hi,
        q_min=q_min,
        q_max=q_hi[:, -1],
        feasible=feasible,
        intensity=out_hi[MEASURE_INDEX["intensity_kgce_per_unit"], :, base_col],
        at_benchmark=out_hi[MEASURE_INDEX["at_benchmark"], :, base_col] > 0.5,
        worse_than_baseline=out_hi[MEASURE_INDEX["worse_than_baseline"], :, base_col] > 0.5,
        pv_mw=out_hi[MEASURE_INDEX["pv_mw"], :, base_col],
        attr_bits=out_hi[MEASURE_INDEX["attr_bits"], :, base_col].astype(np.int64),
        carbide_slag_t_per_unit=per_unit("carbide_slag_t"),
        raw_substitute_t_per_unit=per_unit("raw_substitute_t"),
        alt_fuel_tce_per_unit=per_unit("alt_fuel_tce"),
        coprocessed_tce_per_unit=per_unit("coprocessed_tce"),
        raw_cao_substitution_frac=out_hi[MEASURE_INDEX["raw_cao_substitution_frac"], :, base_col],
    )
