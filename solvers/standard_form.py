"""Compile a Pyomo model into a :class:`StandardForm` matrix in one pass.

Pyomo's persistent HiGHS interface hands a model over term by term, which was measured at ~100 s
for a national-size model against ~0.3 s for the same matrix passed to highspy at once. We use
Pyomo's own ``LinearStandardFormCompiler`` (mixed form keeps ≤, = and ≥ rows as they are) and
read variable bounds and integrality from the Pyomo variables, so the matrix is the model Pyomo
states; ``tests/test_solvers.py`` checks that on a model with every row type.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

import numpy as np
import pyomo.environ as pyo
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from optimizer.solvers.base import StandardForm


def compile_model(model: pyo.ConcreteModel) -> tuple[StandardForm, list]:
    """Return the standard form of ``model`` and the Pyomo variables of its columns."""
    info = LinearStandardFormCompiler().write(model, mixed_form=True, set_sense=pyo.minimize)
    A = info.A.tocsr()
    n_rows, n_cols = A.shape
    row_lower = np.full(n_rows, -np.inf)
    row_upper = np.full(n_rows, np.inf)
    row_constraints = []
    for i, (con, sense) in enumerate(info.rows):
        if sense == 0:
            row_lower[i] = row_upper[i] = info.rhs[i]
        elif sense == 1:
            row_upper[i] = info.rhs[i]
        else:
            row_lower[i] = info.rhs[i]
        row_constraints.append(con)
    # Ranged constraints come out as two rows of the same constraint: merge them back.
    merged_A, merged_lower, merged_upper, merged_rows = _merge_ranged_rows(
        A, row_lower, row_upper, row_constraints
    )
    columns = list(info.columns)
    col_lower = np.array([-np.inf if v.lb is None else v.lb for v in columns], dtype=float)
    col_upper = np.array([np.inf if v.ub is None else v.ub for v in columns], dtype=float)
    integer = np.array([v.is_integer() or v.is_binary() for v in columns], dtype=bool)
    c = np.asarray(info.c.toarray()).ravel() if info.c.shape[0] else np.zeros(n_cols)
    offset = float(info.c_offset[0]) if len(info.c_offset) else 0.0
    form = StandardForm(
        c=c.astype(float),
        offset=offset,
        A=merged_A.tocsc(),
        row_lower=merged_lower,
        row_upper=merged_upper,
        col_lower=col_lower,
        col_upper=col_upper,
        integer=integer,
        col_names=LazyNames(columns),
        row_names=LazyNames(merged_rows),
    )
    return form, columns


def _merge_ranged_rows(A, lower, upper, rows):
    """Rows of the same constraint (a ranged one comes out as two) merged into one."""
    keep = np.ones(len(rows), dtype=bool)
    seen: dict[int, int] = {}
    lower = lower.copy()
    upper = upper.copy()
    for i, con in enumerate(rows):
        if id(con) in seen:
            j = seen[id(con)]
            lower[j] = max(lower[j], lower[i])
            upper[j] = min(upper[j], upper[i])
            keep[i] = False
        else:
            seen[id(con)] = i
    index = np.flatnonzero(keep)
    return A[index], lower[index], upper[index], [rows[i] for i in index]


class LazyNames(Sequence[str]):
    """The names of Pyomo components, made on first use: naming a province's 47 000 columns and
    67 000 rows takes 0.35 s, which a short run needs for its plan (only diagnostics, prices and
    the alternatives read them)."""

    def __init__(self, components: list):
        self._components: list | None = components
        self._length = len(components)
        self._names: list[str] | None = None

    def _all(self) -> list[str]:
        if self._names is None:
            assert self._components is not None
            self._names = [c.name for c in self._components]
            self._components = None
        return self._names

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        return self._all()[i]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __reduce__(self) -> tuple:
        return (list, (self._all(),))
