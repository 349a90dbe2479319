r"""Output-weighted carbon-intensity cut versus a reference ("重点产品单位能耗、碳排放强度不断
下降": the documents name the carbon intensity of key products beside their energy intensity),
fraction, per sector from its year on.

The carbon intensity of a sector is :math:`\bar E_t / \bar Q_t`, direct and indirect CO2
(:func:`optimizer.targets.model_terms.emissions`) per unit of output; :math:`E_t / Q_t \le
(1-v) I_0` is linear and exact once multiplied by :math:`Q_t = \sum q > 0`:

.. math:: E_t - (1-v)\, I_0 \Big(\sum_{l,j} q_{l,j,t} + \sum_s q^{new}_{s,t}\Big) \le 0

with :math:`I_0` the row's ``reference_value`` (tCO2 per unit) where targets.csv states one,
else the base-year fleet's :math:`E / Q` (evaluator, as built). Without output the row is
:math:`E_t \le 0` and the check reads no intensity (met).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.evaluator.kernels import MEASURE_INDEX
from optimizer.targets.check_terms import REL_TOL, price_terms
from optimizer.targets.kind import Checked, Relaxation, RowValue, TargetKind
from optimizer.targets.model_terms import LE, emissions

if TYPE_CHECKING:
    import pyomo.environ as pyo

    from optimizer.data.instance import Instance
    from optimizer.evaluator.api import Evaluation
    from optimizer.models.data import ModelData
    from optimizer.targets.check_terms import RowTerms
    from optimizer.targets.model_terms import Scope
    from optimizer.targets.rows import TargetRow


def row(m: pyo.ConcreteModel, d: ModelData, row: TargetRow, scope: Scope, t: int) -> RowValue:
    base = row.reference(scope.base_emissions / scope.base_output if scope.base_output > 0 else 0.0)
    limit = (1 - row.value) * base
    output = sum(m.q[l, j, tt] for (l, j, tt) in scope.x_keys[t])
    output += sum(m.qn[s, t] for s in scope.new if (s, t) in m.ST_new)
    # slack in share of the reference intensity: the row is E − lim·Q, Q summing to demand
    demand = sum(d.demand.get((s, t), 0.0) for s in row.sectors) or scope.base_output
    return emissions(m, d, scope, t) - limit * output, LE, 0.0, max(demand * base, 1.0)


def _base_intensity(terms: RowTerms) -> float:
    base = terms.col[terms.instance.scenario.base_year]
    output = float(terms.measure("output_units")[terms.in_scope, base].sum())
    return terms.base_co2 / output if output > 0 else 0.0


def check(terms: RowTerms, row: TargetRow, t: int) -> Checked:
    q = float(terms.measure("output_units")[terms.in_scope, terms.y].sum())
    if q <= 0:
        return row.value, row.value, True
    co2 = float(terms.measure("total_co2_t")[terms.in_scope, terms.y].sum())
    base = row.reference(_base_intensity(terms))
    achieved = 1 - (co2 / q) / base if base else 0.0
    return row.value, achieved, achieved >= row.value - REL_TOL


def price_factor(instance: Instance, evaluation: Evaluation, sectors: tuple[str, ...], year: int) -> float:
    """A cut one point deeper moves the row by 0.01 I_0 × the year's output (tCO2)."""
    p = price_terms(instance, evaluation.arrays, evaluation.values, sectors, year)
    output = evaluation.values[MEASURE_INDEX["output_units"]]
    co2 = evaluation.values[MEASURE_INDEX["total_co2_t"]]
    base_output = float(output[p.in_scope, p.base].sum())
    i0 = float(co2[p.in_scope, p.base].sum()) / base_output if base_output > 0 else 0.0
    return 0.01 * i0 * float(output[p.in_scope, p.y].sum())


KIND = TargetKind(
    name="co2_intensity_cut",
    reference_unit="tCO2/unit",
    check=check,
    label_zh="单位产品碳排放强度下降",
    label_en="carbon-intensity cut",
    family="co2_intensity_cut",
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
        "percentage points of the cut (of the reference carbon intensity)",
        "tCO2 (reference intensity x output)",
        "the carbon-intensity cut must be about {u:.3g} points smaller",
    ),
)
