"""One table of the report in display form: header texts with units, values, number formats.

One :class:`Table` feeds both the Excel sheet and the HTML table, so the workbook and the
page can never disagree. Numbers are divided by the display unit's factor and otherwise kept
at full precision (rounding is only the cell's or the page's number format).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Column:
    """One column: header text (unit included), values, and how to show them.

    ``fmt`` is an Excel number format; ``kind`` is text, int, num or pct (pct values are
    fractions shown as percent, as Excel's percent format does). ``percent_rows`` marks rows
    of a mixed column (targets: fractions next to MW and tCO2) to show as percent;
    ``cell_class`` a per-cell style hint for the page (a year column of the folded targets
    table: met / missed / soft / na), where a row-wide hint cannot say which year missed.
    """

    header: str
    values: list[object]
    kind: str = "num"
    fmt: str = "#,##0.00"
    width: float | None = None
    percent_rows: list[bool] | None = None
    cell_class: list[str] | None = None


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column] = field(default_factory=list)
    # per-row style hint for the HTML page (e.g. "met", "missed", "soft", "na")
    row_class: list[str] = field(default_factory=list)
    # Excel only: a native chart of the table ("stacked_bar": first column the categories,
    # every other column one series)
    chart: str | None = None

    @property
    def n_rows(self) -> int:
        return len(self.columns[0].values) if self.columns else 0

    def add(
        self,
        header: str,
        values: Iterable[object],
        kind: str = "num",
        fmt: str = "#,##0.00",
        width: float | None = None,
    ) -> Column:
        column = Column(header, _clean(list(values)), kind, fmt, width)
        self.columns.append(column)
        return column


def _clean(values: list[object]) -> list[object]:
    """NaN becomes an empty cell; numpy scalars become Python numbers (openpyxl, json)."""
    out: list[object] = []
    for v in values:
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, float) and math.isnan(v):
            v = None
        out.append(v)
    return out
