"""Staggered production: at most v operating days a year from its year on (ZJ-R5, GZ-R1):
a cap on each line's days in the model data, checked on every running line and year after."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from optimizer.targets.kind import Checked, TargetKind

if TYPE_CHECKING:
    from optimizer.targets.check_terms import RowTerms
    from optimizer.targets.rows import TargetRow


def check(terms: RowTerms, row: TargetRow, t: int) -> Checked:
    span_cols = np.array([terms.col[s] for s in terms.years if s >= t])
    days = terms.arrs.operating_days[np.ix_(terms.in_scope, span_cols)]
    run = terms.running[np.ix_(terms.in_scope, span_cols)]
    achieved = float(days[run].max()) if run.any() else 0.0
    return row.value, achieved, achieved <= row.value + 1e-6


KIND = TargetKind(
    name="operating_days_max",
    caps_operating_days=True,
    check=check,
    label_zh="错峰生产天数上限",
    label_en="operating-days cap",
    value_rule="nonnegative",
)
