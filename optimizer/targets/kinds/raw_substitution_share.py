r"""Share of clinker raw-meal CaO from decarbonated sources (carbide slag, other calcium
wastes) reaches a floor from its year on (issue 14 item 5), fraction of output.

The evaluator measures it as the output-weighted share :math:`\bar\sigma_t = \sum q\,\sigma /
\sum q` over running lines whose product has a carbonate process factor (clinker), σ being a
line's share of CaO from decarbonated materials (kernels.py docstring). σ of a package does
not depend on its output, so :math:`\bar\sigma_t \ge v` is linear and exact once multiplied by
:math:`\sum q`:

.. math:: \sum_{l \in C,\,j} (\sigma_j - v)\, q_{l,j,t} + \sum_{s} (\sigma^{new}_s - v)\, q^{new}_{s,t} \ge 0

with C the lines of the scope making a carbonate product. Standard replacement lines carry no
technology, so :math:`\sigma^{new} = 0` unless their data says otherwise; the evaluator's check
verifies it either way. Without output there is no CaO to substitute: the row holds (0 ≥ 0)
and the check says met.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from optimizer.evaluator.kernels import MEASURE_INDEX
from optimizer.targets.check_terms import REL_TOL, price_terms
from optimizer.targets.kind import Checked, Relaxation, RowValue, TargetKind
from optimizer.targets.model_terms import GE

if TYPE_CHECKING:
    import pyomo.environ as pyo

    from optimizer.data.instance import Instance
    from optimizer.evaluator.api import Evaluation
    from optimizer.models.data import ModelData
    from optimizer.targets.check_terms import RowTerms
    from optimizer.targets.model_terms import Scope
    from optimizer.targets.rows import TargetRow


def _carbonate(instance: Instance, product: str) -> bool:
    return float(instance.products["carbonate_co2_t_per_unit"].get(product, 0.0) or 0.0) > 0


def row(m: pyo.ConcreteModel, d: ModelData, row: TargetRow, scope: Scope, t: int) -> RowValue:
    p, lines = d.packages, d.instance.lines
    calcined = {l for l in scope.lines if _carbonate(d.instance, str(lines.iloc[l]["product"]))}
    v = row.value
    expr = sum(
        (float(p.raw_cao_substitution_frac[j]) - v) * m.q[l, j, tt]
        for (l, j, tt) in scope.x_keys[t]
        if l in calcined
    )
    expr += sum(
        (d.new_line[s].get("raw_cao_substitution_frac", 0.0) - v) * m.qn[s, t]
        for s in scope.new
        if (s, t) in m.ST_new and _carbonate(d.instance, str(d.instance.new_builds.loc[s, "product"]))
    )
    # slack in share points of the scope's output (q sums to demand)
    output = sum(d.demand.get((s, t), 0.0) for s in row.sectors) or scope.base_output
    return expr, GE, 0.0, max(output, 1.0)


def _calcined_running(terms: RowTerms) -> np.ndarray:
    return terms.sel & (terms.arrs.lines.carbonate_co2_t_per_unit > 0)


def check(terms: RowTerms, row: TargetRow, t: int) -> Checked:
    sel = _calcined_running(terms)
    q = terms.measure("output_units")[sel, terms.y]
    if q.sum() <= 0:
        return row.value, 0.0, True
    achieved = float((q * terms.measure("raw_cao_substitution_frac")[sel, terms.y]).sum() / q.sum())
    return row.value, achieved, achieved >= row.value - REL_TOL


def price_factor(instance: Instance, evaluation: Evaluation, sectors: tuple[str, ...], year: int) -> float:
    """A floor one point higher moves the row by 0.01 × the output of the calcined lines."""
    p = price_terms(instance, evaluation.arrays, evaluation.values, sectors, year)
    sel = p.sel & (evaluation.arrays.lines.carbonate_co2_t_per_unit > 0)
    return 0.01 * float(evaluation.values[MEASURE_INDEX["output_units"], sel, p.y].sum())


KIND = TargetKind(
    name="raw_substitution_share",
    check=check,
    label_zh="熟料原料钙源替代(非碳酸盐)占比",
    label_en="raw-meal CaO from decarbonated sources",
    family="raw_substitution_share",
    row=row,
    decompose="same",
    value_rule="fraction",
    at_least=True,
    percent=True,
    price_unit="CNY per percentage point",
    price_factor=price_factor,
    relaxation=Relaxation(
        100.0,
        "percentage points of CaO share (of output)",
        "t of output x share",
        "the raw-material substitution share must be about {u:.3g} points lower",
    ),
)
