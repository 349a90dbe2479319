"""Build tiny instances whose optimum can be derived by hand in a test's comments.

Prices, O&M and discounting are zero unless a test sets them, so every figure in a test is a
sum the reader can redo. Only the cement_clinker sector is used, rated at 300 days so that a
line of 1 000 t/d has 300 000 t/yr of capacity.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from optimizer.data.load import catalogue_dir
from optimizer.data.schema import table_schema

LINE_DEFAULTS = {
    "province": "test",
    "city": "c",
    "company": "co",
    "sector": "cement_clinker",
    "product": "clinker",
    "size_t_per_day": 1000,
    "capacity_per_year": 300000,
    "operating_days": 150,
    "commissioning_year": 2010,
    "fuel_kgce_per_unit": 100,
    "electricity_kwh_per_unit": 0,
    "gas_share": 0,
    "alt_fuel_share": 0,
    "process_co2_t_per_unit": 0,
    "clinker_ratio": "",
    "roof_area_m2": 0,
    "pollution_grade": "B",
    "attributes": "",
    "carbide_slag": "false",
    "source": "hand-made",
    "flag": "S",
}
TECH_DEFAULTS = {
    "name_en": "t",
    "name_zh": "t",
    "sectors": "cement_clinker",
    "lifetime_years": 20,
    "earliest_year": 2024,
    "source": "hand-made",
    "flag": "S",
}


def _write(path: Path, rows: list[dict], columns: list[str] | None = None) -> None:
    columns = columns or list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})


def make_instance(
    folder: Path,
    lines: list[dict],
    techs: list[dict],
    targets: list[dict],
    demand: dict[int, float],
    model_years: str = "2025",
    horizon_end: int = 2026,
    coal_cny_per_tce: float = 0.0,
    gas_cny_per_m3: float = 0.0,
    new_build: dict | None = None,
    replacement_ratio: float = 2.0,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "lines.csv", [{**LINE_DEFAULTS, **line} for line in lines])
    tech_columns = next(csv.reader((catalogue_dir() / "technologies.csv").open(encoding="utf-8")))
    _write(folder / "technologies.csv", [{**TECH_DEFAULTS, **t} for t in techs], tech_columns)
    sectors = list(csv.DictReader((catalogue_dir() / "sectors.csv").open(encoding="utf-8")))
    for s in sectors:
        s.update(
            rated_days_per_year="300",
            min_operating_days="0",
            fixed_om_cny_per_unit_capacity_year="0",
            variable_om_cny_per_unit="0",
        )
    _write(folder / "sectors.csv", sectors)
    nb_columns = next(csv.reader((catalogue_dir() / "new_builds.csv").open(encoding="utf-8")))
    nb_rows = (
        []
        if new_build is None
        else [
            {
                "sector": "cement_clinker",
                "product": "clinker",
                "size_t_per_day": 1000,
                "capacity_per_year": 300000,
                "lifetime_years": 30,
                "electricity_kwh_per_unit": 0,
                "process_co2_t_per_unit": 0,
                "attributes": "grade_a",
                "earliest_year": 2025,
                "source": "hand-made",
                "flag": "S",
                **new_build,
            }
        ]
    )
    _write(folder / "new_builds.csv", nb_rows, nb_columns)
    target_columns = [spec.name for spec in table_schema("targets")]
    _write(
        folder / "targets.csv",
        [
            {
                "sectors": "cement_clinker",
                "unit": "-",
                "pooled": "true",
                "hard": "true",
                "document": "test",
                "clause": "1",
                "description": "hand-made",
                **t,
            }
            for t in targets
        ],
        target_columns,
    )
    scenario = {
        "base_year": 2024,
        "horizon_end": horizon_end,
        "model_years": model_years,
        "discount_rate": 0.0,
        "grid_kgco2_per_kwh": 0.0,
        "coal_tco2_per_tce": 2.62,
        "gas_kgco2_per_m3": 2.16,
        "alt_fuel_tco2_per_tce": 2.0,
        "alt_fuel_biogenic_frac": 0.5,
        "replacement_ratio": replacement_ratio,
    }
    _write(
        folder / "scenario.csv",
        [
            {"parameter": k, "value": v, "unit": "-", "source": "test", "flag": "S"}
            for k, v in scenario.items()
        ],
    )
    _write(
        folder / "prices.csv",
        [
            {
                "year": y,
                "coal_cny_per_tce": coal_cny_per_tce,
                "gas_cny_per_m3": gas_cny_per_m3,
                "electricity_cny_per_kwh": 0,
                "alt_fuel_cny_per_tce": 0,
                "carbon_cny_per_tco2": 0,
                "free_allocation_frac": 0,
                "source": "test",
                "flag": "S",
            }
            for y in range(2024, horizon_end + 1)
        ],
    )
    _write(
        folder / "demand.csv",
        [
            {"sector": "cement_clinker", "year": y, "demand_per_year": d, "source": "test", "flag": "S"}
            for y, d in demand.items()
        ],
    )
    return folder


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def write_pace(folder: Path, **columns: float) -> Path:
    """pace.csv for the cement_clinker sector; columns not given keep the schema defaults."""
    _write(
        folder / "pace.csv",
        [{"sector": "cement_clinker", **columns, "source": "hand-made", "flag": "S"}],
        ["sector", *columns, "source", "flag"],
    )
    return folder


def write_supplies(folder: Path, rows: list[dict]) -> Path:
    """supplies.csv: rows of resource, year, available, unit (province * unless given)."""
    _write(
        folder / "supplies.csv",
        [{"province": "*", "source": "hand-made", "flag": "S", **r} for r in rows],
        ["province", "resource", "year", "available", "unit", "source", "flag"],
    )
    return folder


def pv_and_cap_conflict(folder: Path, pv_mw: float = 2.0) -> Path:
    """Two 300 kt/yr lines A and B with 10 000 m2 of roof each (rooftop PV 1.5 MW a running
    line), demand 100 kt, a 300 kt/yr capacity cap (one line runs) and a ``pv_mw`` clean-energy
    floor in 2025: above 1.5 MW the two targets conflict, above 3 MW the floor is out of reach."""
    return make_instance(
        folder,
        lines=[
            {"line_id": "A", "electricity_kwh_per_unit": 30, "roof_area_m2": 10000},
            {"line_id": "B", "electricity_kwh_per_unit": 30, "roof_area_m2": 10000},
        ],
        techs=[{"tech_id": "pv", "pv_kwp_per_m2": 0.15, "pv_yield_kwh_per_kwp": 1000, "lifetime_years": 25}],
        targets=[
            {"target_id": "T-CAP", "kind": "capacity_cap", "year": 2025, "value": 300e3},
            {"target_id": "T-PV", "kind": "clean_energy_mw", "year": 2025, "value": pv_mw},
        ],
        demand={2025: 100e3, 2026: 100e3},
    )
