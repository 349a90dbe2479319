"""The report's tables in display form: localised headers with units, converted numbers.

One :class:`Table` feeds both the Excel sheet and the HTML table, so the workbook and the
page can never disagree. Numbers are divided by the display unit's factor and otherwise kept
at full precision (rounding is only the cell's or the page's number format).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from optimizer.report.data import RunData
from optimizer.report.labels import (
    ACTIONS,
    COST_COMPONENTS,
    STATUS,
    TARGET_KINDS,
    intensity_unit,
    output_unit,
    status_text,
    target_unit,
    unit,
    with_unit,
)
from optimizer.targets.registry import KINDS


@dataclass
class Column:
    """One column: header text (unit included), values, and how to show them.

    ``fmt`` is an Excel number format; ``kind`` is text, int, num or pct (pct values are
    fractions shown as percent, as Excel's percent format does). ``percent_rows`` marks rows
    of a mixed column (targets: fractions next to MW and tCO2) to show as percent.
    """

    header: str
    values: list[object]
    kind: str = "num"
    fmt: str = "#,##0.00"
    width: float | None = None
    percent_rows: list[bool] | None = None


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column] = field(default_factory=list)
    # per-row style hint for the HTML page (e.g. "met", "missed", "soft", "na")
    row_class: list[str] = field(default_factory=list)
    # Excel only: a native chart of the table ("stacked_bar": first column the categories,
    # every other column one series)
    chart: str | None = None

    @property
    def n_rows(self) -> int:
        return len(self.columns[0].values) if self.columns else 0

    def add(
        self,
        header: str,
        values: Iterable[object],
        kind: str = "num",
        fmt: str = "#,##0.00",
        width: float | None = None,
    ) -> Column:
        column = Column(header, _clean(list(values)), kind, fmt, width)
        self.columns.append(column)
        return column


def _clean(values: list[object]) -> list[object]:
    """NaN becomes an empty cell; numpy scalars become Python numbers (openpyxl, json)."""
    out: list[object] = []
    for v in values:
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, float) and math.isnan(v):
            v = None
        out.append(v)
    return out


INF_TEXT = "∞"


def _target_value(value: float, factor: float) -> object:
    """Required/achieved of one target row; ∞ (a ratio with nothing built) as text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if math.isinf(value):
        return INF_TEXT if value > 0 else "-" + INF_TEXT
    return float(value) / factor


def targets_table(data: RunData) -> Table:
    """The table planners check first: every target, clause, required, achieved, met."""
    t = data.t
    frame = data.targets
    table = Table("targets", t("sheet_targets"))
    if frame is None:
        return table
    lang = data.lang
    units = [target_unit(lang, u) for u in frame["unit"]]
    scope = []
    for g, s in zip(frame["group"], frame["scope"], strict=True):
        sectors = [x for x in s.split(";") if x]
        if g and g != "pooled":
            scope.append(data.sector(g))
        elif len(sectors) == 1:
            scope.append(data.sector(sectors[0]))
        else:
            scope.append(f"{t('pooled')}: " + ", ".join(data.sector(x) for x in sectors))
    met_text, row_class = [], []
    for met, hard in zip(frame["met"], frame["hard"], strict=True):
        hard = bool(hard) if not isinstance(hard, str) else hard.lower() == "true"
        if met is None:
            met_text.append(t("met_na"))
            row_class.append("na")
        elif met:
            met_text.append(t("met_yes"))
            row_class.append("met")
        else:
            met_text.append(t("met_no") + ("" if hard else f" ({t('soft')})"))
            row_class.append("missed" if hard else "soft")
    table.add(t("target_id"), frame["target_id"], "text", width=12)
    table.add(t("group"), scope, "text", width=24)
    table.add(t("year"), frame["year"], "int", "0", width=7)
    table.add(t("kind"), [TARGET_KINDS[lang].get(k, k) for k in frame["kind"]], "text", width=22)
    # zh: 《title》clause and the clause's own words; en: English title and description
    # (older run folders carry only the English columns: they fall back to them)
    zh = lang == "zh"
    sources = [
        (s_zh if zh or not s_en else s_en)
        for s_zh, s_en in zip(frame["source"], frame["source_en"], strict=True)
    ]
    descriptions = [
        (d_zh if zh and d_zh else d_en)
        for d_zh, d_en in zip(frame["description_zh"], frame["description"], strict=True)
    ]
    table.add(t("clause"), sources, "text", width=30)
    for key in ("required", "achieved"):
        values = [_target_value(v, u.factor) for v, u in zip(frame[key], units, strict=True)]
        if key == "achieved":
            # e.g. a replacement ratio with nothing built: no ratio to show (older runs wrote inf)
            values = [
                t(_unmeasured(k)) if _unmeasured(k) and (v is None or isinstance(v, str)) else v
                for k, v in zip(frame["kind"], values, strict=True)
            ]
        column = table.add(t(key), values, "num", "#,##0.00", width=13)
        # fractions stay fractions (equal to targets.csv) and are shown as percent
        column.percent_rows = [u.percent for u in units]
    table.add(t("unit"), [u.label for u in units], "text", width=14)
    table.add(t("met"), met_text, "text", width=14)
    table.add(
        t("hard"), [t("yes") if str(h).lower() == "true" else t("no") for h in frame["hard"]], "text", width=8
    )
    table.add(t("description"), descriptions, "text", width=60)
    table.row_class = row_class
    return table


def plan_table(data: RunData) -> Table:
    """plan.csv with names, localised actions and display units (one row per line-year)."""
    t = data.t
    lang = data.lang
    plan = data.plan
    table = Table("plan", t("sheet_plan"))
    if plan is None:
        return table
    money, co2 = unit(lang, "money"), unit(lang, "co2")
    scale = unit(lang, "capacity_scale")
    per_year = "/年" if lang == "zh" else "/yr"
    out_units = [output_unit(lang, data.sector_unit(s)).label for s in plan["sector"]]
    table.add(t("line"), plan["line_id"], "text", width=14)
    table.add(t("company"), plan["company"], "text", width=28)
    table.add(t("city"), plan["city"], "text", width=12)
    table.add(t("sector"), [data.sector(s) for s in plan["sector"]], "text", width=16)
    table.add(t("year"), plan["year"], "int", "0", width=7)
    table.add(t("action"), [ACTIONS[lang].get(a, a) for a in plan["action"]], "text", width=12)
    table.add(t("technologies"), [data.techs(c) for c in plan["technologies"]], "text", width=50)
    table.add(t("new_technologies"), [data.techs(c) for c in plan["new_technologies"]], "text", width=40)
    table.add(
        with_unit(t("operating_days"), unit(lang, "days").label), plan["operating_days"], "num", "#,##0.0", 10
    )
    generic = "万单位" if lang == "zh" else "M units"
    table.add(
        with_unit(t("capacity"), generic + per_year),
        plan["capacity_per_year"] / scale.factor,
        "num",
        "#,##0.0000",
        14,
    )
    table.add(
        with_unit(t("output"), generic + per_year),
        plan["output_units"] / scale.factor,
        "num",
        "#,##0.0000",
        14,
    )
    table.add(t("capacity_unit"), out_units, "text", width=12)
    table.add(
        with_unit(t("intensity"), "kgce/" + t("per_unit")),
        plan["intensity_kgce_per_unit"],
        "num",
        "#,##0.00",
        14,
    )
    table.add(with_unit(t("co2"), co2.label), plan["total_co2_t"] / co2.factor, "num", "#,##0.0000", 14)
    table.add(with_unit(t("capex"), money.label), plan["capex_cny"] / money.factor, "num", "#,##0.0000", 14)
    table.add(with_unit(t("cost"), money.label), plan["cost_cny"] / money.factor, "num", "#,##0.0000", 14)
    return table


def kpis_table(data: RunData) -> Table:
    """Sector x year aggregates from the evaluator (kpis.csv)."""
    t = data.t
    lang = data.lang
    kpis = data.kpis
    table = Table("kpis", t("sheet_kpis"))
    if kpis is None:
        return table
    money, co2, energy = unit(lang, "money"), unit(lang, "co2"), unit(lang, "energy")
    scale = unit(lang, "capacity_scale")
    per_year = "/年" if lang == "zh" else "/yr"
    generic = "万单位" if lang == "zh" else "M units"
    table.add(t("sector"), [data.sector(s) for s in kpis["sector"]], "text", width=16)
    table.add(t("year"), kpis["year"], "int", "0", width=7)
    table.add(t("running_lines"), kpis["running_lines"], "num", "#,##0", width=10)
    table.add(
        with_unit(t("capacity"), generic + per_year),
        kpis["capacity_per_year"] / scale.factor,
        "num",
        "#,##0.00",
        14,
    )
    table.add(
        with_unit(t("output"), generic + per_year), kpis["output_units"] / scale.factor, "num", "#,##0.00", 14
    )
    table.add(
        t("capacity_unit"),
        [output_unit(lang, data.sector_unit(s)).label for s in kpis["sector"]],
        "text",
        width=12,
    )
    table.add(
        with_unit(t("intensity"), "kgce/" + t("per_unit")),
        kpis["intensity_kgce_per_unit"],
        "num",
        "#,##0.00",
        14,
    )
    table.add(
        t("intensity_unit"),
        [intensity_unit(lang, data.sector_unit(s)) for s in kpis["sector"]],
        "text",
        width=14,
    )
    table.add(
        with_unit(t("intensity_change"), "%"), kpis["intensity_change_vs_base_frac"], "pct", "0.00%", 14
    )
    table.add(with_unit(t("share_benchmark"), "%"), kpis["share_at_benchmark"], "pct", "0.0%", 12)
    table.add(with_unit(t("share_worse"), "%"), kpis["share_worse_than_baseline"], "pct", "0.0%", 12)
    # energy_kgce / 1000 is tce; the display factor then scales tce
    table.add(
        with_unit(t("energy"), energy.label),
        kpis["energy_kgce"] / 1000 / energy.factor,
        "num",
        "#,##0.00",
        12,
    )
    table.add(with_unit(t("co2"), co2.label), kpis["total_co2_t"] / co2.factor, "num", "#,##0.00", 12)
    table.add(with_unit(t("direct_co2"), co2.label), kpis["direct_co2_t"] / co2.factor, "num", "#,##0.00", 12)
    table.add(
        with_unit(t("indirect_co2"), co2.label), kpis["indirect_co2_t"] / co2.factor, "num", "#,##0.00", 12
    )
    table.add(with_unit(t("pv"), "MW"), kpis["pv_mw"], "num", "#,##0.0", 10)
    table.add(with_unit(t("capex"), money.label), kpis["capex_cny"] / money.factor, "num", "#,##0.00", 12)
    for column, key in (
        ("om_cny", "om"),
        ("fuel_cost_cny", "fuel"),
        ("electricity_cost_cny", "electricity"),
        ("carbon_cost_cny", "carbon"),
    ):
        table.add(
            with_unit(COST_COMPONENTS[lang][key], money.label),
            kpis[column] / money.factor,
            "num",
            "#,##0.00",
            12,
        )
    table.add(with_unit(t("npv_year"), money.label), kpis["npv_cny"] / money.factor, "num", "#,##0.00", 14)
    return table


def costs_table(data: RunData) -> Table:
    t = data.t
    money = unit(data.lang, "money")
    table = Table("costs", t("sheet_costs"))
    if data.costs is None:
        return table
    costs = data.costs
    table.add(
        t("component"), [COST_COMPONENTS[data.lang].get(c, c) for c in costs["component"]], "text", width=18
    )
    table.add(
        with_unit(t("nominal"), money.label), costs["nominal_cny"] / money.factor, "num", "#,##0.00", 16
    )
    table.add(
        with_unit(t("discounted"), money.label), costs["discounted_cny"] / money.factor, "num", "#,##0.00", 16
    )
    return table


def mac_table_display(data: RunData, mac: pd.DataFrame) -> Table:
    t = data.t
    money, co2, mac_unit = unit(data.lang, "money"), unit(data.lang, "co2"), unit(data.lang, "mac")
    table = Table("mac", t("sheet_mac"))
    table.add(t("technology"), [data.tech(k) for k in mac["tech_id"]], "text", width=40)
    table.add(t("lines_adopting"), mac["lines"], "int", "0", width=10)
    table.add(with_unit(t("abated"), co2.label), mac["abated_t"] / co2.factor, "num", "#,##0.0000", 16)
    table.add(
        with_unit(t("delta_npv"), money.label), mac["delta_npv_cny"] / money.factor, "num", "#,##0.00", 16
    )
    table.add(with_unit(t("mac"), mac_unit.label), mac["mac_cny_per_t"], "num", "#,##0", 16)
    return table


def shadow_table(data: RunData) -> Table:
    t = data.t
    table = Table("shadow", t("sheet_shadow"))
    frame = data.shadow
    if frame is None or not len(frame):
        return table
    table.add(t("constraint"), frame["constraint"], "text", width=46)
    table.add(t("dual"), frame["dual_cny_per_unit"], "num", "#,##0.00", 22)
    table.add(
        t("binding"),
        [t("yes") if str(b).lower() == "true" else t("no") for b in frame["binding"]],
        "text",
        width=8,
    )
    return table


def infeasibility_table(data: RunData) -> Table:
    """The least relaxation of the targets when they cannot all be met (infeasibility.csv)."""
    t = data.t
    table = Table("infeasibility", t("sheet_infeasibility"))
    frame = data.infeasibility
    if frame is None or not len(frame):
        return table
    money = unit(data.lang, "money")
    known = {
        "target": (t("target_id"), "text", "@", 1.0, 14),
        "year": (t("year"), "int", "0", 1.0, 7),
        "relaxation": (t("relaxation"), "num", "#,##0.0000", 1.0, 12),
        "kind": (t("kind"), "text", "@", 1.0, 18),
        "relaxation_in_unit": (t("relaxation_in_unit"), "num", "#,##0.00", 1.0, 14),
        "unit": (t("unit"), "text", "@", 1.0, 24),
        "absolute": (t("absolute"), "num", "#,##0.00", 1.0, 16),
        "absolute_unit": (t("absolute_unit"), "text", "@", 1.0, 24),
        "note": (t("note"), "text", "@", 1.0, 60),
        "plan_npv_cny_with_relaxation": (
            with_unit(t("npv"), money.label),
            "num",
            "#,##0.00",
            money.factor,
            18,
        ),
    }
    for column in frame.columns:
        header, kind, fmt, factor, width = known.get(str(column), (str(column), "text", "@", 1.0, 30))
        values = frame[column]
        if column == "kind":
            values = pd.Series([TARGET_KINDS[data.lang].get(str(k), str(k)) for k in values])
        if factor != 1.0 or kind == "int":
            values = pd.to_numeric(values, errors="coerce") / factor
        table.add(header, values, kind, fmt, width)
    return table


def summary_table(data: RunData) -> Table:
    """Run facts as item/value rows (instance, status, NPV in display units, overrides)."""
    t = data.t
    s = data.summary
    money = unit(data.lang, "money")
    items: list[tuple[str, object]] = [
        (t("instance"), s.get("instance")),
        (t("status"), status_text(data.lang, s)),
    ]
    npv = s.get("evaluator_npv_cny")
    if npv is not None:
        items.append((with_unit(t("npv"), money.label), float(npv) / money.factor))
    if s.get("mip_gap") is not None:
        items.append((t("gap"), float(s["mip_gap"])))
    items.append(
        (with_unit(t("carbon_price"), unit(data.lang, "mac").label), s.get("carbon_price") or t("none"))
    )
    items.append((t("overrides"), "; ".join(s.get("overrides") or []) or t("none")))
    table = Table("summary", t("sheet_summary"))
    table.add(t("item"), [k for k, _ in items], "text", width=34)
    table.add(t("value"), [v for _, v in items], "num", "#,##0.00##", width=40)
    return table


def _capacity_header(data: RunData, key: str) -> str:
    generic = "万单位/年" if data.lang == "zh" else "M units/yr"
    return with_unit(data.t(key), generic)


def schedule_display(data: RunData) -> Table:
    """schedule.csv: per year and sector, closures, retrofits, new builds, money, emissions."""
    t = data.t
    frame = data.schedule
    table = Table("schedule", t("sheet_schedule"))
    if frame is None or not len(frame):
        return table
    lang = data.lang
    money, co2, scale = unit(lang, "money"), unit(lang, "co2"), unit(lang, "capacity_scale")
    table.add(t("year"), frame["year"], "int", "0", width=7)
    table.add(t("sector"), [data.sector(s) for s in frame["sector"]], "text", width=16)
    table.add(t("lines_closed"), frame["lines_closed"], "int", "#,##0", width=10)
    table.add(
        _capacity_header(data, "capacity_closed"),
        frame["capacity_closed_per_year"] / scale.factor,
        "num",
        "#,##0.0",
        14,
    )
    table.add(t("capacity_unit"), [data.output_unit_label(s) for s in frame["sector"]], "text", width=10)
    table.add(t("closed_lines"), frame["closed_lines"].fillna(""), "text", width=30)
    table.add(t("retrofits"), frame["retrofits"], "int", "#,##0", width=10)
    table.add(
        t("retrofits_by_tech"),
        [
            "; ".join(
                f"{data.tech(p.split(':')[0])} ×{p.split(':')[1]}" for p in str(c).split(";") if ":" in p
            )
            for c in frame["retrofits_by_technology"].fillna("")
        ],
        "text",
        width=50,
    )
    table.add(t("new_builds"), frame["new_builds"], "int", "#,##0", width=10)
    table.add(
        _capacity_header(data, "new_capacity"),
        frame["new_capacity_per_year"] / scale.factor,
        "num",
        "#,##0.0",
        14,
    )
    table.add(with_unit(t("capex"), money.label), frame["capex_cny"] / money.factor, "num", "#,##0.00", 12)
    table.add(
        with_unit(t("operating_cost"), money.label),
        frame["operating_cost_cny"] / money.factor,
        "num",
        "#,##0.00",
        12,
    )
    table.add(with_unit(t("co2"), co2.label), frame["total_co2_t"] / co2.factor, "num", "#,##0.00", 12)
    return table


def group_schedule_display(data: RunData, column: str) -> Table:
    """schedule_by_city.csv / schedule_by_company.csv, rows with something happening only."""
    t = data.t
    frame = data.schedule_by_city if column == "city" else data.schedule_by_company
    key = "by_city" if column == "city" else "by_company"
    table = Table(key, t(f"sheet_{key}"))
    if frame is None or not len(frame):
        return table
    active = frame[(frame["lines_closed"] > 0) | (frame["retrofits"] > 0) | (frame["new_builds"] > 0)]
    lang = data.lang
    money, scale = unit(lang, "money"), unit(lang, "capacity_scale")
    table.add(t("year"), active["year"], "int", "0", width=7)
    table.add(t(column), active[column], "text", width=24)
    table.add(t("sector"), [data.sector(s) for s in active["sector"]], "text", width=16)
    table.add(t("lines_closed"), active["lines_closed"], "int", "#,##0", width=10)
    table.add(
        _capacity_header(data, "capacity_closed"),
        active["capacity_closed_per_year"] / scale.factor,
        "num",
        "#,##0.0",
        14,
    )
    table.add(t("capacity_unit"), [data.output_unit_label(s) for s in active["sector"]], "text", width=10)
    table.add(t("retrofits"), active["retrofits"], "int", "#,##0", width=10)
    table.add(t("new_builds"), active["new_builds"], "int", "#,##0", width=10)
    table.add(with_unit(t("capex"), money.label), active["capex_cny"] / money.factor, "num", "#,##0.00", 12)
    return table


def _prices_name(data: RunData, row: pd.Series) -> str:
    group = str(row["group"])
    return str(row["target_id"]) + ("" if group in ("", "pooled", "nan") else f" ({data.sector(group)})")


def target_prices_display(data: RunData) -> Table:
    """target_prices.csv: binding, shadow price in the target's unit, cost of the target."""
    t = data.t
    frame = data.target_prices
    table = Table("prices", t("sheet_prices"))
    if frame is None or not len(frame):
        return table
    # binding targets first (the ones with a price and a cost), file order otherwise
    binding_first = [str(b).lower() != "true" for b in frame["binding"]]
    order = sorted(range(len(frame)), key=lambda i: binding_first[i])
    frame = frame.iloc[order].reset_index(drop=True)
    lang = data.lang
    money = unit(lang, "money")
    table.add(t("target_id"), [_prices_name(data, r) for _, r in frame.iterrows()], "text", width=24)
    table.add(t("year"), frame["year"], "int", "0", width=7)
    table.add(t("kind"), [TARGET_KINDS[lang].get(k, k) for k in frame["kind"]], "text", width=22)
    binding = [str(b).lower() == "true" for b in frame["binding"]]
    table.add(t("binding"), [t("yes") if b else t("no") for b in binding], "text", width=8)
    units = [target_unit(lang, u) for u in frame["unit"]]
    slack = table.add(
        t("slack"), [_target_value(v, u.factor) for v, u in zip(frame["slack"], units, strict=True)], "num"
    )
    slack.percent_rows = [u.percent for u in units]
    table.add(t("unit"), [u.label for u in units], "text", width=12)
    table.add(t("dual_price"), frame["dual_price"], "num", "#,##0", width=16)
    table.add(t("price_unit"), [_price_unit(lang, u) for u in frame["price_unit"]], "text", width=18)
    if "price_basis" in frame.columns:
        table.add(t("price_basis"), [_price_basis(lang, b) for b in frame["price_basis"]], "text", width=30)
    table.add(
        with_unit(t("target_cost"), money.label),
        frame["target_cost_cny"] / money.factor,
        "num",
        "#,##0.00",
        14,
    )
    table.add(
        with_unit(t("target_cost_range"), money.label),
        [
            "" if (lo != lo or hi != hi) else f"{lo / money.factor:,.2f} – {hi / money.factor:,.2f}"
            for lo, hi in zip(frame["target_cost_low_cny"], frame["target_cost_high_cny"], strict=True)
        ],
        "text",
        width=20,
    )
    return table


_PRICE_UNITS_ZH = {
    "CNY per percentage point": "元/百分点",
    "CNY per t/yr of capacity": "元/(吨/年)",
    "CNY per MW": "元/MW",
    "CNY per tCO2/yr": "元/(吨CO₂/年)",
    "CNY per project/yr": "元/(项/年)",
    "CNY per CNY of budget": "元/元",
}


def _price_basis(lang: str, raw: object) -> str:
    text = "" if raw is None or (isinstance(raw, float) and math.isnan(raw)) else str(raw)
    if lang != "zh" or not text:
        return text
    if text.startswith("integer"):
        return "仅含整数决策:固定后影子价格恒为 0,请看目标代价"
    return "固定整数决策后的线性规划"


def _price_unit(lang: str, raw: object) -> str:
    return _PRICE_UNITS_ZH.get(str(raw), str(raw)) if lang == "zh" else str(raw)


def target_price_sentences(data: RunData) -> list[str]:
    """One sentence per binding target: what it adds to the total cost (亿元 / M CNY)."""
    frame = data.target_prices
    if frame is None or not len(frame):
        return []
    money = unit(data.lang, "money")
    binding = frame[[str(b).lower() == "true" for b in frame["binding"]]]
    if binding.empty:
        return [data.t("prices_none_binding")]
    out = []
    for tid, rows in binding.groupby("target_id", sort=False):
        row = rows.iloc[0]
        years = (
            "、".join(str(y) for y in rows["year"].unique())
            if data.lang == "zh"
            else ", ".join(str(y) for y in rows["year"].unique())
        )
        kind = TARGET_KINDS[data.lang].get(str(row["kind"]), str(row["kind"]))
        cost = float(row["target_cost_cny"])
        if cost != cost:
            status = str(row.get("resolve_status", ""))
            # not attempted (--no-target-costs, or beyond the re-solve limit) is not a failure
            key = "prices_sentence_skipped" if status == "not re-solved" else "prices_sentence_none"
            status = STATUS[data.lang].get(status, status)
            out.append(data.t(key).format(target=tid, year=years, kind=kind, status=status))
            continue
        low = float(row["target_cost_low_cny"])
        out.append(
            data.t("prices_sentence").format(
                target=tid,
                year=years,
                kind=kind,
                cost=cost / money.factor,
                low=low / money.factor,
                high=float(row["target_cost_high_cny"]) / money.factor,
            )
            + (data.t("prices_within_gap") if low <= 0 else "")
        )
    return out


def investment_display(data: RunData) -> Table:
    """Capex per year and sector (亿元 / M CNY), one column per sector: the Excel chart's data."""
    t = data.t
    table = Table("investment", t("sheet_investment"), chart="stacked_bar")
    frame = data.schedule
    if frame is None or not len(frame):
        return table
    money = unit(data.lang, "money")
    wide = frame.pivot_table(index="year", columns="sector", values="capex_cny", aggfunc="sum").fillna(0.0)
    table.add(t("year"), [int(y) for y in wide.index], "int", "0", width=8)
    for sector in [s for s in data.sectors if s in wide.columns] + [
        s for s in wide.columns if s not in data.sectors
    ]:
        table.add(
            with_unit(data.sector(str(sector)), money.label),
            wide[sector] / money.factor,
            "num",
            "#,##0.00",
            14,
        )
    return table


def _unmeasured(kind: object) -> str:
    """The label key for a kind's achieved value that is not a number (its ``unmeasured``)."""
    k = KINDS.get(str(kind))
    return k.unmeasured if k is not None and k.unmeasured else ""
