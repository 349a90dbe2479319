r"""Total capex spent over the horizon stays within a budget (company portfolios), CNY.

.. math:: \sum_{l,k,t} \kappa_{l,k} a_{l,k,t} + \sum_{s,t} \kappa^{std}_s (n_{s,t} - n_{s,t^-}) \le v

Nominal CNY, not discounted: the budget a board approves. One budget for the whole horizon,
checked once, at its year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.targets.check_terms import REL_TOL
from optimizer.targets.kind import Checked, Relaxation, RowValue, TargetKind
from optimizer.targets.model_terms import LE

if TYPE_CHECKING:
    import pyomo.environ as pyo

    from optimizer.models.data import ModelData
    from optimizer.targets.check_terms import RowTerms
    from optimizer.targets.model_terms import Scope
    from optimizer.targets.rows import TargetRow


def row(m: pyo.ConcreteModel, d: ModelData, row: TargetRow, scope: Scope, t: int) -> RowValue:
    last = d.model_years[-1]
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


def check(terms: RowTerms, row: TargetRow, t: int) -> Checked:
    achieved = float(terms.measure("capex_cny")[terms.in_scope].sum())
    return row.value, achieved, achieved <= row.value * (1 + REL_TOL)


KIND = TargetKind(
    name="capex_budget",
    label_zh="投资预算上限",
    label_en="capex budget",
    check=check,
    family="capex_budget",
    row=row,
    years="at",
    decompose="split:capacity",
    value_rule="nonnegative",
    price_unit="CNY per CNY of budget",
    relaxation=Relaxation(None, "CNY", "CNY", "the budget must be {a:,.0f} CNY larger"),
    goal_unit="CNY",
)
