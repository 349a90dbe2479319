"""The lines inventory template a planner fills in and ``optimize import`` reads back.

``optimize template --out DIR`` writes ``lines.csv`` and ``lines.xlsx``: headers in the chosen
language (:mod:`optimizer.data.headers`), units in the Chinese headers (the English names carry
theirs), and one example row that is itself a valid line, so the untouched template imports.
The workbook's second sheet explains every column in both languages.
"""

from __future__ import annotations

from pathlib import Path

from optimizer.data.headers import HEADER_LANGS, table_headers
from optimizer.data.schema import ColumnSpec, table_schema
from optimizer.errors import InputError, InputProblem

EXAMPLE_LINE: dict[str, str] = {
    "line_id": "EX-CK001",
    "province": "zhejiang",
    "city": "Hangzhou",
    "company": "Example Cement Co Ltd",
    "sector": "cement_clinker",
    "product": "clinker",
    "size_t_per_day": "2500",
    "capacity_per_year": "775000",
    "operating_days": "250",
    "commissioning_year": "2008",
    "fuel_kgce_per_unit": "105",
    "electricity_kwh_per_unit": "30",
    "gas_share": "0",
    "alt_fuel_share": "0",
    "process_co2_t_per_unit": "0.535",
    "clinker_ratio": "0.65",
    "roof_area_m2": "25000",
    "pollution_grade": "B",
    "attributes": "",
    "carbide_slag": "false",
    "city_zh": "杭州市",
    "company_zh": "示例水泥有限公司",
    "source": "example row: replace with the line's measured figures",
    "flag": "U",
}
"""A 2,500 t/d clinker line in Hangzhou: 2,500 t/d x 310 d = 775,000 t/yr rated capacity."""

_NOTES_HEADER = {
    "zh": ("表头", "英文表头", "单位", "必填", "默认值", "允许值", "说明(英文)"),
    "en": ("header", "Chinese header", "unit", "required", "default", "allowed", "description"),
}
_SHEET = {"zh": ("生产线", "填写说明"), "en": ("lines", "notes")}
_YES = {"zh": ("是", "否"), "en": ("yes", "no")}


def _cell(spec: ColumnSpec, text: str) -> object:
    """Numbers as numbers in the workbook, so Excel does not flag them as text."""
    if text == "" or spec.type in {"str", "bool"}:
        return text
    return int(text) if spec.type == "int" else float(text)


def write_template(out: Path, lang: str) -> list[Path]:
    """Write the lines template into the new folder ``out``; return the files written."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if lang not in HEADER_LANGS:
        raise InputError([InputProblem("--lang", None, None, lang, "expected zh or en")])
    if out.exists() and any(out.iterdir()):
        raise InputError(
            [
                InputProblem(
                    str(out), None, None, None, "is not empty; choose a new folder (nothing is overwritten)"
                )
            ]
        )
    out.mkdir(parents=True, exist_ok=True)
    specs = table_schema("lines")
    headers = table_headers("lines")
    titles = [h.title(lang) for h in headers]
    example = [EXAMPLE_LINE.get(s.name, "") for s in specs]

    import csv

    csv_path = out / "lines.csv"
    # utf-8-sig: Excel on Chinese Windows opens a BOM-less UTF-8 CSV as GBK and garbles it
    with csv_path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(titles)
        writer.writerow(example)

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _SHEET[lang][0]
    sheet.append(titles)
    sheet.append([_cell(s, v) for s, v in zip(specs, example, strict=True)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(_SHEET[lang][1])
    notes.append(list(_NOTES_HEADER[lang]))
    yes, no = _YES[lang]
    for spec, header in zip(specs, headers, strict=True):
        notes.append(
            [
                header.title(lang),
                header.title("en" if lang == "zh" else "zh"),
                header.unit_zh if lang == "zh" else spec.unit,
                yes if spec.required else no,
                spec.default,
                "; ".join(spec.allowed),
                spec.description,
            ]
        )
    xlsx_path = out / "lines.xlsx"
    book.save(xlsx_path)
    return [csv_path, xlsx_path]
