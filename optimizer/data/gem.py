"""Read the Global Energy Monitor Global Cement and Concrete Tracker as published.

The workbook (``Global-Cement-and-Concrete-Tracker_<Month>-<Year>.xlsx``) has the sheets
``About``, ``Metadata`` and ``Plant Data``; earlier releases and CSV exports name some columns
differently (``Plant name (English)`` before ``GEM Asset name (English)``), so every field is
looked up under each name it has carried. The result is one tidy row per plant with the text
cleaned (``(Chinese)`` suffixes and ownership shares removed) and capacities as numbers, or NaN
where GEM gives ``>0``, ``unknown`` or nothing (``clinker_reported`` says which).

Attribution required wherever the data or anything derived from it is shown (CC BY 4.0):
"Global Energy Monitor, Global Cement and Concrete Tracker, July 2025 (V1) release."
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from optimizer.data.schema import read_raw_table
from optimizer.errors import InputError, InputProblem

GEM_ATTRIBUTION = "Global Energy Monitor, Global Cement and Concrete Tracker, July 2025 (V1) release."
GEM_LICENCE = "CC BY 4.0"
PLANT_SHEET = "Plant Data"

# field -> every column name it has carried (current release first)
GEM_COLUMNS: dict[str, tuple[str, ...]] = {
    "gem_plant_id": ("GEM Plant ID", "Plant ID", "GEM ID"),
    "name_en": ("GEM Asset name (English)", "Plant name (English)", "Plant name", "GEM Plant name"),
    "name_zh": ("Asset name (other language)", "Plant name (other language)", "Plant name (local)"),
    "coordinates": ("Coordinates",),
    "latitude": ("Latitude",),
    "longitude": ("Longitude",),
    "municipality": ("Municipality", "City"),
    "province": ("Subnational unit", "Subnational unit (province, state)", "State/Province"),
    "country": ("Country/Area", "Country"),
    "cement_mtpa": (
        "Cement Capacity (millions metric tonnes per annum)",
        "Cement capacity (millions metric tonnes per annum)",
        "Cement capacity (Mtpa)",
    ),
    "clinker_mtpa": (
        "Clinker Capacity (millions metric tonnes per annum)",
        "Clinker capacity (millions metric tonnes per annum)",
        "Clinker capacity (Mtpa)",
    ),
    "status": ("Operating status", "Status"),
    "start": ("Start date", "Start year"),
    "owner_en": ("Owner name (English)", "Owner", "Owner name"),
    "owner_zh": ("Owner name (other language)",),
    "parent_en": ("Parent", "Parent name"),
    "plant_type": ("Plant type",),
    "production_type": ("Production type",),
    "alternative_fuel": ("Alternative Fuel", "Alternative fuel"),
    "ccs": ("CCS/CCUS",),
}
REQUIRED = ("name_en", "province", "clinker_mtpa", "status")
STATUSES = (
    "operating",
    "operating pre-retirement",
    "mothballed",
    "retired",
    "construction",
    "announced",
    "pre-permit",
    "permitted",
    "cancelled",
    "shelved",
)
NO_FIGURE = {"", "unknown", "n/a", "na", "nan", ">0", "-"}
_SHARE = re.compile(r"\s*\[[^\]]*\]\s*$")
_LANGUAGE = re.compile(r"\s*\((chinese|english)\)\s*", re.IGNORECASE)


def _find_column(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    lowered = {str(c).lower().strip(): str(c) for c in frame.columns}
    for name in names:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def _read_workbook(path: Path) -> tuple[pd.DataFrame, str]:
    """The plant sheet of a GEM workbook (or a CSV export) with every cell as text."""
    if path.suffix.lower() not in {".xlsx", ".xlsm", ".xls"}:
        return read_raw_table(path), path.name
    sheets = [str(name) for name in pd.ExcelFile(path).sheet_names]
    order = [PLANT_SHEET] + [s for s in sheets if s != PLANT_SHEET] if PLANT_SHEET in sheets else sheets
    for sheet in order:
        frame = pd.read_excel(path, sheet_name=sheet, dtype=str, keep_default_na=False)
        frame.columns = [str(c).strip() for c in frame.columns]
        if all(_find_column(frame, GEM_COLUMNS[k]) for k in REQUIRED):
            return frame.astype(object), f"{path.name} [{sheet}]"
    raise InputError(
        [
            InputProblem(
                path.name,
                None,
                None,
                None,
                f"no sheet has the GEM plant columns (sheets: {', '.join(sheets)}; expected "
                f"'{PLANT_SHEET}' with {', '.join(GEM_COLUMNS[k][0] for k in REQUIRED)})",
            )
        ]
    )


def clean_name(text: str) -> str:
    """``'安徽海螺水泥有限公司 (Chinese) [100%]'`` -> ``'安徽海螺水泥有限公司'``."""
    return _LANGUAGE.sub(" ", _SHARE.sub("", text)).strip()


def main_holder(text: str) -> str:
    """The holder with the largest share in ``'A [60%]; B [40%]'`` (the first on ties)."""
    best, best_share = "", -1.0
    for part in (p for p in text.split(";") if p.strip()):
        match = re.search(r"\[([\d.]+)%\]", part)
        share = float(match.group(1)) if match else 0.0
        name = clean_name(part)
        if share > best_share and name.lower() != "unknown":
            best, best_share = name, share
    return best


def _number(text: str) -> float | None:
    """A capacity cell as Mt/yr; None when GEM gives no figure; raises ValueError if unreadable."""
    if text.strip().lower() in NO_FIGURE:
        return None
    return float(text)


def read_gem(path: Path, country: str | None = "China") -> pd.DataFrame:
    """Every plant of ``country`` (all statuses) as a tidy table; row errors name file, row, column.

    Columns: gem_plant_id, name_en, name_zh, municipality, province, latitude, longitude,
    cement_mtpa, clinker_mtpa (NaN where not given), clinker_reported (bool), status,
    start_year (<NA> where unknown), owner_en, owner_zh, parent_en, plant_type,
    production_type, alternative_fuel, ccs, source_row (the row number in the file).
    """
    raw, label = _read_workbook(path)
    columns = {key: _find_column(raw, names) for key, names in GEM_COLUMNS.items()}
    missing = [
        InputProblem(label, 1, GEM_COLUMNS[key][0], None, "required GEM column is missing")
        for key in REQUIRED
        if columns[key] is None
    ]
    if missing:
        raise InputError(missing)
    problems: list[InputProblem] = []
    rows: list[dict[str, object]] = []

    def cell(key: str, index: int) -> str:
        column = columns[key]
        return str(raw[column].iloc[index]).strip() if column else ""

    for index in range(len(raw)):
        row_number = index + 2
        if country and columns["country"] and cell("country", index).lower() != country.lower():
            continue
        if not cell("name_en", index) and not cell("province", index):
            continue  # a blank row
        record: dict[str, object] = {k: cell(k, index) for k in columns}
        record["source_row"] = row_number
        bad = False
        for key in ("cement_mtpa", "clinker_mtpa"):
            text = cell(key, index)
            try:
                value = _number(text)
            except ValueError:
                problems.append(
                    InputProblem(
                        label,
                        row_number,
                        columns[key],
                        text,
                        "is not a number (expected Mt/yr, '>0' or blank)",
                    )
                )
                bad = True
                continue
            if value is not None and (value < 0 or math.isinf(value)):
                problems.append(
                    InputProblem(label, row_number, columns[key], text, "must be 0 Mt/yr or more")
                )
                bad = True
                continue
            record[key] = math.nan if value is None else value
        record["clinker_reported"] = isinstance(record.get("clinker_mtpa"), float) and not math.isnan(
            float(record["clinker_mtpa"])  # type: ignore[arg-type]
        )
        status = cell("status", index).lower()
        if status not in STATUSES:
            problems.append(
                InputProblem(
                    label,
                    row_number,
                    columns["status"],
                    status,
                    f"unknown status (expected one of: {', '.join(STATUSES)})",
                )
            )
            bad = True
        record["status"] = status
        start = cell("start", index)
        match = re.fullmatch(r"(\d{4})(?:[-/]\d{1,2}(?:[-/]\d{1,2})?)?(?:\.0)?", start)
        if start.lower() in NO_FIGURE:
            record["start_year"] = None
        elif match and 1900 <= int(match.group(1)) <= 2100:
            record["start_year"] = int(match.group(1))
        else:
            problems.append(
                InputProblem(
                    label,
                    row_number,
                    columns["start"],
                    start,
                    "is not a year (expected YYYY, YYYY-MM-DD or unknown)",
                )
            )
            bad = True
        lat, lon = _coordinates(record, columns, label, row_number, problems)
        record["latitude"], record["longitude"] = lat, lon
        record["name_zh"] = clean_name(str(record["name_zh"]))
        record["owner_en"] = main_holder(str(record["owner_en"]))
        record["owner_zh"] = main_holder(str(record["owner_zh"]))
        record["parent_en"] = main_holder(str(record["parent_en"]))
        for key in ("plant_type", "production_type", "alternative_fuel", "ccs"):
            record[key] = str(record[key]).lower()
        if not bad:
            rows.append(record)
    if problems:
        raise InputError(problems)
    keep = [
        "gem_plant_id", "name_en", "name_zh", "municipality", "province", "latitude", "longitude",
        "cement_mtpa", "clinker_mtpa", "clinker_reported", "status", "start_year", "owner_en",
        "owner_zh", "parent_en", "plant_type", "production_type", "alternative_fuel", "ccs", "source_row",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=keep)
    frame["start_year"] = frame["start_year"].astype("Int64")
    for key in ("cement_mtpa", "clinker_mtpa", "latitude", "longitude"):
        frame[key] = pd.to_numeric(frame[key], errors="coerce").astype(float)
    frame.attrs["label"] = label
    return frame


def _coordinates(
    record: dict[str, object],
    columns: dict[str, str | None],
    label: str,
    row_number: int,
    problems: list[InputProblem],
) -> tuple[float, float]:
    text = str(record.get("coordinates") or "")
    if text:
        parts = [p.strip() for p in text.split(",")]
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except (ValueError, IndexError):
            problems.append(
                InputProblem(label, row_number, columns["coordinates"], text, "is not 'latitude, longitude'")
            )
            return math.nan, math.nan
    else:
        try:
            lat = float(str(record.get("latitude") or "nan"))
            lon = float(str(record.get("longitude") or "nan"))
        except ValueError:
            problems.append(
                InputProblem(label, row_number, columns["latitude"], None, "is not a number (degrees)")
            )
            return math.nan, math.nan
    if not (math.isnan(lat) or -90 <= lat <= 90) or not (math.isnan(lon) or -180 <= lon <= 180):
        problems.append(
            InputProblem(
                label, row_number, columns["coordinates"], text, "is outside -90..90 / -180..180 degrees"
            )
        )
        return math.nan, math.nan
    return lat, lon
