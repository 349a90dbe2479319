"""The look every report chart shares: font, palette, layout, one colour per sector."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.colors import qualitative

from optimizer.report.data import RunData

FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", Arial, sans-serif'
PALETTE = qualitative.D3 + qualitative.Set2


def apply_layout(fig: go.Figure, title: str, height: int = 420, legend_right: bool = False) -> go.Figure:
    """Title, font, margins, legend and axis number formats of a report chart."""
    # long legends (one entry per technology or sector x measure) go to the right: laid out
    # horizontally above the plot they would grow over the title
    legend = (
        {"orientation": "v", "yanchor": "top", "y": 1.0, "x": 1.02}
        if legend_right
        else {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0.0}
    )
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left", "y": 0.98, "yanchor": "top"},
        template="plotly_white",
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 70, "r": 30, "t": 90, "b": 50},
        legend=legend,
        hoverlabel={"font": {"family": FONT}},
    )
    # no SI suffixes: "15k 万平方米" would mix two scales; plain digits with separators instead
    fig.update_yaxes(exponentformat="none", separatethousands=True)
    fig.update_xaxes(exponentformat="none")  # years on most x axes: 2030, never "2,030"
    return fig


def sector_colours(data: RunData) -> dict[str, str]:
    """The same colour for a sector in every chart."""
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(data.sectors)}
