"""Large fleets (the 31-province national instance) solved by province, on dask.distributed.

The national model is the provinces' models coupled only by national targets: each province
keeps its base-year market share of demand (cement and clinker travel little; stated
assumption), so demand, line states and swaps are provincial.

* Upper bound (a feasible national plan): every coupling target is allocated to provinces by a
  rule that makes the provincial targets sufficient for the national one — shares, cuts and
  peaks apply unchanged in each province (a pooled share is at least the smallest provincial
  share; a sum of non-increasing paths is non-increasing); caps and floors are split in
  proportion to base-year capacity, emissions, roof area or line count. The assembled plan is
  re-evaluated and every national target checked by the evaluator.
* Lower bound: the same provinces with the coupling targets dropped (a relaxation); the sum of
  their solvers' dual bounds bounds the national optimum from below.
* The gap of the whole is (upper − lower) / upper, reported as it is.

Sub-problems run as tasks on a dask LocalCluster (processes, one thread each) or on an existing
scheduler; the same code path for both.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console

from optimizer.data.instance import Instance, load_instance
from optimizer.evaluator.api import Evaluation, evaluate
from optimizer.evaluator.plan import NewLine, Plan
from optimizer.evaluator.targets import all_hard_met, check_targets
from optimizer.portfolio.company import subset_instance

SEPARABLE = {"baseline_clear", "size_exit", "operating_days_max", "replacement_ratio", "not_modelled"}
SAME_IN_EACH = {
    "capacity_cut",
    "intensity_cut",
    "benchmark_share",
    "attribute_share",
    "emissions_cut",
    "emissions_peak",
}
SPLIT = {
    "capacity_cap": "capacity",
    "emissions_cap": "emissions",
    "clean_energy_mw": "roof",
    "projects_min": "lines",
    "capex_budget": "capacity",
}


@dataclass
class ProvinceTask:
    instance_path: str
    province: str
    bound: str  # "upper" (allocated targets) or "lower" (coupling targets dropped)
    time_limit_s: float
    gap: float


def province_targets(instance: Instance, lines: pd.DataFrame, bound: str) -> pd.DataFrame:
    """The province's share of every national target (see the module docstring)."""
    rows = []
    all_lines = instance.lines
    for _, t in instance.targets.iterrows():
        scope = [s.strip() for s in str(t["sectors"]).split(";")]
        in_scope = lines if scope == ["*"] else lines[lines["sector"].isin(scope)]
        if in_scope.empty and t["kind"] not in {"not_modelled", "replacement_ratio"}:
            continue
        if t["kind"] in SEPARABLE or (bound == "upper" and t["kind"] in SAME_IN_EACH):
            rows.append(t)
        elif bound == "upper" and t["kind"] in SPLIT:
            everyone = all_lines if scope == ["*"] else all_lines[all_lines["sector"].isin(scope)]
            basis = SPLIT[t["kind"]]
            if basis == "lines":
                share = len(in_scope) / len(everyone)
            elif basis == "roof":
                share = in_scope["roof_area_m2"].sum() / max(everyone["roof_area_m2"].sum(), 1e-9)
            elif basis == "emissions":
                share = _base_emissions(instance, in_scope) / max(_base_emissions(instance, everyone), 1e-9)
            else:
                share = in_scope["capacity_per_year"].sum() / everyone["capacity_per_year"].sum()
            row = t.copy()
            row["value"] = t["value"] * share
            rows.append(row)
    frame = pd.DataFrame(rows, columns=instance.targets.columns)
    return frame


def _base_emissions(instance: Instance, lines: pd.DataFrame) -> float:
    sub = replace(instance, lines=lines)
    return float(evaluate(sub, Plan.business_as_usual(sub)).measure("total_co2_t")[:, 0].sum())


def solve_province(task: ProvinceTask) -> dict:
    """One sub-problem (runs in a dask worker): solve and return the plan as plain arrays."""
    from optimizer.run import RunOptions, solve_instance

    t0 = time.perf_counter()
    instance = load_instance(task.instance_path)
    lines = instance.lines[instance.lines["province"] == task.province]
    targets = province_targets(instance, lines, task.bound)
    sub = subset_instance(instance, lines, targets, f"{instance.name}:{task.province}", instance.decisions)
    result = solve_instance(
        sub,
        RunOptions(
            time_limit_s=task.time_limit_s, gap=task.gap, shadow_prices=False, write=False, warm_start=True
        ),
    )
    out: dict[str, object] = {
        "province": task.province,
        "bound_kind": task.bound,
        "status": result.status,
        "exit_code": result.exit_code,
        "objective_cny": result.objective_cny,
        "bound_cny": result.bound_cny,
        "mip_gap": result.mip_gap,
        "lines": len(lines),
        "seconds": time.perf_counter() - t0,
        "line_ids": list(lines.index),
        **result.counts,
    }
    if result.plan is not None:
        p = result.plan
        out["plan"] = {
            "retire_year": p.retire_year,
            "swapped": p.swapped,
            "adopt_year": p.adopt_year,
            "operating_days": p.operating_days,
            "new_lines": [(n.new_id, n.sector, n.start_year, n.count, n.operating_days) for n in p.new_lines],
        }
    return out


@dataclass
class NationalResult:
    provinces: pd.DataFrame
    upper_cny: float | None
    lower_cny: float | None
    gap: float | None
    plan: Plan | None
    evaluation: Evaluation | None
    targets: pd.DataFrame | None
    seconds: float
    workers: int


def assemble(instance: Instance, parts: list[dict]) -> Plan:
    plan = Plan.business_as_usual(instance)
    position = {lid: i for i, lid in enumerate(instance.lines.index)}
    for part in parts:
        rows = np.array([position[lid] for lid in part["line_ids"]], dtype=np.int64)
        p = part["plan"]
        plan.retire_year[rows] = p["retire_year"]
        plan.swapped[rows] = p["swapped"]
        plan.adopt_year[rows] = p["adopt_year"]
        plan.operating_days[rows] = p["operating_days"]
        for new_id, sector, start, count, days in p["new_lines"]:
            plan.new_lines.append(NewLine(f"{part['province']}-{new_id}", sector, start, count, days))
    return plan


def solve_national(
    instance: Instance,
    time_limit_s: float = 60.0,
    gap: float = 5e-3,
    workers: int = 2,
    scheduler: str | None = None,
    provinces: list[str] | None = None,
    progress: bool = True,
) -> NationalResult:
    """Solve every province twice (upper and lower bound) on dask and assemble the plan."""
    import dask
    from distributed import Client, LocalCluster, as_completed

    t0 = time.perf_counter()
    names = provinces or sorted(instance.lines["province"].unique())
    if provinces:
        instance = replace(instance, lines=instance.lines[instance.lines["province"].isin(provinces)])
        instance = subset_instance(
            instance, instance.lines, instance.targets, instance.name, instance.decisions
        )
    path = str(Path(instance.path).resolve())
    tasks = [ProvinceTask(path, p, b, time_limit_s, gap) for p in names for b in ("upper", "lower")]
    # HiGHS runs in a child process of the worker (hard wall-clock limit): workers must not be
    # daemonic, or they may not start children.
    with dask.config.set({"distributed.worker.daemon": False}):
        if scheduler:
            client = Client(scheduler)
            cluster = None
        else:
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster)
        try:
            futures = client.map(solve_province, tasks, pure=False)
            parts = []
            for done, future in enumerate(as_completed(futures), start=1):
                parts.append(future.result())
                if progress:
                    print(f"\r  sub-problems {done}/{len(tasks)}", end="", flush=True)
            if progress:
                print()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    table = pd.DataFrame([{k: v for k, v in p.items() if k not in {"plan", "line_ids"}} for p in parts])
    uppers = [p for p in parts if p["bound_kind"] == "upper"]
    lowers = [p for p in parts if p["bound_kind"] == "lower"]
    plan = evaluation = targets = None
    upper = lower = gap_all = None
    # A province whose allocated share is out of its reach (or not solved in time) takes its
    # plan without the coupling targets; the national check below then says whether the other
    # provinces carried the national targets anyway.
    by_province = {p["province"]: p for p in lowers}
    chosen = []
    for part in uppers:
        if "plan" in part:
            chosen.append(part)
        elif "plan" in by_province.get(part["province"], {}):
            chosen.append(by_province[part["province"]])
            table.loc[
                (table["province"] == part["province"]) & (table["bound_kind"] == "upper"), "status"
            ] = f"{part['status']} (lower-bound plan used)"
    if len(chosen) == len(uppers):
        plan = assemble(instance, chosen)
        evaluation = evaluate(instance, plan)
        targets = check_targets(instance, evaluation.arrays, evaluation.values)
        upper = evaluation.npv_cny
    if all(p["bound_cny"] is not None and np.isfinite(p["bound_cny"]) for p in lowers):
        lower = float(sum(p["bound_cny"] for p in lowers))
    if upper is not None and lower is not None:
        gap_all = (upper - lower) / abs(upper)
    return NationalResult(
        table.sort_values(["province", "bound_kind"]),
        upper,
        lower,
        gap_all,
        plan,
        evaluation,
        targets,
        time.perf_counter() - t0,
        workers,
    )


def national_ok(result: NationalResult) -> bool:
    return result.targets is not None and all_hard_met(result.targets)


DECOMPOSE_LINES = 1500
"""Instances with more lines are solved by province unless told otherwise."""


def run_decomposed(
    instance: Instance,
    time_limit_s: float,
    gap: float,
    workers: int,
    scheduler: str | None,
    out: Path | None,
    console: Console,
    report_lang: str | None = "zh",
) -> int:
    """CLI path for large instances: solve by province, verify nationally, write the outputs."""
    from optimizer.cli import EXIT_NO_PLAN, EXIT_OK, EXIT_VERIFY
    from optimizer.outputs import default_out_dir, plan_table, write_outputs
    from optimizer.run import print_targets

    console.print(
        f"[bold]{instance.name}[/]: {len(instance.lines)} lines, solved by province "
        f"({instance.lines['province'].nunique()} provinces, {workers} workers"
        + (f", scheduler {scheduler}" if scheduler else "")
        + ")"
    )
    result = solve_national(instance, time_limit_s, gap, workers, scheduler)
    tables: dict[str, pd.DataFrame] = {"provinces": result.provinces}
    code = EXIT_NO_PLAN
    if result.plan is not None and result.evaluation is not None and result.targets is not None:
        print_targets(result.targets, console)
        tables.update(
            targets=result.targets,
            plan=plan_table(result.evaluation, result.plan),
            kpis=result.evaluation.by_sector(),
            costs=result.evaluation.cost_breakdown().reset_index(),
        )
        code = EXIT_OK if all_hard_met(result.targets) else EXIT_VERIFY
    nan = float("nan")
    gap_all = result.gap if result.gap is not None else nan
    console.print(
        f"upper bound (plan NPV) {result.upper_cny or nan:,.0f} CNY, lower bound "
        f"{result.lower_cny or nan:,.0f} CNY, gap {gap_all:.3%}, {result.seconds:.0f} s"
    )
    summary = {
        "instance": instance.name,
        "instance_path": str(Path(instance.path).resolve()),
        "method": "decomposition by province (see optimizer/decompose.py)",
        "status": "feasible" if code == EXIT_OK else ("no_plan" if result.plan is None else "targets_missed"),
        "exit_code": code,
        "objective_cny": result.upper_cny,
        "evaluator_npv_cny": result.upper_cny,
        "bound_cny": result.lower_cny,
        "mip_gap": result.gap,
        "total_s": result.seconds,
        "workers": workers,
        "lines": len(instance.lines),
    }
    folder = write_outputs(out or default_out_dir(instance.name), tables, summary)
    console.print(f"results written to [bold]{folder}[/]")
    if report_lang and result.evaluation is not None:
        from optimizer.report import write_report

        try:
            for path in write_report(folder, report_lang, instance=instance, evaluation=result.evaluation):
                console.print(f"report written: [bold]{path}[/]")
        except Exception as error:  # a report problem must not hide a verified plan
            console.print(f"[yellow]report not written: {error}[/]")
    return code
