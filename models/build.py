"""Assemble the planning model from precomputed :class:`ModelData`."""

from __future__ import annotations

import pyomo.environ as pyo

from optimizer.models.constraints.core import (
    define_demand,
    define_one_state_per_line,
    define_output_bounds,
    define_retirement_is_final,
    define_retrofit_persistence,
    define_salvage_only_if_running,
)
from optimizer.models.constraints.cover import define_capacity_cover
from optimizer.models.constraints.pace import (
    define_capex_budget_per_year,
    define_closure_pace,
    define_deployment_ceiling,
    define_resource_supply,
    define_retrofit_pace,
)
from optimizer.models.constraints.swaps import (
    define_new_line_output,
    define_new_lines_stay,
    define_replacement_ratio,
)
from optimizer.models.constraints.targets import ALL_TARGET_BUILDERS, target_keys
from optimizer.models.data import ModelData
from optimizer.models.objective import define_objective, salvage_share


def build_model(d: ModelData) -> pyo.ConcreteModel:
    """Variables, constraint families and objective; every family has a stable name."""
    m = pyo.ConcreteModel(name=f"carbon_peak_{d.instance.name}")
    m.target_families = []
    m.x_index = pyo.Set(initialize=d.x_index, dimen=3, ordered=True)
    m.LT = pyo.Set(initialize=[(l, t) for l in d.lines for t in d.model_years], dimen=2, ordered=True)
    m.LKT = pyo.Set(
        initialize=[(l, k, t) for (l, k) in d.tech_index for t in d.model_years], dimen=3, ordered=True
    )
    m.ST_new = pyo.Set(
        initialize=[(s, t) for s in d.new_sectors for t in d.model_years], dimen=2, ordered=True
    )
    m.x = pyo.Var(m.x_index, domain=pyo.Binary)
    m.q = pyo.Var(m.x_index, domain=pyo.NonNegativeReals)
    m.r = pyo.Var(m.LT, domain=pyo.Binary)
    m.a = pyo.Var(m.LKT, domain=pyo.NonNegativeReals, bounds=(0, 1))
    m.n = pyo.Var(m.ST_new, domain=pyo.NonNegativeIntegers, bounds=(0, None))
    horizon_end = d.instance.scenario.horizon_end
    lifetimes = d.instance.technologies["lifetime_years"].to_numpy(float)
    m.salvage_index = pyo.Set(
        initialize=[(l, k, t) for (l, k, t) in m.LKT if salvage_share(t, lifetimes[k], horizon_end) > 0],
        dimen=3,
        ordered=True,
    )
    m.z = pyo.Var(m.salvage_index, domain=pyo.NonNegativeReals, bounds=(0, 1))
    m.qn = pyo.Var(m.ST_new, domain=pyo.NonNegativeReals)
    for s, t in m.ST_new:
        nl = d.new_line[s]
        if t < nl["earliest_year"]:
            m.n[s, t].fix(0)
        else:
            # no more replacement lines than retiring the whole sector could back
            m.n[s, t].setub(int(nl["sector_lines"] * 10) + 1)
    for l, t in d.forced_retire:
        m.r[l, t].fix(1)
    for l, t in d.forced_keep - d.forced_retire:
        m.r[l, t].fix(0)
    m.slack_index = pyo.Set(initialize=target_keys(d) if d.relax_targets else [], dimen=2, ordered=True)
    m.slack = pyo.Var(m.slack_index, domain=pyo.NonNegativeReals)
    define_one_state_per_line(m, d)
    define_retirement_is_final(m, d)
    define_retrofit_persistence(m, d)
    define_salvage_only_if_running(m, d)
    define_output_bounds(m, d)
    define_demand(m, d)
    define_capacity_cover(m, d)
    define_new_lines_stay(m, d)
    define_new_line_output(m, d)
    define_replacement_ratio(m, d)
    define_closure_pace(m, d)
    define_retrofit_pace(m, d)
    define_capex_budget_per_year(m, d)
    define_resource_supply(m, d)
    define_deployment_ceiling(m, d)
    for builder in ALL_TARGET_BUILDERS:
        builder(m, d)
    define_objective(m, d)
    return m
