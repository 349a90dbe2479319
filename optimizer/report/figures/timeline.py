"""The timeline chart: one row per line that changes, a marker per action."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from optimizer.report.data import RunData
from optimizer.report.figures.style import apply_layout
from optimizer.report.labels import ACTIONS

ACTION_COLOURS = {
    "retrofit": "#1f77b4",
    "retire": "#d62728",
    "swap_out": "#ff7f0e",
    "new_build": "#2ca02c",
}
ACTION_SYMBOLS = {"retrofit": "circle", "retire": "x", "swap_out": "diamond", "new_build": "star"}
TIMELINE_MAX_LINES = 250
"""Lines drawn at once in the timeline: beyond this a page with thousands of rows is unreadable
and slow, so the filter note asks the planner to pick a city or company."""


def line_label(row: pd.Series) -> str:
    return f"{row['city']} · {row['company']} · {row['line_id']}"


def timeline_figure(data: RunData) -> go.Figure:
    """One row per line that changes: its running span and a marker per action.

    Every point carries ``customdata = [city, company, label]`` so the page's filter can
    subset all traces consistently without the Python side (it must work offline).
    """
    plan = data.plan
    assert plan is not None
    events = plan[plan["action"].isin(list(ACTION_COLOURS))]
    changed = plan[plan["line_id"].isin(set(events["line_id"]))].copy()
    changed["label"] = changed.apply(line_label, axis=1)
    order = (
        changed[["city", "company", "line_id", "label"]]
        .drop_duplicates("line_id")
        .sort_values(["city", "company", "line_id"])
    )
    # the grey bar runs from the first running year up to the exit marker, if any
    running = changed[changed["action"].isin({"keep", "retrofit", "new_build", "retire", "swap_out"})]
    xs: list[object] = []
    ys: list[object] = []
    custom: list[list[str]] = []
    for label, rows in running.groupby("label", sort=False):
        city, company = rows["city"].iloc[0], rows["company"].iloc[0]
        # a segment from the first to the last year, then a gap (None) before the next line
        for x in (int(rows["year"].min()), int(rows["year"].max()), None):
            xs.append(x)
            ys.append(label if x is not None else None)
            custom.append([city, company, str(label)])
    fig = go.Figure()
    fig.add_scatter(
        x=xs,
        y=ys,
        customdata=custom,
        mode="lines",
        line={"color": "#c7c7c7", "width": 6},
        name=ACTIONS[data.lang]["keep"],
        hoverinfo="skip",
    )
    for action, colour in ACTION_COLOURS.items():
        rows = changed[changed["action"] == action]
        texts = [
            data.techs(cell) if action == "retrofit" else ACTIONS[data.lang][action]
            for cell in rows["new_technologies"]
        ]
        fig.add_scatter(
            x=rows["year"],
            y=rows["label"],
            customdata=[
                [c, co, lab, tx]
                for c, co, lab, tx in zip(rows["city"], rows["company"], rows["label"], texts, strict=True)
            ],
            mode="markers",
            marker={
                "color": colour,
                "size": 11,
                "symbol": ACTION_SYMBOLS[action],
                "line": {"width": 1, "color": "white"},
            },
            name=ACTIONS[data.lang][action],
            hovertemplate="%{customdata[2]}<br>%{x}: %{customdata[3]}<extra>%{fullData.name}</extra>",
        )
    n = len(order)
    shown = min(n, TIMELINE_MAX_LINES)
    apply_layout(fig, data.t("timeline_title"), timeline_height(shown), legend_right=True)
    fig.update_layout(
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": list(order["label"]),
            # an explicit, reversed range (first line on top): autorange leaves empty rows
            "range": [shown - 0.5, -0.5],
            "automargin": True,
        },
        # years on top: the first rows are what the planner reads first on a long list
        xaxis={"dtick": 1, "side": "top", "range": [data.years[0] - 0.5, data.years[-1] + 0.5]},
        margin={"t": 100},
    )
    return fig


def timeline_height(n_lines: int) -> int:
    """Pixels for ``n_lines`` rows (the page's filter uses the same rule, in JS)."""
    return max(320, 150 + 18 * n_lines)
