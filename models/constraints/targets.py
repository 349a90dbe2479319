"""Target constraints: one builder per target kind, each row named by its target id.

Ratios (shares, averages) are linearised exactly: "share of capacity at benchmark ≥ v" becomes
Σ C·(b − v)·x ≥ 0 rather than an approximation. Every constraint is indexed by
``(label, t)``, label being the target id (``ZJ-T3:flat_glass`` for per-sector rows), so tests
and users can look it up. With ``relax_targets`` each row gets a slack ``s ≥ 0`` measured in
the target's own relative terms (share points, fraction of the base value) and priced in the
objective; it explains infeasible targets.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyomo.environ as pyo

from optimizer.data.targets import TargetRow, applies, is_multi_unit, share_weight
from optimizer.models.data import ModelData

GE, LE = ">=", "<="


def target_label(row: TargetRow) -> str:
    return row.label


def target_keys(d: ModelData) -> list[tuple[str, int]]:
    keys: list[tuple[str, int]] = []
    for row in d.targets:
        if not row.hard or row.kind in {
            "not_modelled",
            "replacement_ratio",
            "size_exit",
            "operating_days_max",
        }:
            continue
        keys.extend((target_label(row), t) for t in d.model_years if applies(row, t))
    return keys


class Scope:
    """Precomputed members of a target's scope."""

    def __init__(self, d: ModelData, row: TargetRow):
        self.lines = [l for l in d.lines if d.sector_of[l] in row.sectors]
        line_set = set(self.lines)
        self.x_keys: dict[int, list[tuple[int, int, int]]] = {t: [] for t in d.model_years}
        for key in d.x_index:
            if key[0] in line_set:
                self.x_keys[key[2]].append(key)
        self.new = [s for s in d.new_sectors if s in row.sectors]
        base = d.base_frame
        assert base is not None
        mask = base["sector"].isin(row.sectors).to_numpy()
        self.base_capacity = float(base.loc[mask, "capacity_per_year"].sum())
        out = base.loc[mask, "output_units"].to_numpy()
        inten = base.loc[mask, "intensity_kgce_per_unit"].to_numpy()
        self.base_output = float(out.sum())
        # output-weighted, as the documents measure energy per unit of product
        self.base_intensity = float((out * inten).sum() / out.sum()) if out.sum() > 0 else 0.0
        self.base_emissions = float(base.loc[mask, "total_co2_t"].sum())
        self.multi_unit = is_multi_unit(d.instance, row.sectors)


def _line_weight(d: ModelData, l: int, multi_unit: bool) -> float:
    return share_weight(d.instance, d.instance.lines.iloc[l]["product"], float(d.capacity[l]), multi_unit)


def _new_weight(d: ModelData, s: str, multi_unit: bool) -> float:
    product = str(d.instance.new_builds.loc[s, "product"])
    return share_weight(d.instance, product, d.new_line[s]["capacity"], multi_unit)


def _add(
    m: pyo.ConcreteModel,
    d: ModelData,
    name: str,
    rows: list[TargetRow],
    body: Callable[[TargetRow, Scope, int], tuple[object, str, float, float]],
) -> None:
    """Add constraint family ``name``: body returns (expression, sense, rhs, slack scale)."""
    index = []
    cache: dict[tuple[str, int], tuple[object, str, float, float]] = {}
    for row in rows:
        scope = Scope(d, row)
        for t in d.model_years:
            if applies(row, t):
                key = (target_label(row), t)
                cache[key] = body(row, scope, t)
                index.append(key)
    if not index:
        return

    # slack scales, so a relaxation can be reported in the target's own absolute unit
    scales = m.__dict__.setdefault("slack_scales", {})
    scales.update({key: (name, value[3]) for key, value in cache.items()})

    def rule(m: pyo.ConcreteModel, label: str, t: int):
        expr, sense, rhs, scale = cache[(label, t)]
        slack = scale * m.slack[label, t] if d.relax_targets else 0
        if sense == GE:
            return expr + slack >= rhs  # type: ignore[operator]
        return expr - slack <= rhs  # type: ignore[operator]

    setattr(m, name, pyo.Constraint(index, rule=rule))
    m.target_families.append(name)


def running_capacity(m: pyo.ConcreteModel, d: ModelData, scope: Scope, t: int):
    """Σ_{l∈scope} C_l (1 − r_{l,t}) + Σ_s C^{std}_s n_{s,t}."""
    return sum(d.capacity[l] * (1 - m.r[l, t]) for l in scope.lines) + sum(
        d.new_line[s]["capacity"] * m.n[s, t] for s in scope.new if (s, t) in m.ST_new
    )


def emissions(m: pyo.ConcreteModel, d: ModelData, scope: Scope, t: int):
    """E_t = Σ (e^{fix}_{j,t} x + e^{unit}_{j,t} q) + Σ_s (e^{fix}_s n + e^{unit}_s q^{new}), tCO2."""
    p = d.packages
    y = d.year_pos[t]
    expr = sum(
        p.co2_fixed_t[j, y] * m.x[l, j, tt] + p.co2_per_unit_t[j, y] * m.q[l, j, tt]
        for (l, j, tt) in scope.x_keys[t]
    )
    expr += sum(
        d.new_line[s]["co2_fixed"][y] * m.n[s, t] + d.new_line[s]["co2_per_unit"][y] * m.qn[s, t]
        for s in scope.new
        if (s, t) in m.ST_new
    )
    return expr


def define_capacity_targets(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Capacity cut versus the base year, or an absolute cap (ZJ-T1, CQ-T4, NA-T1).

    .. math:: \sum_{l} C_l (1 - r_{l,t}) + \sum_s C^{std}_s n_{s,t} \le (1 - v)\, C_0
              \quad\text{or}\quad \le v
    """

    def body(row: TargetRow, scope: Scope, t: int):
        rhs = (1 - row.value) * scope.base_capacity if row.kind == "capacity_cut" else row.value
        return running_capacity(m, d, scope, t), LE, rhs, max(scope.base_capacity, 1.0)

    _add(
        m,
        d,
        "capacity_target",
        [r for r in d.targets if r.hard and r.kind in {"capacity_cut", "capacity_cap"}],
        body,
    )


def define_intensity_cut(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Output-weighted intensity cut versus the base year (ZJ-T2, GZ-T2, XJ-T1, CQ-T1).

    The documents measure energy per tonne of output, so the average is
    :math:`\bar I_t = \sum e\,q / \sum q`; :math:`\bar I_t \le (1-v) I_0` is linear and exact
    once multiplied by :math:`\sum q > 0`:

    .. math:: \sum_{l,j} (I_{j} - (1-v) I_0)\, q_{l,j,t}
              + \sum_s (I^{new}_s - (1-v) I_0)\, q^{new}_{s,t} \le 0

    with :math:`I_0 = \sum I\,q / \sum q` of the base year (evaluator, BAU plan); I of a package
    does not depend on its output (production energy only, kernels.py docstring).
    """
    p = d.packages

    def body(row: TargetRow, scope: Scope, t: int):
        limit = (1 - row.value) * scope.base_intensity
        expr = sum((p.intensity_kgce_per_unit[j] - limit) * m.q[l, j, tt] for (l, j, tt) in scope.x_keys[t])
        expr += sum(
            (d.new_line[s]["intensity"] - limit) * m.qn[s, t] for s in scope.new if (s, t) in m.ST_new
        )
        # slack in share of the base intensity: the row is Σ(I − lim)·q, q summing to demand
        output = sum(d.demand.get((s, t), 0.0) for s in row.sectors) or scope.base_output
        return expr, LE, 0.0, max(output * scope.base_intensity, 1.0)

    _add(m, d, "intensity_cut", [r for r in d.targets if r.hard and r.kind == "intensity_cut"], body)


def define_benchmark_share(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Share of running capacity at or better than the benchmark (ZJ-T3, GZ-T1, XJ-T2, CQ-T2).

    .. math:: \sum_{l,j} w_l\,(b_j - v)\, x_{l,j,t} + \sum_s w^{std}_s (b^{new}_s - v)\, n_{s,t} \ge 0

    with :math:`b_j = 1` when package j brings the line to its benchmark; :math:`w` is
    capacity, or capacity × benchmark intensity when the scope mixes product units.
    """
    p = d.packages

    def body(row: TargetRow, scope: Scope, t: int):
        expr = sum(
            _line_weight(d, l, scope.multi_unit) * (float(p.at_benchmark[j]) - row.value) * m.x[l, j, tt]
            for (l, j, tt) in scope.x_keys[t]
        )
        expr += sum(
            _new_weight(d, s, scope.multi_unit) * (d.new_line[s]["at_benchmark"] - row.value) * m.n[s, t]
            for s in scope.new
            if (s, t) in m.ST_new
        )
        total = sum(_line_weight(d, l, scope.multi_unit) for l in scope.lines)
        return expr, GE, 0.0, total

    _add(m, d, "benchmark_share", [r for r in d.targets if r.hard and r.kind == "benchmark_share"], body)


def define_baseline_clear(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Running capacity worse than the baseline stays within v (0: cleared) (XE-T2, CQ-T5).

    .. math:: \sum_{l,j} C_l\, \beta_j\, x_{l,j,t} + \sum_s C^{std}_s \beta^{new}_s n_{s,t} \le v
    """
    p = d.packages

    def body(row: TargetRow, scope: Scope, t: int):
        expr = sum(
            d.capacity[l] * float(p.worse_than_baseline[j]) * m.x[l, j, tt]
            for (l, j, tt) in scope.x_keys[t]
            if p.worse_than_baseline[j]
        )
        expr += sum(
            d.new_line[s]["capacity"] * d.new_line[s]["worse_than_baseline"] * m.n[s, t]
            for s in scope.new
            if (s, t) in m.ST_new
        )
        return expr, LE, row.value, max(scope.base_capacity, 1.0)

    _add(m, d, "baseline_clear", [r for r in d.targets if r.hard and r.kind == "baseline_clear"], body)


def define_clean_energy(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Installed rooftop PV on running lines reaches the floor (ZJ-T4), MW.

    .. math:: \sum_{l,j} \mathrm{MW}_j\, x_{l,j,t} \ge v
    """
    p = d.packages

    def body(row: TargetRow, scope: Scope, t: int):
        expr = sum(p.pv_mw[j] * m.x[l, j, tt] for (l, j, tt) in scope.x_keys[t] if p.pv_mw[j] > 0)
        return expr, GE, row.value, max(row.value, 1.0)

    _add(m, d, "clean_energy_mw", [r for r in d.targets if r.hard and r.kind == "clean_energy_mw"], body)


def define_attribute_share(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Share of running lines holding an attribute (grade A: ZJ-T5; green/smart: XJ-T4).

    .. math:: \sum_{l,j} (\alpha_j - v)\, x_{l,j,t} + \sum_s (\alpha^{new}_s - v)\, n_{s,t} \ge 0
    """
    p = d.packages
    names = p.attribute_names

    def body(row: TargetRow, scope: Scope, t: int):
        bit = 1 << names.index(row.attribute) if row.attribute in names else 0
        expr = sum(
            (float(bool(p.attr_bits[j] & bit)) - row.value) * m.x[l, j, tt] for (l, j, tt) in scope.x_keys[t]
        )
        expr += sum(
            (float(row.attribute in d.new_line[s]["attributes"]) - row.value) * m.n[s, t]
            for s in scope.new
            if (s, t) in m.ST_new
        )
        return expr, GE, 0.0, max(len(scope.lines), 1)

    _add(m, d, "attribute_share", [r for r in d.targets if r.hard and r.kind == "attribute_share"], body)


def define_emissions(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Emissions cap or cut per year, and peak by a year (ZJ-T6, GZ-T3, XJ-T3, CQ-T3).

    Cap: :math:`E_t \le v` for t ≥ year; cut: :math:`E_t \le (1 - v) E_0`. Peak by Y: emissions
    in Y are no higher than in the model year before Y and in the base year,
    :math:`E_Y \le E_{Y^-}` and :math:`E_Y \le E_0`
    (E = direct + indirect CO2 of the scope, tCO2/yr).
    """
    prev = dict(zip(d.model_years[1:], d.model_years[:-1], strict=True))

    def body(row: TargetRow, scope: Scope, t: int):
        if row.kind == "emissions_cap":
            return emissions(m, d, scope, t), LE, row.value, max(row.value, 1.0)
        if row.kind == "emissions_cut":
            limit = (1 - row.value) * scope.base_emissions
            return emissions(m, d, scope, t), LE, limit, max(scope.base_emissions, 1.0)
        return emissions(m, d, scope, t), LE, scope.base_emissions, max(scope.base_emissions, 1.0)

    rows = [r for r in d.targets if r.hard and r.kind in {"emissions_cap", "emissions_cut", "emissions_peak"}]
    _add(m, d, "emissions_target", rows, body)

    peak_rows = [r for r in rows if r.kind == "emissions_peak" and r.year in prev]
    index = []
    cache = {}
    for row in peak_rows:
        scope = Scope(d, row)
        key = (target_label(row), row.year)
        cache[key] = (
            emissions(m, d, scope, row.year) - emissions(m, d, scope, prev[row.year]),
            max(scope.base_emissions, 1.0),
        )
        index.append(key)
    if index:
        scales = m.__dict__.setdefault("slack_scales", {})
        for key, (_, scale) in cache.items():
            scales.setdefault(key, ("emissions_peak_falling", scale))
        m.emissions_peak_falling = pyo.Constraint(
            index,
            rule=lambda m, label, t: (
                cache[(label, t)][0] - (cache[(label, t)][1] * m.slack[label, t] if d.relax_targets else 0)
                <= 0
            ),
        )
        m.target_families.append("emissions_peak_falling")


def define_projects_min(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Retrofit projects started per year reach the floor in every model year (ZJ ≥ 100/yr).

    .. math:: \sum_{l \in scope, k} a_{l,k,t} \ge v \cdot |t|

    where |t| is the number of calendar years model year t stands for (adoptions happen at
    model years, so the floor is met on average over each period).
    """

    def body(row: TargetRow, scope: Scope, t: int):
        lines = set(scope.lines)
        expr = sum(m.a[l, k, t] for (l, k) in d.tech_index if l in lines)
        need = row.value * len(d.years_of(t))
        return expr, GE, need, max(need, 1.0)

    _add(m, d, "projects_min", [r for r in d.targets if r.hard and r.kind == "projects_min"], body)


def define_capex_budget(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Total capex spent over the horizon stays within a budget (company portfolios), CNY.

    .. math:: \sum_{l,k,t} \kappa_{l,k} a_{l,k,t} + \sum_{s,t} \kappa^{std}_s (n_{s,t} - n_{s,t^-}) \le v

    Nominal CNY, not discounted: the budget a board approves.
    """
    last = d.model_years[-1]

    def body(row: TargetRow, scope: Scope, t: int):
        lines = set(scope.lines)
        expr = sum(
            float(d.packages.tech_capex_cny[l, k]) * m.a[l, k, tt]
            for (l, k) in d.tech_index
            if l in lines
            for tt in d.model_years
        )
        # n is cumulative and never falls, so n at the last model year counts every line built
        for s in scope.new:
            expr += d.new_line[s]["capex"] * m.n[s, last] if (s, last) in m.ST_new else 0
        return expr, LE, row.value, max(row.value, 1.0)

    rows = [r for r in d.targets if r.hard and r.kind == "capex_budget"]
    _add(m, d, "capex_budget", rows, body)


ALL_TARGET_BUILDERS = (
    define_capacity_targets,
    define_intensity_cut,
    define_benchmark_share,
    define_baseline_clear,
    define_clean_energy,
    define_attribute_share,
    define_emissions,
    define_projects_min,
    define_capex_budget,
)

__all__ = ["ALL_TARGET_BUILDERS", "np"]
