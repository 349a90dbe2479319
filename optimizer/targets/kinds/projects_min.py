r"""Retrofit projects started per year reach the floor in every model year (ZJ ≥ 100/yr).

.. math:: \sum_{l \in scope, k} a_{l,k,t} \ge v \cdot |t|

where |t| is the number of calendar years model year t stands for (adoptions happen at
model years, so the floor is met on average over each period).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from optimizer.targets.check_terms import REL_TOL
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
    lines = set(scope.lines)
    expr = sum(m.a[l, k, t] for (l, k) in d.tech_index if l in lines)
    need = row.value * len(d.years_of(t))
    return expr, GE, need, max(need, 1.0)


def check(terms: RowTerms, row: TargetRow, t: int) -> Checked:
    span = terms.periods.get(t, (t,))
    started = terms.measure("projects_started")[
        np.ix_(terms.in_scope, np.array([terms.col[s] for s in span]))
    ]
    return (
        row.value,
        float(started.sum()) / len(span),
        float(started.sum()) / len(span) >= row.value - REL_TOL,
    )


def price_factor(instance: Instance, evaluation: Evaluation, sectors: tuple[str, ...], year: int) -> float:
    """A floor v·|t| moves by |t| projects per project/yr."""
    from optimizer.data.targets import model_years_of, period_map

    periods = period_map(model_years_of(instance), instance.scenario.horizon_end)
    return float(len(periods.get(year, (year,))))


KIND = TargetKind(
    name="projects_min",
    counts_projects=True,
    check=check,
    label_zh="节能降碳改造项目数",
    label_en="retrofit projects",
    family="projects_min",
    row=row,
    years="every",
    scope_free=True,
    decompose="split:lines",
    value_rule="nonnegative",
    at_least=True,
    price_unit="CNY per project/yr",
    price_factor=price_factor,
    relaxation=Relaxation(None, "projects", "projects", "{a:,.1f} fewer retrofit projects over the period"),
)
