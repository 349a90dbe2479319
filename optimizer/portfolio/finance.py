"""Financial figures of retrofits: capex, savings, simple payback, IRR, abatement cost.

A measure is one technology on one line. Its figures come from the exact evaluator: the plan
with the measure against the same plan without it (same operating days), so interactions with
the line's other retrofits are counted. Cash flows beyond the horizon repeat the last horizon
year's saving until the end of the measure's lifetime (stated assumption: prices and output
stay at their last modelled level).

- capex: CNY spent in the adoption year a.
- yearly saving s_y: cost without − cost with (O&M, fuel, power, carbon; capex excluded).
- simple payback = capex / mean yearly saving (years); infinite if the saving is not positive.
- IRR: the rate r with Σ_y (CF_y) (1 + r)^-(y - a) = 0, CF_a = s_a − capex, CF_y = s_y after.
- abatement cost = (capex × CRF(discount rate, lifetime) − mean saving) / mean tCO2 avoided per
  year (CNY/tCO2): the levelised cost of a tonne, negative when the measure pays for itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.data.instance import Instance
from optimizer.evaluator.api import evaluate
from optimizer.evaluator.kernels import YEARLY_COST_MEASURES
from optimizer.evaluator.plan import NEVER, Plan

COST_MEASURES = YEARLY_COST_MEASURES


def irr(cash_flows: list[float]) -> float | None:
    """Internal rate of return of yearly cash flows (first at t = 0), by bisection; None when
    the flows do not change sign or no root lies in (-0.99, 100)."""

    def npv(rate: float) -> float:
        return sum(cf / (1 + rate) ** t for t, cf in enumerate(cash_flows))

    low, high = -0.99, 100.0
    f_low, f_high = npv(low), npv(high)
    if not (np.isfinite(f_low) and np.isfinite(f_high)) or f_low * f_high > 0:
        return None
    for _ in range(200):
        mid = (low + high) / 2
        f_mid = npv(mid)
        if f_low * f_mid <= 0:
            high = mid
        else:
            low, f_low = mid, f_mid
    return (low + high) / 2


def crf(rate: float, years: int) -> float:
    return 1 / years if rate == 0 else rate / (1 - (1 + rate) ** -years)


@dataclass
class Flows:
    capex_cny: float
    saving_by_year: np.ndarray  # CNY, horizon years from the adoption year
    co2_avoided_by_year: np.ndarray  # tCO2
    lifetime: int


def _yearly(instance: Instance, plan: Plan, lines: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ev = evaluate(instance, plan)
    cost = np.sum([ev.measure(m)[lines] for m in COST_MEASURES], axis=0).sum(axis=0)
    return cost, ev.measure("total_co2_t")[lines].sum(axis=0), ev.measure("capex_cny")[lines].sum(axis=0)


def summarise(flows: Flows, discount_rate: float) -> dict[str, float | None]:
    saving = flows.saving_by_year
    mean_saving = float(saving.mean()) if len(saving) else 0.0
    tail = [float(saving[-1])] * max(flows.lifetime - len(saving), 0)
    cash = [float(saving[0]) - flows.capex_cny, *map(float, saving[1:]), *tail]
    mean_co2 = float(flows.co2_avoided_by_year.mean()) if len(saving) else 0.0
    levelised = flows.capex_cny * crf(discount_rate, flows.lifetime) - mean_saving
    return {
        "capex_cny": flows.capex_cny,
        "saving_cny_per_year": mean_saving,
        "payback_years": flows.capex_cny / mean_saving if mean_saving > 0 else math.inf,
        "irr": irr(cash),
        "co2_avoided_t_per_year": mean_co2,
        "abatement_cost_cny_per_tco2": levelised / mean_co2 if mean_co2 > 1e-9 else math.nan,
    }


def measure_table(instance: Instance, plan: Plan, line_ids: list[str] | None = None) -> pd.DataFrame:
    """One row per technology adopted on a line in the plan, with its financial figures."""
    years = list(instance.scenario.years)
    techs = list(instance.technologies.index)
    rows = []
    positions = (
        range(len(instance.lines))
        if line_ids is None
        else [list(instance.lines.index).index(lid) for lid in line_ids]
    )
    for l in positions:
        for k, tech in enumerate(techs):
            a = int(plan.adopt_year[l, k])
            if a == NEVER or a >= plan.retire_year[l]:
                continue
            without = plan.copy()
            without.adopt_year[l, k] = NEVER
            sel = np.array([l])
            cost_with, co2_with, capex_with = _yearly(instance, plan, sel)
            cost_wo, co2_wo, capex_wo = _yearly(instance, without, sel)
            span = slice(years.index(a), years.index(min(int(plan.retire_year[l]), years[-1] + 1) - 1) + 1)
            flows = Flows(
                capex_cny=float((capex_with - capex_wo).sum()),
                saving_by_year=(cost_wo - cost_with)[span],
                co2_avoided_by_year=(co2_wo - co2_with)[span],
                lifetime=int(instance.technologies["lifetime_years"].iloc[k]),
            )
            rows.append(
                {
                    "line_id": instance.lines.index[l],
                    "technology": tech,
                    "year": a,
                    **summarise(flows, instance.scenario.discount_rate),
                }
            )
    return pd.DataFrame(rows)


def portfolio_summary(instance: Instance, plan: Plan, reference: Plan) -> dict[str, float | None]:
    """The whole plan against a reference (usually business as usual) on the same lines."""
    years = list(instance.scenario.years)
    lines = np.arange(len(instance.lines))
    cost_p, co2_p, capex_p = _yearly(instance, plan, lines)
    cost_r, co2_r, capex_r = _yearly(instance, reference, lines)
    first = next((i for i, c in enumerate(capex_p) if c > 0), 1)
    life = int(instance.technologies["lifetime_years"].max())
    flows = Flows(float((capex_p - capex_r).sum()), (cost_r - cost_p)[first:], (co2_r - co2_p)[first:], life)
    out = summarise(flows, instance.scenario.discount_rate)
    out["npv_cny"] = float(evaluate(instance, plan).npv_cny)
    out["first_year"] = float(years[first])
    return out
