"""A target the engine does not model: listed with its source, never checked."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from optimizer.targets.kind import Checked, TargetKind

if TYPE_CHECKING:
    from optimizer.targets.check_terms import RowTerms
    from optimizer.targets.rows import TargetRow


def check(terms: RowTerms, row: TargetRow, t: int) -> Checked:
    return row.value, math.nan, None


KIND = TargetKind(
    name="not_modelled",
    check=check,
    label_zh="未纳入模型",
    label_en="not modelled",
    in_model_years=False,
    scope_free=True,
)
