"""The write stage of every run (province, myopic, decomposed, portfolio): one folder of
tables, one ``summary.json`` and the report, written atomically by
:func:`optimizer.outputs.write_outputs`.

Each run kind adds its own tables (a decomposed run's ``provinces``, a portfolio's
``comparison``) and summary fields (``method``, ``company``) to the same core.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console

from optimizer.console_text import say
from optimizer.data.instance import Instance
from optimizer.run_options import PlanResult, RunOptions, gap_reached


def result_tables(instance: Instance, result: PlanResult) -> dict[str, pd.DataFrame]:
    """The tables a run writes (plan.csv, targets.csv, costs.csv, ...), by file stem."""
    from optimizer.evaluator.pace import pace_table
    from optimizer.outputs import plan_table, resource_table

    tables: dict[str, pd.DataFrame] = {}
    if result.targets is not None and result.evaluation is not None and result.plan is not None:
        tables["targets"] = result.targets
        tables["plan"] = plan_table(result.evaluation, result.plan)
        tables["kpis"] = result.evaluation.by_sector()
        tables["costs"] = result.evaluation.cost_breakdown().reset_index()
        from optimizer.schedule import by_group, schedule_table

        nameplate = dict(
            zip(
                result.evaluation.arrays.line_ids,
                result.evaluation.arrays.lines.capacity_per_year,
                strict=False,
            )
        )
        tables["schedule"] = schedule_table(tables["plan"], nameplate)
        tables["schedule_by_city"] = by_group(tables["plan"], nameplate, "city")
        tables["schedule_by_company"] = by_group(tables["plan"], nameplate, "company")
        pace = pace_table(instance, result.evaluation, result.plan)
        if len(pace):
            tables["pace"] = pace
        resources = resource_table(instance, result.evaluation, result.plan)
        if len(resources):
            tables["resources"] = resources
    if result.relaxation is not None:
        tables["infeasibility"] = result.relaxation
    if result.shadow_prices is not None:
        tables["shadow_prices"] = result.shadow_prices
    if result.target_prices is not None:
        tables["target_prices"] = result.target_prices
    if result.package_stats is not None:
        tables["packages"] = result.package_stats
    return tables


def run_summary(instance: Instance, options: RunOptions, result: PlanResult) -> dict[str, Any]:
    """What a run writes to summary.json."""
    return {
        "instance": instance.name,
        "instance_path": str(Path(instance.path).resolve()),
        "carbon_price": options.carbon_price,
        "overrides": list(options.overrides),
        "mode": options.mode,
        "status": result.status,
        "exit_code": result.exit_code,
        "objective_cny": result.objective_cny,
        "evaluator_npv_cny": result.npv_cny,
        "mip_gap": result.mip_gap,
        "gap_requested": options.gap,
        "gap_reached": result.mip_gap,
        "gap_met": _gap_met(result, options.gap)
        and all(step["status"] == "optimal" for step in result.steps or []),
        "time_limit_s": options.time_limit_s,
        "bound_cny": result.bound_cny,
        # enough to re-run the same search: seeds seed .. seed + race - 1 raced
        "solver": {
            "name": "highs",
            "seed": options.seed,
            "race": options.race,
            "termination": result.solve.termination if result.solve is not None else None,
            # plans better than the start found by HiGHS and by the neighbourhood search racer
            **({k: v for k, v in result.solve.info.items()} if result.solve is not None else {}),
        },
        **{k: v for k, v in result.timings.items()},
        **result.counts,
        "messages": result.messages,
        **({"steps": result.steps} if result.steps is not None else {}),
    }


def _gap_met(result: PlanResult, requested: float) -> bool:
    """Every solve of the run ended within the requested gap (a decomposed run: its national
    gap; a myopic run: every step)."""
    if result.solve is not None:
        met = gap_reached(result.solve, requested)
    else:
        met = result.mip_gap is not None and result.mip_gap <= requested * (1 + 1e-9)
    return met and all(step["status"] == "optimal" for step in result.steps or [])


def write_run(
    instance: Instance,
    options: RunOptions,
    result: PlanResult,
    console: Console,
    *,
    tables: dict[str, pd.DataFrame] | None = None,
    summary: dict[str, Any] | None = None,
    folder_name: str | None = None,
    report_instance: Instance | None = None,
) -> Path:
    """Write the run's folder: :func:`result_tables` and :func:`run_summary`, then the run
    kind's own ``tables`` and ``summary`` fields; then the report when ``options.report``.

    ``folder_name`` names the default folder (``options.out`` unset); the instance's name
    otherwise. ``report_instance``: the instance the plan was checked on, when the report must
    not re-load it from ``summary.json``'s path (a decomposed run's overrides). The folder is
    new: nothing is overwritten, and nothing half-written is left.
    """
    from optimizer.outputs import default_out_dir, write_outputs

    out = options.out or default_out_dir(folder_name or instance.name)
    all_tables = {**(tables or {}), **result_tables(instance, result)}
    result.out_dir = write_outputs(out, all_tables, run_summary(instance, options, result) | (summary or {}))
    console.print(say(options.report_lang, "results_written", path=result.out_dir))
    if options.report and result.status != "interrupted":
        from optimizer.report import write_report

        try:  # stop soon when interrupted: the user asked to
            for path in write_report(
                result.out_dir, options.report_lang, instance=report_instance, evaluation=result.evaluation
            ):
                console.print(say(options.report_lang, "report_written", path=path))
        except Exception as error:  # a report problem must not hide a verified plan
            console.print(say(options.report_lang, "report_failed", error=error))
    return result.out_dir
