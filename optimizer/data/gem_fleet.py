"""From GEM plants to clinker kiln lines: which plants, imputed capacity, calibration, kiln split.

The rules, each documented here once and flagged in the lines they produce:

1. **Plants.** Clinker-making plants (plant type ``integrated``, ``clinker only`` or
   ``unknown``; grinding stations, and plants GEM reports at 0 Mt/yr clinker, make none) with
   status ``operating``,
   ``operating pre-retirement`` or ``mothballed``. The status is kept per line (``gem_status``)
   so a plan can treat mothballed and pre-retirement lines; mothballed lines run 0 days in the
   base year.
2. **Missing clinker capacity** (GEM gives ``>0``, ``unknown`` or nothing for about a fifth of
   the plants) is imputed, in this order (``capacity_basis``):
   ``reported``: GEM's figure;
   ``from_cement``: the plant's cement capacity × the median clinker-to-cement capacity ratio
   of the province's plants that report both (the national median where fewer than
   ``min_plants_for_ratio`` do);
   ``province_median``: neither figure: the median reported clinker capacity of the province's
   plants (national median where the province has none).
3. **Calibration.** All of a province's plants are scaled by one factor so that the province
   total equals its published aggregate (``capacity_scale`` on every line). GEM lists fewer
   plants and smaller figures than the official statistics, so the factor is ≥ 1 in practice.
4. **Kiln lines.** A plant's daily capacity (annual / rated days) is split into the fewest equal
   lines no larger than the largest line size of its era: 2 500 t/d for plants started before
   2000, 5 000 t/d for 2000–2009 and for unknown start years, 6 000 t/d from 2010 (Chinese
   NSP practice: 2 500 t/d lines dominated the 1990s, 5 000 t/d the 2000s; flag P).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

CLINKER_STATUSES = ("operating", "operating pre-retirement", "mothballed")
KILN_PLANT_TYPES = ("integrated", "clinker only", "unknown", "")


@dataclass(frozen=True)
class FleetRules:
    """The figures behind the rules of this module (all flag P)."""

    rated_days_per_year: float = 310.0
    min_plants_for_ratio: int = 5
    ratio_bounds: tuple[float, float] = (0.5, 1.5)  # plausible plant clinker/cement capacity ratios
    era_max_line_t_per_day: tuple[tuple[int, float], ...] = ((2000, 2500.0), (2010, 5000.0))
    recent_max_line_t_per_day: float = 6000.0
    unknown_year_max_line_t_per_day: float = 5000.0


@dataclass(frozen=True)
class ProvinceCalibration:
    """How one province's GEM capacity became the shipped capacity (printed by ``optimize info``)."""

    province: str
    plants: int
    lines: int
    gem_reported_t: float  # clinker capacity GEM reports for these plants, t/yr
    imputed_t: float  # capacity imputed before scaling, t/yr
    target_t: float | None  # the published aggregate it was scaled to (None: not scaled)
    scale_factor: float
    clinker_to_cement_ratio: float

    @property
    def imputed_share(self) -> float:
        total = self.gem_reported_t + self.imputed_t
        return self.imputed_t / total if total else 0.0


def clinker_plants(plants: pd.DataFrame, province: str | None = None) -> pd.DataFrame:
    """The clinker-making plants that count as capacity (rule 1), optionally of one province."""
    keep = plants["status"].isin(CLINKER_STATUSES) & plants["plant_type"].isin(KILN_PLANT_TYPES)
    # earlier releases said "grinding" in the production type; a reported 0 Mt/yr makes no clinker
    keep &= ~plants["production_type"].str.contains("grinding", na=False)
    keep &= ~(plants["clinker_reported"] & (plants["clinker_mtpa"] <= 0))
    if province is not None:
        keep &= plants["province"].str.lower().str.replace(" ", "_") == province.lower().replace(" ", "_")
    return plants[keep].copy()


def _ratio(frame: pd.DataFrame, rules: FleetRules) -> float:
    both = frame[frame["clinker_reported"] & (frame["cement_mtpa"] > 0)]
    ratios = (both["clinker_mtpa"] / both["cement_mtpa"]).clip(*rules.ratio_bounds)
    return float(ratios.median()) if len(ratios) else math.nan


def impute_capacity(
    plants: pd.DataFrame, national: pd.DataFrame, rules: FleetRules | None = None
) -> tuple[pd.DataFrame, float]:
    """Add ``clinker_t`` (t/yr) and ``capacity_basis`` by rule 2; return the ratio used too."""
    rules = rules or FleetRules()
    out = plants.copy()
    ratio = _ratio(out, rules)
    if len(out[out["clinker_reported"] & (out["cement_mtpa"] > 0)]) < rules.min_plants_for_ratio:
        ratio = _ratio(national, rules)
    reported = out.loc[out["clinker_reported"] & (out["clinker_mtpa"] > 0), "clinker_mtpa"]
    median = (
        float(reported.median())
        if len(reported)
        else float(
            national.loc[
                national["clinker_reported"] & (national["clinker_mtpa"] > 0), "clinker_mtpa"
            ].median()
        )
    )
    basis, mtpa = [], []
    for _, row in out.iterrows():
        if row["clinker_reported"] and row["clinker_mtpa"] > 0:
            basis.append("reported")
            mtpa.append(float(row["clinker_mtpa"]))
        elif row["cement_mtpa"] > 0:
            basis.append("from_cement")
            mtpa.append(float(row["cement_mtpa"]) * ratio)
        else:
            basis.append("province_median")
            mtpa.append(median)
    out["capacity_basis"] = basis
    out["clinker_t"] = np.array(mtpa) * 1e6
    return out, ratio


def max_line_t_per_day(start_year: int | None, rules: FleetRules) -> float:
    if start_year is None or pd.isna(start_year):
        return rules.unknown_year_max_line_t_per_day
    for before, size in rules.era_max_line_t_per_day:
        if start_year < before:
            return size
    return rules.recent_max_line_t_per_day


def split_into_lines(plant_t_per_year: float, start_year: int | None, rules: FleetRules) -> list[float]:
    """Annual capacities (t/yr) of the plant's kiln lines by rule 4; they sum to the plant's."""
    per_day = plant_t_per_year / rules.rated_days_per_year
    count = max(1, math.ceil(per_day / max_line_t_per_day(start_year, rules) - 1e-9))
    return [plant_t_per_year / count] * count


def province_fleet(
    plants: pd.DataFrame,
    national: pd.DataFrame,
    province: str,
    target_t: float | None,
    rules: FleetRules | None = None,
) -> tuple[pd.DataFrame, ProvinceCalibration]:
    """One row per kiln line of ``province`` (rules 1-4), sorted by GEM plant id, and its calibration.

    Columns: every column of ``plants`` plus capacity_basis, capacity_scale, line_number (1..n
    within the plant), lines_in_plant, capacity_t_per_year, size_t_per_day.
    """
    rules = rules or FleetRules()
    chosen, ratio = impute_capacity(clinker_plants(plants, province), national, rules)
    chosen = chosen.sort_values("gem_plant_id", kind="stable").reset_index(drop=True)
    reported_t = float(chosen.loc[chosen["capacity_basis"] == "reported", "clinker_t"].sum())
    total_t = float(chosen["clinker_t"].sum())
    scale = target_t / total_t if target_t and total_t else 1.0
    rows = []
    for _, plant in chosen.iterrows():
        start = None if pd.isna(plant["start_year"]) else int(plant["start_year"])
        parts = split_into_lines(float(plant["clinker_t"]) * scale, start, rules)
        for number, capacity in enumerate(parts, start=1):
            row = plant.to_dict()
            row.update(
                capacity_scale=scale,
                line_number=number,
                lines_in_plant=len(parts),
                capacity_t_per_year=capacity,
                size_t_per_day=capacity / rules.rated_days_per_year,
            )
            rows.append(row)
    extra = ["capacity_scale", "line_number", "lines_in_plant", "capacity_t_per_year", "size_t_per_day"]
    lines = pd.DataFrame(rows, columns=[*chosen.columns, *extra])
    calibration = ProvinceCalibration(
        province=province,
        plants=len(chosen),
        lines=len(lines),
        gem_reported_t=reported_t,
        imputed_t=total_t - reported_t,
        target_t=target_t,
        scale_factor=scale,
        clinker_to_cement_ratio=ratio,
    )
    return lines, calibration


def plant_columns(line: pd.Series) -> dict[str, object]:
    """The ``lines`` columns a kiln line takes from its GEM plant (identity, owner, place, capacity)."""
    return {
        "company": line["owner_en"] or line["name_en"] or "unknown owner",
        "company_zh": line["owner_zh"] or line["name_zh"],
        "parent": line["parent_en"] or line["owner_en"],
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
        "size_t_per_day": round(float(line["size_t_per_day"]), 1),
        "capacity_per_year": round(float(line["capacity_t_per_year"]), 0),
    }
