"""Import real line inventories: our CSV/Excel template, or the GEM cement tracker layout.

The Global Energy Monitor "Global Cement and Concrete Tracker" lists plants with name, owner,
subnational unit, clinker capacity (Mtpa), production type, status and start date
(:mod:`optimizer.data.gem` reads it as published). It has no energy or emission figures, so
imported lines receive documented sector defaults flagged ``U`` that a planner should replace.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from optimizer.data.gem import GEM_ATTRIBUTION, read_gem
from optimizer.data.gem_fleet import FleetRules, clinker_plants, province_fleet
from optimizer.data.schema import read_raw_table, table_schema
from optimizer.errors import InputError, InputProblem


@dataclass(frozen=True)
class ClinkerDefaults:
    """Figures given to GEM lines, which carry none (kgce/t, kWh/t net of waste-heat power)."""

    fuel_kgce_per_t: float = 103.5
    electricity_kwh_per_t: float = 30.0
    process_co2_t_per_t: float = 0.535
    operating_days: float = 250.0
    roof_m2_per_t_per_day: float = 10.0
    source: str = (
        "GEM tracker has no energy data: national-mean defaults (fuel 103.5 kgce/t, "
        "power 30 kWh/t net of WHR, 0.535 tCO2/t process) - replace with measured figures"
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def gem_province_name(name: str, plants: pd.DataFrame) -> str:
    """A province given in English (any case, spaces or underscores) or Chinese -> GEM's name."""
    known = {_slug(p): p for p in plants["province"].unique()}
    if _slug(name) in known:
        return known[_slug(name)]
    cities = resources.files("optimizer.instances").joinpath("catalogue/cities.csv")
    table = pd.read_csv(io.StringIO(cities.read_text("utf-8")), dtype=str, keep_default_na=False)
    for english, chinese in zip(table["province_en"], table["province_zh"], strict=True):
        if len(name.strip()) >= 2 and str(chinese).startswith(name.strip()):
            return str(english)
    raise InputError(
        [
            InputProblem(
                "--province",
                None,
                None,
                name,
                f"is not a province of the file (provinces: {', '.join(sorted(known.values()))})",
            )
        ]
    )


def import_gem(
    path: Path,
    province: str | None = None,
    defaults: ClinkerDefaults | None = None,
    capacity_t: float | None = None,
    rules: FleetRules | None = None,
) -> pd.DataFrame:
    """Map the GEM tracker's clinker plants to ``lines`` rows, one per kiln line.

    Plants, imputed capacity, optional calibration to ``capacity_t`` (t/yr, one province only)
    and the kiln split follow :mod:`optimizer.data.gem_fleet`; a broken row is an error naming
    its row and column (:func:`optimizer.data.gem.read_gem`). Energy figures are national-mean
    defaults flagged U, to be replaced by measured ones.
    """
    return lines_from_gem(read_gem(path), province, defaults, capacity_t, rules)


def lines_from_gem(
    plants: pd.DataFrame,
    province: str | None = None,
    defaults: ClinkerDefaults | None = None,
    capacity_t: float | None = None,
    rules: FleetRules | None = None,
) -> pd.DataFrame:
    """:func:`import_gem` on plants already read by :func:`optimizer.data.gem.read_gem`."""
    defaults = defaults or ClinkerDefaults()
    rules = rules or FleetRules()
    label = str(plants.attrs.get("label", "GEM tracker"))
    national = clinker_plants(plants)
    if province is not None:
        provinces = [gem_province_name(province, plants)]
    else:
        provinces = sorted(national["province"].unique())
        if capacity_t is not None:
            raise InputError([InputProblem("--capacity", None, None, capacity_t, "needs --province")])
    rows: list[dict[str, object]] = []
    for name in provinces:
        fleet, _ = province_fleet(plants, national, name, capacity_t, rules)
        known_years = fleet["start_year"].dropna()
        median_year = int(known_years.median()) if len(known_years) else 2008
        for _, line in fleet.iterrows():
            size = float(line["size_t_per_day"])
            start_known = not pd.isna(line["start_year"])
            rows.append(
                {
                    "line_id": f"GEM-{line['gem_plant_id'] or 'row' + str(line['source_row'])}-"
                    f"{line['line_number']}",
                    "province": _slug(name),
                    "city": line["municipality"] or name,
                    "company": line["owner_en"] or line["name_en"] or "unknown owner",
                    "company_zh": line["owner_zh"],
                    "parent": line["parent_en"],
                    "plant_name": line["name_en"],
                    "plant_name_zh": line["name_zh"],
                    "gem_plant_id": line["gem_plant_id"],
                    "gem_status": line["status"],
                    "plant_type": line["plant_type"],
                    "latitude": line["latitude"],
                    "longitude": line["longitude"],
                    "capacity_basis": line["capacity_basis"],
                    "capacity_scale": round(float(line["capacity_scale"]), 6),
                    "sector": "cement_clinker",
                    "product": "clinker",
                    "size_t_per_day": round(size, 1),
                    "capacity_per_year": round(float(line["capacity_t_per_year"]), 0),
                    "operating_days": 0.0 if line["status"] == "mothballed" else defaults.operating_days,
                    "commissioning_year": int(line["start_year"]) if start_known else median_year,
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
                    "source": f"{GEM_ATTRIBUTION} {label} row {line['source_row']}: capacity "
                    f"{line['capacity_basis']} x {float(line['capacity_scale']):.3f}, kiln "
                    f"{line['line_number']} of {line['lines_in_plant']} (optimizer/data/gem_fleet.py)"
                    + ("" if start_known else f", start year unknown: median {median_year}")
                    + "; "
                    + defaults.source,
                    "flag": "U",
                }
            )
    if not rows:
        raise InputError(
            [
                InputProblem(
                    label,
                    None,
                    None,
                    province,
                    "no operating clinker plant found (grinding stations make none)",
                )
            ]
        )
    return pd.DataFrame(rows, columns=[s.name for s in table_schema("lines")])


def import_template(path: Path) -> pd.DataFrame:
    """Read our own lines template (CSV or Excel) as text; validation happens on load."""
    return read_raw_table(path)


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
            if item.suffix in {".csv", ".xlsx"} and item.stem != "lines":
                shutil.copy2(item, tmp / item.name)
        lines.to_csv(tmp / "lines.csv", index=False)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
