"""Tables about the solve itself: the run summary, shadow prices, the least relaxation."""

from __future__ import annotations

import pandas as pd

from optimizer.report.data import RunData
from optimizer.report.labels import TARGET_KINDS, status_text, unit, with_unit
from optimizer.report.tables.table import Table
from optimizer.report.text import TEXT


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
        "needed": (t("needed"), "text", "@", 1.0, 14),
        "least_relaxation_in_unit": (t("least_relaxation_in_unit"), "num", "#,##0.00", 1.0, 16),
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
        if column == "needed":  # optimizer.diagnose_check.NEEDED's values, said in the report's language
            values = pd.Series([_needed_text(data, v) for v in values])
        if factor != 1.0 or kind == "int":
            values = pd.to_numeric(values, errors="coerce") / factor
        table.add(header, values, kind, fmt, width)
    return table


def _needed_text(data: RunData, value: object) -> str:
    """A ``needed`` value of infeasibility.csv in the report's language (unknown ones as read)."""
    if not isinstance(value, str):  # the rows "(not diagnosed)" and "(structural)" have none
        return ""
    key = "needed_" + value.replace(" ", "_")
    return data.t(key) if key in TEXT[data.lang] else value


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
