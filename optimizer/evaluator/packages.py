"""Retrofit packages: the technology combinations a line may carry, evaluated exactly.

Efficiency savings shrink the gap above the product's best-practice floor (combined savings
approach the floor, never pass it: fuel = floor + (fuel0 - floor) x Π (1 - s_i)), fuel
switches act on what coal is left, raw-material substitution on what limestone is left and
capture on what CO2 is left, so a line's figures are not linear in its technologies. The rules
are written once, in :mod:`optimizer.evaluator.kernels`; packages are evaluated with those
kernels, so a package and a plan carrying it have the same figures. The planning model therefore chooses
*packages* (one per line and period) whose figures come from the exact kernels; interactions
are then exact inside a linear model.

Enumeration and bounding rule, per line:

1. Candidate technologies: sector listed, ``min_size <= size <= max_size``, not pre-installed.
2. Combinations: at most one technology per ``exclusive_group``; prerequisites present (or
   pre-installed). If the number of combinations exceeds ``MAX_ENUMERATED`` (4 096), the
   candidates with the worst standalone cost per tonne of CO2 avoided are dropped one by one
   (never those granting an attribute or rooftop PV, which targets count) until it fits.
3. Every combination is evaluated with the numba kernel at two output levels (minimum and
   maximum operating days), giving exact per-unit and per-year figures for every year.
4. Dominated packages are dropped: *p* is dominated when another package is no later
   (earliest year), no dearer (annualised cost at reference prices and rated days), no worse on
   comprehensive intensity and on total CO2, installs at least as much PV, grants every
   attribute *p* grants and — only when the instance counts projects — has at least as many
   technologies, and uses no more carbide slag, raw substitutes or alternative fuel per unit
   (scarce resources: a supply limit may need the package that uses less).
5. If more than ``MAX_KEPT`` (24) remain, the kept set is: the empty package, every Pareto single
   technology, the cheapest package for each carbon price in ``CARBON_GRID`` (the supported
   points of the cost–CO2 frontier), the cheapest package at or below the benchmark and the
   cheapest one granting each attribute and the cheapest with PV for each of those carbon prices,
   then the remaining Pareto packages by cost + 200 CNY/tCO2.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from optimizer.data.instance import Instance
from optimizer.evaluator.kernels import MEASURE_INDEX
from optimizer.evaluator.package_coefficients import (
    evaluate_virtual,
    fleet_arrays,
    package_coefficients,
    yearly_flows,
)
from optimizer.evaluator.package_enumeration import (
    candidate_techs,
    count_combinations,
    enumerate_combinations,
    planner_decisions,
    scarce_techs,
)
from optimizer.evaluator.package_pruning import bounded_selection, pareto_front
from optimizer.targets.registry import KINDS

MAX_ENUMERATED = 4096


@dataclass
class PackageSet:
    """Kept packages of every line, with exact coefficients per evaluated year.

    Arrays are indexed by package ``j`` (rows) and calendar year (columns, base year first).
    Per-year flows while running with output ``q`` (unit/yr) are ``a + b·q``.
    """

    line_pos: np.ndarray  # (P,) index into instance.lines
    techs: list[tuple[int, ...]]  # technology positions (instance.technologies order)
    earliest_year: np.ndarray  # (P,)
    intensity_kgce_per_unit: np.ndarray  # (P,)
    at_benchmark: np.ndarray  # (P,) bool
    worse_than_baseline: np.ndarray  # (P,) bool
    pv_mw: np.ndarray  # (P,)
    attr_bits: np.ndarray  # (P,) int64
    cost_fixed_cny: np.ndarray  # (P, Y) CNY/yr while running (undiscounted, nominal)
    cost_per_unit_cny: np.ndarray  # (P, Y) CNY/unit
    co2_fixed_t: np.ndarray  # (P, Y) tCO2/yr while running
    co2_per_unit_t: np.ndarray  # (P, Y) tCO2/unit
    q_min: np.ndarray  # (P,) unit/yr fewest output when running
    q_max: np.ndarray  # (P,) unit/yr most output (rated days)
    tech_capex_cny: np.ndarray  # (L, K) capex of technology k on line l (nan: not applicable)
    stats: pd.DataFrame  # per line: candidates, enumerated, pareto, kept
    attribute_names: tuple[str, ...]
    # scarce resources, per unit of output (yearly use = coefficient x q; no fixed part)
    carbide_slag_t_per_unit: np.ndarray  # (P, Y) t dry carbide slag per unit
    raw_substitute_t_per_unit: np.ndarray  # (P, Y) t of all decarbonated raw materials per unit
    alt_fuel_tce_per_unit: np.ndarray  # (P, Y) tce of alternative fuel per unit
    coprocessed_tce_per_unit: np.ndarray  # (P, Y) tce of co-processed waste per unit
    raw_cao_substitution_frac: np.ndarray  # (P,) share of CaO from decarbonated materials

    def of_line(self, line: int) -> np.ndarray:
        return np.flatnonzero(self.line_pos == line)


def build_packages(instance: Instance, counts_projects: bool | None = None) -> PackageSet:
    """Enumerate, evaluate, filter and bound the packages of every line (module docstring)."""
    sc = instance.scenario
    lines = instance.lines
    techs = instance.technologies
    if counts_projects is None:
        counts_projects = any(KINDS[str(kind)].counts_projects for kind in instance.targets["kind"])
    must_have, forbidden = planner_decisions(instance)
    candidates = [
        [k for k in cands if k not in forbidden.get(l, set())]
        for l, cands in enumerate(candidate_techs(instance))
    ]
    rated = lines["sector"].map(instance.sectors["rated_days_per_year"]).to_numpy(float)
    r = sc.discount_rate

    # Standalone single-technology evaluation: capex per (line, tech) and a screening score.
    single_line = [l for l, cands in enumerate(candidates) for _ in [None, *cands]]
    single_combo = [c for cands in candidates for c in [(), *((k,) for k in cands)]]
    single_days = rated[single_line]
    single = evaluate_virtual(
        fleet_arrays(instance), np.array(single_line, dtype=np.int64), single_combo, single_days
    )
    tech_capex = np.full((len(lines), len(techs)), np.nan)
    b = 0
    screen: dict[int, dict[int, float]] = {}
    for line, cands in enumerate(candidates):
        base_cost = yearly_flows(single[:, b : b + 1, 0:1])
        screen[line] = {}
        for offset, k in enumerate(cands, start=1):
            capex = single[MEASURE_INDEX["capex_cny"], b + offset, 0]
            tech_capex[line, k] = capex
            lifetime = int(techs["lifetime_years"].iloc[k])
            annuity = capex * (r / (1 - (1 + r) ** -lifetime) if r > 0 else 1 / lifetime)
            cost = yearly_flows(single[:, b + offset : b + offset + 1, 0:1])
            d_cost = float(cost[0].sum() - base_cost[0].sum()) + annuity
            d_co2 = float(base_cost[1].sum() - cost[1].sum())
            screen[line][k] = d_cost / d_co2 if d_co2 > 1e-9 else math.inf
        b += 1 + len(cands)

    grants = list(techs["grants_attribute"])
    pv_techs = techs["pv_kwp_per_m2"].to_numpy(float)
    stats = []
    all_line: list[int] = []
    all_combos: list[tuple[int, ...]] = []
    # lines of a sector mostly share their candidates (guizhou: 21 distinct sets over 111 lines),
    # and the listing depends on nothing else of the line but its pre-installed technologies
    enumerated: dict[tuple[tuple[int, ...], str], list[tuple[int, ...]]] = {}
    attributes = [str(a) for a in lines["attributes"]]
    for line, cands in enumerate(candidates):
        cands = list(cands)
        protected = {k for k in cands if grants[k] or pv_techs[k] > 0} | must_have.get(line, set())
        while count_combinations(instance, cands) > MAX_ENUMERATED:
            droppable = [k for k in cands if k not in protected]
            if not droppable:
                break
            cands.remove(max(droppable, key=lambda k: screen[line][k]))
        key = (tuple(cands), attributes[line])
        combos = enumerated.get(key)
        if combos is None:
            combos = enumerated[key] = enumerate_combinations(instance, line, cands)
        stats.append(
            {
                "line_id": lines.index[line],
                "candidates": len(candidates[line]),
                "screened_out": len(candidates[line]) - len(cands),
                "enumerated": len(combos),
            }
        )
        all_line.extend([line] * len(combos))
        all_combos.extend(combos)

    line_of = np.array(all_line, dtype=np.int64)
    coef = package_coefficients(instance, line_of, all_combos)
    cost_hi = coef.cost_at_rated_cny
    intensity, at_bench, pv_mw, attr = coef.intensity, coef.at_benchmark, coef.pv_mw, coef.attr_bits
    feasible = coef.feasible
    # every (combination, technology) pair flattened, so per-combination sums are one bincount
    n_techs = np.array([len(c) for c in all_combos], dtype=np.int64)
    pair_combo = np.repeat(np.arange(len(all_combos)), n_techs)
    pair_tech = np.fromiter(itertools.chain.from_iterable(all_combos), dtype=np.int64, count=len(pair_combo))
    tech_earliest = techs["earliest_year"].to_numpy(int)
    earliest = np.full(len(all_combos), np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(earliest, pair_combo, tech_earliest[pair_tech])
    earliest = np.where(n_techs > 0, earliest, sc.base_year)
    lifetimes = techs["lifetime_years"].to_numpy(int)
    annuity_factor = np.array(
        [r / (1 - (1 + r) ** -int(life)) if r > 0 else 1 / life for life in lifetimes], dtype=np.float64
    )
    annuity = np.bincount(
        pair_combo,
        weights=tech_capex[line_of[pair_combo], pair_tech] * annuity_factor[pair_tech],
        minlength=len(all_combos),
    )
    ref_cost = cost_hi[:, 0] + annuity
    ref_co2 = coef.co2_at_rated_t[:, 0]
    # scarce resources per unit: a package using less of one is never dominated by one using
    # more, so the model keeps the options a supply limit needs
    resources = np.ascontiguousarray(
        np.column_stack(
            [
                coef.carbide_slag_t_per_unit[:, 0],
                coef.raw_substitute_t_per_unit[:, 0],
                coef.alt_fuel_tce_per_unit[:, 0],
                coef.coprocessed_tce_per_unit[:, 0],
            ]
        )
    )

    keep_index: list[int] = []
    scarce = scarce_techs(instance)
    for line in range(len(lines)):
        idx = np.flatnonzero((line_of == line) & feasible)
        pareto = pareto_front(
            idx,
            earliest,
            ref_cost,
            intensity,
            ref_co2,
            pv_mw,
            attr,
            n_techs if counts_projects else None,
            resources,
        )
        chosen = bounded_selection(idx, pareto, all_combos, ref_cost, ref_co2, at_bench, attr, pv_mw)
        if line in must_have:
            # a planner's decision: keep the best packages that carry the decided technologies
            holders = np.array([j for j in idx if must_have[line] <= set(all_combos[j])], dtype=np.int64)
            if len(holders):
                sub_pareto = pareto_front(
                    holders, earliest, ref_cost, intensity, ref_co2, pv_mw, attr, None, resources
                )
                chosen |= bounded_selection(
                    holders, sub_pareto, all_combos, ref_cost, ref_co2, at_bench, attr, pv_mw
                )
        if scarce:
            # a supply may run short (supplies.csv): keep the best packages that draw on no
            # scarce input too, or a cheaper package using one could dominate them all away
            free = np.array([j for j in idx if not scarce & set(all_combos[j])], dtype=np.int64)
            if len(free):
                sub = pareto_front(
                    free,
                    earliest,
                    ref_cost,
                    intensity,
                    ref_co2,
                    pv_mw,
                    attr,
                    n_techs if counts_projects else None,
                )
                chosen |= bounded_selection(free, sub, all_combos, ref_cost, ref_co2, at_bench, attr, pv_mw)
        stats[line]["pareto"] = len(pareto)
        stats[line]["kept"] = len(chosen)
        keep_index.extend(sorted(chosen, key=lambda j: (len(all_combos[j]), all_combos[j])))
        del idx
    keep = np.array(keep_index, dtype=np.int64)
    from optimizer.evaluator.flatten import attribute_names

    return PackageSet(
        line_pos=line_of[keep],
        techs=[all_combos[j] for j in keep],
        earliest_year=earliest[keep],
        intensity_kgce_per_unit=intensity[keep],
        at_benchmark=at_bench[keep],
        worse_than_baseline=coef.worse_than_baseline[keep],
        pv_mw=pv_mw[keep],
        attr_bits=attr[keep],
        cost_fixed_cny=coef.cost_fixed_cny[keep],
        cost_per_unit_cny=coef.cost_per_unit_cny[keep],
        co2_fixed_t=coef.co2_fixed_t[keep],
        co2_per_unit_t=coef.co2_per_unit_t[keep],
        q_min=coef.q_min[keep],
        q_max=coef.q_max[keep],
        tech_capex_cny=tech_capex,
        stats=pd.DataFrame(stats),
        attribute_names=attribute_names(instance),
        carbide_slag_t_per_unit=coef.carbide_slag_t_per_unit[keep],
        raw_substitute_t_per_unit=coef.raw_substitute_t_per_unit[keep],
        alt_fuel_tce_per_unit=coef.alt_fuel_tce_per_unit[keep],
        coprocessed_tce_per_unit=coef.coprocessed_tce_per_unit[keep],
        raw_cao_substitution_frac=coef.raw_cao_substitution_frac[keep],
    )


def recost_packages(packages: PackageSet, instance: Instance) -> PackageSet:
    """The same packages with every coefficient re-evaluated for ``instance``'s figures.

    For sweeps over prices, costs and emission factors: the model's structure (which packages
    exist) stays, so a solved model can be re-solved from its previous plan. Technology and
    line data may change, but not the lines or the catalogue's ids.
    """
    coef = package_coefficients(instance, packages.line_pos, packages.techs)
    singles = [
        (int(l), int(k)) for l, k in zip(*np.nonzero(np.isfinite(packages.tech_capex_cny)), strict=True)
    ]
    tech_capex = np.full_like(packages.tech_capex_cny, np.nan)
    if singles:
        out = evaluate_virtual(
            fleet_arrays(instance),
            np.array([l for l, _ in singles], dtype=np.int64),
            [(k,) for _, k in singles],
            np.zeros(len(singles)),
        )
        for i, (l, k) in enumerate(singles):
            tech_capex[l, k] = out[MEASURE_INDEX["capex_cny"], i, 0]
    return replace(
        packages,
        intensity_kgce_per_unit=coef.intensity,
        at_benchmark=coef.at_benchmark,
        worse_than_baseline=coef.worse_than_baseline,
        pv_mw=coef.pv_mw,
        attr_bits=coef.attr_bits,
        cost_fixed_cny=coef.cost_fixed_cny,
        cost_per_unit_cny=coef.cost_per_unit_cny,
        co2_fixed_t=coef.co2_fixed_t,
        co2_per_unit_t=coef.co2_per_unit_t,
        q_min=coef.q_min,
        q_max=coef.q_max,
        tech_capex_cny=tech_capex,
        carbide_slag_t_per_unit=coef.carbide_slag_t_per_unit,
        raw_substitute_t_per_unit=coef.raw_substitute_t_per_unit,
        alt_fuel_tce_per_unit=coef.alt_fuel_tce_per_unit,
        coprocessed_tce_per_unit=coef.coprocessed_tce_per_unit,
        raw_cao_substitution_frac=coef.raw_cao_substitution_frac,
    )
