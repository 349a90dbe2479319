"""A company portfolio's own tables: yours against the optimal, each measure, the k best.

Read from the files ``optimize portfolio`` writes (comparison.csv, measures_optimal.csv,
measures_yours.csv, kbest.csv); methods in :mod:`optimizer.portfolio.finance` and
:mod:`optimizer.portfolio.kbest`. Company money is shown in 万元 / M CNY: a single retrofit
is a few million yuan, which 亿元 would show as 0.02.
"""

from __future__ import annotations

import re

import pandas as pd

from optimizer.report.data import RunData
from optimizer.report.labels import Unit, with_unit
from optimizer.report.tables.table import Table

MONEY = {"zh": Unit("万元", 1e4), "en": Unit("M CNY", 1e6)}

_WORDS = {
    "zh": {
        "title": "企业方案:您的方案与最优方案",
        "sheet": "企业方案对比",
        "measures_sheet": "逐项措施",
        "kbest_sheet": "K个最优方案",
        "note": "最优方案满足同样的企业目标且净现值最低;投资回收期 = 投资 / 年均节约,"
        "内部收益率按措施寿命内的现金流计算,减排成本 = (年化投资 − 年均节约) / 年均减排量"
        "(负值表示措施本身即可回本)。",
        "measures_title": "逐项措施:投资、回收期、内部收益率与减排成本",
        "kbest_title": "K 个最优的不同方案(与第 1 名的差别)",
        "kbest_note": "每个方案至少在一条生产线的某一年采用的技术包或退出上与之前的方案不同"
        "(整数割,见 kbest.py)。",
        "portfolio": "方案",
        "optimal": "最优方案",
        "yours": "您的方案",
        "capex": "投资",
        "npv": "总成本净现值",
        "saving": "年节约",
        "payback": "投资回收期(年)",
        "irr": "内部收益率",
        "avoided": "年减排量(吨CO₂/年)",
        "abatement": "减排成本(元/吨CO₂)",
        "co2_last": "末年排放(吨CO₂)",
        "goals_met": "企业目标全部完成",
        "fixed_cost": "固定/禁止选择的代价",
        "line": "生产线",
        "technology": "技术",
        "year": "年份",
        "rank": "名次",
        "retired": "退出的生产线",
        "retrofits": "改造项数",
        "differs": "与第 1 名的差别",
        "yes": "是",
        "no": "否",
        "same": "—",
    },
    "en": {
        "title": "Company portfolio: yours against the optimal",
        "sheet": "Portfolios",
        "measures_sheet": "Measures",
        "kbest_sheet": "K best",
        "note": "The optimal portfolio meets the same company goals at the least NPV; payback = capex / "
        "mean yearly saving, IRR over the measure's life, abatement cost = (annualised capex - mean "
        "saving) / mean tCO2 avoided per year (negative: the measure pays for itself).",
        "measures_title": "Measure by measure: capex, payback, IRR and abatement cost",
        "kbest_title": "The K best distinct portfolios (how each differs from rank 1)",
        "kbest_note": "Each portfolio differs from every earlier one in at least one line's package or "
        "closure in at least one year (integer cuts, see kbest.py).",
        "portfolio": "Portfolio",
        "optimal": "optimal",
        "yours": "yours",
        "capex": "Capex",
        "npv": "NPV of total cost",
        "saving": "Yearly saving",
        "payback": "Payback (years)",
        "irr": "IRR",
        "avoided": "CO₂ avoided (t/yr)",
        "abatement": "Abatement cost (CNY/tCO₂)",
        "co2_last": "Last-year emissions (tCO₂)",
        "goals_met": "All company goals met",
        "fixed_cost": "Cost of your fixed/forbidden choices",
        "line": "Line",
        "technology": "Technology",
        "year": "Year",
        "rank": "Rank",
        "retired": "Lines closed",
        "retrofits": "Retrofits",
        "differs": "Difference from rank 1",
        "yes": "yes",
        "no": "no",
        "same": "—",
    },
}


def _read(data: RunData, name: str) -> pd.DataFrame | None:
    path = data.run_dir / f"{name}.csv"
    return pd.read_csv(path) if path.is_file() else None


def _bool(value: object) -> bool:
    return str(value).strip().lower() == "true"


def _add_finance(table: Table, frame: pd.DataFrame, w: dict[str, str], money: Unit) -> None:
    """The finance columns of portfolio/finance.py: capex, saving, payback, IRR, abatement."""
    table.add(with_unit(w["capex"], money.label), frame["capex_cny"] / money.factor, "num", "#,##0.0", 12)
    table.add(
        with_unit(w["saving"], money.label), frame["saving_cny_per_year"] / money.factor, "num", "#,##0.0", 12
    )
    table.add(w["payback"], frame["payback_years"], "num", "#,##0.0", 10)
    table.add(w["irr"], frame["irr"], "pct", "0.0%", 10)
    table.add(w["avoided"], frame["co2_avoided_t_per_year"], "num", "#,##0", 14)
    table.add(w["abatement"], frame["abatement_cost_cny_per_tco2"], "num", "#,##0", 14)


def comparison_display(data: RunData) -> Table:
    """comparison.csv: the optimal portfolio and yours, side by side."""
    w = _WORDS[data.lang]
    frame = _read(data, "comparison")
    table = Table("portfolio", w["sheet"])
    if frame is None or not len(frame):
        return table
    money = MONEY[data.lang]
    table.add(w["portfolio"], [w.get(str(p), str(p)) for p in frame["portfolio"]], "text", width=12)
    table.add(with_unit(w["npv"], money.label), frame["npv_cny"] / money.factor, "num", "#,##0.0", 14)
    _add_finance(table, frame, w, money)
    table.add(w["co2_last"], frame["co2_last_year_t"], "num", "#,##0", 14)
    table.add(
        w["goals_met"], [w["yes"] if _bool(g) else w["no"] for g in frame["goals_met"]], "text", width=10
    )
    if "fixed_choices_cost_cny" in frame.columns:
        table.add(
            with_unit(w["fixed_cost"], money.label),
            frame["fixed_choices_cost_cny"] / money.factor,
            "num",
            "#,##0.0",
            14,
        )
    table.row_class = ["met" if _bool(g) else "missed" for g in frame["goals_met"]]
    return table


def measures_display(data: RunData) -> Table:
    """measures_optimal.csv and measures_yours.csv in one table, the portfolio first."""
    w = _WORDS[data.lang]
    parts = []
    for name in ("optimal", "yours"):
        frame = _read(data, f"measures_{name}")
        if frame is not None and len(frame):
            parts.append(frame.assign(portfolio=w[name]))
    table = Table("portfolio_measures", w["measures_sheet"])
    if not parts:
        return table
    frame = pd.concat(parts, ignore_index=True)
    money = MONEY[data.lang]
    table.add(w["portfolio"], frame["portfolio"], "text", width=12)
    table.add(w["line"], frame["line_id"], "text", width=12)
    table.add(w["technology"], [data.tech(str(t)) for t in frame["technology"]], "text", width=30)
    table.add(w["year"], frame["year"], "int", "0", width=7)
    _add_finance(table, frame, w, money)
    return table


_DELTA = re.compile(r"([+-])([A-Za-z0-9_]+)@(\d{4})")


def _delta_text(data: RunData, cell: object) -> str:
    """decision_delta's "L1: +cooler_4th_gen@2030 exit —→retire 2029" with technology names
    and, in Chinese, the words of the page."""
    if not isinstance(cell, str) or not cell:
        return _WORDS[data.lang]["same"]

    def tech(match: re.Match[str]) -> str:
        sign, tech_id, year = match.groups()
        if data.lang == "zh":
            return f"{'增加' if sign == '+' else '去掉'} {year} 年{data.tech(tech_id)}"
        return f"{sign}{data.tech(tech_id)} {year}"

    text = _DELTA.sub(tech, cell)
    if data.lang == "zh":
        text = text.replace("exit ", "退出 ").replace("swap_out", "置换退出").replace("retire", "退出")
    return text


def kbest_display(data: RunData) -> Table:
    """kbest.csv: each rank's NPV, closures, retrofits and how it differs from rank 1."""
    w = _WORDS[data.lang]
    frame = _read(data, "kbest")
    table = Table("portfolio_kbest", w["kbest_sheet"])
    if frame is None or not len(frame):
        return table
    money = MONEY[data.lang]
    table.add(w["rank"], frame["rank"], "int", "0", width=6)
    table.add(with_unit(w["npv"], money.label), frame["npv_cny"] / money.factor, "num", "#,##0.0", 14)
    # an all-empty column reads as float NaN
    table.add(w["retired"], [r if isinstance(r, str) else "" for r in frame["retired"]], "text", width=20)
    table.add(w["retrofits"], frame["retrofits"], "int", "#,##0", width=8)
    table.add(w["differs"], [_delta_text(data, d) for d in frame["differs_from_rank_1"]], "text", width=60)
    return table


def portfolio_sections(data: RunData) -> list[tuple[str, Table, str]]:
    """(heading, table, note) of a portfolio run's page; none for a province run."""
    w = _WORDS[data.lang]
    sections = [
        (w["title"], comparison_display(data), w["note"]),
        (w["measures_title"], measures_display(data), ""),
        (w["kbest_title"], kbest_display(data), w["kbest_note"]),
    ]
    return [s for s in sections if s[1].n_rows]


__all__ = ["comparison_display", "kbest_display", "measures_display", "portfolio_sections"]
