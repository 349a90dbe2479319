"""Terms the target kinds' model rows share: scope members, running capacity, emissions.

Ratios (shares, averages) are linearised exactly: "share of capacity at benchmark ≥ v" becomes
Σ C·(b − v)·x ≥ 0 rather than an approximation. Every constraint is indexed by
``(label, t)``, label being the target id (``ZJ-T3:flat_glass`` for per-sector rows), so tests
and users can look it up. With ``relax_targets`` each row gets a slack ``s ≥ 0`` measured in
the target's own relative terms (share points, fraction of the base value) and priced in the
objective; it explains infeasible targets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pyomo.environ as pyo

from optimizer.targets.rows import TargetRow, is_multi_unit, share_weight

if TYPE_CHECKING:
    from optimizer.models.data import ModelData

GE, LE = ">=", "<="


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
        # a line's weight enters a row once per package and year: looked up once
        self.weight = {l: line_weight(d, l, self.multi_unit) for l in self.lines}


def line_weight(d: ModelData, l: int, multi_unit: bool) -> float:
    return share_weight(d.instance, d.product_of[l], float(d.capacity[l]), multi_unit)


def new_weight(d: ModelData, s: str, multi_unit: bool) -> float:
    product = str(d.instance.new_builds.loc[s, "product"])
    return share_weight(d.instance, product, d.new_line[s]["capacity"], multi_unit)


def add_family(
    m: pyo.ConcreteModel,
    d: ModelData,
    name: str,
    rows: list[TargetRow],
    body: Callable[[TargetRow, Scope, int], tuple[object, str, float, float]],
    applies: Callable[[TargetRow, int], bool],
) -> None:
    """Add constraint family ``name``: body returns (expression, sense, rhs, slack scale)."""
    index = []
    cache: dict[tuple[str, int], tuple[object, str, float, float]] = {}
    for row in rows:
        scope = Scope(d, row)
        for t in d.model_years:
            if applies(row, t):
                key = (row.label, t)
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
        float(p.co2_fixed_t[j, y]) * m.x[l, j, tt] + float(p.co2_per_unit_t[j, y]) * m.q[l, j, tt]
        for (l, j, tt) in scope.x_keys[t]
    )
    expr += sum(
        d.new_line[s]["co2_fixed"][y] * m.n[s, t] + d.new_line[s]["co2_per_unit"][y] * m.qn[s, t]
        for s in scope.new
        if (s, t) in m.ST_new
    )
    return expr
