"""The report's tables in display form: localised headers with units, converted numbers.

:class:`Table` (in :mod:`.table`) feeds both the Excel sheet and the HTML table; the other
modules build one table each from a run folder's :class:`~optimizer.report.data.RunData`.
"""

from optimizer.report.tables.plan import costs_table, kpis_table, mac_table_display, plan_table
from optimizer.report.tables.schedule import group_schedule_display, investment_display, schedule_display
from optimizer.report.tables.solve import infeasibility_table, shadow_table, summary_table
from optimizer.report.tables.table import Column, Table
from optimizer.report.tables.targets import (
    target_price_sentences,
    target_prices_display,
    targets_by_target_table,
    targets_table,
)

__all__ = [
    "Column",
    "Table",
    "costs_table",
    "group_schedule_display",
    "infeasibility_table",
    "investment_display",
    "kpis_table",
    "mac_table_display",
    "plan_table",
    "schedule_display",
    "shadow_table",
    "summary_table",
    "target_price_sentences",
    "target_prices_display",
    "targets_by_target_table",
    "targets_table",
]
