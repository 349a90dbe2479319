"""Per-sector charts: capacity and intensity, benchmark and baseline shares, rooftop PV."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from optimizer.report.data import RunData
from optimizer.report.figures.style import apply_layout, sector_colours
from optimizer.report.figures.target_marks import chart_mark, scope_label, target_rows, target_sector
from optimizer.report.labels import intensity_unit, output_unit, with_unit


def _base_value(kpis: pd.DataFrame, sector: str, column: str) -> float:
    rows = kpis[kpis["sector"] == sector].sort_values("year")
    return float(rows[column].iloc[0]) if len(rows) else math.nan


def capacity_figure(data: RunData) -> go.Figure:
    """Per sector: running capacity and capacity-weighted intensity, with target levels."""
    kpis = data.kpis
    assert kpis is not None
    sectors = data.sectors
    titles = []
    for s in sectors:
        cap = output_unit(data.lang, data.sector_unit(s))
        titles.append(f"{data.sector(s)} — {with_unit(data.t('capacity'), cap.label)}")
        per_unit = intensity_unit(data.lang, data.sector_unit(s))
        titles.append(f"{data.sector(s)} — {with_unit(data.t('intensity'), per_unit)}")
    fig = make_subplots(
        rows=len(sectors), cols=2, subplot_titles=titles, vertical_spacing=0.35 / max(len(sectors), 1)
    )
    colours = sector_colours(data)
    targets = target_rows(data, {"capacity_below_base", "capacity_level", "intensity_below_base"})
    shown_target_legend = False
    for r, s in enumerate(sectors, start=1):
        cap_unit = output_unit(data.lang, data.sector_unit(s))
        rows = kpis[kpis["sector"] == s]
        fig.add_scatter(
            x=rows["year"],
            y=rows["capacity_per_year"] / cap_unit.factor,
            mode="lines+markers",
            line={"color": colours[s]},
            name=data.sector(s),
            legendgroup=s,
            showlegend=False,
            hovertemplate="%{x}: %{y:,.2f} " + cap_unit.label + "<extra></extra>",
            row=r,
            col=1,
        )
        fig.add_scatter(
            x=rows["year"],
            y=rows["intensity_kgce_per_unit"],
            mode="lines+markers",
            line={"color": colours[s]},
            name=data.sector(s),
            legendgroup=s,
            showlegend=False,
            hovertemplate="%{x}: %{y:,.2f} kgce<extra></extra>",
            row=r,
            col=2,
        )
        for _, t in targets.iterrows():
            if target_sector(t) != s:
                continue
            if chart_mark(t) == "intensity_below_base":
                level, col = _base_value(kpis, s, "intensity_kgce_per_unit") * (1 - t["required"]), 2
            elif chart_mark(t) == "capacity_below_base":
                level = _base_value(kpis, s, "capacity_per_year") * (1 - t["required"]) / cap_unit.factor
                col = 1
            else:
                level, col = float(t["required"]) / cap_unit.factor, 1
            fig.add_scatter(
                x=[t["year"]],
                y=[level],
                mode="markers",
                marker={"symbol": "triangle-down", "size": 12, "color": "#d62728"},
                name=data.t("target"),
                legendgroup="target",
                showlegend=not shown_target_legend,
                hovertemplate=f"{t['target_id']} %{{x}}: %{{y:,.2f}}<extra>{data.t('target')}</extra>",
                row=r,
                col=col,
            )
            shown_target_legend = True
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(rangemode="tozero")
    return apply_layout(fig, data.t("capacity_title"), 120 + 240 * len(sectors), legend_right=True)


def shares_figure(data: RunData) -> go.Figure:
    """Per sector: share of capacity at benchmark (left) and worse than baseline (right)."""
    kpis = data.kpis
    assert kpis is not None
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[data.t("share_benchmark"), data.t("share_worse")],
        horizontal_spacing=0.08,
    )
    colours = sector_colours(data)
    for s in data.sectors:
        rows = kpis[kpis["sector"] == s]
        for col, column in ((1, "share_at_benchmark"), (2, "share_worse_than_baseline")):
            fig.add_scatter(
                x=rows["year"],
                y=rows[column],
                mode="lines+markers",
                name=data.sector(s),
                legendgroup=s,
                showlegend=col == 1,
                line={"color": colours[s]},
                hovertemplate="%{x}: %{y:.1%}<extra>%{fullData.name}</extra>",
                row=1,
                col=col,
            )
    shown_legend = False
    for _, t in target_rows(data, {"share_floor", "share_cleared"}).iterrows():
        if chart_mark(t) == "share_cleared" and float(t["required"]) != 0.0:
            continue  # a capacity allowance, not a share: listed in the target table only
        col = 1 if chart_mark(t) == "share_floor" else 2
        sign = "≥" if col == 1 else "≤"
        fig.add_scatter(
            x=[t["year"]],
            y=[t["required"] if col == 1 else 0.0],
            mode="markers",
            marker={"symbol": "triangle-up" if col == 1 else "triangle-down", "size": 12, "color": "#d62728"},
            name=data.t("target"),
            legendgroup="target",
            showlegend=not shown_legend,
            hovertemplate=f"{t['target_id']} ({scope_label(data, t)}) %{{x}}: "
            f"{sign} %{{y:.0%}}<extra>{data.t('target')}</extra>",
            row=1,
            col=col,
        )
        shown_legend = True
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(tickformat=".0%", range=[-0.03, 1.05])
    fig.update_yaxes(title=with_unit(data.t("share"), "%"), row=1, col=1)
    return apply_layout(fig, data.t("shares_title"), 460, legend_right=True)


def pv_figure(data: RunData) -> go.Figure:
    """Installed PV (MW) per year by sector, against clean-energy targets."""
    kpis = data.kpis
    assert kpis is not None
    fig = go.Figure()
    colours = sector_colours(data)
    for s in data.sectors:
        rows = kpis[kpis["sector"] == s]
        if not (rows["pv_mw"] > 0).any():
            continue
        fig.add_bar(
            x=rows["year"],
            y=rows["pv_mw"],
            name=data.sector(s),
            marker_color=colours[s],
            hovertemplate="%{x}: %{y:,.1f} MW<extra>%{fullData.name}</extra>",
        )
    if not fig.data:
        # nothing installed: still draw the axes so the planner sees zero, not a missing chart
        total = kpis.groupby("year")["pv_mw"].sum()
        fig.add_bar(x=total.index, y=total.to_numpy(), name=data.t("pv"), marker_color="#9467bd")
    for target_id, rows in target_rows(data, {"pv_floor"}).groupby("target_id"):
        fig.add_scatter(
            x=rows["year"],
            y=rows["required"],
            mode="markers+lines",
            name=f"{data.t('target')} {target_id}",
            line={"dash": "dot", "color": "#d62728"},
            marker={"symbol": "triangle-up", "size": 12},
        )
    fig.update_layout(barmode="stack", xaxis={"dtick": 1, "title": data.t("year")})
    fig.update_yaxes(title=with_unit(data.t("pv"), "MW"), rangemode="tozero")
    return apply_layout(fig, data.t("pv_title"), 440, legend_right=True)
