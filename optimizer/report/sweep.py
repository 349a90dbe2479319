"""Charts for sweeps and Monte Carlo, from tidy DataFrames (reused by the sweep tooling).

``tornado_figure(df)``: one row per parameter and case, columns ``parameter``, ``case``
(``low`` / ``high``) and ``value`` (the output metric, e.g. NPV); optional ``base`` (the
metric of the unchanged run, the same on every row). Bars show ``value - base`` per parameter,
widest swing on top.

``distribution_figure(df)``: one row per sample, column ``value``; optional ``group`` (one
histogram per group, overlaid) and ``metric`` (one panel per metric).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from optimizer.report.figures.style import FONT, PALETTE


def _style(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.0},
        template="plotly_white",
        font={"family": FONT, "size": 13},
        height=height,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0.0},
    )
    return fig


def tornado_figure(
    df: pd.DataFrame, *, base: float | None = None, title: str = "", value_label: str = "value"
) -> go.Figure:
    """Sensitivity tornado: per parameter the swing of the metric between its low and high case."""
    missing = {"parameter", "case", "value"} - set(df.columns)
    if missing:
        raise ValueError(f"tornado_figure needs columns parameter, case, value (missing: {sorted(missing)})")
    if base is None:
        base = float(df["base"].iloc[0]) if "base" in df.columns and len(df) else 0.0
    wide = df.pivot_table(index="parameter", columns="case", values="value", aggfunc="first")
    for case in ("low", "high"):
        if case not in wide.columns:
            wide[case] = base
    wide = wide.fillna(base)
    wide["swing"] = (wide["high"] - wide["low"]).abs()
    wide = wide.sort_values("swing")  # plotly draws the first category at the bottom
    fig = go.Figure()
    for case, colour in (("low", "#1f77b4"), ("high", "#d62728")):
        fig.add_bar(
            y=list(wide.index),
            x=wide[case] - base,
            base=base,
            orientation="h",
            name=case,
            marker_color=colour,
            customdata=wide[case],
            hovertemplate="%{y} (" + case + "): %{customdata:,.4g}<extra></extra>",
        )
    fig.add_vline(x=base, line={"color": "black", "width": 1})
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title=value_label)
    return _style(fig, title, max(300, 120 + 34 * len(wide)))


def distribution_figure(df: pd.DataFrame, *, title: str = "", value_label: str = "value") -> go.Figure:
    """Histogram(s) of sampled outcomes, with the median marked per panel."""
    if "value" not in df.columns:
        raise ValueError("distribution_figure needs a value column")
    metrics = list(dict.fromkeys(df["metric"])) if "metric" in df.columns else [None]
    fig = make_subplots(rows=len(metrics), cols=1, subplot_titles=[str(m or "") for m in metrics])
    groups = list(dict.fromkeys(df["group"])) if "group" in df.columns else [None]
    for r, metric in enumerate(metrics, start=1):
        panel = df if metric is None else df[df["metric"] == metric]
        for i, group in enumerate(groups):
            rows = panel if group is None else panel[panel["group"] == group]
            if not len(rows):
                continue
            fig.add_histogram(
                x=rows["value"],
                name=str(group if group is not None else value_label),
                marker_color=PALETTE[i % len(PALETTE)],
                opacity=0.65 if len(groups) > 1 else 0.9,
                legendgroup=str(group),
                showlegend=r == 1,
                row=r,
                col=1,
            )
        if len(panel):
            fig.add_vline(x=float(panel["value"].median()), line={"dash": "dash"}, row=r, col=1)
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title=value_label)
    return _style(fig, title, 120 + 280 * len(metrics))
