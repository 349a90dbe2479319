"""Side-by-side tables of several run folders written by ``optimize``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from optimizer.compare.lines import line_differences

PATH_MEASURES = ("total_co2_t", "capacity_per_year", "output_units")
"""Yearly paths compared, summed over sectors from kpis.csv (tCO2/yr, unit/yr, unit/yr)."""


@dataclass
class RunFolder:
    """One run folder as read for comparison."""

    name: str
    path: Path
    summary: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def read_run(path: Path, name: str | None = None) -> RunFolder:
    """summary.json and every CSV of a run folder (a clear error when it is not one)."""
    summary_path = path / "summary.json"
    if not summary_path.is_file():
        raise FileNotFoundError(f"{path}: no summary.json (expected a folder written by optimize)")
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{summary_path}: not valid JSON ({error})") from error
    tables = {csv.stem: pd.read_csv(csv) for csv in sorted(path.glob("*.csv"))}
    return RunFolder(name or path.name, path, summary, tables)


def unique_names(paths: list[Path]) -> list[str]:
    """Folder names, made unique with their parent when two runs share a name."""
    names = [p.name for p in paths]
    return [f"{p.parent.name}/{p.name}" if names.count(p.name) > 1 else p.name for p in paths]


def overview_table(runs: list[RunFolder]) -> pd.DataFrame:
    keys = (
        "instance",
        "mode",
        "carbon_price",
        "status",
        "mip_gap",
        "gap_met",
        "evaluator_npv_cny",
        "time_limit_s",
    )
    rows = [{"run": r.name, **{k: r.summary.get(k) for k in keys}} for r in runs]
    frame = pd.DataFrame(rows)
    base = frame["evaluator_npv_cny"].iloc[0]
    frame["npv_minus_first_cny"] = [
        (v - base) if v is not None and base is not None and pd.notna(v) and pd.notna(base) else None
        for v in frame["evaluator_npv_cny"]
    ]
    return frame


def cost_table(runs: list[RunFolder]) -> pd.DataFrame:
    """component × run: discounted CNY (costs.csv), blank where a run has no plan."""
    cols = {}
    for r in runs:
        costs = r.tables.get("costs")
        if costs is not None and {"component", "discounted_cny"} <= set(costs.columns):
            cols[r.name] = costs.set_index("component")["discounted_cny"]
        else:
            cols[r.name] = pd.Series(dtype=float)
    return pd.DataFrame(cols).rename_axis("component").reset_index()


def path_table(runs: list[RunFolder], measure: str) -> pd.DataFrame:
    """year × run: ``measure`` summed over sectors (kpis.csv)."""
    cols = {}
    for r in runs:
        kpis = r.tables.get("kpis")
        if kpis is not None and {"year", measure} <= set(kpis.columns):
            cols[r.name] = kpis.groupby("year")[measure].sum()
        else:
            cols[r.name] = pd.Series(dtype=float)
    return pd.DataFrame(cols).rename_axis("year").reset_index()


def target_table(runs: list[RunFolder]) -> pd.DataFrame:
    """(target_id, group, year) × run: met or not, and the achieved value where targets.csv has
    one. The group is part of the key: a target judged per sector (ZJ-T3, five sectors) has one
    row per sector and year, and merging on (target_id, year) alone paired every sector of one
    run with every sector of the other."""
    merged: pd.DataFrame | None = None
    for r in runs:
        t = r.tables.get("targets")
        if t is None or not {"target_id", "year"} <= set(t.columns):
            continue
        t = (
            t.assign(group=t["group"].fillna("pooled").astype(str))
            if "group" in t.columns
            else t.assign(group="pooled")
        )
        keys = ["target_id", "group", "year"]
        keep = keys + [c for c in ("kind", "required") if c in t.columns and merged is None]
        part = t[keep].copy()
        for c in ("met", "achieved"):
            if c in t.columns:
                part[f"{c}:{r.name}"] = t[c].to_numpy()
        merged = part if merged is None else merged.merge(part, on=keys, how="outer")
    return merged if merged is not None else pd.DataFrame(columns=["target_id", "group", "year"])


def mismatches(runs: list[RunFolder]) -> list[str]:
    """What is not comparable between the runs, said in plain sentences."""
    notes = []
    instances = {r.name: r.summary.get("instance") for r in runs}
    if len(set(instances.values())) > 1:
        notes.append("different instances: " + ", ".join(f"{k}={v}" for k, v in instances.items()))
    for r in runs:
        if "plan" not in r.tables:
            notes.append(f"{r.name}: no plan.csv (status {r.summary.get('status')}): no line decisions")
    plans = {r.name: set(r.tables["plan"]["line_id"]) for r in runs if "plan" in r.tables}
    if plans:
        shared = set.intersection(*plans.values())
        for name, ids in plans.items():
            if ids - shared:
                notes.append(
                    f"{name}: {len(ids - shared)} lines not in every run (e.g. {sorted(ids - shared)[0]})"
                )
    return notes


def compare_tables(runs: list[RunFolder]) -> dict[str, pd.DataFrame]:
    """Every comparison table, by file stem."""
    tables = {
        "overview": overview_table(runs),
        "costs": cost_table(runs),
        "targets": target_table(runs),
    }
    for m in PATH_MEASURES:
        tables[f"path_{m}"] = path_table(runs, m)
    plans = {r.name: r.tables["plan"] for r in runs if "plan" in r.tables}
    if plans:
        tables["lines"] = line_differences(plans)
    return tables


__all__ = ["RunFolder", "compare_tables", "mismatches", "read_run", "unique_names"]
