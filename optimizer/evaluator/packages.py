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

import numba
import numpy as np
import pandas as pd

from optimizer.data.consistency import split_list
from optimizer.data.instance import Instance
from optimizer.evaluator.flatten import build_arrays
from optimizer.evaluator.kernels import MEASURE_INDEX, YEARLY_COST_MEASURES, run_kernel
from optimizer.evaluator.plan import NEVER, Plan
from optimizer.targets.registry import KINDS

MAX_ENUMERATED = 4096
MAX_KEPT = 24
CARBON_GRID = (0.0, 50.0, 100.0, 200.0, 400.0, 800.0, 1600.0)


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
    raw_cao_substitution_frac: np.ndarray  # (P,) share of CaO from decarbonated materials

    def of_line(self, line: int) -> np.ndarray:
        return np.flatnonzero(self.line_pos == line)


def planner_decisions(instance: Instance) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """Technologies a planner has decided a line must carry (adopt) or must not (forbid)."""
    must: dict[int, set[int]] = {}
    forbid: dict[int, set[int]] = {}
    if instance.decisions.empty:
        return must, forbid
    line_pos = {lid: i for i, lid in enumerate(instance.lines.index)}
    tech_pos = {t: k for k, t in enumerate(instance.technologies.index)}
    for _, d in instance.decisions.iterrows():
        if d["action"] in {"adopt", "forbid"}:
            target = must if d["action"] == "adopt" else forbid
            target.setdefault(line_pos[d["line_id"]], set()).add(tech_pos[d["technology"]])
    return must, forbid


def candidate_techs(instance: Instance) -> list[list[int]]:
    """Technology positions applicable to each line (rule 1)."""
    techs = instance.technologies
    sectors = [set(split_list(s)) for s in techs["sectors"]]
    out = []
    tech_ids = list(techs.index)
    low = techs["min_size_t_per_day"].to_numpy(float)
    high = techs["max_size_t_per_day"].to_numpy(float)
    for sector, size, attributes in zip(
        instance.lines["sector"], instance.lines["size_t_per_day"], instance.lines["attributes"], strict=True
    ):
        pre = set(split_list(attributes))
        out.append(
            [
                k
                for k, tid in enumerate(tech_ids)
                if sector in sectors[k] and low[k] <= size <= high[k] and tid not in pre
            ]
        )
    return out


def enumerate_combinations(instance: Instance, line: int, candidates: list[int]) -> list[tuple[int, ...]]:
    """All combinations of ``candidates`` respecting exclusive groups and prerequisites."""
    techs = instance.technologies
    tech_ids = list(techs.index)
    group_of = list(techs["exclusive_group"])
    prerequisites = [split_list(p) for p in techs["prerequisites"]]
    pre_installed = set(split_list(instance.lines.iloc[line]["attributes"]))
    groups: dict[str, list[int]] = {}
    for k in candidates:
        groups.setdefault(group_of[k] or f"_own_{k}", []).append(k)
    options = [[None, *members] for members in groups.values()]
    needs_check = any(prerequisites[k] for k in candidates)
    combos = []
    for choice in itertools.product(*options):
        chosen = tuple(sorted(k for k in choice if k is not None))
        if needs_check:
            ids = {tech_ids[k] for k in chosen} | pre_installed
            if not all(p in ids for k in chosen for p in prerequisites[k]):
                continue
        combos.append(chosen)
    return combos


def _count(instance: Instance, candidates: list[int]) -> int:
    groups: dict[str, int] = {}
    group_of = list(instance.technologies["exclusive_group"])
    for k in candidates:
        group = group_of[k] or f"_own_{k}"
        groups[group] = groups.get(group, 0) + 1
    return math.prod(n + 1 for n in groups.values())


def _evaluate_virtual(
    instance: Instance, line_of: np.ndarray, combos: list[tuple[int, ...]], days: np.ndarray
) -> np.ndarray:
    """Run the kernel on virtual copies of lines carrying whole packages from the base year."""
    sc = instance.scenario
    lines = instance.lines.iloc[line_of].copy()
    lines["line_id"] = [f"{lid}#{j}" for j, lid in enumerate(lines["line_id"])]
    lines.index = lines["line_id"].to_numpy()
    virtual = replace(instance, lines=lines)
    n, k = len(lines), len(instance.technologies)
    n_years = len(sc.years)
    adopt = np.full((n, k), NEVER, dtype=np.int64)
    for j, combo in enumerate(combos):
        adopt[j, list(combo)] = sc.base_year
    plan = Plan(
        retire_year=np.full(n, NEVER, dtype=np.int64),
        swapped=np.zeros(n, dtype=bool),
        adopt_year=adopt,
        operating_days=np.repeat(days[:, None], n_years, axis=1),
    )
    return run_kernel(build_arrays(virtual, plan))


_COST_MEASURES = YEARLY_COST_MEASURES


def _flows(out: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cost = sum(out[MEASURE_INDEX[m]] for m in _COST_MEASURES)
    return np.asarray(cost), out[MEASURE_INDEX["total_co2_t"]], out[MEASURE_INDEX["output_units"]]


def scarce_techs(instance: Instance) -> set[int]:
    """Technologies drawing on an input supplies.csv limits (none without that table)."""
    if instance.supplies.empty:
        return set()
    from optimizer.models.data import _RAW_SUBSTITUTION_POOL

    techs = instance.technologies
    return {
        k
        for k, tid in enumerate(techs.index)
        if float(techs["to_alt_fuel_frac"].iloc[k]) > 0 or tid in _RAW_SUBSTITUTION_POOL
    }


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
    single = _evaluate_virtual(instance, np.array(single_line, dtype=np.int64), single_combo, single_days)
    tech_capex = np.full((len(lines), len(techs)), np.nan)
    b = 0
    screen: dict[int, dict[int, float]] = {}
    for line, cands in enumerate(candidates):
        base_cost = _flows(single[:, b : b + 1, 0:1])
        screen[line] = {}
        for offset, k in enumerate(cands, start=1):
            capex = single[MEASURE_INDEX["capex_cny"], b + offset, 0]
            tech_capex[line, k] = capex
            lifetime = int(techs["lifetime_years"].iloc[k])
            annuity = capex * (r / (1 - (1 + r) ** -lifetime) if r > 0 else 1 / lifetime)
            cost = _flows(single[:, b + offset : b + offset + 1, 0:1])
            d_cost = float(cost[0].sum() - base_cost[0].sum()) + annuity
            d_co2 = float(base_cost[1].sum() - cost[1].sum())
            screen[line][k] = d_cost / d_co2 if d_co2 > 1e-9 else math.inf
        b += 1 + len(cands)

    grants = list(techs["grants_attribute"])
    pv_techs = techs["pv_kwp_per_m2"].to_numpy(float)
    stats = []
    all_line: list[int] = []
    all_combos: list[tuple[int, ...]] = []
    for line, cands in enumerate(candidates):
        cands = list(cands)
        protected = {k for k in cands if grants[k] or pv_techs[k] > 0} | must_have.get(line, set())
        while _count(instance, cands) > MAX_ENUMERATED:
            droppable = [k for k in cands if k not in protected]
            if not droppable:
                break
            cands.remove(max(droppable, key=lambda k: screen[line][k]))
        combos = enumerate_combinations(instance, line, cands)
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
            ]
        )
    )

    keep_index: list[int] = []
    scarce = scarce_techs(instance)
    for line in range(len(lines)):
        idx = np.flatnonzero((line_of == line) & feasible)
        pareto = _pareto(
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
        chosen = _bound(idx, pareto, all_combos, ref_cost, ref_co2, at_bench, attr, pv_mw)
        if line in must_have:
            # a planner's decision: keep the best packages that carry the decided technologies
            holders = np.array([j for j in idx if must_have[line] <= set(all_combos[j])], dtype=np.int64)
            if len(holders):
                sub_pareto = _pareto(
                    holders, earliest, ref_cost, intensity, ref_co2, pv_mw, attr, None, resources
                )
                chosen |= _bound(holders, sub_pareto, all_combos, ref_cost, ref_co2, at_bench, attr, pv_mw)
        if scarce:
            # a supply may run short (supplies.csv): keep the best packages that draw on no
            # scarce input too, or a cheaper package using one could dominate them all away
            free = np.array([j for j in idx if not scarce & set(all_combos[j])], dtype=np.int64)
            if len(free):
                sub = _pareto(
                    free,
                    earliest,
                    ref_cost,
                    intensity,
                    ref_co2,
                    pv_mw,
                    attr,
                    n_techs if counts_projects else None,
                )
                chosen |= _bound(free, sub, all_combos, ref_cost, ref_co2, at_bench, attr, pv_mw)
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
        raw_cao_substitution_frac=coef.raw_cao_substitution_frac[keep],
    )


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
    parts = [
        _coefficients_chunk(instance, line_of[i : i + CHUNK_PAIRS], combos[i : i + CHUNK_PAIRS])
        for i in range(0, len(combos), CHUNK_PAIRS)
    ]
    if len(parts) <= 1:
        return parts[0] if parts else _coefficients_chunk(instance, line_of, combos)
    fields = Coefficients.__dataclass_fields__
    return Coefficients(**{f: np.concatenate([getattr(p, f) for p in parts]) for f in fields})


def _coefficients_chunk(
    instance: Instance, line_of: np.ndarray, combos: list[tuple[int, ...]]
) -> Coefficients:
    lines = instance.lines
    rated = lines["sector"].map(instance.sectors["rated_days_per_year"]).to_numpy(float)
    min_days = lines["sector"].map(instance.sectors["min_operating_days"]).to_numpy(float)
    capacity = lines["capacity_per_year"].to_numpy(float)
    lo_days = np.maximum(min_days[line_of], 1.0)
    hi_days = rated[line_of]
    out_lo = _evaluate_virtual(instance, line_of, combos, lo_days)
    out_hi = _evaluate_virtual(instance, line_of, combos, hi_days)
    cost_lo, co2_lo, q_lo = _flows(out_lo)
    cost_hi, co2_hi, q_hi = _flows(out_hi)
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
            out_pv = _evaluate_virtual(
                instance,
                line_of[idx],
                [combos[i] for i in idx],
                np.minimum(days_pv * (1 + 1e-9), hi_days[idx]),
            )
            c_pv, e_pv, qq = _flows(out_pv)
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
        raw_cao_substitution_frac=out_hi[MEASURE_INDEX["raw_cao_substitution_frac"], :, base_col],
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
        out = _evaluate_virtual(
            instance,
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
        raw_cao_substitution_frac=coef.raw_cao_substitution_frac,
    )


def _pareto(
    idx: np.ndarray,
    earliest: np.ndarray,
    cost: np.ndarray,
    intensity: np.ndarray,
    co2: np.ndarray,
    pv: np.ndarray,
    attr: np.ndarray,
    n_techs: np.ndarray | None,
    resources: np.ndarray | None = None,
) -> list[int]:
    """Indices in ``idx`` not dominated by another (rule 4); ties keep the cheaper package.

    Candidates are visited by increasing cost (then intensity, CO2, fewer digits; stable), so a
    package can only be dominated by one already kept.
    """
    idx = np.asarray(idx, dtype=np.int64)
    digits = np.array([len(str(j)) for j in idx], dtype=np.int64)
    order = idx[np.lexsort((digits, co2[idx], intensity[idx], cost[idx]))]
    use_n = n_techs is not None
    counts = np.asarray(n_techs, dtype=np.float64) if use_n else np.zeros(1)
    res = np.zeros((len(cost), 0)) if resources is None else np.asarray(resources, dtype=np.float64)
    kept = _pareto_sorted(
        order,
        np.asarray(earliest, dtype=np.float64),
        np.asarray(cost, dtype=np.float64),
        np.asarray(intensity, dtype=np.float64),
        np.asarray(co2, dtype=np.float64),
        np.asarray(pv, dtype=np.float64),
        np.asarray(attr, dtype=np.int64),
        counts,
        use_n,
        res,
    )
    return [int(j) for j in kept]


@numba.njit(cache=True)
def _pareto_sorted(order, earliest, cost, intensity, co2, pv, attr, n_techs, use_n, resources):
    tol = 1e-9
    n_res = resources.shape[1]
    kept = np.empty(len(order), dtype=np.int64)
    n = 0
    for j in order:
        dominated = False
        for i in range(n):
            k = kept[i]
            if (
                earliest[k] <= earliest[j]
                and cost[k] <= cost[j] + tol * abs(cost[j])
                and intensity[k] <= intensity[j] + tol
                and co2[k] <= co2[j] + tol * abs(co2[j])
                and pv[k] >= pv[j] - tol
                and (attr[k] & attr[j]) == attr[j]
                and (not use_n or n_techs[k] >= n_techs[j])
            ):
                more = False
                for r in range(n_res):
                    if resources[k, r] > resources[j, r] + tol * abs(resources[j, r]) + 1e-12:
                        more = True
                        break
                if more:
                    continue
                dominated = True
                break
        if not dominated:
            kept[n] = j
            n += 1
    return kept[:n]


def _bound(
    idx: np.ndarray,
    pareto: list[int],
    combos: list[tuple[int, ...]],
    cost: np.ndarray,
    co2: np.ndarray,
    at_bench: np.ndarray,
    attr: np.ndarray,
    pv: np.ndarray,
) -> set[int]:
    """Apply rule 5 to a line's Pareto set."""
    empty = [int(j) for j in idx if len(combos[j]) == 0]
    if len(pareto) + len(empty) <= MAX_KEPT:
        return set(pareto) | set(empty)
    chosen = set(empty)
    chosen |= {j for j in pareto if len(combos[j]) == 1}
    attr_values = {int(a) for j in pareto for a in _bits(int(attr[j]))}
    for price in CARBON_GRID:
        score = {j: cost[j] + price * co2[j] for j in pareto}
        chosen.add(min(pareto, key=score.__getitem__))
        bench = [j for j in pareto if at_bench[j]]
        if bench:
            chosen.add(min(bench, key=score.__getitem__))
        with_pv = [j for j in pareto if pv[j] > 0]
        if with_pv:
            chosen.add(min(with_pv, key=score.__getitem__))
        for bit in attr_values:
            holders = [j for j in pareto if attr[j] & bit]
            if holders:
                chosen.add(min(holders, key=score.__getitem__))
    rest = sorted((j for j in pareto if j not in chosen), key=lambda j: cost[j] + 200.0 * co2[j])
    for j in rest:
        if len(chosen) >= MAX_KEPT:
            break
        chosen.add(j)
    return chosen


def _bits(mask: int) -> list[int]:
    return [1 << i for i in range(mask.bit_length()) if mask >> i & 1]
