"""What a run prints, in the language asked for with ``--lang``.

Stage lines, the outcome line and the targets table. Words shared with the report (status,
target kinds, column titles, units) come from :mod:`optimizer.report.labels`; only phrases the
report has no use for live here. ``summary.json`` and the CSV outputs stay in English (stable
keys for scripts); only what a person reads in the terminal changes.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from rich.table import Table

from optimizer.data.provinces import display_name
from optimizer.report.labels import STATUS, TARGET_KINDS, check_lang, target_unit, year_ranges
from optimizer.report.text import TEXT
from optimizer.targets.registry import kind as kind_of

MESSAGES: dict[str, dict[str, str]] = {
    "zh": {
        "stage_build": "{name}:为 {lines} 条生产线生成技术组合并建立模型",
        "stage_built": "建模完成,用时 {seconds:.1f} 秒:{packages} 个技术组合,{variables} 个变量,"
        "{constraints} 个约束",
        "stage_warm": "热启动(贪心初始方案与邻域搜索)",
        "stage_solve": "求解至 {gap:.2%} 的最优性间隙,最长 {limit:.0f} 秒",
        "stage_prices": "目标代价:逐个去掉起约束作用的目标并重新求解(target_prices.csv)",
        "solving": "求解 {elapsed:5.0f} 秒 | 当前最优方案 {best} | 下界 {bound} | 间隙 {gap}",
        "money": "{value:,.4f} 亿元",
        "outcome": "{name}:{status_label} {status}",
        "outcome_npv": ",{npv_label} {npv:,.2f} 亿元",
        "outcome_gap": ",{gap_label} {gap:.2e}",
        "emissions": "碳排放(百万吨 CO2):",
        "emissions_year": "{year}年 {mt:.2f}",
        "gap_not_reached": "未达到要求的最优性间隙:{limit:.0f} 秒时限在间隙 {reached} 处停止了搜索"
        "(要求 {requested:.3%});方案可行且已校验,但可能不是最低成本。加大 --time-limit 可得到证明的最优解",
        "relaxation_title": "目标无法同时满足:最小松弛",
        "results_written": "结果已写入 [bold]{path}[/]",
        "report_written": "报告已生成:[bold]{path}[/]",
        "report_failed": "[yellow]报告未生成:{error}[/]",
        "oversubscribed": "[yellow]注意:{race} 个并行求解器 × 每个 {threads} 个线程,超过本机 {cores} 个核心;"
        "求解会变慢(2 核机器上证明最优可能停滞)。建议去掉 --threads 或使用 --race 1[/]",
    },
    "en": {
        "stage_build": "{name}: technology packages and model for {lines} lines",
        "stage_built": "built in {seconds:.1f}s: {packages} packages, {variables} variables, "
        "{constraints} constraints",
        "stage_warm": "warm start (greedy plan, neighbourhood search)",
        "stage_solve": "solving to a {gap:.2%} gap, at most {limit:.0f}s",
        "stage_prices": "target prices: binding targets are re-solved without them (target_prices.csv)",
        "solving": "solving {elapsed:5.0f}s | best plan {best} | bound {bound} | gap {gap}",
        "money": "{value:,.4f} 亿元",
        "outcome": "{name}: status {status}",
        "outcome_npv": ", NPV {npv:,.2f} 亿 CNY ({npv_cny:,.0f} CNY)",
        "outcome_gap": ", MIP gap {gap:.2e}",
        "emissions": "emissions (Mt CO2): ",
        "emissions_year": "{year} {mt:.2f}",
        "gap_not_reached": "",  # the English message is the one run.py records in summary.json
        "relaxation_title": "Targets cannot all be met: least relaxation",
        "results_written": "results written to [bold]{path}[/]",
        "report_written": "report written: [bold]{path}[/]",
        "report_failed": "[yellow]report not written: {error}[/]",
        "oversubscribed": "[yellow]note: {race} racers x {threads} threads each is more than this "
        "machine's {cores} cores; the solve slows down (on 2 cores the proof can stall). Leave "
        "--threads out, or use --race 1[/]",
    },
}


def say(lang: str, key: str, **values: object) -> str:
    """The message ``key`` in ``lang`` (zh or en), filled with ``values``."""
    return MESSAGES[check_lang(lang)][key].format(**values)


def build_stage(lang: str, name: str, lines: int) -> str:
    """The first stage line: the instance (浙江省 in Chinese), its lines."""
    shown = display_name(name, lang) if lang == "zh" else name
    return say(lang, "stage_build", name=shown, lines=lines)


def money_text(lang: str, cny: float | None) -> str:
    return "—" if cny is None else say(lang, "money", value=cny / 1e8)


def outcome_line(lang: str, name: str, status: str, npv_cny: float | None, gap: float | None) -> str:
    """``zhejiang: status optimal, NPV … , MIP gap …`` / ``浙江省:求解状态 最优…``."""
    zh = TEXT["zh"]
    shown_status = STATUS["zh"].get(status, status) if lang == "zh" else status
    shown_name = display_name(name, lang) if lang == "zh" else name
    text = say(
        lang,
        "outcome",
        name=f"[bold]{shown_name}[/]",
        status_label=zh["status"],
        status=f"[bold]{shown_status}[/]",
    )
    if npv_cny is not None:
        text += say(lang, "outcome_npv", npv_label=zh["npv"], npv=npv_cny / 1e8, npv_cny=npv_cny)
    if gap is not None:
        text += say(lang, "outcome_gap", gap_label=zh["gap"], gap=gap)
    return text


def emissions_line(lang: str, co2_t: pd.Series) -> str:
    """Emissions per year (tCO2 indexed by year) in Mt."""
    return say(lang, "emissions") + ", ".join(
        say(lang, "emissions_year", year=y, mt=v / 1e6) for y, v in co2_t.items()
    )


def message_text(
    lang: str, message: str, gap_requested: float, gap_reached: float | None, time_limit_s: float
) -> str:
    """A run message as printed: in Chinese for zh the time-limit ending, the warm start and
    verification failures (:data:`_PHRASES_ZH`); other messages as recorded in summary.json."""
    if lang != "zh":
        return message
    if message.startswith("requested gap not reached"):
        reached = "未知" if gap_reached is None else f"{gap_reached:.3%}"
        return say(lang, "gap_not_reached", limit=time_limit_s, reached=reached, requested=gap_requested)
    for english, chinese in _PHRASES_ZH:
        message = message.replace(english, chinese)
    return message


_PHRASES_ZH = (
    ("warm start: ", "热启动:"),
    ("relax-and-round start found", "松弛取整得到初始方案"),
    ("relax-and-fix start found (steps ", "逐年松弛固定得到初始方案(各年用时 "),
    (" from last year's", " 自上年方案起"),
    ("fix and optimise by 2-year windows ", "按两年窗口固定优化 "),
    (" cheaper", " 更省"),
    ("relax and fix: no plan for ", "逐年松弛固定:未找到方案,年份 "),
    ("relax and fix: no time left at ", "逐年松弛固定:时间用尽,年份 "),
    ("relax and fix: final LP ", "逐年松弛固定:最终线性规划 "),
    (" kept as the year before ", " 沿用上一年状态 "),
    ("no time left", "时间用尽"),
    ("rounded plan infeasible", "取整后的方案不可行"),
    ("LP relaxation", "线性松弛"),
    ("given by the caller", "由调用方给出"),
    ("the evaluator finds hard targets missed: ", "评估器发现约束性目标未完成:"),
    ("verification failed: ", "校验未通过:"),
    # how the solver ended (solvers/highs.py) when no plan was found, or was interrupted
    ("hard wall-clock limit, no incumbent", "已到硬性时限,尚无可行方案"),
    ("time limit, no incumbent", "已到求解时限,尚无可行方案"),
    ("interrupted (Ctrl-C or SIGTERM)", "已中断(Ctrl-C 或 SIGTERM)"),
    (": best incumbent so far", ":保留目前最好的方案"),
    (", no incumbent", ",尚无可行方案"),
    (": verified by the evaluator below, MIP gap ", ",方案已经评估器校验,MIP 间隙 "),
    ("Time limit reached", "已到求解时限"),  # HiGHS's ending when no plan was found
    (", NPV ", ",净现值 "),
    (" CNY", " 元"),
)
"""Run messages said in Chinese piece by piece, in order (longest first where one contains
another); figures and solver terms in between are kept as recorded."""


def fmt_value(value: object) -> str:
    """A figure as the console shows it: — for NaN, thousands separated from 10 000 up."""
    if isinstance(value, float):
        if np.isnan(value):
            return "—"
        if abs(value) >= 1e4:
            return f"{value:,.0f}"
        return f"{value:.4g}"
    return str(value)


def _met_cell(lang: str, met: object, hard: object) -> str:
    t = TEXT[lang]
    if met is None or (isinstance(met, float) and np.isnan(met)):
        text = "n/a" if lang == "en" else t["met_na"]
    elif met:
        text = f"[green]{'met' if lang == 'en' else t['met_yes']}[/]"
    else:
        text = f"[red]{'MISSED' if lang == 'en' else t['met_no']}[/]"
    soft = " (soft)" if lang == "en" else f"({t['soft']})"
    return text + ("" if hard else soft)


def _source(row: dict, lang: str) -> str:
    """zh: 《title》clause; en: the English citation where the run has one (older runs do not)."""
    english = row.get("source_en")
    if lang == "en" and isinstance(english, str) and english:
        return english
    return str(row.get("source", ""))


def sector_names(sectors: pd.DataFrame, lang: str) -> dict[str, str]:
    """Sector id -> its name in ``lang`` (the instance's sectors table); English keeps the ids,
    which are what targets.csv and --set selectors use."""
    if lang != "zh" or "name_zh" not in sectors.columns:
        return {}
    return {str(k): str(v) for k, v in zip(sectors["sector"], sectors["name_zh"], strict=True) if v}


def targets_console_table(targets: pd.DataFrame, lang: str, sectors: dict[str, str] | None = None) -> Table:
    """The target table planners check first: required, achieved, met.

    One row per target (and sector, where judged per sector), its checked years folded: the
    years as a range, achieved as first → last year, the missed years named (targets.csv keeps
    one row per year). English shows the raw figures of ``targets.csv`` under its column
    names; Chinese shows the report's units (percent, 万吨/年, 万吨 CO2) and citations by
    document title."""
    lang = check_lang(lang)
    t = TEXT[lang]
    keys = ("target_id", "year", "kind", "required", "achieved", "unit", "met", "clause")
    english = ("target", "year", "kind", "required", "achieved", "unit", "met", "source")
    table = Table(title="Targets" if lang == "en" else t["targets"])
    for key, name in zip(keys, english, strict=True):
        table.add_column(name if lang == "en" else t[key])
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in targets.to_dict("records"):
        groups.setdefault((str(r["target_id"]), str(r["group"])), []).append(r)
    for (target_id, group_id), members in groups.items():
        first = members[0]
        group = (sectors or {}).get(group_id, group_id)
        label = target_id if group_id == "pooled" else f"{target_id} ({group})"
        shown = [_shown(r, lang) for r in members]
        required = [s[0] for s in shown]
        achieved = [s[1] for s in shown]
        years = [int(r["year"]) for r in members]
        table.add_row(
            label,
            year_ranges(years),
            shown[0][3],
            required[0] if len(set(required)) == 1 else " → ".join(dict.fromkeys(required)),
            achieved[0] if len(set(achieved)) == 1 else f"{achieved[0]} → {achieved[-1]}",
            shown[0][2],
            _met_cells(lang, members),
            _source(first, lang),
        )
    return table


def _shown(r: dict, lang: str) -> tuple[str, str, str, str]:
    """(required, achieved, unit, kind) of one targets.csv row as the console shows them."""
    t = TEXT[lang]
    kind_id = str(r["kind"])
    achieved = float(r["achieved"])
    no_build = kind_of(kind_id).unmeasured is not None and not math.isfinite(achieved)
    if lang == "en":
        required, shown, unit_label = fmt_value(r["required"]), fmt_value(r["achieved"]), str(r["unit"])
        kind = kind_id
    else:
        u = target_unit(lang, str(r["unit"]))
        scale = 100.0 / u.factor if u.percent else 1.0 / u.factor
        required = fmt_value(float(r["required"]) * scale)
        shown, unit_label = fmt_value(achieved * scale), u.label
        kind = TARGET_KINDS[lang].get(kind_id, kind_id)
    if no_build:
        shown = "no new build" if lang == "en" else t["no_new_build"]
    return required, shown, unit_label, kind


def _met_cells(lang: str, members: list[dict]) -> str:
    """One target's verdict over its years: met, or which years missed (soft ones marked)."""
    if len(members) == 1:
        return _met_cell(lang, members[0]["met"], members[0]["hard"])
    t = TEXT[lang]
    missed = [r for r in members if _judged(r["met"]) and not r["met"]]
    if not missed:
        if not any(_judged(r["met"]) for r in members):
            return "n/a" if lang == "en" else t["met_na"]
        return f"[green]{'met' if lang == 'en' else t['met_yes']}[/]"
    soft_word = "soft" if lang == "en" else t["soft"]
    hard_years = [int(r["year"]) for r in missed if r["hard"]]
    soft_years = [int(r["year"]) for r in missed if not r["hard"]]
    parts = sorted(
        ([(min(hard_years), year_ranges(hard_years))] if hard_years else [])
        + ([(min(soft_years), f"{year_ranges(soft_years)} ({soft_word})")] if soft_years else [])
    )
    word = "MISSED" if lang == "en" else t["met_no"]
    colour = "red" if hard_years else "yellow"
    return f"[{colour}]{word} " + ", ".join(p for _, p in parts) + "[/]"


def _judged(met: object) -> bool:
    return not (met is None or (isinstance(met, float) and np.isnan(met)))


__all__ = [
    "MESSAGES",
    "build_stage",
    "emissions_line",
    "message_text",
    "money_text",
    "outcome_line",
    "say",
    "sector_names",
    "targets_console_table",
]
