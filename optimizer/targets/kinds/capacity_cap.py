r"""Absolute capacity cap (NA-T1), t/yr.

.. math:: \sum_{l} C_l (1 - r_{l,t}) + \sum_s C^{std}_s n_{s,t} \le v
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.targets.check_terms import REL_TOL
from optimizer.targets.kind import Checked, Relaxation, RowValue, TargetKind
from optimizer.targets.model_terms import LE, running_capacity

if TYPE_CHECKING:
    import pyomo.environ as pyo

    from optimizer.models.data import ModelData
    from optimizer.targets.check_terms import RowTerms
    from optimizer.targets.model_terms import Scope
    from optimizer.targets.rows import TargetRow


def row(m: pyo.ConcreteModel, d: ModelData, row: TargetRow, scope: Scope, t: int) -> RowValue:
    return running_capacity(m, d, scope, t), LE, row.value, max(scope.base_capacity, 1.0)


def check(terms: RowTerms, row: TargetRow, t: int) -> Checked:
    achieved = float(terms.measure("capacity_per_year")[terms.sel, terms.y].sum())
    return row.value, achieved, achieved <= row.value * (1 + REL_TOL)


KIND = TargetKind(
    name="capacity_cap",
    chart="capacity_level",
    check=check,
    label_zh="产能上限",
    label_en="capacity cap",
    family="capacity_target",
    row=row,
    decompose="split:capacity",
    value_rule="nonnegative",
    price_unit="CNY per t/yr of capacity",
    relaxation=Relaxation(
        None, "t/yr", "t/yr of capacity above the cap", "the capacity cap must be {a:,.0f} t/yr higher"
    ),
)
