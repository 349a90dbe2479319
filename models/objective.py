"""The objective: net present value of every cost over the horizon, CNY.

.. math::

    \\min\\; K_0 + \\sum_{l,j,t} \big(W^{fix}_{j,t} x_{l,j,t} + W^{unit}_{j,t} q_{l,j,t}\big)
    + \\sum_{l,k,t} \\kappa_{l,k} (\\delta_t - \\sigma_{k,t}\\, \\delta_{H+1})\\, a_{l,k,t}
    + \\sum_{s,t} \big(\\kappa^{std}_s (\\delta_t - \\sigma^{std}_t \\delta_{H+1}) (n_{s,t} - n_{s,t^-})
      + W^{fix}_{s,t} n_{s,t} + W^{unit}_{s,t} q^{new}_{s,t}\big)
    + \\sum_{l,t} \\chi_l \\delta_t (r_{l,t} - r_{l,t^-}) + \\Pi \\sum s

z_{l,k,t} ≤ a_{l,k,t}, z_{l,k,t} ≤ 1 − r_{l,T} marks retrofits still running at the horizon end
(scrapped equipment earns no salvage); new lines always run to the horizon.
W sums discounted yearly costs (O&M, fuel, electricity, carbon) over the calendar years model
year t stands for, from the exact evaluator; χ_l the one-off closure cost of line l (pace.csv,
CNY per unit/yr × capacity) charged in its closure year (the evaluator books it in the same
year, :func:`optimizer.evaluator.api.closure_costs`); κ is capex, δ_y = (1+r)^{-(y-y_0)}, σ the share of
a lifetime left after the horizon end H (salvage); K_0 the cost of the years before the first
model year (base state, identical for every plan); Π prices target slacks when explaining
infeasibility.
"""

from __future__ import annotations

import pyomo.environ as pyo

from optimizer.models.data import ModelData

SLACK_PRICE_CNY = 1e13
"""Price of one unit of relative target relaxation: far above any plan's cost, so the least
relaxation is found first and the cheapest plan among least relaxations second."""


def salvage_share(t: int, lifetime: float, horizon_end: int) -> float:
    """Share of a capex spent in year t with the given lifetime that is left after the horizon."""
    return max(0.0, t + lifetime - 1 - horizon_end) / lifetime


def period_cost(d: ModelData, values, t: int) -> float:
    """Σ_{y ∈ years of t} δ_y · values[y], values indexed by calendar-year position."""
    return float(sum(d.df[y] * values[d.year_pos[y]] for y in d.years_of(t)))


def define_objective(m: pyo.ConcreteModel, d: ModelData) -> None:
    p = d.packages
    sc = d.instance.scenario
    H = sc.horizon_end
    lifetimes = d.instance.technologies["lifetime_years"].to_numpy(float)
    prev = dict(zip(d.model_years[1:], d.model_years[:-1], strict=True))
    fixed = {key: period_cost(d, p.cost_fixed_cny[key[1]], key[2]) for key in d.x_index}
    unit = {key: period_cost(d, p.cost_per_unit_cny[key[1]], key[2]) for key in d.x_index}
    capex = {
        (l, k, t): float(p.tech_capex_cny[l, k] * d.df[t]) for (l, k) in d.tech_index for t in d.model_years
    }
    salvage = {
        (l, k, t): float(p.tech_capex_cny[l, k] * salvage_share(t, lifetimes[k], H) * d.df[H + 1])
        for (l, k, t) in m.salvage_index
    }
    expr = d.base_constant_npv
    expr += sum(fixed[key] * m.x[key] + unit[key] * m.q[key] for key in d.x_index)
    expr += sum(capex[key] * m.a[key] for key in capex)
    expr -= sum(salvage[key] * m.z[key] for key in salvage)
    for s, t in m.ST_new:
        nl = d.new_line[s]
        built = m.n[s, t] - (m.n[s, prev[t]] if t in prev and (s, prev[t]) in m.ST_new else 0)
        expr += nl["capex"] * (d.df[t] - salvage_share(t, nl["lifetime"], H) * d.df[H + 1]) * built
        expr += period_cost(d, nl["cost_fixed"], t) * m.n[s, t]
        expr += period_cost(d, nl["cost_per_unit"], t) * m.qn[s, t]
    if d.closure_cost is not None and d.closure_cost.any():
        for l in d.lines:
            if d.closure_cost[l] <= 0:
                continue
            for t in d.model_years:
                opened = m.r[l, prev[t]] if t in prev else 0
                expr += float(d.closure_cost[l]) * d.df[t] * (m.r[l, t] - opened)
    if d.relax_targets:
        expr += SLACK_PRICE_CNY * sum(m.slack[key] for key in m.slack)
    m.npv = pyo.Objective(expr=expr, sense=pyo.minimize)
    m.coef_fixed = fixed
    m.coef_unit = unit
