"""Capacity replacement: t retired per t built (ZJ-R1), a sector's ratio in the swap rows
(models/constraints/swaps.py), checked as capacity retired so far over new capacity running."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from optimizer.targets.check_terms import REL_TOL
from optimizer.targets.kind import Checked, TargetKind

if TYPE_CHECKING:
    from optimizer.targets.check_terms import RowTerms
    from optimizer.targets.rows import TargetRow


def check(terms: RowTerms, row: TargetRow, t: int) -> Checked:
    arrs, y = terms.arrs, terms.y
    cap = terms.measure("capacity_per_year")
    new_cap = float(cap[terms.in_scope & arrs.is_new, y].sum()) if y is not None else 0.0
    retired = float(
        arrs.lines.capacity_per_year[terms.in_scope & ~arrs.is_new & (arrs.retire_year <= t)].sum()
    )
    # nothing built: no ratio to check (shown as "no new build"), not an infinite one
    achieved = retired / new_cap if new_cap > 0 else math.nan
    return row.value, achieved, new_cap == 0 or achieved >= row.value - REL_TOL


KIND = TargetKind(
    name="replacement_ratio_min",
    unmeasured="no_new_build",
    check=check,
    label_zh="产能置换比例",
    label_en="capacity replacement ratio",
    in_model_years=False,
    scope_free=True,
    value_rule="ratio",
    sets_swap_ratio=True,
)
