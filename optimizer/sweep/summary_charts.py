"""The PNG charts of a sweep's summary (:mod:`optimizer.sweep.summary`): tornado, distribution,
target probability and sensitivity indices.

matplotlib's object API (no pyplot state), so charts can be drawn in any thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def spread(values: np.ndarray) -> bool:
    """More than rounding noise between the smallest and the largest value."""
    return len(values) > 1 and float(np.ptp(values)) > 1e-9 * max(1.0, float(np.abs(values).max()))


def _figure(n: int, height: float = 3.2) -> tuple[Any, list[Any]]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.5, height * n), layout="constrained")
    axes = figure.subplots(n, 1, squeeze=False)[:, 0]
    return figure, list(axes)


def tornado_chart(table: pd.DataFrame, names: dict[str, str], path: Path, base: str) -> Path:
    figure, axes = _figure(len(names), 0.6 + 0.45 * max(table["parameter"].nunique(), 1))
    for ax, (metric, label) in zip(axes, names.items(), strict=True):
        rows = table[table["metric"] == metric].sort_values("swing")
        if rows.empty:
            ax.set_visible(False)
            continue
        centre = float(rows["base_output"].iloc[0])
        y = np.arange(len(rows))
        ax.barh(y, rows["output_at_low"] - centre, left=centre, color="#4c72b0", label="at lowest value")
        ax.barh(y, rows["output_at_high"] - centre, left=centre, color="#dd8452", label="at highest value")
        ax.axvline(centre, color="black", linewidth=0.8)
        noise = rows["within_solver_gap"] if "within_solver_gap" in rows else [False] * len(rows)
        ax.set_yticks(
            y,
            [
                f"{p} [{lo:g} .. {hi:g}]" + (" (within solver gap)" if n else "")
                for p, lo, hi, n in zip(
                    rows["parameter"], rows["low_value"], rows["high_value"], noise, strict=True
                )
            ],
        )
        ax.set_xlabel(label)
        ax.legend(loc="lower right", fontsize="small")
    axes[0].set_title(f"{base}: one-at-a-time sensitivity around the base")
    figure.savefig(path, dpi=110)
    return path


def distribution_chart(rows: pd.DataFrame, names: dict[str, str], path: Path, base: str) -> Path:
    figure, axes = _figure(len(names))
    for ax, (metric, label) in zip(axes, names.items(), strict=True):
        values = rows[metric].dropna().to_numpy(float)
        # identical outcomes (the plan did not change) cannot be split into several bins
        varied = spread(values)
        bins = min(30, max(5, len(values) // 3)) if varied else 1
        ax.hist(values, bins=bins, color="#4c72b0", edgecolor="white")
        if len(values) and not varied:
            ax.set_title(f"every scenario: {values[0]:,.6g}", fontsize="small")
        if len(values):
            for q, style in ((5, ":"), (50, "-"), (95, ":")):
                ax.axvline(np.percentile(values, q), color="black", linestyle=style, linewidth=0.8)
        ax.set_xlabel(label + " (lines: p5, median, p95)")
        ax.set_ylabel("scenarios")
    figure.suptitle(f"{base}: distribution over {len(rows)} solved scenarios")
    figure.savefig(path, dpi=110)
    return path


def probability_chart(table: pd.DataFrame, path: Path) -> Path:
    labels = [
        f"{r.base} {r.target_id}{'' if r.group == 'pooled' else ' ' + str(r.group)} {r.year}"
        for r in table.itertuples(index=False)
    ]
    figure, axes = _figure(1, 0.6 + 0.3 * len(labels))
    ax = axes[0]
    y = np.arange(len(labels))
    ax.barh(y, table["probability_met"], color=np.where(table["hard"], "#55a868", "#8172b2"))
    ax.set_yticks(y, labels, fontsize="small")
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of solved scenarios meeting the target (green: hard, purple: soft)")
    figure.savefig(path, dpi=110)
    return path


def indices_chart(table: pd.DataFrame, kind: str, names: dict[str, str], path: Path) -> Path:
    rows = table[table["parameter"].notna()] if "parameter" in table else table.iloc[0:0]
    groups = list(rows.groupby(["base", "metric"]))
    figure, axes = _figure(max(len(groups), 1))
    for ax, ((base, metric), frame) in zip(axes, groups, strict=False):
        y = np.arange(len(frame))
        if kind == "morris":
            ax.barh(y, frame["mu_star"], xerr=frame["mu_star_conf"], color="#4c72b0", label="mu*")
            ax.plot(frame["sigma"], y, "o", color="#dd8452", label="sigma")
        else:
            ax.barh(y - 0.2, frame["S1"], height=0.4, xerr=frame["S1_conf"], color="#4c72b0", label="S1")
            ax.barh(y + 0.2, frame["ST"], height=0.4, xerr=frame["ST_conf"], color="#dd8452", label="ST")
        ax.set_yticks(y, list(frame["parameter"]))
        ax.set_title(f"{base}: {names.get(str(metric), metric)}", fontsize="medium")
        ax.legend(fontsize="small")
    figure.savefig(path, dpi=110)
    return path
