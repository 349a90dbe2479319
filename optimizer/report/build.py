"""Write a run folder's report: ``report_<lang>.html`` and ``report_<lang>.xlsx``.

Both files are named after the language so a Chinese and an English report of the same run
sit side by side (the run writes the default language; ``optimize report DIR --lang en``
adds the other). Each file is written to a temporary name in the same folder and renamed
into place, so a reader never sees half a report and a failed run leaves the old one.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import pandas as pd
import plotly.graph_objects as go
import typer

from optimizer.data.instance import Instance
from optimizer.evaluator.api import Evaluation
from optimizer.report import figures as F
from optimizer.report.data import RunData, load_run
from optimizer.report.excel import write_workbook
from optimizer.report.html import TIMELINE_ID, render_page
from optimizer.report.labels import LANGS, check_lang
from optimizer.report.limits import limits_table, limits_title
from optimizer.report.mac import mac_table
from optimizer.report.tables import (
    Table,
    costs_table,
    group_schedule_display,
    infeasibility_table,
    investment_display,
    kpis_table,
    mac_table_display,
    plan_table,
    schedule_display,
    shadow_table,
    summary_table,
    target_price_sentences,
    target_prices_display,
    targets_by_target_table,
    targets_table,
)
from optimizer.report.tables.portfolio import portfolio_sections


def report_paths(run_dir: Path, lang: str) -> tuple[Path, Path]:
    """Where the HTML page and the workbook of ``lang`` go inside ``run_dir``."""
    return run_dir / f"report_{lang}.html", run_dir / f"report_{lang}.xlsx"


def _atomic(path: Path, write: Callable[[Path], None]) -> Path:
    # a fresh hidden name in the same folder (same file system, so the rename is atomic);
    # opened normally rather than by mkstemp so the file gets the usual umask permissions
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex}{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return path


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def build_figures(data: RunData, mac: pd.DataFrame | None) -> dict[str, go.Figure]:
    """Every chart the run's files allow, keyed by its element id on the page."""
    figures: dict[str, go.Figure] = {}
    if data.kpis is not None and len(data.kpis):
        figures["chart-emissions"] = F.emissions_figure(data)
        figures["chart-capacity"] = F.capacity_figure(data)
        figures["chart-shares"] = F.shares_figure(data)
        figures["chart-pv"] = F.pv_figure(data)
    if data.schedule is not None and len(data.schedule):
        figures["chart-investment"] = F.investment_figure(data)
    if data.costs is not None and len(data.costs):
        figures["chart-costs"] = F.costs_figure(data)
    if mac is not None:
        figures["chart-mac"] = F.mac_figure(data, mac)
    if data.plan is not None and len(data.plan):
        figures[TIMELINE_ID] = F.timeline_figure(data)
    return figures


def write_report(
    run_dir: Path,
    lang: str = "zh",
    *,
    instance: Instance | None = None,
    evaluation: Evaluation | None = None,
) -> list[Path]:
    """Write the HTML page and the Excel workbook of ``run_dir``; return the files written.

    ``instance`` (with the run's overrides applied) and ``evaluation`` are optional: the
    optimiser passes what it has so nothing is evaluated twice; without them the instance is
    re-loaded from ``summary.json`` and the plan evaluated again.
    """
    lang = check_lang(lang)
    run_dir = Path(run_dir)
    data = load_run(run_dir, lang, instance=instance, evaluation=evaluation)
    mac: pd.DataFrame | None = None
    if data.evaluation is not None:
        mac = mac_table(data.evaluation)
    elif data.plan is not None:
        data.notes.append(data.t("mac_unavailable"))
    figures = build_figures(data, mac)
    targets = targets_table(data)
    t = data.t
    # no evaluation, no MAC: leave the sheet and section out rather than show an empty one
    mac_display = mac_table_display(data, mac) if mac is not None else Table("mac", t("sheet_mac"))
    costs = costs_table(data)
    shadow = shadow_table(data)
    infeasible = infeasibility_table(data)
    prices = target_prices_display(data)
    schedule = schedule_display(data)
    by_city = group_schedule_display(data, "city")
    by_company = group_schedule_display(data, "company")
    limits = limits_table(data)
    limits_heading, limits_note = limits_title(data.lang)
    # a company portfolio run: yours against the optimal, each measure, the k best (none for a
    # province run)
    portfolio = portfolio_sections(data)
    page = render_page(
        data,
        figures,
        targets_by_target_table(data),
        [
            (t("infeasibility_title"), infeasible, ""),
            (t("prices_title"), prices, "\n".join([t("prices_note"), *target_price_sentences(data)])),
            (t("schedule_title"), schedule, t("schedule_note")),
            (limits_heading, limits, limits_note),
            (t("by_city_title"), by_city, ""),
            (t("by_company_title"), by_company, ""),
            (t("costs_title"), costs, ""),
            (t("mac_title"), mac_display, t("mac_note")),
        ],
        lead_tables=portfolio,
    )
    sheets: list[Table] = [
        summary_table(data),
        *(table for _, table, _ in portfolio),
        targets,
        prices,
        schedule,
        limits,
        investment_display(data),
        by_city,
        by_company,
        plan_table(data),
        kpis_table(data),
        costs,
        mac_display,
        shadow,
        infeasible,
    ]
    html_path, xlsx_path = report_paths(run_dir, lang)
    _atomic(html_path, lambda p: _write_text(p, page))
    _atomic(xlsx_path, lambda p: write_workbook(p, sheets))
    return [html_path, xlsx_path]


def report_command(
    run_dir: Annotated[Path, typer.Argument(help="Run folder written by optimize (holds summary.json)")],
    lang: Annotated[str, typer.Option("--lang", help="Report language: zh or en")] = "zh",
) -> None:
    """Write report_<lang>.html (charts, offline) and report_<lang>.xlsx into a run folder."""
    try:
        lang = check_lang(lang)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--lang") from error
    if not (Path(run_dir) / "summary.json").exists():
        raise typer.BadParameter(f"{run_dir} is not a run folder (no summary.json)", param_hint="RUN_DIR")
    for path in write_report(Path(run_dir), lang):
        typer.echo(f"report written: {path}")


__all__ = ["LANGS", "build_figures", "report_command", "report_paths", "write_report"]
