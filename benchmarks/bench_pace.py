"""Yearly path of a verified plan: is the pace one a planner would believe?

For each province: solve (the CLI's solver settings, ``--gap``, ``--time-limit``), then print per
calendar year total emissions (MtCO2), running clinker capacity (Mt/yr), lines closed, retrofit
projects started and capex (亿 CNY), and the two pace figures of issue 14: the largest one-year
fall of total emissions (share of the year before) and the largest one-year closure of clinker
capacity (share of base-year clinker capacity).

Usage: python benchmarks/bench_pace.py [--province NAME ...] [--time-limit S] [--gap G]
       [--model-years 2025;2027;2030] [--quick]
``--model-years`` overrides the scenario's model years (e.g. to measure the old milestones).
Last line: key=value results (worst over the provinces).
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np

from optimizer.cli import default_race
from optimizer.data.instance import Instance, instance_dir, load_instance
from optimizer.run import RunOptions, solve_instance

HERE = Path(__file__).resolve().parent
CLINKER = "cement_clinker"


def yearly_path(inst: Instance, result) -> tuple[list[dict], float, float]:
    """Rows per calendar year, the largest one-year emission fall and closure share."""
    ev = result.evaluation
    years = ev.years
    co2 = ev.measure("total_co2_t").sum(axis=0)
    cap = ev.measure("capacity_per_year")
    sector = np.asarray(ev.arrays.sector_names, dtype=object)[ev.arrays.sector_index]
    clinker = sector == CLINKER
    is_new = ev.arrays.is_new
    capex = ev.measure("capex_cny").sum(axis=0)
    projects = ev.measure("projects_started").sum(axis=0)
    retire = ev.arrays.retire_year
    base_cap = float(cap[clinker & ~is_new, 0].sum())
    base_capacity = ev.arrays.lines.capacity_per_year
    rows = []
    worst_drop = 0.0
    worst_close = 0.0
    for i, y in enumerate(years):
        closed = (retire == y) & ~is_new
        closed_clinker = float(base_capacity[closed & clinker].sum())
        drop = 1 - co2[i] / co2[i - 1] if i else 0.0
        worst_drop = max(worst_drop, drop)
        share = closed_clinker / base_cap if base_cap else 0.0
        worst_close = max(worst_close, share)
        rows.append(
            {
                "year": y,
                "co2_mt": co2[i] / 1e6,
                "drop": drop,
                "clinker_mt": float(cap[clinker, i].sum()) / 1e6,
                "closed_lines": int(closed.sum()),
                "closed_clinker_share": share,
                "projects": round(float(projects[i])),
                "capex_yi": capex[i] / 1e8,
            }
        )
    return rows, worst_drop, worst_close


def binding_limits(inst: Instance, result) -> list[str]:
    """Which issue-14 limits bind (within 0.1 %) in which year, read off the verified plan."""
    from optimizer.outputs import resource_table

    ev, plan = result.evaluation, result.plan
    lines = inst.lines
    sectors = np.asarray(lines["sector"])
    cap = lines["capacity_per_year"].to_numpy(float)
    n_old = len(lines)
    projects = ev.measure("projects_started")[:n_old]
    out = []
    for y in inst.scenario.model_years:
        i = ev.years.index(y)
        for s, row in inst.pace.iterrows():
            if y < int(row["from_year"]):
                continue
            members = sectors == s
            if not members.any():
                continue
            limit = max(row["closure_share_max_per_year"] * cap[members].sum(), cap[members].max())
            closed = cap[members & (plan.retire_year[:n_old] == y)].sum()
            if row["closure_share_max_per_year"] < 1 and closed >= limit * 0.999:
                out.append(f"{y} closure_pace {s}: {closed / 1e6:.2f} of {limit / 1e6:.2f} M units")
            p_cap = row["retrofit_projects_max_per_line_year"] * members.sum()
            started = projects[members, i].sum()
            if started >= p_cap * 0.999:
                out.append(f"{y} retrofit_pace {s}: {started:.0f} of {p_cap:.0f} projects")
    table = resource_table(inst, ev, plan)
    for r in table.itertuples():
        if r.share_used >= 0.999:
            out.append(f"{r.year} resource_supply {r.resource}: {r.used:,.0f} of {r.available:,.0f} {r.unit}")
    days = ev.arrays.operating_days
    running = ev.measure("running") > 0.5
    for row in result.targets.itertuples():
        if row.kind == "operating_days_max" and row.hard:
            col = ev.years.index(int(row.year))
            in_scope = np.isin(
                np.asarray(ev.arrays.sector_names)[ev.arrays.sector_index], row.scope.split(";")
            )
            sel = in_scope & running[:, col]
            at_cap = (days[sel, col] >= row.required - 1e-6).sum()
            out.append(
                f"{row.year} staggered cap {row.required:g} d: {at_cap} of {sel.sum()} running lines at it"
            )
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--province", nargs="+", default=["zhejiang", "guizhou"])
    ap.add_argument("--time-limit", type=float, default=300.0)
    ap.add_argument("--gap", type=float, default=1e-3)
    ap.add_argument("--model-years", default="")
    ap.add_argument("--quick", action="store_true", help="the small test instance")
    args = ap.parse_args(argv)
    worst = {"max_drop": 0.0, "max_close_share": 0.0, "solve_s": 0.0}
    folders = (
        [HERE.parent / "tests" / "data" / "tiny"] if args.quick else [instance_dir(p) for p in args.province]
    )
    for folder in folders:
        inst = load_instance(folder)
        if args.model_years:
            years = tuple(int(y) for y in args.model_years.split(";"))
            inst = dataclasses.replace(inst, scenario=dataclasses.replace(inst.scenario, model_years=years))
        options = RunOptions(
            time_limit_s=args.time_limit, gap=args.gap, race=default_race(), shadow_prices=False, write=False
        )
        result = solve_instance(inst, options)
        t = result.timings
        print(
            f"{inst.name}: status {result.status} exit {result.exit_code} objective "
            f"{(result.objective_cny or float('nan')):,.0f} gap {result.mip_gap} counts {result.counts}"
        )
        print("  times: " + ", ".join(f"{k} {v:.1f}" for k, v in t.items()))
        if result.evaluation is None:
            continue
        rows, drop, close = yearly_path(inst, result)
        print("  year  CO2 Mt   fall   clinker Mt  closed  closed/base  projects  capex 亿")
        for r in rows:
            print(
                f"  {r['year']}  {r['co2_mt']:7.2f}  {r['drop']:5.1%}  {r['clinker_mt']:9.2f}  "
                f"{r['closed_lines']:6d}  {r['closed_clinker_share']:10.1%}  {r['projects']:8d}  "
                f"{r['capex_yi']:8.2f}"
            )
        if result.targets is not None:
            hard = result.targets[result.targets["hard"] & result.targets["met"].notna()]
            print(f"  hard targets met: {int(hard['met'].astype(bool).sum())}/{len(hard)}")
        for text in binding_limits(inst, result):
            print("  binds: " + text)
        worst["max_drop"] = max(worst["max_drop"], drop)
        worst["max_close_share"] = max(worst["max_close_share"], close)
        worst["solve_s"] = max(worst["solve_s"], t.get("solve_s", 0.0))
    print(" ".join(f"{k}={v:.4f}" for k, v in worst.items()))


if __name__ == "__main__":
    main()
