"""Everything the planning model needs, precomputed once as sparse index sets and coefficients.

Rules in the constraint modules only look values up here; no filtering happens inside a rule
(Temoa's habit, which keeps rule-based Pyomo builds tractable).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from optimizer.data.consistency import split_list, target_scope
from optimizer.data.instance import Instance
from optimizer.data.schema import as_float
from optimizer.data.targets import TargetRow, model_years_of, period_map, target_rows
from optimizer.evaluator.api import Evaluation
from optimizer.evaluator.packages import PackageSet
from optimizer.targets.registry import KINDS, kind


@dataclass
class ModelData:
    instance: Instance
    packages: PackageSet
    model_years: tuple[int, ...]
    period_years: dict[int, tuple[int, ...]]  # model year -> calendar years it stands for
    lines: list[int]  # line positions
    pkgs_of_line: dict[int, list[int]]  # line -> package indices
    x_index: list[tuple[int, int, int]]  # (line, package, model year) allowed states
    tech_index: list[tuple[int, int]]  # (line, tech) a kept package of the line contains
    pkgs_with_tech: dict[tuple[int, int], list[int]]
    capacity: np.ndarray  # (L,) unit/yr
    size: np.ndarray  # (L,) t/d
    sector_of: list[str]
    year_pos: dict[int, int]  # calendar year -> column in the coefficient arrays
    df: dict[int, float]  # calendar year -> discount factor
    new_sectors: list[str]  # sectors with a replacement-line option
    new_line: dict[str, dict[str, float]]  # per sector: capacity, capex, coefficients
    demand: dict[tuple[str, int], float]  # (sector, model year) -> required output per year
    targets: list[TargetRow]
    q_cap_days: dict[tuple[int, int], float]  # (line, model year) -> max operating days
    swap_ratio: dict[str, float]  # t retired per t built, per sector (scenario or target)
    new_cap_days: dict[tuple[str, int], float] = field(default_factory=dict)  # (sector, t) -> max d
    base_constant_npv: float = 0.0
    forced_retire: set[tuple[int, int]] = field(default_factory=set)
    forbidden_tech: set[tuple[int, int]] = field(default_factory=set)
    forced_keep: set[tuple[int, int]] = field(default_factory=set)  # (line, year) kept open
    base_frame: pd.DataFrame | None = None  # base-year per-line figures (BAU, evaluator)
    relax_targets: bool = False  # add priced slacks to explain infeasible targets
    closure_cost: np.ndarray | None = None  # (L,) CNY charged in the year line l closes
    resource_use: dict[str, np.ndarray] = field(default_factory=dict)  # pool -> (P,) use per unit
    supplies: dict[tuple[str, str, int], float] = field(default_factory=dict)  # (pool, province, yr)

    @cached_property
    def x_allowed(self) -> frozenset[tuple[int, int, int]]:
        """``x_index`` as a set: rules test membership once per term, and a Pyomo Set's test
        is ten times slower."""
        return frozenset(self.x_index)

    @cached_property
    def product_of(self) -> list[str]:
        """Product of each line position (a pandas row lookup per term cost ~1 s a province)."""
        return [str(p) for p in self.instance.lines["product"]]

    @cached_property
    def rated_days_of(self) -> dict[str, float]:
        """Rated operating days per sector, d/yr."""
        return {str(s): float(v) for s, v in self.instance.sectors["rated_days_per_year"].items()}

    def years_of(self, t: int) -> tuple[int, ...]:
        return self.period_years[t]

    def weight(self, t: int) -> float:
        """Σ of discount factors of the calendar years model year ``t`` stands for."""
        return sum(self.df[y] for y in self.period_years[t])


def swap_ratios(instance: Instance) -> dict[str, float]:
    ratios = {s: instance.scenario.replacement_ratio for s in instance.sectors.index}
    for _, t in instance.targets.iterrows():
        if kind(t["kind"]).sets_swap_ratio:
            for s in target_scope(instance, t["sectors"]):
                ratios[s] = float(t["value"])
    return ratios


def build_model_data(
    instance: Instance,
    packages: PackageSet,
    forced_retire: set[tuple[int, int]] | None = None,
    forbidden_tech: set[tuple[int, int]] | None = None,
    model_years: tuple[int, ...] | None = None,
) -> ModelData:
    """Precompute index sets and coefficients for :func:`models.build.build_model`.

    ``model_years`` overrides the instance's own (myopic runs keep one set of years while the
    targets they see grow step by step)."""
    sc = instance.scenario
    lines_df = instance.lines
    model_years = model_years or model_years_of(instance)
    periods = period_map(model_years, sc.horizon_end)
    year_pos = {y: i for i, y in enumerate(sc.years)}
    df = {y: (1 + sc.discount_rate) ** -(y - sc.base_year) for y in range(sc.base_year, sc.horizon_end + 2)}
    forbidden_tech = set(forbidden_tech or set())
    n_lines = len(lines_df)
    line_pos = {lid: i for i, lid in enumerate(lines_df.index)}
    tech_pos = {tid: k for k, tid in enumerate(instance.technologies.index)}
    forced = set(forced_retire or set())
    forced_keep: set[tuple[int, int]] = set()
    adopt_from: dict[tuple[int, int], int] = {}
    for _, dec in instance.decisions.iterrows():
        l = line_pos[dec["line_id"]]
        if dec["action"] == "retire":  # closes exactly then: open before, closed from
            forced |= {(l, t) for t in model_years if t >= dec["year"]}
            forced_keep |= {(l, t) for t in model_years if t < dec["year"]}
        elif dec["action"] == "keep":
            forced_keep |= {(l, t) for t in model_years}
        elif dec["action"] == "forbid":
            forbidden_tech.add((l, tech_pos[dec["technology"]]))
        else:
            adopt_from[(l, tech_pos[dec["technology"]])] = int(dec["year"])
    pkgs_of_line: dict[int, list[int]] = {l: [] for l in range(n_lines)}
    for j, l in enumerate(packages.line_pos):
        if any((int(l), k) in forbidden_tech for k in packages.techs[j]):
            continue
        pkgs_of_line[int(l)].append(j)
    adopt_by_line: dict[int, list[tuple[int, int]]] = {}
    for (ll, k), year in adopt_from.items():
        adopt_by_line.setdefault(ll, []).append((k, year))
    x_index = [
        (l, j, t)
        for l in range(n_lines)
        for j in pkgs_of_line[l]
        for t in model_years
        if packages.earliest_year[j] <= t
        and all(k in packages.techs[j] for k, year in adopt_by_line.get(l, ()) if t >= year)
    ]
    pkgs_with_tech: dict[tuple[int, int], list[int]] = {}
    for l in range(n_lines):
        for j in pkgs_of_line[l]:
            for k in packages.techs[j]:
                pkgs_with_tech.setdefault((l, k), []).append(j)
    rated = lines_df["sector"].map(instance.sectors["rated_days_per_year"]).to_numpy(float)
    targets = target_rows(instance)
    q_cap_days = {(l, t): float(rated[l]) for l in range(n_lines) for t in model_years}
    line_scope = list(zip(lines_df["sector"], lines_df["province"], strict=True))
    for row in targets:
        if KINDS[row.kind].caps_operating_days:
            for l in range(n_lines):
                if row.covers(*line_scope[l]):
                    for t in model_years:
                        if t >= row.year:
                            q_cap_days[(l, t)] = min(q_cap_days[(l, t)], row.value)
    for row in targets:
        if KINDS[row.kind].retires_small_lines and row.hard:
            for l in range(n_lines):
                if row.covers(*line_scope[l]) and lines_df.iloc[l]["size_t_per_day"] <= row.value:
                    forced |= {(l, t) for t in model_years if t >= row.year}
    demand: dict[tuple[str, int], float] = {}
    dem = instance.demand
    for t in model_years:
        for s in instance.line_sectors:
            values = dem[(dem["sector"] == s) & dem["year"].isin(periods[t])]["demand_per_year"]
            if len(values):
                demand[(s, t)] = float(values.max())
    new_line = _new_line_data(instance)
    # staggered production binds replacement lines too (the check covers every running line)
    new_cap_days = {(s, t): new_line[s]["rated_days"] for s in new_line for t in model_years}
    new_province = instance.new_line_province
    for row in targets:
        if KINDS[row.kind].caps_operating_days:
            for s in new_line:
                if row.covers(s, new_province):
                    for t in model_years:
                        if t >= row.year:
                            new_cap_days[(s, t)] = min(new_cap_days[(s, t)], row.value)
    return ModelData(
        instance=instance,
        packages=packages,
        model_years=model_years,
        period_years=periods,
        lines=list(range(n_lines)),
        pkgs_of_line=pkgs_of_line,
        x_index=x_index,
        tech_index=sorted(pkgs_with_tech),
        pkgs_with_tech=pkgs_with_tech,
        capacity=lines_df["capacity_per_year"].to_numpy(float),
        size=lines_df["size_t_per_day"].to_numpy(float),
        sector_of=list(lines_df["sector"]),
        year_pos=year_pos,
        df=df,
        new_sectors=sorted(new_line),
        new_line=new_line,
        demand=demand,
        targets=targets,
        q_cap_days=q_cap_days,
        swap_ratio=swap_ratios(instance),
        new_cap_days=new_cap_days,
        forced_retire=forced,
        forced_keep=forced_keep,
        forbidden_tech=forbidden_tech,
        base_frame=base_year_sector_frame(instance),
        closure_cost=closure_cost_per_line(instance),
        resource_use=package_resource_use(instance, packages),
        supplies=supply_limits(instance),
    )


def _new_line_data(instance: Instance) -> dict[str, dict[str, float]]:
    """Coefficients of one standard replacement line per sector, from the exact evaluator."""
    from optimizer.evaluator.flatten import build_arrays
    from optimizer.evaluator.kernels import MEASURE_INDEX, YEARLY_COST_MEASURES, run_kernel
    from optimizer.evaluator.plan import NewLine, Plan

    sc = instance.scenario
    out: dict[str, dict[str, float]] = {}
    present = set(instance.line_sectors)
    n_years = len(sc.years)
    for sector, row in instance.new_builds.iterrows():
        if sector not in present:
            continue
        rated = as_float(instance.sectors["rated_days_per_year"].at[sector])
        min_days = as_float(instance.sectors["min_operating_days"].at[sector])
        values = []
        for days in (max(min_days, 1.0), rated):
            plan = Plan.business_as_usual(instance)
            plan.operating_days[:] = 0.0
            plan.retire_year[:] = sc.base_year
            plan.new_lines = [NewLine("probe", str(sector), sc.base_year, 1.0, np.full(n_years, days))]
            values.append(run_kernel(build_arrays(instance, plan))[:, -1, :])
        lo, hi = values
        cost_names = YEARLY_COST_MEASURES
        cost_lo = sum(lo[MEASURE_INDEX[m]] for m in cost_names)
        cost_hi = sum(hi[MEASURE_INDEX[m]] for m in cost_names)
        q_lo, q_hi = lo[MEASURE_INDEX["output_units"]], hi[MEASURE_INDEX["output_units"]]
        slope = (cost_hi - cost_lo) / np.maximum(q_hi - q_lo, 1e-12)
        co2_slope = (hi[MEASURE_INDEX["total_co2_t"]] - lo[MEASURE_INDEX["total_co2_t"]]) / np.maximum(
            q_hi - q_lo, 1e-12
        )
        out[str(sector)] = {
            "capacity": float(row["capacity_per_year"]),
            "size": float(row["size_t_per_day"]),
            "capex": float(row["capex_cny_per_t_per_day"] * row["size_t_per_day"]),
            "lifetime": float(row["lifetime_years"]),
            "earliest_year": float(row["earliest_year"]),
            "rated_days": rated,
            "q_min": float(q_lo[0]),
            "q_max": float(q_hi[0]),
            "intensity": float(hi[MEASURE_INDEX["intensity_kgce_per_unit"], 0]),
            "at_benchmark": float(hi[MEASURE_INDEX["at_benchmark"], 0]),
            "worse_than_baseline": float(hi[MEASURE_INDEX["worse_than_baseline"], 0]),
            "attr_bits": float(hi[MEASURE_INDEX["attr_bits"], 0]),
            "cost_per_unit": slope,
            "cost_fixed": cost_lo - slope * q_lo,
            "co2_per_unit": co2_slope,
            "co2_fixed": lo[MEASURE_INDEX["total_co2_t"]] - co2_slope * q_lo,
            "sector_lines": float(len(instance.lines[instance.lines["sector"] == sector])),
            "attributes": split_list(row["attributes"]),  # type: ignore[dict-item]
        }
    return out


def base_year_sector_frame(instance: Instance) -> pd.DataFrame:
    """Base-year per-line figures from the evaluator (BAU plan, base-year column)."""
    from optimizer.evaluator.flatten import build_arrays
    from optimizer.evaluator.kernels import MEASURES, run_kernel
    from optimizer.evaluator.plan import Plan

    out = run_kernel(build_arrays(instance, Plan.business_as_usual(instance)))
    frame = pd.DataFrame({m: out[i, :, 0] for i, m in enumerate(MEASURES)})
    frame["sector"] = list(instance.lines["sector"])
    return frame


# ---------------------------------------------------------------------------------------------
# Closure costs and scarce resources (issue 14)

RESOURCE_POOLS: dict[str, tuple[str, ...]] = {
    "carbide_slag": ("carbide_slag",),
    "other_calcium_waste": ("other_calcium_waste",),
    "alt_fuel": ("alt_fuel",),
    "coprocessing_feed": ("coprocessing_feed",),
}
"""Model resource pool -> the supplies.csv resources that feed it. Co-processed waste is its
own pool: only the co-processing lever (to_coprocessing_frac) burns it, by its heat (tce)."""

POOL_UNITS = {
    "carbide_slag": "t/yr",
    "other_calcium_waste": "t/yr",
    "alt_fuel": "tce/yr",
    "coprocessing_feed": "tce/yr",
}

_RAW_SUBSTITUTION_POOL = {
    "carbide_slag_substitution": "carbide_slag",
    "slag_raw_substitution": "other_calcium_waste",
}
"""Raw-meal substitution technologies and the scarce input each draws on."""


def closure_cost_per_line(instance: Instance) -> np.ndarray:
    """CNY charged in the year each line closes: pace.csv closure cost × capacity (0 without)."""
    pace = instance.pace
    lines = instance.lines
    per_unit = np.zeros(len(lines))
    if pace.empty:
        return per_unit
    cost = pace["closure_cost_cny_per_unit_capacity"].to_dict()
    for i, (sector, cap) in enumerate(zip(lines["sector"], lines["capacity_per_year"], strict=True)):
        per_unit[i] = float(cost.get(sector, 0.0)) * float(cap)
    return per_unit


def package_resource_use(instance: Instance, packages: PackageSet) -> dict[str, np.ndarray]:
    """pool -> (P,) scarce input one unit of output of every package uses, the evaluator's own
    figures (kernels.py: carbide_slag_t, raw_substitute_t, alt_fuel_tce and coprocessed_tce per
    unit; other
    calcium wastes are the raw substitutes that are not carbide slag). The largest over the
    years: the figures do not change with the year once the package's technologies run."""
    if instance.supplies.empty:
        return {}
    slag = packages.carbide_slag_t_per_unit.max(axis=1)
    raw = packages.raw_substitute_t_per_unit.max(axis=1)
    return {
        "carbide_slag": slag,
        "other_calcium_waste": np.maximum(raw - slag, 0.0),
        "alt_fuel": packages.alt_fuel_tce_per_unit.max(axis=1),
        "coprocessing_feed": packages.coprocessed_tce_per_unit.max(axis=1),
    }


def pool_use(evaluation: Evaluation) -> dict[str, np.ndarray]:
    """pool -> (N, Y) what each line of an evaluated plan uses, from the evaluator's measures
    (the same split as :func:`package_resource_use`)."""
    slag = evaluation.measure("carbide_slag_t")
    return {
        "carbide_slag": slag,
        "other_calcium_waste": np.maximum(evaluation.measure("raw_substitute_t") - slag, 0.0),
        "alt_fuel": evaluation.measure("alt_fuel_tce"),
        "coprocessing_feed": evaluation.measure("coprocessed_tce"),
    }


def supply_limits(instance: Instance) -> dict[tuple[str, str, int], float]:
    """(pool, province, year) -> available per year, summing the supplies that feed a pool."""
    out: dict[tuple[str, str, int], float] = {}
    pool_of = {r: pool for pool, members in RESOURCE_POOLS.items() for r in members}
    for _, row in instance.supplies.iterrows():
        key = (pool_of[str(row["resource"])], str(row["province"]), int(row["year"]))
        out[key] = out.get(key, 0.0) + float(row["available"])
    return out
