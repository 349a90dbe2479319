"""Tables of the plan and its outcome: line decisions, sector KPIs, costs, the MAC table."""

from __future__ import annotations

import pandas as pd

from optimizer.report.data import RunData
from optimizer.report.labels import ACTIONS, COST_COMPONENTS, intensity_unit, output_unit, unit, with_unit
from optimizer.report.tables.table import Table


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
