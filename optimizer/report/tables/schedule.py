"""The yearly schedule: closures, retrofits, new builds and investment, by sector, city, company."""

from __future__ import annotations

from optimizer.report.data import RunData
from optimizer.report.labels import unit, with_unit
from optimizer.report.tables.table import Table


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
