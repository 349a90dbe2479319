"""Turn a solved model back into a :class:`Plan` the evaluator can check."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from optimizer.evaluator.plan import NEVER, NewLine, Plan
from optimizer.models.data import ModelData


@dataclass
class ModelDecisions:
    """What the model chose, per line and model year, in plain Python."""

    package: dict[tuple[int, int], int]  # (line, model year) -> package index (absent: retired)
    output: dict[tuple[int, int], float]  # (line, model year) -> unit/yr
    retired: dict[tuple[int, int], bool]
    new_count: dict[tuple[str, int], float]
    new_output: dict[tuple[str, int], float]
    objective: float


def read_decisions(m: pyo.ConcreteModel, d: ModelData) -> ModelDecisions:
    package, output = {}, {}
    for l, j, t in d.x_index:
        if pyo.value(m.x[l, j, t]) > 0.5:
            package[(l, t)] = j
            output[(l, t)] = max(0.0, float(pyo.value(m.q[l, j, t])))
    retired = {(l, t): pyo.value(m.r[l, t]) > 0.5 for l in d.lines for t in d.model_years}
    new_count = {(s, t): float(round(pyo.value(m.n[s, t]))) for (s, t) in m.ST_new}
    new_output = {(s, t): max(0.0, float(pyo.value(m.qn[s, t]))) for (s, t) in m.ST_new}
    return ModelDecisions(package, output, retired, new_count, new_output, float(pyo.value(m.npv)))


def decisions_to_plan(d: ModelData, dec: ModelDecisions) -> Plan:
    """Expand model-year decisions to every calendar year of the horizon."""
    inst = d.instance
    sc = inst.scenario
    plan = Plan.business_as_usual(inst)
    years = list(sc.years)
    rated = inst.lines["sector"].map(inst.sectors["rated_days_per_year"]).to_numpy(float)
    for l in d.lines:
        for t in d.model_years:
            if dec.retired[(l, t)]:
                plan.retire_year[l] = min(plan.retire_year[l], t)
                continue
            j = dec.package[(l, t)]
            for k in d.packages.techs[j]:
                plan.adopt_year[l, k] = min(plan.adopt_year[l, k], t)
            days = dec.output[(l, t)] / d.capacity[l] * rated[l]
            for y in d.years_of(t):
                plan.operating_days[l, years.index(y)] = days
    prev = dict(zip(d.model_years[1:], d.model_years[:-1], strict=True))
    new_lines: list[NewLine] = []
    for s in d.new_sectors:
        nl = d.new_line[s]
        for t in d.model_years:
            if (s, t) not in dec.new_count:
                continue
            built = dec.new_count[(s, t)] - (dec.new_count.get((s, prev[t]), 0.0) if t in prev else 0.0)
            if built > 0.5:
                new_lines.append(NewLine(f"NEW-{s}-{t}", s, t, built, np.zeros(len(years))))
        for line in new_lines:
            if line.sector != s:
                continue
            for t in d.model_years:
                count = dec.new_count.get((s, t), 0.0)
                if count <= 0 or t < line.start_year:
                    continue
                days = dec.new_output[(s, t)] / (count * nl["capacity"]) * nl["rated_days"]
                for y in d.years_of(t):
                    line.operating_days[years.index(y)] = days
    plan.new_lines = new_lines
    # a retired line whose capacity backs a replacement line is a swap-out
    for s in d.new_sectors:
        total_new = max((dec.new_count.get((s, t), 0.0) for t in d.model_years), default=0.0)
        need = total_new * d.new_line[s]["capacity"] * d.swap_ratio[s]
        retired = sorted(
            (l for l in d.lines if d.sector_of[l] == s and plan.retire_year[l] != NEVER),
            key=lambda l: (plan.retire_year[l], l),
        )
        for l in retired:
            if need <= 1e-6:
                break
            plan.swapped[l] = True
            need -= d.capacity[l]
    return plan
