"""Console output of a run: the summary and the target table, in the run's language."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from optimizer.console_text import (
    emissions_line,
    fmt_value,
    message_text,
    outcome_line,
    say,
    sector_names,
    targets_console_table,
)
from optimizer.data.instance import Instance
from optimizer.run_options import PlanResult, RunOptions


def print_summary(instance: Instance, result: PlanResult, console: Console, options: RunOptions) -> None:
    lang = options.report_lang
    console.print(outcome_line(lang, instance.name, result.status, result.npv_cny, result.mip_gap))
    if options.verbose:
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
        text = message_text(lang, message, options.gap, result.mip_gap, options.time_limit_s)
        console.print(f"[red]{text}[/]" if "failed" in message else text)
    if result.evaluation is not None:
        console.print(emissions_line(lang, result.evaluation.total_co2_t()))
    if result.targets is not None:
        print_targets(result.targets, console, lang, instance)
    if result.relaxation is not None:
        table = Table(title=say(lang, "relaxation_title"))
        for column in result.relaxation.columns:
            table.add_column(str(column))
        for r in result.relaxation.itertuples(index=False):
            table.add_row(*[fmt_value(v) for v in r])
        console.print(table)


def print_targets(
    targets: pd.DataFrame, console: Console, lang: str = "en", instance: Instance | None = None
) -> None:
    """The target table planners check first (:func:`optimizer.console_text.targets_console_table`),
    sectors named in ``lang`` when the ``instance`` is given."""
    names = sector_names(instance.sectors, lang) if instance is not None else {}
    console.print(targets_console_table(targets, lang, names))
