r"""Output-weighted intensity cut versus the base year (ZJ-T2, GZ-T2, XJ-T1, CQ-T1).

The documents measure energy per tonne of output, so the average is
:math:`\bar I_t = \sum e\,q / \sum q`; :math:`\bar I_t \le (1-v) I_0` is linear and exact
once multiplied by :math:`\sum q > 0`:

.. math:: \sum_{l,j} (I_{j} - (1-v) I_0)\, q_{l,j,t}
          + \sum_s (I^{new}_s - (1-v) I_0)\, q^{new}_{s,t} \le 0

with :math:`I_0` the row's ``reference_value`` where targets.csv states one (the document's
reference year), else :math:`\sum I\,q / \sum q` of the base year (evaluator, BAU plan); I of a package
does not depend on its output (production energy only, kernels.py docstring).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.evaluator.kernels import MEASURE_INDEX
from optimizer.targets.check_terms import REL_TOL, price_terms
from optimizer.targets.kind import Checked, Relaxation, RowValue, TargetKind
from optimizer.targets.model_terms import LE

if TYPE_CHECKING:
    import pyomo.environ as pyo

    from optimizer.data.instance import Instance
    from optimizer.evaluator.api import Evaluation
    from optimizer.models.data import ModelData
    from optimizer.targets.check_terms import RowTerms
    from optimizer.targets.model_terms import Scope
    from optimizer.targets.rows import TargetRow


def row(m: pyo.ConcreteModel, d: ModelData, row: TargetRow, scope: Scope, t: int) -> RowValue:
    p = d.packages
    base = row.reference(scope.base_intensity)
    limit = (1 - row.value) * base
    expr = sum(float(p.intensity_kgce_per_unit[j] - limit) * m.q[l, j, tt] for (l, j, tt) in scope.x_keys[t])
    expr += sum((d.new_line[s]["intensity"] - limit) * m.qn[s, t] for s in scope.new if (s, t) in m.ST_new)
    # slack in share of the base intensity: the row is Σ(I − lim)·q, q summing to demand
    output = sum(d.demand.get((s, t), 0.0) for s in row.sectors) or scope.base_output
    return expr, LE, 0.0, max(output * base, 1.0)


def check(terms: RowTerms, row: TargetRow, t: int) -> Checked:
    q = terms.measure("output_units")[terms.sel, terms.y]
    avg = (
        float((q * terms.measure("intensity_kgce_per_unit")[terms.sel, terms.y]).sum() / q.sum())
        if q.sum() > 0
        else 0.0
    )
    base = row.reference(terms.base_int)
    achieved = 1 - avg / base if base else 0.0
    return row.value, achieved, achieved >= row.value - REL_TOL


def price_factor(instance: Instance, evaluation: Evaluation, sectors: tuple[str, ...], year: int) -> float:
    """A cut one point deeper moves the row by 0.01 I_0 × running capacity."""
    p = price_terms(instance, evaluation.arrays, evaluation.values, sectors, year)
    c0 = p.cap[p.in_scope, p.base]
    intensity = evaluation.values[MEASURE_INDEX["intensity_kgce_per_unit"], p.in_scope, p.base]
    i0 = float((c0 * intensity).sum() / c0.sum())
    return 0.01 * i0 * float(p.cap[p.sel, p.y].sum())


KIND = TargetKind(
    name="intensity_cut",
    reference_unit="kgce/unit",
    chart="intensity_below_base",
    check=check,
    label_zh="单位产品能耗下降",
    label_en="energy-intensity cut",
    family="intensity_cut",
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
        "percentage points of the cut (of base intensity)",
        "kgce/unit x capacity",
        "the intensity cut must be about {u:.3g} points smaller",
    ),
)
