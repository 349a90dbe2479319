"""The targets table, what each binding target costs, and the sentences that say so."""

from __future__ import annotations

import math

import pandas as pd

from optimizer.report.data import RunData
from optimizer.report.labels import STATUS, TARGET_KINDS, target_unit, unit, with_unit
from optimizer.report.tables.table import Table
from optimizer.targets.registry import KINDS

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


def _unmeasured(kind: object) -> str:
    """The label key for a kind's achieved value that is not a number (its ``unmeasured``)."""
    k = KINDS.get(str(kind))
    return k.unmeasured if k is not None and k.unmeasured else ""
