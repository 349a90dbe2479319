"""Small lines (≤ v t/d) exit by a year (ZJ-R2, CQ-R1): forced retirements in the model data,
checked as the size of the largest small line still running (0 once all have exited)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.targets.kind import Checked, TargetKind

if TYPE_CHECKING:
    from optimizer.targets.check_terms import RowTerms
    from optimizer.targets.rows import TargetRow


def check(terms: RowTerms, row: TargetRow, t: int) -> Checked:
    lines = terms.arrs.lines
    small = terms.sel & (lines.size_t_per_day <= row.value) & ~terms.arrs.is_new
    small &= terms.measure("capacity_per_year")[:, terms.y] > 0
    achieved = float(lines.size_t_per_day[small].max()) if small.any() else 0.0
    return 0.0, achieved, not small.any()


KIND = TargetKind(
    name="size_exit",
    retires_small_lines=True,
    check=check,
    label_zh="小规模产线退出",
    label_en="small-line exit",
    value_rule="nonnegative",
)
