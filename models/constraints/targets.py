"""Target constraints: one family per target kind's ``family`` (optimizer.targets.registry),
each row named by its target id and built by its kind's module (math in that docstring).

See :mod:`optimizer.targets.model_terms` for the linearisation and the relaxation slacks.
"""

from __future__ import annotations

import pyomo.environ as pyo

from optimizer.data.targets import applies
from optimizer.models.data import ModelData
from optimizer.targets.model_terms import GE, LE, Scope, add_family, line_weight, new_weight
from optimizer.targets.registry import KINDS, constraint_families


def target_keys(d: ModelData) -> list[tuple[str, int]]:
    """(label, model year) of every hard row in a constraint family (its slack's index)."""
    keys: list[tuple[str, int]] = []
    for row in d.targets:
        if row.hard and KINDS[row.kind].family is not None:
            keys.extend((row.label, t) for t in d.model_years if applies(row, t))
    return keys


def define_targets(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Every target family in registry order; a family's rows in targets.csv order."""
    for family in constraint_families():
        rows = [r for r in d.targets if r.hard and KINDS[r.kind].family == family]
        add_family(m, d, family, rows, lambda row, scope, t: _row(m, d, row, scope, t), applies)
        for k in dict.fromkeys(KINDS[r.kind].name for r in rows):
            extra = KINDS[k].extra
            if extra is not None:
                extra(m, d, [r for r in rows if r.kind == k])


def _row(m: pyo.ConcreteModel, d: ModelData, row, scope: Scope, t: int):
    body = KINDS[row.kind].row
    assert body is not None, f"kind {row.kind} has a family but no row builder"
    return body(m, d, row, scope, t)


ALL_TARGET_BUILDERS = (define_targets,)

__all__ = ["ALL_TARGET_BUILDERS", "GE", "LE", "Scope", "add_family", "line_weight", "new_weight"]
