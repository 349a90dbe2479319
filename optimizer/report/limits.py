"""The report's limits table: what the plan uses of each pace limit and scarce supply, per
year, next to what is allowed (the run's ``pace.csv`` and ``resources.csv``).

A planner asks first whether a plan could be carried out: how many lines close and start a
retrofit each year, how much carbide slag or alternative fuel it needs. Rows are shown in the
sector's output unit (capacity), tonnes or tce, scaled as the rest of the report.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from optimizer.report.data import RunData
from optimizer.report.labels import output_unit
from optimizer.report.tables import Table

_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "执行可行性:逐年限额与用量",
        "note": (
            "每年退出产能不超过行业基准年产能的一定比例,每年开展改造的生产线不超过一定比例"
            "(一次改造可在检修期内实施多项技术);尚处示范阶段的技术(如陶瓷电窑、碳捕集)"
            "采用的生产线数不超过逐年推广上限;电石渣、其他含钙废渣、替代燃料和协同处置"
            "用量不超过本省可得量。数据见实例 pace.csv、supplies.csv 与 deployment.csv"
            "(来源与可信度标注在表中)。"
        ),
        "sheet": "限额与用量",
        "rule": "约束",
        "sector": "行业/资源",
        "year": "年份",
        "used": "用量",
        "limit": "限额",
        "unit": "单位",
        "share": "占限额",
        "within": "是否满足",
        "yes": "满足",
        "no": "超出",
        "closures": "退出产能",
        "retrofit_campaigns": "当年开展改造的生产线",
        "retrofit_campaigns_to_date": "累计开展改造的生产线",
        "deployment": "新技术推广上限(采用该技术的生产线)",
        "supply": "资源可得量",
        "lines": "条",
        "per_year": "/年",
        "k": "万",
    },
    "en": {
        "title": "Can it be done: yearly limits and use",
        "note": (
            "Capacity closed each year stays within a share of the sector's base-year capacity, "
            "lines starting a retrofit each year within a share of its lines (one retrofit may "
            "install several technologies in an overhaul); technologies still at demonstration "
            "scale (electric ceramic kilns, carbon capture) on no more lines than their yearly "
            "roll-out ceiling; carbide slag, other calcium wastes, "
            "alternative fuel and co-processing feed within the province's supply. Figures: the "
            "instance's pace.csv, supplies.csv and deployment.csv (sources and flags there)."
        ),
        "sheet": "Limits",
        "rule": "Limit",
        "sector": "Sector / resource",
        "year": "Year",
        "used": "Used",
        "limit": "Allowed",
        "unit": "Unit",
        "share": "Share of allowed",
        "within": "Within",
        "yes": "yes",
        "no": "EXCEEDED",
        "closures": "capacity closed",
        "retrofit_campaigns": "lines starting a retrofit",
        "retrofit_campaigns_to_date": "lines retrofitted to date",
        "deployment": "roll-out ceiling (lines carrying it)",
        "supply": "supply",
        "lines": "lines",
        "per_year": "/yr",
        "k": "k ",
    },
}

_SCARCE = {
    "zh": {
        "carbide_slag": "电石渣",
        "other_calcium_waste": "其他含钙废渣",
        "alt_fuel": "替代燃料",
        "coprocessing_feed": "协同处置废弃物",
    },
    "en": {
        "carbide_slag": "carbide slag",
        "other_calcium_waste": "other calcium wastes",
        "alt_fuel": "alternative fuel",
        "coprocessing_feed": "co-processing feed",
    },
}
_K_FACTOR = {"zh": 1e4, "en": 1e3}
"""Supplies in 万 t / 万 tce (zh) and kt / ktce (en): the size of a province's wastes."""


def _records(data: RunData, name: str) -> list[dict[str, Any]]:
    path = data.run_dir / name
    return pd.read_csv(path).to_dict("records") if path.exists() else []  # type: ignore[return-value]


def limits_title(lang: str) -> tuple[str, str]:
    """(heading, note) of the section."""
    return _TEXT[lang]["title"], _TEXT[lang]["note"]


def limits_table(data: RunData) -> Table:
    """One row per limit and year: used, allowed, unit, share used, within."""
    text = _TEXT[data.lang]
    table = Table("limits", text["sheet"])
    rows: list[tuple[str, str, int, float, float, str, bool]] = []
    scarce: dict[str, str] = dict(_SCARCE[data.lang])
    for r in _records(data, "pace.csv"):
        if r["rule"] == "closures":
            scale = output_unit(data.lang, data.sector_unit(str(r["sector"])))
            factor, label = scale.factor, f"{scale.label}{text['per_year']}"
        else:
            factor, label = 1.0, text["lines"]
        where = data.sector(str(r["sector"]))
        technology = r.get("technology")
        if isinstance(technology, str) and technology:
            where = f"{where}: {data.tech(technology)}"
        province = r.get("province")  # a national run's pace holds per province
        if isinstance(province, str) and province:
            where = f"{where} ({province})"
        rows.append(
            (
                text[str(r["rule"])],
                where,
                int(r["year"]),
                float(r["used"]) / factor,
                float(r["limit"]) / factor,
                label,
                bool(r["within"]),
            )
        )
    k_factor = _K_FACTOR[data.lang]
    for r in _records(data, "resources.csv"):
        where = "" if r["province"] == "*" else f" ({r['province']})"
        rows.append(
            (
                text["supply"],
                scarce.get(str(r["resource"]), str(r["resource"])) + where,
                int(r["year"]),
                float(r["used"]) / k_factor,
                float(r["available"]) / k_factor,
                f"{text['k']}{str(r['unit']).split('/')[0]}{text['per_year']}",
                bool(r["within"]),
            )
        )
    if not rows:
        return table
    table.add(text["rule"], [r[0] for r in rows], "text", "@", 20)
    table.add(text["sector"], [r[1] for r in rows], "text", "@", 18)
    table.add(text["year"], [r[2] for r in rows], "int", "0", 7)
    table.add(text["used"], [r[3] for r in rows], "num", "#,##0.0", 12)
    table.add(text["limit"], [r[4] for r in rows], "num", "#,##0.0", 12)
    table.add(text["unit"], [r[5] for r in rows], "text", "@", 14)
    table.add(text["share"], [r[3] / r[4] if r[4] else None for r in rows], "pct", "0.0%", 12)
    table.add(text["within"], [text["yes"] if r[6] else text["no"] for r in rows], "text", "@", 10)
    table.row_class = ["met" if r[6] else "missed" for r in rows]
    return table
