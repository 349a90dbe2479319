"""``optimize portfolio``: a company's optimal retrofit portfolio next to its own."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from optimizer.compare.lines import decision_delta
from optimizer.console import print_targets
from optimizer.data.instance import Instance
from optimizer.data.targets import model_years_of
from optimizer.evaluator.api import evaluate
from optimizer.evaluator.package_enumeration import candidate_techs
from optimizer.evaluator.plan import Plan
from optimizer.evaluator.targets import all_hard_met, check_targets
from optimizer.instance_model import build_instance_model, load_solution
from optimizer.models.extract import decisions_to_plan, read_decisions
from optimizer.outputs import plan_table
from optimizer.plan_io import read_plan
from optimizer.portfolio.company import company_instance
from optimizer.portfolio.finance import measure_table, portfolio_summary
from optimizer.portfolio.kbest import k_best
from optimizer.run import solve_instance
from optimizer.run_options import RunOptions
from optimizer.solve import solve_built, solver_options_of
from optimizer.write import write_run


def available_measures(instance: Instance) -> pd.DataFrame:
    """Every technology that fits each line, alone on business as usual: the company's
    marginal-abatement-cost curve (sorted by CNY/tCO2, cumulative tCO2 per year)."""
    first_year = model_years_of(instance)[0]
    earliest = instance.technologies["earliest_year"].to_numpy(int)
    frames = []
    for l, cands in enumerate(candidate_techs(instance)):
        for k in cands:
            plan = Plan.business_as_usual(instance)
            plan.adopt_year[l, k] = max(first_year, int(earliest[k]))
            frames.append(measure_table(instance, plan, [instance.lines.index[l]]))
    if not frames:
        return pd.DataFrame()
    table = pd.concat(frames, ignore_index=True).sort_values("abatement_cost_cny_per_tco2")
    table["cumulative_co2_avoided_t_per_year"] = table["co2_avoided_t_per_year"].cumsum()
    return table.reset_index(drop=True)


def _summary_row(label: str, inst: Instance, plan: Plan) -> dict:
    evaluation = evaluate(inst, plan)
    targets = check_targets(inst, evaluation.arrays, evaluation.values)
    figures = portfolio_summary(inst, plan, Plan.business_as_usual(inst))
    co2 = evaluation.total_co2_t()
    return {
        "portfolio": label,
        **figures,
        "co2_last_year_t": float(co2.iloc[-1]),
        "goals_met": all_hard_met(targets),
    }


def run_portfolio(
    instance: Instance,
    company: str,
    goals: pd.DataFrame,
    decisions: pd.DataFrame,
    user_plan: Path | None,
    options: RunOptions,
    k: int,
    console: Console,
) -> int:
    """Solve the company's optimal portfolio under its goals and decisions, set it next to the
    company's own (``user_plan``) and the k best, and write the run's folder (``options.out``,
    else ``<instance>-portfolio``)."""
    t0 = time.perf_counter()
    folder_name = f"{instance.name}-portfolio"
    inst = company_instance(instance, company, goals, decisions)
    user = read_plan(inst, user_plan) if user_plan is not None else None
    built = build_instance_model(inst)
    result = solve_built(inst, built, replace(options, shadow_prices=False), None, {}, t0)
    console.print(
        f"[bold]{company}[/] ({len(inst.lines)} lines): status {result.status}"
        + (f", NPV {result.npv_cny:,.0f} CNY" if result.npv_cny is not None else "")
    )
    tables: dict[str, pd.DataFrame] = {}
    # the company's own portfolio is evaluated whatever the optimiser finds: with goals no
    # portfolio can meet, it is the only plan there is to look at
    yours = _yours(inst, user) if user is not None else {}
    if result.plan is None or result.targets is None or result.evaluation is None:
        if result.relaxation is not None:
            console.print(result.relaxation.to_string(index=False))
        if user is not None:
            yours["comparison"] = pd.DataFrame([_summary_row("yours", inst, user)])
            console.print("no optimal portfolio; your own portfolio, evaluated:")
            print_targets(yours["targets_yours"], console, options.report_lang, inst)
            _print_comparison(yours["comparison"], console)
        write_run(
            inst,
            options,
            result,
            console,
            tables=yours | _inputs(goals, decisions),
            summary={"company": company},
            folder_name=folder_name,
            report_instance=inst,
        )
        return result.exit_code
    print_targets(result.targets, console, options.report_lang, inst)
    rows = [_summary_row("optimal", inst, result.plan)]
    tables["measures_optimal"] = measure_table(inst, result.plan)
    if user is not None:
        rows.append(_summary_row("yours", inst, user))
        tables |= yours
    comparison = pd.DataFrame(rows)
    if not decisions.empty:
        free = solve_instance(
            company_instance(instance, company, goals), replace(options, shadow_prices=False)
        )
        if free.npv_cny is not None and result.npv_cny is not None:
            comparison["fixed_choices_cost_cny"] = result.npv_cny - free.npv_cny
            console.print(
                f"your fixed and forbidden choices cost {result.npv_cny - free.npv_cny:,.0f} CNY "
                "against the free optimum"
            )
    tables["comparison"] = comparison
    tables["macc"] = available_measures(inst)
    if k > 1:
        ranked = k_best(built.form, k, solver_options_of(options), first=result.solve)
        kb = []
        for item in ranked:
            assert item.result.x is not None
            load_solution(built.columns, item.result.x)
            plan = decisions_to_plan(built.data, read_decisions(built.model, built.data))
            ev = evaluate(inst, plan)
            ranked_plan = plan_table(ev, plan)
            tables[f"plan_rank{item.rank}"] = ranked_plan
            kb.append(
                {
                    "rank": item.rank,
                    "npv_cny": ev.npv_cny,
                    "mip_gap": item.result.gap,
                    "retired": ";".join(inst.lines.index[plan.retire_year < 9999]),
                    "retrofits": int(
                        ((plan.adopt_year < 9999) & ~ev.arrays.lines.preinstalled[: len(inst.lines)]).sum()
                    ),
                    "differs_from_rank_1": decision_delta(tables.get("plan_rank1", ranked_plan), ranked_plan),
                }
            )
        tables["kbest"] = pd.DataFrame(kb)
    _print_comparison(comparison, console)
    write_run(
        inst,
        options,
        result,
        console,
        tables=tables | _inputs(goals, decisions),
        summary={"company": company, "npv_cny": result.npv_cny},
        folder_name=folder_name,
        report_instance=inst,
    )
    return result.exit_code


def _inputs(goals: pd.DataFrame, decisions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The goals and decisions as given (targets.csv / decisions.csv columns), so that
    ``optimize report`` on the folder rebuilds the company's instance (report/data.py)."""
    return {"goals": goals, **({"decisions_given": decisions} if not decisions.empty else {})}


def _yours(inst: Instance, user: Plan) -> dict[str, pd.DataFrame]:
    """The company's own portfolio: its measures and every goal checked by the evaluator."""
    ev = evaluate(inst, user)
    return {
        "measures_yours": measure_table(inst, user),
        "targets_yours": check_targets(inst, ev.arrays, ev.values),
    }


def _print_comparison(frame: pd.DataFrame, console: Console) -> None:
    table = Table(title="Portfolios side by side")
    columns = ["portfolio", "capex_cny", "npv_cny", "payback_years", "irr", "co2_last_year_t", "goals_met"]
    for c in columns:
        table.add_column(c)
    for _, r in frame.iterrows():
        table.add_row(*[f"{r[c]:,.4g}" if isinstance(r[c], float) else str(r[c]) for c in columns])
    console.print(table)
