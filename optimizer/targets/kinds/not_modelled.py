"""A target the engine does not model: listed with its source, never checked."""

from __future__ import annotations

import math

from optimizer.targets.kind import TargetKind


def check(terms, row, t):
    return row.value, math.nan, None


KIND = TargetKind(
    name="not_modelled",
    check=check,
    label_zh="未纳入模型",
    label_en="not modelled",
    in_model_years=False,
    scope_free=True,
)
