"""The report's charts, one plotly figure each, built from a :class:`RunData`.

Every figure takes its numbers from the run's CSV files (kpis, targets, plan, costs) and
converts them to the language's display units once, here, so hover labels, axes and the
Excel workbook quote the same figures.
"""

from optimizer.report.figures.costs import costs_figure, investment_figure, mac_figure
from optimizer.report.figures.emissions import emissions_figure
from optimizer.report.figures.sectors import capacity_figure, pv_figure, shares_figure
from optimizer.report.figures.timeline import timeline_figure

__all__ = [
    "capacity_figure",
    "costs_figure",
    "emissions_figure",
    "investment_figure",
    "mac_figure",
    "pv_figure",
    "shares_figure",
    "timeline_figure",
]
