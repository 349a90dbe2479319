r"""Emissions cut versus the reference year from its year on (ZJ-T6; company goals), fraction.

.. math:: E_t \le (1 - v)\, E_0

with :math:`E_0` the row's ``reference_value`` where targets.csv states one, else the
base-year emissions of the scope.
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
    base = row.reference(scope.base_emissions)
    return emissions(m, d, scope, t), LE, (1 - row.value) * base, max(base, 1.0)


def check(terms: RowTerms, row: TargetRow, t: int) -> Checked:
    """The cut as a fraction, in the row's own unit (``fraction``): required v, achieved
    1 - E_t / E_0, so reports and the binding test (0.1 point) read it like any other cut."""
    base = row.reference(terms.base_co2)
    emitted = float(terms.measure("total_co2_t")[terms.in_scope, terms.y].sum())
    achieved = 1 - emitted / base if base > 0 else 0.0
    return row.value, achieved, emitted <= (1 - row.value) * base * (1 + REL_TOL) + 1e-6


KIND = TargetKind(
    name="emissions_cut",
    reference_unit="tCO2/yr",
    label_zh="碳排放削减",
    label_en="emissions cut",
    check=check,
    family="emissions_target",
    row=row,
    decompose="same",
    value_rule="fraction",
    at_least=True,
    price_unit="CNY per tCO2/yr",
    relaxation=Relaxation(None, "tCO2/yr", "tCO2/yr", "emissions must be allowed {a:,.0f} tCO2/yr more"),
)
