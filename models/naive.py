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

from optimizer.data.targets import applies
from optimizer.models.data import ModelData
from optimizer.targets.model_terms import GE, LE, Scope, add_family, line_weight, new_weight

DAYS_PER_YEAR = 365.0


def make_naive(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Rewrite a model built by :func:`build_model` into the naive formulation, in place."""
    _per_technology_binaries(m, d)
    _big_m_output(m, d)
    _big_m_benchmark_share(m, d)
    _big_m_baseline_clear(m, d)


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


def _intensity_switch(
    m: pyo.ConcreteModel, d: ModelData, name: str, lines: list[int], good: object, on_when_good: bool
) -> None:
    r"""Indicator g[l,t] of a line's status, switched by its intensity with a big M.

    ``on_when_good``: g = 1 only if the line runs a package with ``good[j]`` (at benchmark),
    :math:`I_{l,t} \le \theta_l + M_l (1 - g_{l,t})`, g ≤ 1 − r. Otherwise g = 1 whenever the
    running package is not good (worse than baseline), :math:`I_{l,t} \le \theta_l + M_l g_{l,t}`.
    θ_l is the largest intensity among the line's good packages.
    """
    p = d.packages
    intensity = p.intensity_kgce_per_unit
    pkgs = {l: d.pkgs_of_line[l] for l in lines}
    theta: dict[int, float] = {}
    spread: dict[int, float] = {}
    for l in lines:
        good_i = [float(intensity[j]) for j in pkgs[l] if good[j]]  # type: ignore[index]
        bad_i = [float(intensity[j]) for j in pkgs[l] if not good[j]]  # type: ignore[index]
        top = max(good_i + bad_i, default=0.0)
        theta[l] = max(good_i) if good_i else -1.0
        if good_i and bad_i and min(bad_i) <= theta[l]:
            raise ValueError(f"line {l}: a package off the benchmark is no worse than one on it")
        spread[l] = max(top - theta[l], 0.0)
    index = [(l, t) for l in lines for t in d.model_years]
    g = pyo.Var(index, domain=pyo.Binary)
    setattr(m, f"{name}_indicator", g)
    x_of: dict[tuple[int, int], list[int]] = {}
    for l, j, t in d.x_index:
        x_of.setdefault((l, t), []).append(j)

    def line_intensity(m: pyo.ConcreteModel, l: int, t: int):
        return sum(float(intensity[j]) * m.x[l, j, t] for j in x_of.get((l, t), []))

    if on_when_good:
        for l, t in index:
            if theta[l] < 0:
                g[l, t].fix(0)
        setattr(
            m,
            f"{name}_switch",
            pyo.Constraint(
                index,
                rule=lambda m, l, t: (
                    line_intensity(m, l, t) <= theta[l] + spread[l] * (1 - g[l, t])
                    if theta[l] >= 0
                    else pyo.Constraint.Skip
                ),
            ),
        )
        setattr(m, f"{name}_running", pyo.Constraint(index, rule=lambda m, l, t: g[l, t] <= 1 - m.r[l, t]))
    else:
        setattr(
            m,
            f"{name}_switch",
            pyo.Constraint(
                index,
                rule=lambda m, l, t: line_intensity(m, l, t) <= max(theta[l], 0.0) + spread[l] * g[l, t],
            ),
        )


def _big_m_benchmark_share(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Benchmark share counted over indicator binaries.

    .. math:: \sum_l w_l (g_{l,t} - v (1 - r_{l,t})) + \sum_s w^{std}_s (b^{new}_s - v)\, n_{s,t} \ge 0
    """
    rows = [r for r in d.targets if r.hard and r.kind == "benchmark_share"]
    if not rows or not hasattr(m, "benchmark_share"):
        return
    m.benchmark_share.deactivate()
    lines = sorted({l for r in rows for l in Scope(d, r).lines})
    _intensity_switch(m, d, "naive_benchmark", lines, d.packages.at_benchmark, on_when_good=True)
    g = m.naive_benchmark_indicator

    def body(row, scope: Scope, t: int):
        expr = sum(
            line_weight(d, l, scope.multi_unit) * (g[l, t] - row.value * (1 - m.r[l, t])) for l in scope.lines
        )
        expr += sum(
            new_weight(d, s, scope.multi_unit) * (d.new_line[s]["at_benchmark"] - row.value) * m.n[s, t]
            for s in scope.new
            if (s, t) in m.ST_new
        )
        return expr, GE, 0.0, sum(line_weight(d, l, scope.multi_unit) for l in scope.lines)

    add_family(m, d, "naive_benchmark_share", rows, body, applies)


def _big_m_baseline_clear(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Capacity below the baseline counted over indicator binaries.

    .. math:: \sum_l C_l\, g_{l,t} + \sum_s C^{std}_s \beta^{new}_s n_{s,t} \le v
    """
    rows = [r for r in d.targets if r.hard and r.kind == "baseline_clear"]
    if not rows or not hasattr(m, "baseline_clear"):
        return
    m.baseline_clear.deactivate()
    lines = sorted({l for r in rows for l in Scope(d, r).lines})
    not_worse = ~d.packages.worse_than_baseline.astype(bool)
    _intensity_switch(m, d, "naive_baseline", lines, not_worse, on_when_good=False)
    g = m.naive_baseline_indicator

    def body(row, scope: Scope, t: int):
        expr = sum(d.capacity[l] * g[l, t] for l in scope.lines)
        expr += sum(
            d.new_line[s]["capacity"] * d.new_line[s]["worse_than_baseline"] * m.n[s, t]
            for s in scope.new
            if (s, t) in m.ST_new
        )
        return expr, LE, row.value, max(scope.base_capacity, 1.0)

    add_family(m, d, "naive_baseline_clear", rows, body, applies)
