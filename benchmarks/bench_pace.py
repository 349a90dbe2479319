"""Yearly path of a verified plan: is the pace one a planner would believe?

For each province: solve (the CLI's solver settings, ``--gap``, ``--time-limit``), then print per
calendar year total emissions (MtCO2), running clinker capacity (Mt/yr), lines closed, retrofit
projects and campaigns (lines) started, capex (亿 CNY), clinker energy per tonne
(output-weighted and the lowest running line, kgce/t), and the two pace figures of issue 14:
the largest one-year fall of total emissions (share of the year before) and the largest
one-year closure of clinker capacity (share of base-year clinker capacity).

Usage: python benchmarks/bench_pace.py [--province NAME ...] [--time-limit S] [--gap G]
       [--model-years 2025;2027;2030] [--quick]
       python benchmarks/bench_pace.py --run RUN_DIR ...   (a finished run's plan, no solve)
``--model-years`` overrides the scenario's model years (e.g. to measure the old milestones).
Last line: key=value results (worst over the provinces).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from optimizer.data.instance import Instance
from optimizer.data.load import instance_dir, load_instance
from optimizer.run import solve_instance
from optimizer.run_options import RunOptions, default_race
from optimizer.targets.registry import kind

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
    campaigns = (ev.measure("projects_started") > 0).sum(axis=0)
    output = ev.measure("output_units")
    energy = ev.measure("energy_kgce")
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
                "campaigns": int(campaigns[i]),
                "clinker_kgce_per_t": float(energy[clinker, i].sum() / max(output[clinker, i].sum(), 1e-9)),
                "lowest_line_kgce_per_t": _lowest_intensity(energy[clinker, i], output[clinker, i]),
                "capex_yi": capex[i] / 1e8,
            }
        )
    return rows, worst_drop, worst_close


def _lowest_intensity(energy_kgce: np.ndarray, output_t: np.ndarray) -> float:
    """The least energy per tonne of any running line (output > 0), kgce/t."""
    running = output_t > 0
    return float((energy_kgce[running] / output_t[running]).min()) if running.any() else float("nan")


def binding_limits(inst: Instance, result) -> list[str]:
    """Which issue-14 limits bind (within 0.1 %) in which year, read off the verified plan."""
    from optimizer.evaluator.pace import pace_table
    from optimizer.outputs import resource_table

    ev, plan = result.evaluation, result.plan
    out = []
    for r in pace_table(inst, ev, plan).itertuples():
        if r.limit > 0 and r.used >= r.limit * 0.999:
            out.append(f"{r.year} {r.rule} {r.sector}: {r.used:,.0f} of {r.limit:,.0f} {r.unit}")
    table = resource_table(inst, ev, plan)
    for r in table.itertuples():
        if r.share_used >= 0.999:
            out.append(f"{r.year} resource_supply {r.resource}: {r.used:,.0f} of {r.available:,.0f} {r.unit}")
    days = ev.arrays.operating_days
    running = ev.measure("running") > 0.5
    for row in result.targets.itertuples():
        if kind(row.kind).caps_operating_days and row.hard:
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


def _print_path(inst: Instance, result) -> tuple[float, float]:
    rows, drop, close = yearly_path(inst, result)
    print(
        "  year  CO2 Mt   fall   clinker Mt  closed  closed/base  projects  campaigns  capex 亿"
        "  kgce/t  lowest line"
    )
    for r in rows:
        print(
            f"  {r['year']}  {r['co2_mt']:7.2f}  {r['drop']:5.1%}  {r['clinker_mt']:9.2f}  "
            f"{r['closed_lines']:6d}  {r['closed_clinker_share']:10.1%}  {r['projects']:8d}  "
            f"{r['campaigns']:9d}  {r['capex_yi']:8.2f}  {r['clinker_kgce_per_t']:6.1f}  "
            f"{r['lowest_line_kgce_per_t']:11.1f}"
        )
    if result.targets is not None:
        hard = result.targets[result.targets["hard"] & result.targets["met"].notna()]
        print(f"  hard targets met: {int(hard['met'].astype(bool).sum())}/{len(hard)}")
    for text in binding_limits(inst, result):
        print("  binds: " + text)
    return drop, close


def _finished_run(run_dir: Path) -> tuple[Instance, SimpleNamespace]:
    """A run folder's instance and its plan evaluated again (what bench needs of a result)."""
    from optimizer.evaluator.api import evaluate
    from optimizer.evaluator.targets import check_targets
    from optimizer.plan_io import read_plan

    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    inst = load_instance(Path(summary["instance_path"]))
    plan = read_plan(inst, run_dir / "plan.csv")
    ev = evaluate(inst, plan)
    targets = check_targets(inst, ev.arrays, ev.values)
    return inst, SimpleNamespace(evaluation=ev, plan=plan, targets=targets)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--province", nargs="+", default=["zhejiang", "guizhou"])
    ap.add_argument("--time-limit", type=float, default=300.0)
    ap.add_argument("--gap", type=float, default=1e-3)
    ap.add_argument("--model-years", default="")
    ap.add_argument("--quick", action="store_true", help="the small test instance")
    ap.add_argument("--run", nargs="+", type=Path, default=[], help="finished run folders: no solve")
    args = ap.parse_args(argv)
    worst = {"max_drop": 0.0, "max_close_share": 0.0, "solve_s": 0.0}
    for run_dir in args.run:
        inst, finished = _finished_run(run_dir)
        print(f"{inst.name}: run folder {run_dir}")
        drop, close = _print_path(inst, finished)
        worst["max_drop"] = max(worst["max_drop"], drop)
        worst["max_close_share"] = max(worst["max_close_share"], close)
    folders = (
        []
        if args.run
        else (
            [HERE.parent / "tests" / "data" / "tiny"]
            if args.quick
            else [instance_dir(p) for p in args.province]
        )
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
        drop, close = _print_path(inst, result)
        worst["max_drop"] = max(worst["max_drop"], drop)
        worst["max_close_share"] = max(worst["max_close_share"], close)
        worst["solve_s"] = max(worst["solve_s"], t.get("solve_s", 0.0))
    print(" ".join(f"{k}={v:.4f}" for k, v in worst.items()))


if __name__ == "__main__":
    main()
