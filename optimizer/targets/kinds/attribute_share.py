r"""Share of running lines holding an attribute (grade A: ZJ-T5; green/smart: XJ-T4).

.. math:: \sum_{l,j} (\alpha_j - v)\, x_{l,j,t} + \sum_s (\alpha^{new}_s - v)\, n_{s,t} \ge 0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

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


def row(m: pyo.ConcreteModel, d: ModelData, row: TargetRow, scope: Scope, t: int) -> RowValue:
    p = d.packages
    names = p.attribute_names
    bit = 1 << names.index(row.attribute) if row.attribute in names else 0
    expr = sum(
        (float(bool(p.attr_bits[j] & bit)) - row.value) * m.x[l, j, tt] for (l, j, tt) in scope.x_keys[t]
    )
    expr += sum(
        (float(row.attribute in d.new_line[s]["attributes"]) - row.value) * m.n[s, t]
        for s in scope.new
        if (s, t) in m.ST_new
    )
    return expr, GE, 0.0, max(len(scope.lines), 1)


def check(terms: RowTerms, row: TargetRow, t: int) -> Checked:
    names = terms.arrs.attribute_names
    bit = 1 << names.index(row.attribute) if row.attribute in names else 0
    bits = terms.measure("attr_bits")[terms.sel, terms.y].astype(np.int64)
    holders = int(((bits & bit) > 0).sum()) if bit else 0
    achieved = holders / max(int(terms.sel.sum()), 1)
    return row.value, achieved, achieved >= row.value - REL_TOL


def price_factor(instance: Instance, evaluation: Evaluation, sectors: tuple[str, ...], year: int) -> float:
    """A share one point higher moves the row by 0.01 × running lines."""
    return 0.01 * float(price_terms(instance, evaluation.arrays, evaluation.values, sectors, year).sel.sum())


KIND = TargetKind(
    name="attribute_share",
    check=check,
    label_zh="达标企业占比",
    label_en="share of producers with attribute",
    family="attribute_share",
    row=row,
    per_sector=True,
    decompose="same",
    value_rule="fraction",
    needs_attribute=True,
    at_least=True,
    percent=True,
    price_unit="CNY per percentage point",
    price_factor=price_factor,
    relaxation=Relaxation(
        100.0,
        "percentage points of share (of the base line count)",
        "lines",
        "the share must be about {u:.3g} points lower: {a:.3g} lines fewer with the attribute",
    ),
    goal_attribute="grade_a",
)
