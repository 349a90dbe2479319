"""A plain bilingual (zh/en) HTML page of tables, and the atomic folder writer for it."""

from __future__ import annotations

import html
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

STYLE = (
    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',Arial,sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:13px}"
    "th{background:#305496;color:#fff;padding:4px 8px}td{border-bottom:1px solid #ddd;padding:3px 8px}"
    "tr.differs td{background:#fff2cc}.note{color:#a33}"
)


@dataclass
class Section:
    heading: dict[str, str]  # lang -> heading
    table: pd.DataFrame
    note: dict[str, str] | None = None
    highlight: str | None = None  # boolean column whose true rows are highlighted
    stories: tuple[str, ...] = ()  # columns holding line stories, shown in the page's language
    # tech_id -> Chinese name for those stories: the instance's own technologies (a planner's
    # catalogue); None reads the shipped catalogue's names
    tech_names_zh: dict[str, str] | None = None


def _cell(value: object) -> str:
    if value is None:  # a summary field the run did not record (carbon price, gap)
        return ""
    if isinstance(value, float):
        if pd.isna(value):
            return ""
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.4g}"
    return html.escape(str(value))


HEADERS_ZH = {
    "plan": "方案",
    "run": "方案",
    "status": "求解状态",
    "npv_cny": "总成本净现值(元)",
    "evaluator_npv_cny": "评估器净现值(元)",
    "npv_minus_first_cny": "比第一个方案多出的成本(元)",
    "extra_cost_frac": "比最优多出的成本(比例)",
    "total_co2_t": "累计排放(吨CO₂, 各年合计)",
    "distance_to_optimum": "与最优方案的距离",
    "min_distance_to_others": "与最近其他方案的距离",
    "differs_from_optimum": "与最优方案的不同",
    "lines_changed_by_sector": "与最优方案不同的生产线(按行业)",
    "note": "说明",
    "line_id": "生产线编号",
    "differs": "方案间不同",
    "in_runs": "出现于几个方案",
    "component": "成本项",
    "year": "年份",
    "target_id": "目标编号",
    "kind": "类型",
    "met": "是否完成",
    "achieved": "实现值",
    "value": "要求值",
    "required": "要求值",
    "group": "范围",
    "instance": "实例",
    "mode": "模式",
    "carbon_price": "碳价(元/吨CO₂)",
    "mip_gap": "最优性间隙",
    "gap_met": "达到要求间隙",
    "time_limit_s": "求解时限(秒)",
}
"""Column headers of the zh pages (the CSV files keep the English keys); a column not listed, a
run's own name, shows as it is."""


MODES_ZH = {"perfect": "完全预见", "myopic": "逐期滚动(近视)"}


def header(column: object, lang: str) -> str:
    name = str(column)
    if lang != "zh":
        return name
    if name.startswith("distance_to_") and name not in HEADERS_ZH:
        return f"与 {name.removeprefix('distance_to_')} 的距离"
    # per-run columns of the targets table: "met:<run>", "achieved:<run>"
    key, sep, run = name.partition(":")
    if sep and key in HEADERS_ZH:
        return f"{HEADERS_ZH[key]}:{run}"
    return HEADERS_ZH.get(name, name)


def localise_values(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The zh page's cell words: cost components, target kinds, statuses, modes and
    true/false in Chinese; the CSV files keep the English keys."""
    if lang != "zh":
        return frame
    from optimizer.data.load import catalogue_dir
    from optimizer.report.labels import COST_COMPONENTS, STATUS, TARGET_KINDS

    sectors = pd.read_csv(catalogue_dir() / "sectors.csv", usecols=["sector", "name_zh"], dtype=str)
    words = {
        "group": {"pooled": "合并考核", **dict(zip(sectors["sector"], sectors["name_zh"], strict=True))},
        "component": COST_COMPONENTS["zh"],
        "kind": TARGET_KINDS["zh"],
        "status": STATUS["zh"],
        "mode": MODES_ZH,
    }
    out = frame.copy()
    for column in out.columns:
        names = words.get(str(column))
        if names is not None:
            out[column] = [names.get(str(v), v) if isinstance(v, str) else v for v in out[column]]
            continue
        values = out[column]
        if values.dtype == bool or (
            values.dtype == object and len(values) and all(isinstance(v, bool) or pd.isna(v) for v in values)
        ):
            out[column] = ["是" if v is True else "否" if v is False else v for v in values.tolist()]
    return out


def table_html(frame: pd.DataFrame, highlight: str | None = None, lang: str = "en") -> str:
    shown = localise_values(frame, lang)
    head = "".join(f"<th>{html.escape(header(c, lang))}</th>" for c in frame.columns)
    rows = []
    # the highlight flag is read from the raw frame (the shown one says 是/否)
    for (_, row), (_, cells) in zip(frame.iterrows(), shown.iterrows(), strict=True):
        cls = ' class="differs"' if highlight and bool(row.get(highlight)) else ""
        rows.append(f"<tr{cls}>" + "".join(f"<td>{_cell(v)}</td>" for v in cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _stories_in(lang: str, section: Section) -> pd.DataFrame:
    if lang != "zh" or not section.stories:
        return section.table
    from optimizer.compare.lines import catalogue_tech_names_zh, story_in

    names = section.tech_names_zh if section.tech_names_zh is not None else catalogue_tech_names_zh()
    table = section.table.copy()
    for column in (c for c in section.stories if c in table.columns):
        table[column] = [story_in(lang, str(v), names) for v in table[column]]
    return table


def page_html(title: dict[str, str], sections: list[Section], notes: list[str], lang: str) -> str:
    parts = [f"<h1>{html.escape(title[lang])}</h1>"]
    if notes:
        heading = "不可比之处" if lang == "zh" else "Mismatches"
        parts.append(
            f"<h2>{heading}</h2><ul>"
            + "".join(f'<li class="note">{html.escape(n)}</li>' for n in notes)
            + "</ul>"
        )
    for s in sections:
        parts.append(f"<h2>{html.escape(s.heading[lang])}</h2>")
        if s.note:
            parts.append(f"<p>{html.escape(s.note[lang])}</p>")
        parts.append(table_html(_stories_in(lang, s), s.highlight, lang))
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title[lang])}'
        f"</title><style>{STYLE}</style></head><body>{''.join(parts)}</body></html>"
    )


def write_folder(out: Path, tables: dict[str, pd.DataFrame], pages: dict[str, str]) -> Path:
    """CSV per table, one workbook, and the pages, into the new folder ``out`` (temp dir, then rename)."""
    if out.exists():
        raise FileExistsError(f"{out} already exists; choose a new --out (nothing is overwritten)")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for name, frame in tables.items():
            frame.to_csv(tmp / f"{name}.csv", index=False)
        with pd.ExcelWriter(tmp / "tables.xlsx", engine="openpyxl") as writer:
            for name, frame in tables.items():
                frame.to_excel(writer, sheet_name=name[:31], index=False)
        for name, text in pages.items():
            (tmp / name).write_text(text, encoding="utf-8")
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


__all__ = ["Section", "localise_values", "page_html", "table_html", "write_folder"]
