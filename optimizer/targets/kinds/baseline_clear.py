r"""Running capacity worse than the baseline stays within v (0: cleared) (XE-T2, CQ-T5), t/yr.

.. math:: \sum_{l,j} C_l\, \beta_j\, x_{l,j,t} + \sum_s C^{std}_s \beta^{new}_s n_{s,t} \le v
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.targets.check_terms import REL_TOL
from optimizer.targets.kind import Checked, Relaxation, RowValue, TargetKind
from optimizer.targets.model_terms import LE, Scope, add_family
from optimizer.targets.naive_terms import intensity_switch

if TYPE_CHECKING:
    import pyomo.environ as pyo

    from optimizer.models.data import ModelData
    from optimizer.targets.check_terms import RowTerms
    from optimizer.targets.rows import TargetRow


def row(m: pyo.ConcreteModel, d: ModelData, row: TargetRow, scope: Scope, t: int) -> RowValue:
    p = d.packages
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


def check(terms: RowTerms, row: TargetRow, t: int) -> Checked:
    worse = terms.measure("worse_than_baseline")[terms.sel, terms.y] > 0.5
    achieved = float(terms.measure("capacity_per_year")[terms.sel, terms.y][worse].sum())
    return row.value, achieved, achieved <= row.value + REL_TOL * max(terms.base_cap, 1.0)


def naive_rows(m: pyo.ConcreteModel, d: ModelData, rows: list[TargetRow]) -> None:
    r"""Capacity below the baseline counted over indicator binaries.

    .. math:: \sum_l C_l\, g_{l,t} + \sum_s C^{std}_s \beta^{new}_s n_{s,t} \le v
    """
    lines = sorted({l for r in rows for l in Scope(d, r).lines})
    not_worse = ~d.packages.worse_than_baseline.astype(bool)
    intensity_switch(m, d, "naive_baseline", lines, not_worse, on_when_good=False)
    g = m.naive_baseline_indicator

    def body(row, scope: Scope, t: int):
        expr = sum(d.capacity[l] * g[l, t] for l in scope.lines)
        expr += sum(
            d.new_line[s]["capacity"] * d.new_line[s]["worse_than_baseline"] * m.n[s, t]
            for s in scope.new
            if (s, t) in m.ST_new
        )
        return expr, LE, row.value, max(scope.base_capacity, 1.0)

    add_family(m, d, "naive_baseline_clear", rows, body, KIND.holds)


KIND = TargetKind(
    name="baseline_clear",
    chart="share_cleared",
    check=check,
    label_zh="能效基准水平以下产能清零",
    label_en="capacity below baseline cleared",
    family="baseline_clear",
    naive=naive_rows,
    row=row,
    value_rule="nonnegative",
    price_unit="CNY per t/yr of capacity",
    relaxation=Relaxation(
        None,
        "t/yr",
        "t/yr below the baseline left running",
        "{a:,.0f} t/yr of capacity below the baseline must be allowed to run",
    ),
)
