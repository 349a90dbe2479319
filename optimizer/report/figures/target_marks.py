"""Which target rows a chart draws, and for which sector (each kind's ``chart`` mark)."""

from __future__ import annotations

import pandas as pd

from optimizer.report.data import RunData
from optimizer.targets.registry import KINDS


def target_rows(data: RunData, marks: set[str]) -> pd.DataFrame:
    """Target rows of the kinds drawn as one of ``marks`` (each kind's ``chart``)."""
    if data.targets is None:
        return pd.DataFrame()
    kinds = {name for name, k in KINDS.items() if k.chart in marks}
    return data.targets[data.targets["kind"].isin(kinds)]


def chart_mark(row: pd.Series) -> str | None:
    """How the report draws a target row (its kind's ``chart``), None if not at all."""
    k = KINDS.get(str(row["kind"]))
    return k.chart if k is not None else None


def target_sector(row: pd.Series) -> str | None:
    """The one sector a target row is about, or None for a pooled multi-sector target."""
    if row["group"] and row["group"] != "pooled":
        return str(row["group"])
    scope = [s for s in str(row["scope"]).split(";") if s]
    return scope[0] if len(scope) == 1 else None


def scope_label(data: RunData, row: pd.Series) -> str:
    """The name of the sector a target row is about, or the word for pooled (several sectors)."""
    sector = target_sector(row)
    if sector is not None:
        return data.sector(sector)
    return data.t("pooled")
