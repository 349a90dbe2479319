r"""Capacity cut versus the reference year (ZJ-T1, CQ-T4): running capacity ≤ (1 − v) C_0.

:math:`C_0` is the row's ``reference_value`` where targets.csv states one (the document's
reference year), else the base-year capacity of the scope.

.. math:: \sum_{l} C_l (1 - r_{l,t}) + \sum_s C^{std}_s n_{s,t} \le (1 - v)\, C_0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.targets.check_terms import REL_TOL, price_terms
from optimizer.targets.kind import Checked, Relaxation, RowValue, TargetKind
from optimizer.targets.model_terms import LE, running_capacity

if TYPE_CHECKING:
    import pyomo.environ as pyo

    from optimizer.data.instance import Instance
    from optimizer.evaluator.api import Evaluation
    from optimizer.models.data import ModelData
    from optimizer.targets.check_terms import RowTerms
    from optimizer.targets.model_terms import Scope
    from optimizer.targets.rows import TargetRow


def row(m: pyo.ConcreteModel, d: ModelData, row: TargetRow, scope: Scope, t: int) -> RowValue:
    return (
        running_capacity(m, d, scope, t),
        LE,
        (1 - row.value) * row.reference(scope.base_capacity),
        max(row.reference(scope.base_capacity), 1.0),
    )


def check(terms: RowTerms, row: TargetRow, t: int) -> Checked:
    achieved = 1 - float(terms.measure("capacity_per_year")[terms.sel, terms.y].sum()) / row.reference(
        terms.base_cap
    )
    return row.value, achieved, achieved >= row.value - REL_TOL


def price_factor(instance: Instance, evaluation: Evaluation, sectors: tuple[str, ...], year: int) -> float:
    """A cut one point deeper lowers the right-hand side by 0.01 C_0."""
    p = price_terms(instance, evaluation.arrays, evaluation.values, sectors, year)
    return 0.01 * float(p.cap[p.in_scope, p.base].sum())


KIND = TargetKind(
    name="capacity_cut",
    reference_unit="unit/yr",
    chart="capacity_below_base",
    check=check,
    label_zh="产能压减",
    label_en="capacity cut",
    family="capacity_target",
    row=row,
    decompose="same",
    value_rule="fraction",
    at_least=True,
    percent=True,
    price_unit="CNY per percentage point",
    price_factor=price_factor,
    relaxation=Relaxation(
        100.0,
        "percentage points of the cut",
        "t/yr of capacity above the limit",
        "the capacity cut must be {u:.3g} points smaller: {a:,.0f} t/yr more capacity kept",
    ),
)
