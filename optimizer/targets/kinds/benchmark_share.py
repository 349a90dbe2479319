r"""Share of running capacity at or better than the benchmark (ZJ-T3, GZ-T1, XJ-T2, CQ-T2).

.. math:: \sum_{l,j} w_l\,(b_j - v)\, x_{l,j,t} + \sum_s w^{std}_s (b^{new}_s - v)\, n_{s,t} \ge 0

with :math:`b_j = 1` when package j brings the line to its benchmark; :math:`w` is
capacity, or capacity × benchmark intensity when the scope mixes product units.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from optimizer.targets.check_terms import REL_TOL, price_terms
from optimizer.targets.kind import Checked, Relaxation, RowValue, TargetKind
from optimizer.targets.model_terms import GE, Scope, add_family, new_weight
from optimizer.targets.naive_terms import intensity_switch
from optimizer.targets.rows import is_multi_unit, share_weight

if TYPE_CHECKING:
    import pyomo.environ as pyo

    from optimizer.data.instance import Instance
    from optimizer.evaluator.api import Evaluation
    from optimizer.models.data import ModelData
    from optimizer.targets.check_terms import RowTerms
    from optimizer.targets.rows import TargetRow


def row(m: pyo.ConcreteModel, d: ModelData, row: TargetRow, scope: Scope, t: int) -> RowValue:
    p = d.packages
    expr = sum(
        scope.weight[l] * (float(p.at_benchmark[j]) - row.value) * m.x[l, j, tt]
        for (l, j, tt) in scope.x_keys[t]
    )
    expr += sum(
        new_weight(d, s, scope.multi_unit) * (d.new_line[s]["at_benchmark"] - row.value) * m.n[s, t]
        for s in scope.new
        if (s, t) in m.ST_new
    )
    total = sum(scope.weight.values())
    return expr, GE, 0.0, total


def check(terms: RowTerms, row: TargetRow, t: int) -> Checked:
    w = terms.measure("capacity_per_year")[terms.sel, terms.y] * terms.weights[terms.sel]
    at = terms.measure("at_benchmark")[terms.sel, terms.y] > 0.5
    achieved = float(w[at].sum() / w.sum()) if w.sum() > 0 else 0.0
    return row.value, achieved, achieved >= row.value - REL_TOL


def price_factor(instance: Instance, evaluation: Evaluation, sectors: tuple[str, ...], year: int) -> float:
    """A share one point higher moves Σ w (b − v) x ≥ 0 by 0.01 Σ w x (running weight)."""
    p = price_terms(instance, evaluation.arrays, evaluation.values, sectors, year)
    multi = is_multi_unit(instance, sectors)
    weights = np.array(
        [share_weight(instance, product, 1.0, multi) for product in evaluation.arrays.products]
    )
    return 0.01 * float((p.cap[p.sel, p.y] * weights[p.sel]).sum())


def naive_rows(m: pyo.ConcreteModel, d: ModelData, rows: list[TargetRow]) -> None:
    r"""Benchmark share counted over indicator binaries.

    .. math:: \sum_l w_l (g_{l,t} - v (1 - r_{l,t})) + \sum_s w^{std}_s (b^{new}_s - v)\, n_{s,t} \ge 0
    """
    lines = sorted({l for r in rows for l in Scope(d, r).lines})
    intensity_switch(m, d, "naive_benchmark", lines, d.packages.at_benchmark, on_when_good=True)
    g = m.naive_benchmark_indicator

    def body(row, scope: Scope, t: int):
        expr = sum(scope.weight[l] * (g[l, t] - row.value * (1 - m.r[l, t])) for l in scope.lines)
        expr += sum(
            new_weight(d, s, scope.multi_unit) * (d.new_line[s]["at_benchmark"] - row.value) * m.n[s, t]
            for s in scope.new
            if (s, t) in m.ST_new
        )
        return expr, GE, 0.0, sum(scope.weight.values())

    add_family(m, d, "naive_benchmark_share", rows, body, KIND.holds)


KIND = TargetKind(
    name="benchmark_share",
    chart="share_floor",
    check=check,
    label_zh="能效标杆水平产能占比",
    label_en="capacity at benchmark",
    family="benchmark_share",
    naive=naive_rows,
    row=row,
    per_sector=True,
    decompose="same",
    value_rule="fraction",
    at_least=True,
    percent=True,
    price_unit="CNY per percentage point",
    price_factor=price_factor,
    relaxation=Relaxation(
        100.0,
        "percentage points of share (of the base capacity)",
        "capacity short of the benchmark (share weight)",
        "the benchmark share must be about {u:.3g} points lower: {a:,.0f} of capacity "
        "(share weight) more below the benchmark",
    ),
)
