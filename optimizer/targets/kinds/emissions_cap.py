r"""Emissions cap per year from its year on (GZ-T3, XJ-T3), tCO2/yr.

.. math:: E_t \le v

(E = direct + indirect CO2 of the scope, :func:`optimizer.targets.model_terms.emissions`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.targets.check_terms import REL_TOL
from optimizer.targets.kind import Checked, Relaxation, RowValue, TargetKind
from optimizer.targets.model_terms import LE, emissions

if TYPE_CHECKING:
    import pyomo.environ as pyo

    from optimizer.models.data import ModelData
    from optimizer.targets.check_terms import RowTerms
    from optimizer.targets.model_terms import Scope
    from optimizer.targets.rows import TargetRow


def row(m: pyo.ConcreteModel, d: ModelData, row: TargetRow, scope: Scope, t: int) -> RowValue:
    return emissions(m, d, scope, t), LE, row.value, max(row.value, 1.0)


def check(terms: RowTerms, row: TargetRow, t: int) -> Checked:
    achieved = float(terms.measure("total_co2_t")[terms.in_scope, terms.y].sum())
    return row.value, achieved, achieved <= row.value * (1 + REL_TOL) + 1e-6


KIND = TargetKind(
    name="emissions_cap",
    chart="emissions_level",
    check=check,
    label_zh="碳排放总量上限",
    label_en="emissions cap",
    family="emissions_target",
    row=row,
    decompose="split:emissions",
    value_rule="nonnegative",
    price_unit="CNY per tCO2/yr",
    relaxation=Relaxation(None, "tCO2/yr", "tCO2/yr", "emissions must be allowed {a:,.0f} tCO2/yr more"),
)
