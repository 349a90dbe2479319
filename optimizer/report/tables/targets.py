"""The targets table, what each binding target costs, and the sentences that say so."""

from __future__ import annotations

import math

import pandas as pd

from optimizer.report.data import RunData
from optimizer.report.labels import (
    STATUS,
    TARGET_KINDS,
    TargetUnit,
    target_unit,
    unit,
    with_unit,
    year_ranges,
)
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


def _scope(data: RunData, group: str, scope: str, provinces: str = "") -> str:
    where = f" · {provinces.replace(';', ', ')}" if provinces else ""
    sectors = [x for x in scope.split(";") if x]
    if group and group != "pooled":
        return data.sector(group) + where
    if len(sectors) == 1:
        return data.sector(sectors[0]) + where
    return f"{data.t('pooled')}: " + ", ".join(data.sector(x) for x in sectors) + where


def _provinces(frame: pd.DataFrame) -> list[str]:
    """Each row's province scope ("" for every province, and in runs written before it existed)."""
    if "provinces" not in frame:
        return [""] * len(frame)
    return ["" if not isinstance(p, str) else p for p in frame["provinces"]]


def _is_hard(hard: object) -> bool:
    return bool(hard) if not isinstance(hard, str) else hard.lower() == "true"


def _met_class(met: object, hard: object) -> str:
    """met / missed (hard) / soft (a soft target missed) / na (not judged)."""
    if met is None or (isinstance(met, float) and math.isnan(met)):
        return "na"
    if met:
        return "met"
    return "missed" if _is_hard(hard) else "soft"


def _met_text(data: RunData, cls: str) -> str:
    t = data.t
    return {"na": t("met_na"), "met": t("met_yes"), "missed": t("met_no")}.get(
        cls, f"{t('met_no')} ({t('soft')})"
    )


def _clause_and_description(data: RunData, frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """zh: 《title》clause and the clause's own words; en: English title and description (older
    run folders carry only the English columns: they fall back to them)."""
    zh = data.lang == "zh"
    sources = [
        (s_zh if zh or not s_en else s_en)
        for s_zh, s_en in zip(frame["source"], frame["source_en"], strict=True)
    ]
    descriptions = [
        (d_zh if zh and d_zh else d_en)
        for d_zh, d_en in zip(frame["description_zh"], frame["description"], strict=True)
    ]
    return sources, descriptions


def _achieved_values(data: RunData, frame: pd.DataFrame, units: list[TargetUnit]) -> list[object]:
    values = [_target_value(v, u.factor) for v, u in zip(frame["achieved"], units, strict=True)]
    # e.g. a replacement ratio with nothing built: no ratio to show (older runs wrote inf)
    return [
        data.t(_unmeasured(k)) if _unmeasured(k) and (v is None or isinstance(v, str)) else v
        for k, v in zip(frame["kind"], values, strict=True)
    ]


def targets_table(data: RunData) -> Table:
    """Every target in every checked year (the workbook's sheet, one row per targets.csv row):
    clause, required, achieved, met."""
    t = data.t
    frame = data.targets
    table = Table("targets", t("sheet_targets"))
    if frame is None:
        return table
    lang = data.lang
    units = [target_unit(lang, u) for u in frame["unit"]]
    provinces = _provinces(frame)
    scope = [_scope(data, g, s, p) for g, s, p in zip(frame["group"], frame["scope"], provinces, strict=True)]
    row_class = [_met_class(m, h) for m, h in zip(frame["met"], frame["hard"], strict=True)]
    table.add(t("target_id"), frame["target_id"], "text", width=12)
    table.add(t("group"), scope, "text", width=24)
    table.add(t("year"), frame["year"], "int", "0", width=7)
    table.add(t("kind"), [TARGET_KINDS[lang].get(k, k) for k in frame["kind"]], "text", width=22)
    sources, descriptions = _clause_and_description(data, frame)
    table.add(t("clause"), sources, "text", width=30)
    required = [_target_value(v, u.factor) for v, u in zip(frame["required"], units, strict=True)]
    for header, values in ((t("required"), required), (t("achieved"), _achieved_values(data, frame, units))):
        column = table.add(header, values, "num", "#,##0.00", width=13)
        # fractions stay fractions (equal to targets.csv) and are shown as percent
        column.percent_rows = [u.percent for u in units]
    table.add(t("unit"), [u.label for u in units], "text", width=14)
    table.add(t("met"), [_met_text(data, c) for c in row_class], "text", width=14)
    table.add(t("hard"), [t("yes") if _is_hard(h) else t("no") for h in frame["hard"]], "text", width=8)
    table.add(t("description"), descriptions, "text", width=60)
    table.row_class = row_class
    return table


def _format_required(value: object, percent: bool) -> str:
    if not isinstance(value, float | int):
        return "" if value is None else str(value)
    return f"{float(value):.1%}" if percent else f"{float(value):,.2f}"


def targets_by_target_table(data: RunData) -> Table:
    """The page's targets table: one row per target (and sector, where a target is judged per
    sector), the checked years as columns of achieved values coloured met / missed, and which
    years missed. Zhejiang: 75 yearly rows fold into 15. The yearly rows stay in targets.csv
    and the workbook's sheet (:func:`targets_table`)."""
    t = data.t
    frame = data.targets
    table = Table("targets_by_target", t("sheet_targets"))
    if frame is None or not len(frame):
        return table
    lang = data.lang
    frame = frame.reset_index(drop=True)
    units = [target_unit(lang, u) for u in frame["unit"]]
    achieved = _achieved_values(data, frame, units)
    required = [_target_value(v, u.factor) for v, u in zip(frame["required"], units, strict=True)]
    classes = [_met_class(m, h) for m, h in zip(frame["met"], frame["hard"], strict=True)]
    sources, descriptions = _clause_and_description(data, frame)
    provinces = _provinces(frame)
    year_of_row = [int(y) for y in frame["year"]]
    hard_of_row = [_is_hard(h) for h in frame["hard"]]
    years = sorted(set(year_of_row))
    keys = list(dict.fromkeys(zip(frame["target_id"], frame["group"].astype(str), strict=True)))
    rows_of: dict[tuple[str, str], list[int]] = {k: [] for k in keys}
    for i, key in enumerate(zip(frame["target_id"], frame["group"].astype(str), strict=True)):
        rows_of[key].append(i)
    cols: dict[str, list[object]] = {
        k: [] for k in ("id", "scope", "kind", "clause", "required", "unit", "met", "hard", "description")
    }
    by_year: dict[int, list[object]] = {y: [] for y in years}
    by_year_class: dict[int, list[str]] = {y: [] for y in years}
    percent: list[bool] = []
    row_class: list[str] = []
    for key in keys:
        rows = rows_of[key]
        first = rows[0]
        u = units[first]
        percent.append(u.percent)
        cols["id"].append(key[0])
        group, scope = str(frame.at[first, "group"]), str(frame.at[first, "scope"])
        cols["scope"].append(_scope(data, group, scope, provinces[first]))
        kind = str(frame.at[first, "kind"])
        cols["kind"].append(TARGET_KINDS[lang].get(kind, kind))
        cols["clause"].append(sources[first])
        cols["description"].append(descriptions[first])
        cols["unit"].append(u.label)
        wanted = [required[i] for i in rows]
        if all(w == wanted[0] for w in wanted):
            cols["required"].append(wanted[0])
        else:
            # a path of requirements (e.g. a cap that tightens): each year's value, in the text
            cols["required"].append(
                "; ".join(f"{year_of_row[i]}: {_format_required(required[i], u.percent)}" for i in rows)
            )
        year_of = {year_of_row[i]: i for i in rows}
        for y in years:
            i_y = year_of.get(y)
            by_year[y].append(None if i_y is None else achieved[i_y])
            by_year_class[y].append("" if i_y is None else classes[i_y])
        mine = [classes[i] for i in rows]
        missed = [year_of_row[i] for i in rows if classes[i] == "missed"]
        soft = [year_of_row[i] for i in rows if classes[i] == "soft"]
        if missed or soft:
            # in year order: a soft first year (hard_from) before the hard years it leads into
            parts = sorted(
                ([(min(missed), year_ranges(missed))] if missed else [])
                + ([(min(soft), f"{year_ranges(soft)} ({t('soft')})")] if soft else [])
            )
            cols["met"].append(f"{t('met_no')} " + ", ".join(text for _, text in parts))
            row_class.append("missed" if missed else "soft")
        elif all(c == "na" for c in mine):
            cols["met"].append(t("met_na"))
            row_class.append("na")
        else:
            cols["met"].append(t("met_yes"))
            row_class.append("met")
        hard_years = [year_of_row[i] for i in rows if hard_of_row[i]]
        if len(hard_years) == len(rows):
            cols["hard"].append(t("yes"))
        elif not hard_years:
            cols["hard"].append(t("no"))
        else:
            cols["hard"].append(t("hard_from").format(year=min(hard_years)))
    table.add(t("target_id"), cols["id"], "text", width=12)
    table.add(t("group"), cols["scope"], "text", width=24)
    table.add(t("kind"), cols["kind"], "text", width=22)
    table.add(t("clause"), cols["clause"], "text", width=30)
    column = table.add(t("required"), cols["required"], "num", "#,##0.00", width=13)
    column.percent_rows = percent
    for y in years:
        # the years' columns hold achieved values (the heading says so above the table)
        column = table.add(str(y), by_year[y], "num", "#,##0.00", width=10)
        column.percent_rows = percent
        column.cell_class = by_year_class[y]
    table.add(t("unit"), cols["unit"], "text", width=14)
    table.add(t("met"), cols["met"], "text", width=16)
    table.add(t("hard"), cols["hard"], "text", width=10)
    table.add(t("description"), cols["description"], "text", width=60)
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
