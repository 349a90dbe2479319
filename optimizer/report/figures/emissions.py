"""The emissions chart: CO2 per year by sector against the base year, caps and the peak deadline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from optimizer.report.data import RunData
from optimizer.report.figures.style import apply_layout, sector_colours
from optimizer.report.figures.target_marks import target_rows
from optimizer.report.labels import unit, with_unit


def plan_peak_year(total: pd.Series) -> int:
    """Year of the highest total emissions (the first one on a tie)."""
    return int(total.index[int(np.argmax(total.to_numpy()))])


def emissions_figure(data: RunData) -> go.Figure:
    """CO2 per year stacked by sector, the base-year level, caps and the peak deadline."""
    co2 = unit(data.lang, "co2")
    kpis = data.kpis
    assert kpis is not None
    fig = go.Figure()
    colours = sector_colours(data)
    for sector in data.sectors:
        rows = kpis[kpis["sector"] == sector]
        fig.add_bar(
            x=rows["year"],
            y=rows["total_co2_t"] / co2.factor,
            name=data.sector(sector),
            marker_color=colours[sector],
            hovertemplate="%{x}: %{y:,.2f} " + co2.label + "<extra>%{fullData.name}</extra>",
        )
    total = kpis.groupby("year")["total_co2_t"].sum()
    fig.add_scatter(
        x=total.index,
        y=total.to_numpy() / co2.factor,
        name=data.t("sector_total"),
        mode="lines+markers",
        line={"color": "black", "width": 2},
        hovertemplate="%{x}: %{y:,.2f} " + co2.label + "<extra>%{fullData.name}</extra>",
    )
    base = float(total.iloc[0])
    fig.add_hline(
        y=base / co2.factor,
        line={"dash": "dash", "color": "grey"},
        annotation_text=f"{data.t('base_level')} {base / co2.factor:,.1f}",
        annotation_position="bottom right",
    )
    peak_year = plan_peak_year(total)
    fig.add_annotation(
        x=peak_year,
        y=float(total.max()) / co2.factor,
        text=f"{data.t('plan_peak')} {peak_year}",
        showarrow=True,
        arrowhead=2,
        ax=50,
        ay=-30,
    )
    for target_id, rows in target_rows(data, {"emissions_level"}).groupby("target_id"):
        fig.add_scatter(
            x=rows["year"],
            y=rows["required"] / co2.factor,
            name=f"{data.t('cap')} {target_id}",
            mode="lines+markers",
            line={"dash": "dot", "color": "#d62728"},
            marker={"symbol": "line-ew-open", "size": 14},
        )
    for target_id, rows in target_rows(data, {"emissions_deadline"}).groupby("target_id"):
        deadline = int(rows["year"].max())
        fig.add_vline(
            x=deadline,
            line={"dash": "dot", "color": "#d62728"},
            annotation_text=f"{data.t('peak_deadline')} {deadline} ({target_id})",
            # left of the line: the deadline is usually the last plan year, and text to its
            # right ran into the legend (zhejiang's 2030, ZJ-T6)
            annotation_position="top left",
        )
        # the evaluator's requirement: no higher than the base year or the previous milestone
        fig.add_scatter(
            x=rows["year"],
            y=rows["required"] / co2.factor,
            name=f"{data.t('target')} {target_id}",
            mode="markers",
            marker={"symbol": "triangle-down", "size": 13, "color": "#d62728"},
            hovertemplate="%{x}: ≤ %{y:,.2f} " + co2.label + f"<extra>{target_id}</extra>",
        )
    years = data.years
    fig.update_layout(
        barmode="stack",
        xaxis={"dtick": 1, "title": data.t("year"), "range": [years[0] - 0.5, years[-1] + 0.5]},
    )
    fig.update_yaxes(title=with_unit(data.t("emissions"), co2.label), rangemode="tozero")
    return apply_layout(fig, data.t("emissions_title"), 480, legend_right=True)
