"""A deliberately naive formulation of the same planning problem, for the speed benchmark.

It has the same integer-feasible plans and the same objective as :func:`models.build.build_model`
(a test solves both to optimality and compares), but is written the way a first model usually
is, so the benchmark can show what the strong formulation buys:

* **per-technology binaries** ``u[l,k,t]`` decide what a line carries; the package indicators
  ``x[l,j,t]`` become continuous and are tied to ``u`` by the textbook AND linearisation
  (x ≤ u_k for k ∈ j, x ≤ 1 − u_k for k ∉ j, x ≥ 1 − r − Σ_{k∈j}(1 − u_k) − Σ_{k∉j} u_k);
  retrofit persistence and adoption are written on ``u``;
* **big-M output**: one output per line ``Q[l,t]``, copied to the chosen package's output by
  q ≤ Q, q ≥ Q − M(1 − x), q ≤ M x with M the line's output at 365 days;
* **big-M targets**: a line's benchmark (or below-baseline) status is an indicator binary
  switched by its intensity, I_{l,t} ≤ θ_l + M(1 − g_{l,t}), and the share counts indicators.

Exactness: with u, r and g integral, x is integral (exactly one package matches u) and every
big-M row reduces to the strong model's row. θ_l is the largest intensity among the line's
packages at its benchmark; the build checks that every package off the benchmark lies above it.
Not used by the product; with ``relax_targets`` its rows take the same priced slacks.
"""

from __future__ import annotations

import pyomo.environ as pyo

from optimizer.models.data import ModelData
from optimizer.targets.registry import KINDS

DAYS_PER_YEAR = 365.0


def make_naive(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Rewrite a model built by :func:`build_model` into the naive formulation, in place."""
    _per_technology_binaries(m, d)
    _big_m_output(m, d)
    _big_m_targets(m, d)


def _techs_of_line(d: ModelData) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for l, k in d.tech_index:
        out.setdefault(l, []).append(k)
    return out


def _per_technology_binaries(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""u[l,k,t] ∈ {0,1}; x continuous and tied to u by AND rows; persistence on u.

    .. math:: x_{l,j,t} \le u_{l,k,t}\ (k \in j), \quad x_{l,j,t} \le 1 - u_{l,k,t}\ (k \notin j),
              \quad x_{l,j,t} \ge 1 - r_{l,t} - \sum_{k\in j}(1 - u_{l,k,t}) - \sum_{k \notin j} u_{l,k,t}

    .. math:: u_{l,k,t^-} \le u_{l,k,t} + r_{l,t}, \qquad a_{l,k,t} \ge u_{l,k,t} - u_{l,k,t^-}
    """
    techs = _techs_of_line(d)
    p = d.packages
    m.u = pyo.Var(m.LKT, domain=pyo.Binary)
    for var in m.x.values():
        if not var.fixed:
            var.domain = pyo.UnitInterval
    member = [(l, j, t, k) for (l, j, t) in d.x_index for k in p.techs[j]]
    non_member = [
        (l, j, t, k) for (l, j, t) in d.x_index for k in techs.get(l, []) if k not in set(p.techs[j])
    ]
    m.naive_and_member = pyo.Constraint(member, rule=lambda m, l, j, t, k: m.x[l, j, t] <= m.u[l, k, t])
    m.naive_and_non_member = pyo.Constraint(
        non_member, rule=lambda m, l, j, t, k: m.x[l, j, t] <= 1 - m.u[l, k, t]
    )

    def all_match(m: pyo.ConcreteModel, l: int, j: int, t: int):
        inside = set(p.techs[j])
        miss = sum(1 - m.u[l, k, t] for k in inside) + sum(
            m.u[l, k, t] for k in techs.get(l, []) if k not in inside
        )
        return m.x[l, j, t] >= 1 - m.r[l, t] - miss

    m.naive_and_all = pyo.Constraint(d.x_index, rule=all_match)
    m.retrofit_persistence.deactivate()
    m.adoption.deactivate()
    prev = dict(zip(d.model_years[1:], d.model_years[:-1], strict=True))
    keep_index = [(l, k, t) for (l, k) in d.tech_index for t in d.model_years[1:]]
    m.naive_persistence = pyo.Constraint(
        keep_index, rule=lambda m, l, k, t: m.u[l, k, prev[t]] <= m.u[l, k, t] + m.r[l, t]
    )
    m.naive_adoption = pyo.Constraint(
        m.LKT,
        rule=lambda m, l, k, t: m.a[l, k, t] >= m.u[l, k, t] - (m.u[l, k, prev[t]] if t in prev else 0),
    )


def _big_m_output(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""One output per line, copied to the running package by big-M rows.

    .. math:: q_{l,j,t} \le Q_{l,t}, \quad q_{l,j,t} \ge Q_{l,t} - M_l (1 - x_{l,j,t}),
              \quad q_{l,j,t} \le M_l x_{l,j,t}, \quad
              \sum_j \underline{q}_{l,j,t} x_{l,j,t} \le Q_{l,t} \le \sum_j \overline{q}_{l,j,t} x_{l,j,t}
    """
    from optimizer.models.constraints.core import output_bounds

    rated = d.instance.sectors["rated_days_per_year"]
    big_m = {l: float(d.capacity[l]) * DAYS_PER_YEAR / float(rated[d.sector_of[l]]) for l in d.lines}
    m.Q = pyo.Var(m.LT, domain=pyo.NonNegativeReals)
    for (l, _t), var in m.Q.items():
        var.setub(big_m[l])
    m.output_upper.deactivate()
    m.output_lower.deactivate()
    by_lt: dict[tuple[int, int], list[int]] = {}
    for l, j, t in d.x_index:
        by_lt.setdefault((l, t), []).append(j)
    bounds = {key: output_bounds(d, *key) for key in d.x_index}
    m.naive_copy_upper = pyo.Constraint(m.x_index, rule=lambda m, l, j, t: m.q[l, j, t] <= m.Q[l, t])
    m.naive_copy_lower = pyo.Constraint(
        m.x_index, rule=lambda m, l, j, t: m.q[l, j, t] >= m.Q[l, t] - big_m[l] * (1 - m.x[l, j, t])
    )
    m.naive_copy_off = pyo.Constraint(
        m.x_index, rule=lambda m, l, j, t: m.q[l, j, t] <= big_m[l] * m.x[l, j, t]
    )
    m.naive_line_upper = pyo.Constraint(
        m.LT,
        rule=lambda m, l, t: (
            m.Q[l, t] <= sum(bounds[(l, j, t)][1] * m.x[l, j, t] for j in by_lt.get((l, t), []))
        ),
    )
    m.naive_line_lower = pyo.Constraint(
        m.LT,
        rule=lambda m, l, t: (
            m.Q[l, t] >= sum(min(bounds[(l, j, t)]) * m.x[l, j, t] for j in by_lt.get((l, t), []))
        ),
    )


def _big_m_targets(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Each kind with a naive form (``TargetKind.naive``) swaps its strong family for it."""
    for k in KINDS.values():
        rows = [r for r in d.targets if r.hard and r.kind == k.name]
        if k.naive is None or k.family is None or not rows or not hasattr(m, k.family):
            continue
        getattr(m, k.family).deactivate()
        k.naive(m, d, rows)
