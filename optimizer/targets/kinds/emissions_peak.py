r"""Emissions peak by a year (ZJ-T6, CQ-T3): emissions in Y are no higher than in the model year
before Y and in the base year.

.. math:: E_Y \le E_0 \qquad E_Y - E_{Y^-} \le 0 \quad(\texttt{emissions\_peak\_falling})
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyomo.environ as pyo

from optimizer.targets.check_terms import REL_TOL
from optimizer.targets.kind import Checked, Relaxation, RowValue, TargetKind
from optimizer.targets.model_terms import LE, Scope, emissions

if TYPE_CHECKING:
    from optimizer.models.data import ModelData
    from optimizer.targets.check_terms import RowTerms
    from optimizer.targets.rows import TargetRow

FALLING = "emissions_peak_falling"


def row(m: pyo.ConcreteModel, d: ModelData, row: TargetRow, scope: Scope, t: int) -> RowValue:
    return emissions(m, d, scope, t), LE, scope.base_emissions, max(scope.base_emissions, 1.0)


def falling_rows(m: pyo.ConcreteModel, d: ModelData, rows: list[TargetRow]) -> None:
    """E_Y − E_{Y^-} ≤ 0 for every peak year after the first model year."""
    prev = dict(zip(d.model_years[1:], d.model_years[:-1], strict=True))
    index = []
    cache = {}
    for r in rows:
        if r.year not in prev:
            continue
        scope = Scope(d, r)
        key = (r.label, r.year)
        cache[key] = (
            emissions(m, d, scope, r.year) - emissions(m, d, scope, prev[r.year]),
            max(scope.base_emissions, 1.0),
        )
        index.append(key)
    if not index:
        return
    scales = m.__dict__.setdefault("slack_scales", {})
    for key, (_, scale) in cache.items():
        scales.setdefault(key, (FALLING, scale))
    setattr(
        m,
        FALLING,
        pyo.Constraint(
            index,
            rule=lambda m, label, t: (
                cache[(label, t)][0] - (cache[(label, t)][1] * m.slack[label, t] if d.relax_targets else 0)
                <= 0
            ),
        ),
    )
    m.target_families.append(FALLING)


def check(terms: RowTerms, row: TargetRow, t: int) -> Checked:
    co2 = terms.measure("total_co2_t")
    earlier = [terms.base_co2] + (
        [float(co2[terms.in_scope, terms.col[terms.prev[t]]].sum())] if t in terms.prev else []
    )
    required = min(earlier)
    achieved = float(co2[terms.in_scope, terms.y].sum())
    return required, achieved, achieved <= required * (1 + REL_TOL) + 1e-6


KIND = TargetKind(
    name="emissions_peak",
    chart="emissions_deadline",
    check=check,
    label_zh="碳排放达峰",
    label_en="emissions peak",
    family="emissions_target",
    row=row,
    extra=falling_rows,
    extra_families=(FALLING,),
    years="at",
    decompose="same",
    price_unit="CNY per tCO2/yr",
    relaxation=Relaxation(
        None, "tCO2/yr", "tCO2/yr", "the peak allows {a:,.0f} tCO2/yr more than the earlier year"
    ),
)
