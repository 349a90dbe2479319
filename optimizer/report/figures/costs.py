"""Money charts: cost components, the marginal abatement cost curve, investment per year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from optimizer.report.data import RunData
from optimizer.report.figures.style import PALETTE, apply_layout, sector_colours
from optimizer.report.labels import COST_COMPONENTS, unit, with_unit


def costs_figure(data: RunData) -> go.Figure:
    """Horizon totals per cost component, nominal and discounted; salvage as a credit."""
    costs = data.costs
    assert costs is not None
    money = unit(data.lang, "money")
    parts = costs[costs["component"] != "total"]
    names = [COST_COMPONENTS[data.lang].get(c, c) for c in parts["component"]]
    fig = go.Figure()
    for column, key, colour in (
        ("nominal_cny", "nominal", "#aec7e8"),
        ("discounted_cny", "discounted", "#1f77b4"),
    ):
        fig.add_bar(
            x=names,
            y=parts[column] / money.factor,
            name=data.t(key),
            marker_color=colour,
            hovertemplate="%{x}: %{y:,.2f} " + money.label + "<extra>%{fullData.name}</extra>",
        )
    total = costs[costs["component"] == "total"]
    if len(total):
        npv = float(total["discounted_cny"].iloc[0]) / money.factor
        fig.add_annotation(
            text=f"{data.t('npv')}: {npv:,.2f} {money.label}",
            xref="paper",
            yref="paper",
            x=1.0,
            y=1.0,
            showarrow=False,
            xanchor="right",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=with_unit(data.t("cost"), money.label))
    return apply_layout(fig, data.t("costs_title"))


def mac_figure(data: RunData, mac: pd.DataFrame) -> go.Figure:
    """Bars sorted by cost: width = tCO2 abated over the horizon, height = CNY/tCO2."""
    co2 = unit(data.lang, "co2")
    money = unit(data.lang, "money")
    mac_unit = unit(data.lang, "mac")
    curve = mac[mac["mac_cny_per_t"].notna()]
    fig = go.Figure()
    widths = curve["abated_t"].to_numpy() / co2.factor
    starts = np.concatenate([[0.0], np.cumsum(widths)[:-1]])
    for i, (_, row) in enumerate(curve.iterrows()):
        name = data.tech(row["tech_id"])
        fig.add_bar(
            x=[starts[i] + widths[i] / 2],
            y=[row["mac_cny_per_t"]],
            width=[widths[i]],
            name=name,
            marker={"color": PALETTE[i % len(PALETTE)], "line": {"color": "white", "width": 1}},
            customdata=[[widths[i], row["delta_npv_cny"] / money.factor, row["lines"]]],
            hovertemplate=(
                f"<b>{name}</b><br>{data.t('mac')}: %{{y:,.0f}} {mac_unit.label}"
                f"<br>{data.t('abated')}: %{{customdata[0]:,.2f}} {co2.label}"
                f"<br>{data.t('delta_npv')}: %{{customdata[1]:,.2f}} {money.label}"
                f"<br>{data.t('lines_adopting')}: %{{customdata[2]}}<extra></extra>"
            ),
        )
    if not len(curve):
        fig.add_annotation(text=data.t("mac_none"), xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False)
    fig.update_layout(bargap=0, showlegend=len(curve) <= 25)
    fig.update_xaxes(title=with_unit(data.t("abated"), co2.label), rangemode="tozero", separatethousands=True)
    fig.update_yaxes(title=with_unit(data.t("mac"), mac_unit.label), zeroline=True, zerolinecolor="black")
    return apply_layout(fig, data.t("mac_title"), 520, legend_right=True)


def investment_figure(data: RunData) -> go.Figure:
    """Capex per year stacked by sector (bars) and lines closed per year (markers, right axis)."""
    schedule = data.schedule
    assert schedule is not None
    money = unit(data.lang, "money")
    colours = sector_colours(data)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for sector, rows in schedule.groupby("sector", sort=False):
        fig.add_bar(
            x=rows["year"],
            y=rows["capex_cny"] / money.factor,
            name=data.sector(str(sector)),
            marker_color=colours.get(str(sector)),
            hovertemplate="%{x}: %{y:,.2f} " + money.label + "<extra>%{fullData.name}</extra>",
        )
    closed = schedule.groupby("year")["lines_closed"].sum()
    fig.add_scatter(
        x=list(closed.index),
        y=list(closed.values),
        name=data.t("lines_closed"),
        mode="lines+markers",
        line={"color": "#d62728", "dash": "dot"},
        secondary_y=True,
    )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title=with_unit(data.t("capex"), money.label), secondary_y=False)
    fig.update_yaxes(title=data.t("lines_closed"), secondary_y=True, rangemode="tozero")
    fig.update_xaxes(dtick=1)
    return apply_layout(fig, data.t("investment_title"))
