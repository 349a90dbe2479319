"""Console output of a run: the summary and the target table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from optimizer.data.instance import Instance
from optimizer.run_options import PlanResult
from optimizer.targets.registry import KINDS


def print_summary(instance: Instance, result: PlanResult, console: Console, verbose: bool) -> None:
    console.print(
        f"[bold]{instance.name}[/]: status [bold]{result.status}[/]"
        + (
            f", NPV {result.npv_cny / 1e8:,.2f} 亿 CNY ({result.npv_cny:,.0f} CNY)"
            if result.npv_cny is not None
            else ""
        )
        + (f", MIP gap {result.mip_gap:.2e}" if result.mip_gap is not None else "")
    )
    if verbose:
        t = result.timings
        console.print(
            "times: "
            + ", ".join(f"{k.removesuffix('_s')} {v:.2f}s" for k, v in t.items())
            + f" | {result.counts['variables']} variables, "
            f"{result.counts['constraints']} constraints, {result.counts['packages']} packages"
        )
        if result.package_stats is not None and not result.package_stats.empty:
            st = result.package_stats
            console.print(
                f"packages: {int(st['enumerated'].sum())} combinations enumerated, {int(st['pareto'].sum())} "
                f"not dominated, {int(st['kept'].sum())} kept (at most {int(st['kept'].max())} per line)"
            )
    for message in result.messages:
        console.print(f"[red]{message}[/]" if "failed" in message else message)
    if result.evaluation is not None:
        co2 = result.evaluation.total_co2_t()
        console.print("emissions (Mt CO2): " + ", ".join(f"{y} {v / 1e6:.2f}" for y, v in co2.items()))
    if result.targets is not None:
        print_targets(result.targets, console)
    if result.relaxation is not None:
        table = Table(title="Targets cannot all be met: least relaxation")
        for column in result.relaxation.columns:
            table.add_column(str(column))
        for r in result.relaxation.itertuples(index=False):
            table.add_row(*[fmt_value(v) for v in r])
        console.print(table)


def print_targets(targets: pd.DataFrame, console: Console) -> None:
    """The target table planners check first: required, achieved, met."""
    table = Table(title="Targets")
    for column in ("target", "year", "kind", "required", "achieved", "unit", "met", "source"):
        table.add_column(column)
    for r in targets.itertuples():
        met = (
            "n/a"
            if r.met is None or (isinstance(r.met, float) and np.isnan(r.met))
            else ("[green]met[/]" if r.met else "[red]MISSED[/]")
        )
        label = r.target_id if r.group == "pooled" else f"{r.target_id} ({r.group})"
        table.add_row(
            str(label),
            str(r.year),
            str(r.kind),
            fmt_value(r.required),
            _unmeasured(str(r.kind))
            if _unmeasured(str(r.kind)) and not math.isfinite(float(r.achieved))  # type: ignore[arg-type]
            else fmt_value(r.achieved),
            str(r.unit),
            met + ("" if r.hard else " (soft)"),
            str(r.source),
        )
    console.print(table)


def fmt_value(value: object) -> str:
    if isinstance(value, float):
        if np.isnan(value):
            return "—"
        if abs(value) >= 1e4:
            return f"{value:,.0f}"
        return f"{value:.4g}"
    return str(value)


def _unmeasured(kind: str) -> str:
    """What an achieved NaN means for this kind ("no new build"), or "" when it means nothing."""
    k = KINDS.get(kind)
    return k.unmeasured.replace("_", " ") if k is not None and k.unmeasured else ""
