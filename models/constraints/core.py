"""Line states, retrofit persistence, output bounds and demand.

Notation: x[l,j,t] = 1 when line l runs with package j in model year t; r[l,t] = 1 when l is
retired by t; q[l,j,t] its output (unit/yr); h[l,k,t] = Σ_{j∋k} x[l,j,t] whether it carries
technology k; a[l,k,t] ≥ 0 adoption of k at t; t⁻ is the model year before t.
"""

from __future__ import annotations

import pyomo.environ as pyo

from optimizer.models.data import ModelData
from optimizer.targets.registry import KINDS


def holding(m: pyo.ConcreteModel, d: ModelData, l: int, k: int, t: int):
    """h[l,k,t] = Σ_{j ∈ P(l), k ∈ j, (l,j,t) allowed} x[l,j,t].

    Built once per (l, k, t) and shared by every row that holds it (up to six: persistence,
    adoption, the projects ties, the roll-out pace); Pyomo's sums keep shared arguments
    intact. On zhejiang the rows were built 370 000 terms at a time before."""
    cache = m.__dict__.setdefault("_holding_expressions", {})
    key = (l, k, t)
    if key not in cache:
        allowed = d.x_allowed
        cache[key] = sum(m.x[l, j, t] for j in d.pkgs_with_tech[(l, k)] if (l, j, t) in allowed)
    return cache[key]


def define_one_state_per_line(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Each line runs with exactly one package or is retired.

    .. math:: \sum_j x_{l,j,t} + r_{l,t} = 1 \quad \forall l, t
    """
    by_lt: dict[tuple[int, int], list[int]] = {}
    for l, j, t in d.x_index:
        by_lt.setdefault((l, t), []).append(j)
    m.one_state_per_line = pyo.Constraint(
        m.LT, rule=lambda m, l, t: sum(m.x[l, j, t] for j in by_lt.get((l, t), [])) + m.r[l, t] == 1
    )


def define_retirement_is_final(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""A retired line stays retired.

    .. math:: r_{l,t^-} \le r_{l,t}
    """
    pairs = [(l, t) for l in d.lines for t in d.model_years[1:]]
    prev = dict(zip(d.model_years[1:], d.model_years[:-1], strict=True))
    m.retirement_is_final = pyo.Constraint(pairs, rule=lambda m, l, t: m.r[l, prev[t]] <= m.r[l, t])


def define_retrofit_persistence(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Once adopted, a retrofit stays until the line retires; adoption counts new holdings.

    .. math:: h_{l,k,t^-} \le h_{l,k,t} + r_{l,t}, \qquad a_{l,k,t} \ge h_{l,k,t} - h_{l,k,t^-}

    With a projects floor (which pushes a up) also
    :math:`a_{l,k,t} \le h_{l,k,t}` and :math:`a_{l,k,t} \le 1 - h_{l,k,t^-}`, so a project
    counts only when the line starts carrying k.
    """
    prev = dict(zip(d.model_years[1:], d.model_years[:-1], strict=True))
    keep_index = [(l, k, t) for (l, k) in d.tech_index for t in d.model_years[1:]]
    m.retrofit_persistence = pyo.Constraint(
        keep_index, rule=lambda m, l, k, t: holding(m, d, l, k, prev[t]) <= holding(m, d, l, k, t) + m.r[l, t]
    )
    first = d.model_years[0]
    if any(row.hard and KINDS[row.kind].counts_projects for row in d.targets):
        # a floor on Σ a pushes a up: tie it to a real start, a = h_t (1 - h_{t⁻}) exactly
        m.adoption_only_if_held = pyo.Constraint(
            m.LKT, rule=lambda m, l, k, t: m.a[l, k, t] <= holding(m, d, l, k, t)
        )
        m.adoption_only_if_new = pyo.Constraint(
            [(l, k, t) for (l, k, t) in m.LKT if t != first],
            rule=lambda m, l, k, t: m.a[l, k, t] <= 1 - holding(m, d, l, k, prev[t]),
        )
    m.adoption = pyo.Constraint(
        m.LKT,
        rule=lambda m, l, k, t: (
            m.a[l, k, t] >= holding(m, d, l, k, t) - (holding(m, d, l, k, prev[t]) if t != first else 0)
        ),
    )


def output_bounds(d: ModelData, l: int, j: int, t: int) -> tuple[float, float]:
    """(q_min, q_max) of line l with package j at t, unit/yr, staggered-production caps applied."""
    p = d.packages
    rated = d.rated_days_of[d.sector_of[l]]
    q_max = min(float(p.q_max[j]), d.capacity[l] * d.q_cap_days[(l, t)] / rated)
    # Python floats: a numpy scalar times a Pyomo variable takes numpy's slow ufunc path
    return float(p.q_min[j]), float(q_max)


def define_output_bounds(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Output of a running line lies between its fewest and most operating days.

    .. math:: \underline{q}_{l,j}\, x_{l,j,t} \le q_{l,j,t} \le \overline{q}_{l,j,t}\, x_{l,j,t}

    :math:`\underline{q}` also covers the output below which rooftop PV would exceed the line's
    own power use (the PV credit is exact only above it).
    """
    bounds = {key: output_bounds(d, *key) for key in d.x_index}
    for key, (low, high) in bounds.items():
        if low > high + 1e-9:
            m.x[key].fix(0)
    m.output_upper = pyo.Constraint(
        m.x_index, rule=lambda m, l, j, t: m.q[l, j, t] <= bounds[(l, j, t)][1] * m.x[l, j, t]
    )
    m.output_lower = pyo.Constraint(
        m.x_index, rule=lambda m, l, j, t: m.q[l, j, t] >= min(bounds[(l, j, t)]) * m.x[l, j, t]
    )


def define_demand(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Running lines (and replacement lines) produce each sector's demand.

    .. math:: \sum_{l \in s, j} q_{l,j,t} + q^{new}_{s,t} \ge D_{s,t}

    :math:`D_{s,t}` is the largest demand among the calendar years model year t stands for.
    """
    by_st: dict[tuple[str, int], list[tuple[int, int, int]]] = {}
    for l, j, t in d.x_index:
        by_st.setdefault((d.sector_of[l], t), []).append((l, j, t))
    m.demand = pyo.Constraint(
        list(d.demand),
        rule=lambda m, s, t: (
            sum(m.q[key] for key in by_st.get((s, t), [])) + (m.qn[s, t] if (s, t) in m.ST_new else 0)
            >= d.demand[(s, t)]
        ),
    )


def define_salvage_only_if_running(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""A retrofit earns salvage only if it was adopted and its line still runs at the end.

    .. math:: z_{l,k,t} \le a_{l,k,t}, \qquad z_{l,k,t} \le 1 - r_{l,T}

    with T the last model year; z carries the (negative) salvage cost, so it rises to
    min(a, 1 − r) and the credit is exact.
    """
    last = d.model_years[-1]
    m.salvage_if_adopted = pyo.Constraint(
        m.salvage_index, rule=lambda m, l, k, t: m.z[l, k, t] <= m.a[l, k, t]
    )
    m.salvage_if_running = pyo.Constraint(
        m.salvage_index, rule=lambda m, l, k, t: m.z[l, k, t] <= 1 - m.r[l, last]
    )
