r"""Installed rooftop PV on running lines reaches the floor (ZJ-T4), MW.

.. math:: \sum_{l,j} \mathrm{MW}_j\, x_{l,j,t} \ge v
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.targets.check_terms import REL_TOL
from optimizer.targets.kind import Checked, Relaxation, RowValue, TargetKind
from optimizer.targets.model_terms import GE

if TYPE_CHECKING:
    import pyomo.environ as pyo

    from optimizer.models.data import ModelData
    from optimizer.targets.check_terms import RowTerms
    from optimizer.targets.model_terms import Scope
    from optimizer.targets.rows import TargetRow


def row(m: pyo.ConcreteModel, d: ModelData, row: TargetRow, scope: Scope, t: int) -> RowValue:
    p = d.packages
    expr = sum(float(p.pv_mw[j]) * m.x[l, j, tt] for (l, j, tt) in scope.x_keys[t] if p.pv_mw[j] > 0)
    return expr, GE, row.value, max(row.value, 1.0)


def check(terms: RowTerms, row: TargetRow, t: int) -> Checked:
    achieved = float(terms.measure("pv_mw")[terms.sel, terms.y].sum())
    return row.value, achieved, achieved >= row.value * (1 - REL_TOL)


KIND = TargetKind(
    name="clean_energy_mw",
    chart="pv_floor",
    check=check,
    label_zh="清洁能源装机",
    label_en="clean-energy capacity",
    family="clean_energy_mw",
    row=row,
    decompose="split:roof",
    value_rule="nonnegative",
    at_least=True,
    price_unit="CNY per MW",
    relaxation=Relaxation(None, "MW", "MW", "the clean-energy floor must be {a:,.1f} MW lower"),
    goal_unit="MW",
)
