"""Import real line inventories: our CSV/Excel template, or the GEM cement tracker layout.

The Global Energy Monitor "Global Cement and Concrete Tracker" lists plants with name, owner,
subnational unit, clinker capacity (Mtpa), production type, status and start date. It has no
energy or emission figures, so imported lines receive documented sector defaults flagged ``U``
that a planner should replace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from optimizer.data.schema import read_raw_table, source_rows, table_schema, validate_table
from optimizer.errors import InputError, InputProblem

GEM_COLUMNS = {
    "plant_name": ("Plant name (English)", "Plant name", "GEM Plant name"),
    "owner": ("Owner name (English)", "Owner", "Owner name"),
    "province": ("Subnational unit", "Subnational unit (province, state)", "State/Province"),
    "city": ("City", "Municipality"),
    "clinker_mtpa": (
        "Clinker Capacity (millions metric tonnes per annum)",
        "Clinker capacity (millions metric tonnes per annum)",
        "Clinker capacity (Mtpa)",
    ),
    "production_type": ("Production type",),
    "status": ("Operating status", "Status"),
    "start_date": ("Start date", "Start year"),
}


@dataclass(frozen=True)
class ClinkerDefaults:
    """Figures given to GEM lines, which carry none (kgce/t, kWh/t net of waste-heat power)."""

    rated_days_per_year: float = 310.0
    fuel_kgce_per_t: float = 103.5
    electricity_kwh_per_t: float = 30.0
    process_co2_t_per_t: float = 0.535
    operating_days: float = 250.0
    roof_m2_per_t_per_day: float = 10.0
    source: str = (
        "GEM tracker has no energy data: national-mean defaults (fuel 103.5 kgce/t, "
        "power 30 kWh/t net of WHR, 0.535 tCO2/t process) - replace with measured figures"
    )


def _find_column(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    lowered = {c.lower().strip(): c for c in frame.columns}
    for name in names:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def import_gem(
    path: Path, province: str | None = None, defaults: ClinkerDefaults | None = None
) -> pd.DataFrame:
    """Map GEM tracker rows to ``lines`` rows (operating integrated plants only).

    Rows that are not operating or have no clinker capacity are skipped; a row with an
    unreadable capacity or start date is an error naming its row and column.
    """
    defaults = defaults or ClinkerDefaults()
    raw = read_raw_table(path)
    label = path.name
    columns = {key: _find_column(raw, names) for key, names in GEM_COLUMNS.items()}
    problems = [
        InputProblem(label, 1, GEM_COLUMNS[key][0], None, "required GEM column is missing")
        for key in ("plant_name", "owner", "province", "clinker_mtpa", "status")
        if columns[key] is None
    ]
    if problems:
        raise InputError(problems)
    rows: list[dict[str, object]] = []
    for index in range(len(raw)):
        row_number = index + 2
        record = {k: (str(raw[c].iloc[index]).strip() if c else "") for k, c in columns.items()}
        if province and _slug(record["province"]) != _slug(province):
            continue
        if record["status"].lower() not in {"operating", "operating pre-retirement"}:
            continue
        if record["production_type"] and "grinding" in record["production_type"].lower():
            continue
        text = record["clinker_mtpa"]
        if text in {"", "unknown", "n/a", ">0"}:
            continue
        try:
            mtpa = float(text)
        except ValueError:
            problems.append(
                InputProblem(
                    label,
                    row_number,
                    columns["clinker_mtpa"],
                    text,
                    "is not a number (expected clinker capacity in Mt/yr)",
                )
            )
            continue
        if mtpa <= 0:
            problems.append(
                InputProblem(label, row_number, columns["clinker_mtpa"], text, "must be above 0 Mt/yr")
            )
            continue
        year_text = record["start_date"][:4]
        try:
            start = int(year_text) if year_text else 2010
        except ValueError:
            problems.append(
                InputProblem(
                    label,
                    row_number,
                    columns["start_date"],
                    record["start_date"],
                    "is not a year (expected YYYY or YYYY-MM-DD)",
                )
            )
            continue
        capacity_t = mtpa * 1e6
        size = capacity_t / defaults.rated_days_per_year
        rows.append(
            {
                "line_id": f"GEM-{len(rows) + 1:04d}-{_slug(record['plant_name'])[:24]}",
                "province": _slug(record["province"]),
                "city": record["city"] or record["province"],
                "company": record["owner"] or "unknown owner",
                "sector": "cement_clinker",
                "product": "clinker",
                "size_t_per_day": round(size, 1),
                "capacity_per_year": round(capacity_t, 0),
                "operating_days": defaults.operating_days,
                "commissioning_year": start,
                "fuel_kgce_per_unit": defaults.fuel_kgce_per_t,
                "electricity_kwh_per_unit": defaults.electricity_kwh_per_t,
                "gas_share": 0.0,
                "alt_fuel_share": 0.0,
                "process_co2_t_per_unit": defaults.process_co2_t_per_t,
                "clinker_ratio": "",
                "roof_area_m2": round(size * defaults.roof_m2_per_t_per_day, 0),
                "pollution_grade": "C",
                "attributes": "",
                "carbide_slag": "false",
                "source": f"GEM Global Cement and Concrete Tracker ({label} row {row_number}); "
                + defaults.source,
                "flag": "U",
            }
        )
    if problems:
        raise InputError(problems)
    if not rows:
        raise InputError(
            [
                InputProblem(
                    label, None, None, province, "no operating integrated plant with clinker capacity found"
                )
            ]
        )
    return pd.DataFrame(rows, columns=[s.name for s in table_schema("lines")])


def import_template(path: Path) -> pd.DataFrame:
    """Read our own lines template (CSV or Excel) as text and check it against the lines schema,
    so problems name the file the planner edits (not the ``lines.csv`` written from it)."""
    raw = read_raw_table(path)
    _, problems = validate_table(raw, "lines", path.name)
    if problems:
        raise InputError(problems)
    return raw


def blame_source(
    problems: list[InputProblem], source: Path, lines: pd.DataFrame, gem: bool
) -> list[InputProblem]:
    """Problems found in the written ``lines.csv`` of an import, named after the imported file.

    A template row maps to its own row of the source (blank rows skipped included); GEM rows
    are filtered and reshaped, so they name the written row, whose ``source`` cell cites the
    tracker row."""
    rows = source_rows(lines)
    out = []
    for p in problems:
        if p.file != "lines.csv":
            out.append(p)
        elif gem or p.row is None or not 2 <= p.row < len(rows) + 2:
            where = (
                f" (imported as lines.csv row {p.row})" if p.row is not None else " (imported as lines.csv)"
            )
            out.append(InputProblem(source.name, None, p.column, p.value, p.expected + where))
        else:
            out.append(InputProblem(source.name, rows[p.row - 2], p.column, p.value, p.expected))
    return out


def scale_demand(
    demand: pd.DataFrame, like_lines: pd.DataFrame, lines: pd.DataFrame, like: str
) -> pd.DataFrame:
    """``like``'s demand scaled, sector by sector, to the imported fleet's share of ``like``'s
    base-year capacity; sectors the import has no line of are dropped.

    A province's demand on an imported plant or company would be many times its capacity
    (rejected by the demand-vs-capacity check); the share keeps the province's demand path,
    as ``optimize portfolio`` does for a company."""

    def capacity(frame: pd.DataFrame) -> pd.Series:
        numbers = pd.to_numeric(frame["capacity_per_year"], errors="coerce").fillna(0.0)
        return numbers.groupby(frame["sector"].astype(str).str.strip()).sum()

    mine, theirs = capacity(lines), capacity(like_lines)
    out = demand.copy()
    sector = out["sector"].astype(str).str.strip()
    keep = sector.isin(mine.index[mine > 0])
    out, sector = out[keep].copy(), sector[keep]
    share = sector.map(lambda s: mine[s] / theirs[s] if theirs.get(s, 0.0) > 0 else 1.0)
    values = pd.to_numeric(out["demand_per_year"], errors="coerce")
    out["demand_per_year"] = [
        repr(round(float(v * f), 3)) if pd.notna(v) else text
        for v, f, text in zip(values, share, out["demand_per_year"], strict=True)
    ]
    out["source"] = [
        f"{src} (scaled to the imported fleet: {f:.4g} of {like}'s capacity)"
        for src, f in zip(out["source"], share, strict=True)
    ]
    out["flag"] = "P"
    out.attrs.pop("source_rows", None)
    return out


def write_instance_folder(lines: pd.DataFrame, out: Path, like: Path) -> Path:
    """Write an instance folder: imported ``lines`` plus the other tables copied from ``like``.

    Files are written to a temporary folder first and renamed into place, so a failed import
    never leaves a half-written instance behind.
    """
    import shutil
    import tempfile

    if out.exists():
        raise InputError(
            [
                InputProblem(
                    str(out), None, None, None, "already exists; choose a new folder (nothing is overwritten)"
                )
            ]
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".import-", dir=out.parent))
    try:
        for item in like.iterdir():
            if item.suffix in {".csv", ".xlsx"} and item.stem not in {"lines", "demand"}:
                shutil.copy2(item, tmp / item.name)
        demand = next(
            (like / f"demand{s}" for s in (".csv", ".xlsx") if (like / f"demand{s}").exists()), None
        )
        if demand is not None:
            like_lines = next(like / f"lines{s}" for s in (".csv", ".xlsx") if (like / f"lines{s}").exists())
            scaled = scale_demand(read_raw_table(demand), read_raw_table(like_lines), lines, like.name)
            scaled.to_csv(tmp / "demand.csv", index=False)
        lines.to_csv(tmp / "lines.csv", index=False)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
