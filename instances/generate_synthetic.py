"""Generate the shipped synthetic fleets, calibrated to published provincial aggregates.

No open plant-level inventory of Chinese lines is reachable from here, so every shipped fleet
is SYNTHETIC: lines are drawn with a fixed seed, then calibrated so that the base-year
aggregates match the published figures in ``shared/reference/facts.md`` (clinker capacity and
capacity-weighted clinker energy intensity within 2 %). Targets are written from the seed
digest (``shared/reference/targets.md``), each citing its document and clause.

Run ``python -m optimizer.instances.generate_synthetic`` to regenerate; the output is
deterministic, so a diff shows any change. A planner replaces ``lines.csv`` with a real
inventory through ``optimize import``.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.data.gem import GEM_ATTRIBUTION, read_gem
from optimizer.data.gem_fleet import ProvinceCalibration, clinker_plants, plant_columns, province_fleet
from optimizer.data.schema import table_schema
from optimizer.instances.staggering import (
    MIIT_DOCUMENT,
    SOUTHERN_DAYS,
    StaggerRule,
    days_cap,
    national_rules,
)

HERE = Path(__file__).resolve().parent
# the GEM workbook as published lives in the team's shared folder beside the repository
GEM_WORKBOOK = Path(
    os.environ.get(
        "GEM_WORKBOOK",
        HERE.parent.parent / "shared" / "data" / "gem" / "Global-Cement-and-Concrete-Tracker_July-2025.xlsx",
    )
)
RATED_CLINKER_DAYS = 310.0
# clinker output per t of cement output, national 2020 (CCA: 1.58 Gt clinker / 2.377 Gt cement)
CLINKER_PER_CEMENT = 0.665
CLINKER_PER_CEMENT_SOURCE = (
    "realism/resources.md s5: clinker 1.58 Gt / cement 2.377 Gt, national 2020 (CCA), V/P"
)
# 000_…txt names these as the province's carbide-slag clinker producers (V)
CARBIDE_PRODUCERS = re.compile("天业|圣雄|宜化")
CATALOGUE = HERE / "catalogue"
SEED = 20241231
BASE_YEAR = 2024
HORIZON_END = 2030
KGCE_PER_KWH = 0.1229
SYNTH_SOURCE = "synthetic fleet (generate_synthetic.py, seed {seed}) calibrated to {calib}"

LINE_COLUMNS = [spec.name for spec in table_schema("lines")]  # the schema is the one column list

WHR_SAVING = 0.45  # must match waste_heat_power.elec_saving_frac in the catalogue


@dataclass
class SectorDraw:
    """How to draw the non-clinker lines of one sector in one province."""

    sector: str
    count: int
    products: list[tuple[str, float]]  # (product, probability)
    size_range: tuple[float, float]  # t/d
    units_per_t: float  # product units per tonne of physical throughput
    intensity_range: tuple[float, float]  # kgce/unit
    elec_kwh_range: tuple[float, float]  # kWh/unit
    gas_share: float
    process_co2: float
    roof_m2_per_tpd: float


@dataclass
class Province:
    key: str
    name_zh: str
    abbrev: str
    cities: list[str]
    grid_kgco2_per_kwh: float
    grid_source: str
    clinker_capacity_t: float
    clinker_capacity_source: str
    clinker_capacity_flag: str
    clinker_intensity: float
    clinker_intensity_source: str
    clinker_intensity_flag: str
    operating_days: tuple[float, float]
    companies: int = 12
    others: list[SectorDraw] = field(default_factory=list)
    # published cement output of the base year (t/yr): when known, clinker demand and the lines'
    # base-year operating days are calibrated to it (cement output x CLINKER_PER_CEMENT)
    cement_output_t: float | None = None
    cement_output_source: str = ""
    replacement_ratio: float = 1.5
    replacement_source: str = "national capacity-replacement rule: 1.5:1 outside key air-pollution areas (U)"


def _bm_others(scale: float, gas: float) -> list[SectorDraw]:
    def n(x: float) -> int:
        return max(1, round(x * scale))

    return [
        SectorDraw(
            "flat_glass",
            n(8),
            [("flat_glass_gt800", 0.5), ("flat_glass_500_800", 0.5)],
            (520, 1200),
            1000 / 50 * 0.85,
            (8.3, 12.5),
            (5.0, 7.0),
            gas,
            0.01,
            40,
        ),
        SectorDraw(
            "pv_glass",
            n(2),
            [("pv_glass_gt300", 1.0)],
            (650, 1200),
            0.85,
            (240, 330),
            (120, 160),
            gas,
            0.2,
            40,
        ),
        SectorDraw(
            "ceramic_tile",
            n(25),
            [("tile_le05", 0.6), ("tile_05_10", 0.25), ("tile_gt10", 0.15)],
            (150, 600),
            50.0,
            (3.6, 6.4),
            (2.5, 3.5),
            gas,
            0.005,
            60,
        ),
        SectorDraw(
            "sanitary_ceramics",
            n(8),
            [("sanitary", 1.0)],
            (40, 180),
            1.0,
            (270, 420),
            (250, 400),
            gas,
            0.02,
            120,
        ),
        SectorDraw("lime", n(15), [("lime", 1.0)], (200, 800), 1.0, (100, 140), (25, 40), 0.0, 0.75, 15),
        SectorDraw(
            "wall_materials",
            n(30),
            [("brick_perforated", 1.0)],
            (300, 1000),
            1.0,
            (45, 55),
            (18, 28),
            0.0,
            0.02,
            20,
        ),
    ]


def _clinker_intensity_band(p: Province) -> tuple[float, float]:
    return (p.clinker_intensity - 10.0, p.clinker_intensity + 11.0)


ZHEJIANG_CITIES = [
    "Hangzhou",
    "Huzhou",
    "Jiaxing",
    "Shaoxing",
    "Ningbo",
    "Jinhua",
    "Quzhou",
    "Lishui",
    "Wenzhou",
    "Taizhou",
]

PROVINCES: dict[str, Province] = {
    "zhejiang": Province(
        key="zhejiang",
        name_zh="浙江",
        abbrev="ZJ",
        cities=ZHEJIANG_CITIES,
        grid_kgco2_per_kwh=0.5153,
        grid_source="MEE/NBS 2024, 2022 provincial grid factor (facts.md s2)",
        clinker_capacity_t=52e6,
        clinker_capacity_source="facts.md s4: Zhejiang 52 Mt/yr",
        clinker_capacity_flag="V",
        clinker_intensity=106.9,
        clinker_intensity_source="facts.md s4: Zhejiang 106.9 kgce/t",
        clinker_intensity_flag="V",
        operating_days=(240, 275),  # base-year days (S) inside the 250-300 d southern pattern, below ZJ-R5
        companies=14,
        others=_bm_others(1.0, 0.85),
        # 2:1 is the clinker rule (ZJ-R1, 002 二(1)); sectors without their own row (flat glass)
        # follow the national rule for key air-pollution regions (the Yangtze delta is one)
        replacement_ratio=1.25,
        replacement_source="水泥玻璃行业产能置换实施办法: flat glass 1.25:1 in key air-pollution regions "
        "(2021 text keeps the glass ratio; 2024 draft, scfju.cn/cj/81931.html) (V); clinker 2:1 is ZJ-R1",
    ),
    "guizhou": Province(
        key="guizhou",
        name_zh="贵州",
        abbrev="GZ",
        cities=[
            "Guiyang",
            "Zunyi",
            "Liupanshui",
            "Anshun",
            "Bijie",
            "Tongren",
            "Qiandongnan",
            "Qiannan",
            "Qianxinan",
        ],
        grid_kgco2_per_kwh=0.4989,
        grid_source="MEE/NBS 2024, 2022 provincial grid factor (facts.md s2)",
        clinker_capacity_t=91e6,
        clinker_capacity_source="facts.md s4: county-model clinker capacity 91 Mt/yr (cross-check; "
        "cement capacity ~112 Mt/yr)",
        clinker_capacity_flag="P",
        clinker_intensity=108.5,
        clinker_intensity_source="no published Guizhou average found; assumed near national mean",
        clinker_intensity_flag="U",
        operating_days=(150, 190),
        cement_output_t=52.7e6,
        cement_output_source="facts.md s6: Guizhou cement output 52.7 Mt (2024), V",
        companies=14,
        others=_bm_others(0.5, 0.3),
    ),
    "xinjiang": Province(
        key="xinjiang",
        name_zh="新疆",
        abbrev="XJ",
        cities=[
            "Urumqi",
            "Changji",
            "Shihezi",
            "Hami",
            "Turpan",
            "Korla",
            "Aksu",
            "Kashgar",
            "Yili",
            "Karamay",
        ],
        grid_kgco2_per_kwh=0.6231,
        grid_source="MEE/NBS 2024, 2022 provincial grid factor (facts.md s2)",
        clinker_capacity_t=73e6,
        clinker_capacity_source="facts.md s4: county-model clinker capacity 73 Mt/yr (cross-check)",
        clinker_capacity_flag="P",
        clinker_intensity=110.0,
        clinker_intensity_source="no published Xinjiang average found; assumed above national mean "
        "(cold climate, long winter stops)",
        clinker_intensity_flag="U",
        operating_days=(140, 200),
        cement_output_t=48.1e6,
        cement_output_source="facts.md s6: Xinjiang cement output 48.1 Mt (2023), V",
        companies=12,
        others=_bm_others(0.4, 0.5),
        replacement_source="004_1f38d57d61141985.txt 三(七)3: swaps equal or reduced (1:1 floor); "
        "national 1.5:1 used (U)",
    ),
    "chongqing": Province(
        key="chongqing",
        name_zh="重庆",
        abbrev="CQ",
        cities=[
            "Wanzhou",
            "Fuling",
            "Qijiang",
            "Hechuan",
            "Yongchuan",
            "Jiangjin",
            "Changshou",
            "Nanchuan",
            "Kaizhou",
            "Fengjie",
        ],
        grid_kgco2_per_kwh=0.5227,
        grid_source="MEE/NBS 2024, 2022 provincial grid factor (facts.md s2)",
        clinker_capacity_t=59e6,
        clinker_capacity_source="facts.md s4: county-model clinker capacity 59 Mt/yr (cross-check)",
        clinker_capacity_flag="P",
        clinker_intensity=107.5,
        clinker_intensity_source="no published Chongqing average found; assumed near national mean",
        clinker_intensity_flag="U",
        operating_days=(170, 180),
        companies=10,
        others=[
            *_bm_others(0.5, 0.6),
            SectorDraw(
                "ironmaking", 4, [("hot_metal", 1.0)], (2500, 8000), 1.0, (365, 445), (40, 60), 0.0, 0.0, 10
            ),
            SectorDraw(
                "steelmaking_eaf",
                6,
                [("eaf_steel", 1.0)],
                (800, 3000),
                1.0,
                (62, 90),
                (380, 460),
                0.3,
                0.0,
                10,
            ),
            SectorDraw(
                "hot_rolled_bar", 7, [("rebar", 1.0)], (2500, 5500), 1.0, (38, 52), (80, 110), 0.5, 0.0, 10
            ),
            SectorDraw(
                "ferroalloy", 6, [("simn", 1.0)], (100, 400), 1.0, (850, 990), (3800, 4400), 0.0, 0.0, 10
            ),
            SectorDraw(
                "aluminium",
                3,
                [("aluminium_liquid", 1.0)],
                (300, 900),
                1.0,
                (1590, 1680),
                (12900, 13650),
                0.0,
                1.5,
                10,
            ),
            SectorDraw(
                "industrial_silicon",
                6,
                [("silicon", 1.0)],
                (30, 120),
                1.0,
                (2750, 3450),
                (11000, 13000),
                0.0,
                0.0,
                10,
            ),
        ],
    ),
}

# National: approximate provincial shares of 2024 clinker capacity (synthetic split, U).
NATIONAL_SHARES = {
    "anhui": 0.070,
    "shandong": 0.065,
    "sichuan": 0.060,
    "guangdong": 0.058,
    "guangxi": 0.055,
    "yunnan": 0.052,
    "hebei": 0.048,
    "henan": 0.048,
    "jiangsu": 0.045,
    "hubei": 0.045,
    "guizhou": 0.051,
    "hunan": 0.040,
    "jiangxi": 0.038,
    "xinjiang": 0.041,
    "chongqing": 0.033,
    "zhejiang": 0.029,
    "shaanxi": 0.030,
    "fujian": 0.028,
    "inner_mongolia": 0.026,
    "shanxi": 0.025,
    "gansu": 0.020,
    "liaoning": 0.020,
    "jilin": 0.012,
    "heilongjiang": 0.012,
    "ningxia": 0.010,
    "qinghai": 0.008,
    "xizang": 0.004,
    "hainan": 0.007,
    "beijing": 0.002,
    "tianjin": 0.004,
    "shanghai": 0.004,
}
NATIONAL_CLINKER_T = 1.79e9


def _calibrate_mean(
    values: np.ndarray, weights: np.ndarray, target: float, low: float, high: float
) -> np.ndarray:
    """Shift ``values`` (clipped to [low, high]) until their weighted mean equals ``target``."""
    out = values.copy()
    for _ in range(100):
        out = np.clip(out, low, high)
        gap = target - float(np.average(out, weights=weights))
        if abs(gap) < 1e-9:
            break
        out = out + gap
    return np.clip(out, low, high)


@cache
def _city_names_zh() -> dict[tuple[str, str], str]:
    """(GEM province, GEM municipality) -> Chinese name, from the catalogue's cities table."""
    path = CATALOGUE / "cities.csv"
    if not path.exists():
        return {}
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {(r.province_en, r.municipality_en): r.municipality_zh for r in table.itertuples()}


@cache
def _groups() -> list[tuple[re.Pattern[str], re.Pattern[str], str, str]]:
    """Cement groups recognised in owner and plant names (catalogue groups.csv, flag P)."""
    path = CATALOGUE / "groups.csv"
    if not path.exists():
        return []
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return [
        (re.compile(r.keyword, re.IGNORECASE), re.compile(r.keyword_zh or "(?!)"), r.group_en, r.group_zh)
        for r in table.itertuples()
    ]


def _group_of(
    groups: list[tuple[re.Pattern[str], re.Pattern[str], str, str]], line: pd.Series
) -> tuple[str, str]:
    english = f"{line['owner_en']} {line['parent_en']} {line['name_en']}"
    chinese = f"{line['owner_zh']} {line['name_zh']}"
    for pattern_en, pattern_zh, group_en, group_zh in groups:
        if pattern_en.search(english) or pattern_zh.search(chinese):
            return group_en, group_zh
    return "", ""


def _company_names(p: Province, count: int) -> list[str]:
    return [f"{p.abbrev} Synthetic Building Materials {chr(65 + i)}" for i in range(count)]


def _carbide_line(line: pd.Series) -> bool:
    """A line the seed document names as a carbide-slag clinker producer (000_…txt: 天业, 圣雄, 宜化)."""
    text = f"{line.get('name_zh', '')} {line.get('owner_zh', '')}"
    return bool(CARBIDE_PRODUCERS.search(text))


def clinker_lines(
    p: Province, rng: np.random.Generator, province_label: str, id_prefix: str, fleet: pd.DataFrame
) -> list[dict]:
    """The province's real kiln lines (``fleet``, from GEM) with synthetic energy figures.

    Identity, owner, place, start year and capacity come from the GEM plant
    (optimizer/data/gem_fleet.py says how capacity is imputed, scaled and split); the energy
    figures are drawn so the capacity-weighted mean matches the province's published average
    (flag S), smaller kilns about 7 kgce/t worse, until a planner brings measured figures.
    """
    if fleet.empty:
        return []
    size_arr = fleet["size_t_per_day"].to_numpy(dtype=float)
    n = len(size_arr)
    small = size_arr <= 2500
    raw = p.clinker_intensity + np.where(small, 5.0, -2.0) + rng.normal(0, 4.5, n)
    low, high = _clinker_intensity_band(p)
    high = min(high, 118.5)
    intensity = _calibrate_mean(raw, size_arr, p.clinker_intensity, low, high)
    known_years = fleet["start_year"].dropna()
    median_year = int(known_years.median()) if len(known_years) else 2008
    cities_zh = _city_names_zh()
    groups = _groups()
    lines = []
    for i, line in fleet.reset_index(drop=True).iterrows():
        size = float(size_arr[i])
        whr = size >= 2000 and rng.random() < 0.85
        gross_elec = float(rng.uniform(50, 62))
        eff_elec = gross_elec * (1 - WHR_SAVING) if whr else gross_elec
        fuel = float(intensity[i]) - eff_elec * KGCE_PER_KWH
        grade = "A" if (not small[i] and rng.random() < 0.25) else ("B" if rng.random() < 0.6 else "C")
        days = round(float(rng.uniform(*p.operating_days)), 1)
        alt_fuel = round(float(rng.choice([0.0, 0.0, 0.03, 0.06])), 3)
        clinker_ratio = round(float(rng.uniform(0.62, 0.78)), 3)
        roof = round(size * float(rng.uniform(8, 14)), 0)
        attrs = []
        if grade == "A":
            attrs.append("grade_a")
        if whr:
            attrs.append("waste_heat_power")
        is_carbide = _carbide_line(line)
        start_known = not pd.isna(line["start_year"])
        group_en, group_zh = _group_of(groups, line)
        municipality = str(line["municipality"]) or p.cities[0]
        lines.append(
            {
                "line_id": f"{id_prefix}-CK{i + 1:03d}",
                "province": province_label,
                "city": municipality,
                "city_zh": cities_zh.get((str(line["province"]), municipality), ""),
                **plant_columns(line),
                "group": group_en,
                "group_zh": group_zh,
                # a mothballed plant is registered capacity that did not run in the base year
                "operating_days": 0.0 if line["status"] == "mothballed" else days,
                "commissioning_year": int(line["start_year"]) if start_known else median_year,
                # figures are what the line does now: electricity is net of an existing WHR unit,
                # which is listed in `attributes` so it cannot be adopted a second time
                "fuel_kgce_per_unit": round(fuel, 4),
                "electricity_kwh_per_unit": round(eff_elec, 3),
                "gas_share": 0.0,
                "alt_fuel_share": alt_fuel,
                "process_co2_t_per_unit": 0.16 if is_carbide else 0.535,
                "clinker_ratio": clinker_ratio,
                "roof_area_m2": roof,
                "pollution_grade": grade,
                "attributes": ";".join(attrs),
                "carbide_slag": "true" if is_carbide else "false",
                "source": (
                    f"{GEM_ATTRIBUTION} Plant {line['gem_plant_id']} "
                    f"(sheet Plant Data, row {line['source_row']}): "
                    f"capacity {line['capacity_basis']} x {float(line['capacity_scale']):.3f} to "
                    f"{p.clinker_capacity_source}, kiln {line['line_number']} of {line['lines_in_plant']} "
                    f"(era split rule, P)"
                    + ("" if start_known else f", start year unknown: provincial median {median_year} (P)")
                    + f"; energy, days, grade and roof synthetic (seed {SEED}) "
                    f"around {p.clinker_intensity_source}"
                ),
                "flag": "S",
            }
        )
    if p.cement_output_t:
        clinker_t = p.cement_output_t * CLINKER_PER_CEMENT
        _calibrate_days(lines, clinker_t, p.operating_days[1], RATED_CLINKER_DAYS)
    return lines


def _calibrate_days(
    lines: list[dict],
    output_t: float,
    max_days: float | np.ndarray,
    rated: float,
    note: str = f"the province's clinker output ({CLINKER_PER_CEMENT_SOURCE})",
) -> None:
    """Scale the lines' drawn base-year days (kept ≤ ``max_days``, one figure or one per line) so
    the fleet makes ``output_t``."""
    days = np.array([float(line["operating_days"]) for line in lines])
    capacity = np.array([float(line["capacity_per_year"]) for line in lines])
    for _ in range(50):
        made = float((capacity * days / rated).sum())
        if abs(made - output_t) < 1e-6 * output_t:
            break
        days = np.clip(days * output_t / made, 0.0, max_days)
    for line, value in zip(lines, days, strict=True):
        line["operating_days"] = round(float(value), 3)
        line["source"] += f"; base-year days scaled to {note}"


def other_lines(p: Province, rng: np.random.Generator, province_label: str, id_prefix: str) -> list[dict]:
    out = []
    companies = _company_names(p, p.companies)
    code = {
        "flat_glass": "FG",
        "pv_glass": "PV",
        "ceramic_tile": "CT",
        "sanitary_ceramics": "SC",
        "lime": "LM",
        "wall_materials": "WM",
        "ironmaking": "IR",
        "steelmaking_eaf": "EA",
        "hot_rolled_bar": "HR",
        "ferroalloy": "FA",
        "aluminium": "AL",
        "industrial_silicon": "SI",
    }
    rated = {
        "flat_glass": 365,
        "pv_glass": 365,
        "ceramic_tile": 330,
        "sanitary_ceramics": 330,
        "lime": 330,
        "wall_materials": 330,
        "ironmaking": 350,
        "steelmaking_eaf": 330,
        "hot_rolled_bar": 330,
        "ferroalloy": 330,
        "aluminium": 360,
        "industrial_silicon": 330,
    }
    for draw in p.others:
        products = [pr for pr, _ in draw.products]
        probs = np.array([w for _, w in draw.products])
        for i in range(draw.count):
            product = products[int(rng.choice(len(products), p=probs / probs.sum()))]
            lo, hi = draw.size_range
            if product == "flat_glass_gt800":
                lo = max(lo, 850)
            elif product == "flat_glass_500_800":
                lo, hi = max(lo, 520), min(hi, 800)
            size = float(round(float(rng.uniform(lo, hi)) / 10.0) * 10.0)
            elec = float(rng.uniform(*draw.elec_kwh_range))
            intensity = float(rng.uniform(*draw.intensity_range))
            if product == "tile_05_10":
                intensity = float(rng.uniform(3.5, 4.9))
            elif product == "tile_gt10":
                intensity = float(rng.uniform(3.3, 4.8))
            elif product == "flat_glass_500_800":
                intensity += 1.0
            fuel = max(0.0, intensity - elec * KGCE_PER_KWH)
            operating_days = float(rated[draw.sector]) * float(rng.uniform(0.75, 0.95))
            if draw.sector in {"flat_glass", "pv_glass", "aluminium"}:
                operating_days = float(rated[draw.sector]) * float(rng.uniform(0.9, 1.0))
            gas = (
                draw.gas_share
                if draw.gas_share in (0.0, 1.0)
                else round(min(1.0, max(0.0, draw.gas_share + float(rng.normal(0, 0.1)))), 3)
            )
            out.append(
                {
                    "line_id": f"{id_prefix}-{code[draw.sector]}{i + 1:03d}",
                    "province": province_label,
                    "city": (city := p.cities[int(rng.integers(len(p.cities)))]),
                    "city_zh": _city_names_zh().get((gem_province(p.key), city), ""),
                    "company": companies[int(rng.integers(len(companies)))],
                    "sector": draw.sector,
                    "product": product,
                    "size_t_per_day": size,
                    "capacity_per_year": round(size * draw.units_per_t * rated[draw.sector], 0),
                    "operating_days": round(operating_days, 1),
                    "commissioning_year": int(rng.integers(2000, 2022)),
                    "fuel_kgce_per_unit": round(fuel, 4),
                    "electricity_kwh_per_unit": round(elec, 3),
                    "gas_share": gas,
                    "alt_fuel_share": 0.0,
                    "process_co2_t_per_unit": draw.process_co2,
                    "clinker_ratio": "",
                    "roof_area_m2": round(size * draw.roof_m2_per_tpd * float(rng.uniform(0.7, 1.3)), 0),
                    "pollution_grade": "B" if rng.random() < 0.5 else "C",
                    "attributes": "",
                    "carbide_slag": "false",
                    "source": SYNTH_SOURCE.format(seed=SEED, calib="typical sector ranges (U)"),
                    "flag": "S",
                }
            )
    return out


# ---------------------------------------------------------------------------------------------
# Targets, cited from the seed digest (shared/reference/targets.md)
# ---------------------------------------------------------------------------------------------
ZJ_DOC = "002_80abbfb82bbf9b55.txt"
GZ_DOC = "001_9d80bbe7e55fd328.txt"
XJ_DOC = "000_d28d7553b1ec7ba3.txt"
XE_DOC = "004_1f38d57d61141985.txt"
CQ_DOC = "003_d62076349a496d30.txt"
NA_DOC = "cement energy-saving and carbon-cutting action plan 2024 (facts.md s4)"
BENCH_SECTORS_BM = "cement_clinker;flat_glass;pv_glass;ceramic_tile;sanitary_ceramics"

DOCUMENT_COLUMNS = [spec.name for spec in table_schema("documents")]
# Titles, issuers, dates and numbers as printed at the head of each seed file (flag V); the
# national plan is not among the seeds, so its details are unverified (U).
GZ_STAGGER_DOC = "guizhou_staggering_2024"
XJ_STAGGER_DOC = "xinjiang_staggering_2024_25"
DOCUMENTS: list[dict] = [
    MIIT_DOCUMENT,
    {
        "file": GZ_STAGGER_DOC,
        "title_zh": "关于做好2024年度水泥行业错峰生产的通知",
        "title_en": "Notice on staggered cement production in 2024 (Guizhou)",
        "issuer": "贵州省工业和信息化厅、生态环境厅",
        "date": "2024",
        "number": "",
        "source": "realism/floors.md s4.2 (lzrt.com.cn copy); not a seed file",
        "flag": "V",
    },
    {
        "file": XJ_STAGGER_DOC,
        "title_zh": "2024至2025年新疆水泥错峰生产计划",
        "title_en": "Xinjiang staggered cement production plan 2024-2025",
        "issuer": "新疆维吾尔自治区工业和信息化厅、生态环境厅、新疆生产建设兵团",
        "date": "2024",
        "number": "",
        "source": "realism/floors.md s4.1-4.2 (feheadline copy of 数字水泥网); national rule "
        "工信部联原〔2020〕201号; not a seed file",
        "flag": "V",
    },
    {
        "file": XJ_DOC,
        "title_zh": "新疆维吾尔自治区建材行业碳达峰实施方案",
        "title_en": "Xinjiang building-materials carbon-peak implementation plan",
        "issuer": "新疆维吾尔自治区工业和信息化厅、发展和改革委员会、生态环境厅、住房和城乡建设厅",
        "date": "2023-08-08",
        "number": "新工信建材〔2023〕3号",
        "source": f"shared/seeds/{XJ_DOC}, head of the notice",
        "flag": "V",
    },
    {
        "file": GZ_DOC,
        "title_zh": "贵州省建材行业碳达峰实施方案",
        "title_en": "Guizhou building-materials carbon-peak implementation plan",
        "issuer": "贵州省工业和信息化厅、发展和改革委员会、生态环境厅、住房和城乡建设厅",
        "date": "2023-06-13",
        "number": "黔工信〔2023〕25号",
        "source": f"shared/seeds/{GZ_DOC}, head of the notice",
        "flag": "V",
    },
    {
        "file": ZJ_DOC,
        "title_zh": "浙江省建材行业碳达峰行动方案",
        "title_en": "Zhejiang building-materials carbon-peak action plan",
        "issuer": "浙江省经济和信息化厅、发展和改革委员会、生态环境厅、住房和城乡建设厅",
        "date": "2023-12-14",
        "number": "",  # the seed copy prints no number
        "source": f"shared/seeds/{ZJ_DOC}, head of the notice (no document number printed)",
        "flag": "V",
    },
    {
        "file": CQ_DOC,
        "title_zh": "重庆市材料行业碳达峰实施方案",
        "title_en": "Chongqing materials-industries carbon-peak implementation plan",
        "issuer": "重庆市经济和信息化委员会",
        "date": "2024-04-18",
        "number": "渝经信规范〔2024〕10号",
        "source": f"shared/seeds/{CQ_DOC}, head of the notice",
        "flag": "V",
    },
    {
        "file": XE_DOC,
        "title_zh": "新疆维吾尔自治区工业能效提升行动计划",
        "title_en": "Xinjiang industrial energy-efficiency improvement action plan",
        "issuer": "",  # the seed copy prints neither issuer, date nor number
        "date": "",
        "number": "",
        "source": f"shared/seeds/{XE_DOC}, title of the notice (issuer, date and number not printed)",
        "flag": "V",
    },
    {
        "file": NA_DOC,
        "title_zh": "水泥行业节能降碳专项行动计划",
        "title_en": "Cement industry energy-saving and carbon-cutting action plan (2024)",
        "issuer": "国家发展改革委、工业和信息化部",
        "date": "2024",
        "number": "",
        "source": "facts.md s4 (English summary); Chinese title and issuers not seen in a seed file",
        "flag": "U",
    },
]

TARGET_COLUMNS = [spec.name for spec in table_schema("targets")]  # the schema is the one column list


def _t(
    target_id: str,
    kind: str,
    sectors: str,
    year: int,
    value: float,
    unit: str,
    document: str,
    clause: str,
    description: str,
    pooled: bool = True,
    attribute: str = "",
    hard: bool = True,
    description_zh: str = "",
    hard_from: int = 0,
    reference: tuple[int, float, str] | None = None,
) -> dict:
    year_ref, value_ref, source_ref = reference or (0, 0.0, "")
    return {
        "target_id": target_id,
        "kind": kind,
        "sectors": sectors,
        "year": year,
        "value": value,
        "unit": unit,
        "pooled": str(pooled).lower(),
        "attribute": attribute,
        "hard": str(hard).lower(),
        "reference_year": year_ref or "",
        "reference_value": value_ref or "",
        "reference_source": source_ref,
        "hard_from": hard_from or "",
        "document": document,
        "clause": clause,
        "description": description,
        "description_zh": description_zh,
    }


ZJ_REFERENCE_SOURCE = (
    "facts.md s4 (V): Zhejiang 2020, the start of the 14th FYP the clause (一(三)) counts from; "
    "the 2024 fleet is calibrated to the same aggregate, no 2024 figure being published"
)

LATE_2025 = (
    "due 2025, enforced from 2026 (hard_from) and reported in 2025: at most 30 % of a sector's "
    "lines start a retrofit a year and a tenth of its capacity closes (pace.csv), 2 of the 8 "
    "flat-glass and of the 8 sanitary-ceramics lines in 2025; HiGHS proves the 2025 target "
    "infeasible for whole lines (2026-12-02; its LP relaxation is feasible)"
)

CQ_LATE_2025 = (
    "due 2025, enforced from 2026 (hard_from) and reported in 2025: at most 30 % of a sector's "
    "lines start a retrofit a year (pace.csv), one whole line of the 4 ironmaking and of the 6 "
    "EAF lines in 2025, and no integer plan meets it then (least relaxation 2026-12-02: "
    "ironmaking 2.6, EAF steelmaking 1.4 share points)"
)

TARGETS: dict[str, list[dict]] = {
    "zhejiang": [
        _t(
            "ZJ-T1",
            "capacity_cut",
            "cement_clinker",
            2025,
            0.08,
            "fraction",
            ZJ_DOC,
            "一(三)",
            "cement clinker capacity down 8% during the 14th FYP (52 Mt/yr in 2020 -> 48 Mt/yr)",
            description_zh=(
                "原文：“水泥熟料产能下降 8%”（“十四五”期间；2020 年 5200 万吨/年 → 约 4800 万吨/年）"
            ),
            reference=(2020, 52e6, ZJ_REFERENCE_SOURCE),
        ),
        _t(
            "ZJ-T2",
            "intensity_cut",
            "cement_clinker",
            2025,
            0.05,
            "fraction",
            ZJ_DOC,
            "一(三)",
            "clinker unit comprehensive energy consumption down 5% during the 14th FYP (106.9 kgce/t "
            "in 2020 -> 101.6)",
            description_zh=(
                "原文：“熟料单位产品综合能耗下降 5%”（“十四五”期间，较 2020 年 106.9 千克标煤/吨）"
            ),
            reference=(2020, 106.9, ZJ_REFERENCE_SOURCE),
        ),
        _t(
            "ZJ-T3",
            "benchmark_share",
            "cement_clinker;flat_glass;pv_glass;ceramic_tile;sanitary_ceramics",
            2025,
            0.5,
            "fraction",
            ZJ_DOC,
            "一(三)",
            "capacity at energy-efficiency level 1 (benchmark) >= 50% in clinker, flat glass, "
            "PV glass and ceramics; " + LATE_2025,
            pooled=False,
            hard_from=2026,
            description_zh=(
                "原文：“水泥熟料、平板玻璃和陶瓷制品等重点产品达到能效 1 级（标杆）水平产能比例提"
                "高到 50%以上”（按行业分别考核）"
            ),
        ),
        _t(
            "ZJ-T4",
            "clean_energy_mw",
            "*",
            2025,
            135,
            "MW",
            ZJ_DOC,
            "一(三)",
            "installed clean energy (PV + storage) in the sector >= 135 MW",
            description_zh="原文：“清洁能源总装机容量（太阳能光伏、储能）达到 135MW以上”",
        ),
        _t(
            "ZJ-T5",
            "attribute_share",
            "cement_clinker",
            2025,
            0.5,
            "fraction",
            ZJ_DOC,
            "一(三)",
            "clinker producers at air-pollution performance grade A >= 50%",
            attribute="grade_a",
            description_zh="原文：“水泥熟料生产企业大气污染防治绩效 A级比例提升至 50%以上”",
        ),
        _t(
            "ZJ-T6",
            "emissions_peak",
            "*",
            2030,
            0,
            "tCO2",
            ZJ_DOC,
            "一(三)",
            "sector emissions peak before 2030 (raw-material substitution clearly higher)",
            description_zh="原文：“建材行业原料替代水平明显提高……在 2030年前确保实现建材行业碳达峰”",
        ),
        _t(
            "ZJ-R1",
            "replacement_ratio_min",
            "cement_clinker",
            2025,
            2.0,
            "t retired per t built",
            ZJ_DOC,
            "二(1)",
            "capacity replacement for new clinker: retire 2 t for every 1 t built; "
            "new line at GB 16780-2021 level 1",
            description_zh=(
                "原文：“通用水泥熟料退出产能与建设产能的置换比例提高到 2：1，新建熟料项目单位产品"
                "能耗必须达到 GB16780-2021规定的 1 级标准”"
            ),
        ),
        _t(
            "ZJ-R2",
            "size_exit",
            "cement_clinker",
            2030,
            2500,
            "t/d",
            ZJ_DOC,
            "二(1); 三(一)",
            "clinker lines <= 2500 t/d consolidated and exit year by year (deadline 2030 assumed: "
            "the document gives none)",
            description_zh=(
                "原文：“进一步研究落实 2500吨/日及以下水泥熟料生产线整合退出方案，省市县合力分年"
                "度推进”（文件未给期限，按 2030 年计）"
            ),
        ),
        _t(
            "ZJ-R3",
            "projects_min",
            "*",
            2025,
            100,
            "projects/yr",
            ZJ_DOC,
            "二(4)",
            ">= 100 energy-saving / carbon-cutting retrofit projects per year (soft: the document strives"
            " for it (力争) over all building-materials firms, bricks, aerated concrete and precast"
            " included, which this fleet does not hold; as a hard floor on these 138 lines it forced"
            " 600 projects in six years and left HiGHS without a plan)",
            hard=False,
            description_zh=(
                "原文：“力争每年推进实施建材企业节能降碳综合技术改造项目 100项以上”"
                "（“力争”，且覆盖全部建材企业，本清单未含砖瓦、加气混凝土和预制构件，按软目标报告）"
            ),
        ),
        _t(
            "ZJ-R5",
            "operating_days_max",
            "cement_clinker",
            2025,
            SOUTHERN_DAYS,
            "d/yr",
            ZJ_DOC,
            "二(3) (no day count; 300 d from floors.md s4.2, U)",
            "staggered production: no day count found; southern-province pattern 30-90 stop days "
            "-> at most 300 operating days (U, top of 250-300; 275 d leaves 0.92 x 52.3 Mt "
            "short of the 2025 demand under ZJ-T1, 290 d found no plan in 300 s)",
            description_zh="原文：“制定实施年度错峰生产计划，压缩控制水泥产量……适度增加冬季停运时间”"
            "（文件未给天数；按南方省份惯例每条熟料线每年至多运行 300 天，U）",
        ),
        _t(
            "ZJ-R4",
            "attribute_share",
            "cement_clinker",
            2030,
            1.0,
            "fraction",
            ZJ_DOC,
            "二(7)",
            "grade-A pollution upgrade for every clinker producer (encouraged; reported only)",
            attribute="grade_a",
            hard=False,
            description_zh=(
                "原文：“所有水泥熟料生产企业对照大气污染防治绩效 A级标准实施提级改造”（鼓励性要求，仅报告）"
            ),
        ),
    ],
    "guizhou": [
        _t(
            "GZ-T1",
            "benchmark_share",
            BENCH_SECTORS_BM,
            2025,
            0.3,
            "fraction",
            GZ_DOC,
            "一(三)",
            "capacity at or above the benchmark level >= 30% (sector-wide)",
            description_zh="原文：“行业能效标杆水平以上的产能比例达到30%以上”（全行业合计）",
        ),
        _t(
            "GZ-T2",
            "intensity_cut",
            "cement_clinker",
            2025,
            0.03,
            "fraction",
            GZ_DOC,
            "一(三)",
            "clinker unit comprehensive energy down >= 3%",
            description_zh="原文：“水泥熟料单位产品综合能耗水平降低3%以上”",
        ),
        _t(
            "GZ-T3",
            "emissions_peak",
            "*",
            2030,
            0,
            "tCO2",
            GZ_DOC,
            "一(三)",
            "raw/fuel substitution much higher; emissions peak (national 2030 goal)",
            description_zh="原文：“原燃料替代水平大幅提高”；达峰年份按《2030年前碳达峰行动方案》取 2030 年前",
        ),
        _t(
            "GZ-R1",
            "operating_days_max",
            "cement_clinker",
            2025,
            185,
            "d/yr",
            GZ_STAGGER_DOC,
            "Q1>=60, Q2>=30, Q3>=30, Q4>=60 stop days",
            "staggered production: 180 stop days per clinker line -> at most 185 operating days "
            "(365 - 180, P); kept for every later year (U)",
            description_zh="错峰生产：每条熟料线全年停窑 180 天（一季度≥60、二季度≥30、三季度≥30、"
            "四季度≥60 天），即每年至多运行 185 天（365−180，P）；以后各年沿用（U）",
        ),
    ],
    "xinjiang": [
        _t(
            "XJ-T1",
            "intensity_cut",
            "cement_clinker",
            2025,
            0.03,
            "fraction",
            XJ_DOC,
            "一(三)",
            "clinker unit energy down >= 3%",
            description_zh="原文：“水泥熟料单位产品能耗水平降低 3%以上”",
        ),
        _t(
            "XJ-T2",
            "benchmark_share",
            "cement_clinker;flat_glass",
            2025,
            0.3,
            "fraction",
            XJ_DOC,
            "一(三), box 1",
            "cement and flat-glass capacity at the benchmark level > 30%",
            pooled=False,
            description_zh="原文：“水泥、平板玻璃行业能效达到标杆水平的产能比例超过 30%”（按行业分别考核）",
        ),
        _t(
            "XJ-T3",
            "emissions_peak",
            "*",
            2030,
            0,
            "tCO2",
            XJ_DOC,
            "一(三)",
            "building-materials emissions peak before 2030",
            description_zh="原文：“确保 2030 年前建材行业实现碳达峰”",
        ),
        _t(
            "XJ-R1",
            "operating_days_max",
            "cement_clinker",
            2025,
            170,
            "d/yr",
            XJ_STAGGER_DOC,
            "north 211 stop days (~155 run); south 135-198 stop days",
            "staggered production: north ~155, south 170-230 operating days -> 170 d as a "
            "province-wide cap (P: capacity mix assumed 60 % north); 155 d flat would leave the "
            "synthetic fleet short of 2025 demand",
            description_zh="错峰生产：北疆约停窑 211 天（运行约 155 天），南疆停窑 135-198 天；"
            "全区按每条熟料线每年至多运行 170 天计（P：假定 60% 产能在北疆）",
        ),
        _t(
            "XJ-T4",
            "attribute_share",
            "*",
            2030,
            0.6,
            "fraction",
            XJ_DOC,
            "二(12)",
            ">= 60% of large and medium key enterprises through green/smart upgrades (lines used "
            "as the unit)",
            attribute="green_smart",
            description_zh="原文：“推动建材行业 60%以上大中型重点企业实现绿色智能化技术升级”（以生产线计）",
        ),
        _t(
            "XE-T1",
            "benchmark_share",
            BENCH_SECTORS_BM,
            2025,
            0.3,
            "fraction",
            XE_DOC,
            "二",
            "capacity at or above benchmark >= 30% in key high-energy areas",
            description_zh="原文：“高耗能行业重点领域能效标杆水平以上产能比例达到30%”",
        ),
        _t(
            "XE-T2",
            "baseline_clear",
            "*",
            2025,
            0,
            "unit/yr",
            XE_DOC,
            "二; 三(七)2",
            "capacity below the baseline basically cleared",
            description_zh="原文：“能效基准水平以下产能基本清零”",
        ),
        _t(
            "XE-T3",
            "not_modelled",
            "*",
            2025,
            0,
            "boilers",
            XE_DOC,
            "三",
            "coal boilers <= 35 t/h in county-level and larger urban areas retired (no boilers in "
            "the line inventory)",
            hard=False,
            description_zh=(
                "原文：“到2025年，县级及以上城市建成区基本淘汰35蒸吨/小时及以下燃煤锅炉”（清单中"
                "无锅炉，未建模）"
            ),
        ),
        _t(
            "XE-T4",
            "not_modelled",
            "*",
            2030,
            50,
            "enterprises",
            XE_DOC,
            "三",
            "50 energy-efficiency leader enterprises across all key industrial sectors (mostly "
            "outside building materials)",
            hard=False,
            description_zh=(
                "原文：“到2030年，在重点领域遴选50家‘能效领跑者’企业”（多数在建材行业以外，未建模）"
            ),
        ),
        _t(
            "XE-T5",
            "not_modelled",
            "*",
            2030,
            0,
            "fraction",
            XE_DOC,
            "三",
            "non-fossil share of energy use clearly higher (no figure given)",
            hard=False,
            description_zh="原文：“非化石能源占能源消费总量比例显著提高”（未给数值，未建模）",
        ),
    ],
    "chongqing": [
        _t(
            "CQ-T1",
            "intensity_cut",
            "cement_clinker",
            2025,
            0.03,
            "fraction",
            CQ_DOC,
            "二",
            "clinker unit comprehensive energy down >= 3%",
            description_zh="原文：“水泥熟料单位产品综合能耗水平降低 3%以上”",
        ),
        _t(
            "CQ-T2",
            "benchmark_share",
            "ironmaking;steelmaking_eaf;ferroalloy;aluminium;"
            "cement_clinker;flat_glass;ceramic_tile;sanitary_ceramics",
            2025,
            0.3,
            "fraction",
            CQ_DOC,
            "二",
            "capacity at or above benchmark >= 30% in each of ironmaking, steelmaking "
            "(EAF lines here), ferroalloy, aluminium, cement, flat glass, building and sanitary "
            "ceramics; " + CQ_LATE_2025,
            pooled=False,
            hard_from=2026,
            description_zh=(
                "原文：“炼铁、炼钢、铁合金冶炼、铝冶炼、水泥制造、平板玻璃、建筑陶瓷制品、卫生陶"
                "瓷制品等重点领域能效标杆水平以上的产能比例达到 30%”（按行业分别考核，炼钢以电炉"
                "线计）"
            ),
        ),
        _t(
            "CQ-T3",
            "emissions_peak",
            "*",
            2030,
            0,
            "tCO2",
            CQ_DOC,
            "二",
            "steel, non-ferrous and building materials peak before 2030",
            description_zh="原文：“确保 2030 年前钢铁、有色金属、建材行业实现碳达峰”",
        ),
        _t(
            "CQ-T4",
            "capacity_cap",
            "hot_rolled_bar",
            2025,
            8e6,
            "t/yr",
            CQ_DOC,
            "三(一)1",
            "hot-rolled construction bar capacity <= 8 Mt/yr",
            description_zh="原文：“建筑用热轧棒线材年产能原则上不超过 800 万吨”",
        ),
        _t(
            "CQ-T5",
            "baseline_clear",
            "industrial_silicon",
            2026,
            0,
            "t/yr",
            CQ_DOC,
            "四(三)4",
            "industrial silicon upgraded to the baseline level or exited before 2026",
            description_zh="原文：“工业硅原则上应在2026年前完成能效改造升级到基准水平以上或淘汰退出”",
        ),
        _t(
            "CQ-R1",
            "size_exit",
            "cement_clinker",
            2030,
            2500,
            "t/d",
            CQ_DOC,
            "box 3",
            "gradually retire 2500 t/d clinker lines (deadline 2030 assumed)",
            description_zh=(
                "原文：“整合市内低效产能、逐步退出 2500 吨/[日熟料生产线]”（原文此处排版缺字；期"
                "限按 2030 年计）"
            ),
        ),
        _t(
            "CQ-R2",
            "operating_days_max",
            "cement_clinker",
            2025,
            175,
            "d/yr",
            CQ_DOC,
            "三(三)1",
            "staggered production: 190 stop days per clinker line in 2025 (facts.md s4) -> at most "
            "175 operating days",
            description_zh=(
                "原文：“落实水泥常态化错峰生产的工作要求”；2025 年每条熟料线错峰停窑 190 天（fact"
                "s.md s4），即年运行不超过 175 天"
            ),
        ),
    ],
    "national": [
        _t(
            "NA-T1",
            "capacity_cap",
            "cement_clinker",
            2025,
            1.8e9,
            "t/yr",
            NA_DOC,
            "targets",
            "national clinker capacity about 1.8 Gt/yr by end-2025",
            description_zh="到 2025 年底水泥熟料产能控制在 18 亿吨/年左右（据 facts.md s4 转述，非原文）",
        ),
        _t(
            "NA-T2",
            "benchmark_share",
            "cement_clinker",
            2025,
            0.3,
            "fraction",
            NA_DOC,
            "targets",
            "30% of clinker capacity at benchmark by 2025",
            description_zh="能效标杆水平以上的熟料产能占比达到 30%（据 facts.md s4 转述，非原文）",
        ),
        _t(
            "NA-T3",
            "baseline_clear",
            "cement_clinker",
            2025,
            0,
            "t/yr",
            NA_DOC,
            "targets",
            "clinker capacity below baseline retrofitted or closed by 2025",
            description_zh="能效基准水平以下熟料产能完成技术改造或淘汰退出（据 facts.md s4 转述，非原文）",
        ),
        _t(
            "NA-T4",
            "intensity_cut",
            "cement_clinker",
            2025,
            0.037,
            "fraction",
            NA_DOC,
            "targets",
            "clinker energy -3.7% (the plan's base is 2020; applied here to the 2024 fleet)",
            hard=False,
            description_zh=(
                "熟料单位产品综合能耗比 2020 年降低 3.7%（此处用于 2024 年的生产线；据 facts.md s"
                "4 转述，非原文）"
            ),
        ),
        _t(
            "NA-T5",
            "emissions_peak",
            "*",
            2030,
            0,
            "tCO2",
            NA_DOC,
            "national 2030 goal",
            "building-materials emissions peak before 2030",
            description_zh="建材行业 2030 年前碳达峰（国家目标）",
        ),
    ],
}

NATIONAL_STAGGERING = national_rules(
    {"guizhou": GZ_STAGGER_DOC, "xinjiang": XJ_STAGGER_DOC, "chongqing": CQ_DOC, "zhejiang": ZJ_DOC}
)


def _stagger_target(rule: StaggerRule) -> dict:
    row = _t(
        rule.target_id,
        "operating_days_max",
        "cement_clinker",
        2025,
        rule.days,
        "d/yr",
        rule.document,
        rule.clause,
        rule.description,
        description_zh=rule.description_zh,
    )
    return {**row, "provinces": ";".join(rule.provinces)}


TARGETS["national"] += [_stagger_target(rule) for rule in NATIONAL_STAGGERING]
# national cement output 2024 (facts.md s6, V): the national fleet's base-year clinker output
NATIONAL_CEMENT_T = 1825e6

DEMAND_INDEX = {  # output relative to the base year (U: see the demand.csv source column)
    "cement_clinker": [1.0, 0.97, 0.95, 0.93, 0.91, 0.89, 0.87],
    "default": [1.0, 1.0, 0.99, 0.98, 0.97, 0.96, 0.95],
}
CARBON_PRICE = {2024: (89.1, "V"), 2025: (75.0, "V")}


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    tmp.replace(path)


def _scenario_rows(
    grid: float,
    grid_source: str,
    ratio: float,
    ratio_source: str,
    model_years: str = "2025;2026;2027;2028;2029;2030",
) -> list[dict]:
    return [
        {
            "parameter": "base_year",
            "value": BASE_YEAR,
            "unit": "yr",
            "source": "latest year with published aggregates; targets are measured against it",
            "flag": "P",
        },
        {
            "parameter": "horizon_end",
            "value": HORIZON_END,
            "unit": "yr",
            "source": "carbon-peak horizon",
            "flag": "V",
        },
        {
            "parameter": "model_years",
            "value": model_years,
            "unit": "yr",
            "source": "every calendar year from the first plan year to the horizon (issue 14: yearly "
            "decisions and a realistic pace); target years are added automatically",
            "flag": "P",
        },
        {
            "parameter": "discount_rate",
            "value": 0.08,
            "unit": "1/yr",
            "source": "facts.md s5: social discount rate 8%",
            "flag": "V",
        },
        {
            "parameter": "grid_kgco2_per_kwh",
            "value": grid,
            "unit": "kgCO2/kWh",
            "source": grid_source,
            "flag": "P",
        },
        {
            "parameter": "coal_tco2_per_tce",
            "value": 2.62,
            "unit": "tCO2/tce",
            "source": "facts.md s2: national guideline default",
            "flag": "P",
        },
        {
            "parameter": "gas_kgco2_per_m3",
            "value": 2.16,
            "unit": "kgCO2/m3",
            "source": "facts.md s2",
            "flag": "P",
        },
        {
            "parameter": "alt_fuel_tco2_per_tce",
            "value": 2.0,
            "unit": "tCO2/tce",
            "source": "literature estimate for RDF/tyre/biomass mix",
            "flag": "U",
        },
        {
            "parameter": "alt_fuel_biogenic_frac",
            "value": 0.5,
            "unit": "fraction",
            "source": "literature estimate",
            "flag": "U",
        },
        {
            "parameter": "replacement_ratio",
            "value": ratio,
            "unit": "t retired per t built",
            "source": ratio_source,
            "flag": "V" if "002_" in ratio_source else "U",
        },
        {
            "parameter": "kgce_per_kwh",
            "value": 0.1229,
            "unit": "kgce/kWh",
            "source": "facts.md s2 (GB/T 2589)",
            "flag": "V",
        },
        {
            "parameter": "kgce_per_m3_gas",
            "value": 1.33,
            "unit": "kgce/m3",
            "source": "facts.md s2",
            "flag": "V",
        },
    ]


COPROCESSING_CNY_PER_TCE = -300
COPROCESSING_SOURCE = (
    "a gate fee of ~80 CNY per t of municipal waste (U; Chinese waste-to-energy tipping fees are tens "
    "of CNY to ~100 CNY/t) at ~5 MJ/kg (0.17 tce/t) is ~-470 CNY/tce, less sorting, drying and "
    "crushing ~30 CNY/t: -300 CNY/tce net (U); hazardous waste earns far more but is scarcer"
)
"""Net price of waste co-processed as fuel, per tce of its heat (negative: the kiln is paid)."""


def _price_rows() -> list[dict]:
    rows = []
    for year in range(BASE_YEAR, HORIZON_END + 1):
        carbon, flag = CARBON_PRICE.get(year, (75.0 + 8.0 * (year - 2025), "U"))
        rows.append(
            {
                "year": year,
                "coal_cny_per_tce": 1250,
                "gas_cny_per_m3": 3.5,
                "electricity_cny_per_kwh": 0.63,
                "alt_fuel_cny_per_tce": 300,
                "coprocessing_cny_per_tce": COPROCESSING_CNY_PER_TCE,
                "carbon_cny_per_tco2": carbon,
                "free_allocation_frac": 0.0,
                "source": "facts.md s5: coal 850-1150 CNY/t (~0.79 tce/t) (P/U), power 0.63 (V), "
                "carbon 89.1 (2024), 67.5-80 (2025), +8 CNY/yr after (U); gas and AF U; "
                "free allocation 0 so the carbon price is the marginal cost; co-processed waste "
                f"{COPROCESSING_CNY_PER_TCE} CNY/tce: {COPROCESSING_SOURCE}",
                "flag": flag if year <= 2025 else "U",
            }
        )
    return rows


def _demand_rows(
    lines: list[dict], sectors_rated: dict[str, float], province: Province | None = None
) -> list[dict]:
    base: dict[str, float] = {}
    for line in lines:
        out = line["capacity_per_year"] * line["operating_days"] / sectors_rated[line["sector"]]
        base[line["sector"]] = base.get(line["sector"], 0.0) + out
    rows = []
    for sector, output in base.items():
        index = DEMAND_INDEX.get(sector, DEMAND_INDEX["default"])
        if sector == "cement_clinker" and province is not None and province.cement_output_t:
            clinker_t = province.cement_output_t * CLINKER_PER_CEMENT
            for offset, factor in enumerate(index):
                rows.append(
                    {
                        "sector": sector,
                        "year": BASE_YEAR + offset,
                        "demand_per_year": round(clinker_t * factor, 0),
                        "source": f"{province.cement_output_source} x clinker-to-cement "
                        f"{CLINKER_PER_CEMENT} ({CLINKER_PER_CEMENT_SOURCE}) x a demand index (-13% by "
                        "2030 after national cement output 2021-24, facts.md s6, U)",
                        "flag": "P" if offset == 0 else "U",
                    }
                )
            continue
        for offset, factor in enumerate(index):
            rows.append(
                {
                    "sector": sector,
                    "year": BASE_YEAR + offset,
                    "demand_per_year": round(output * factor * 0.98, 0),
                    # the fleet is GEM's real clinker plants (synthetic days) or synthetic lines
                    "source": "98% of the fleet's base-year output (capacity x operating days) x a "
                    "demand index (clinker -13% by 2030 after national cement output 2021-24, "
                    "facts.md s6; others -5%)",
                    "flag": "U",
                }
            )
    return rows


def _rated_days() -> dict[str, float]:
    with (CATALOGUE / "sectors.csv").open(encoding="utf-8") as handle:
        return {r["sector"]: float(r["rated_days_per_year"]) for r in csv.DictReader(handle)}


README_TEMPLATE = """# {title} instance ({name_zh})

**Cement clinker lines are real plants** from the Global Energy Monitor Global Cement and
Concrete Tracker (GEM, July 2025 release, CC BY 4.0): each carries its GEM Plant ID, plant name
(English and Chinese), owner (English and Chinese), parent, city, coordinates, start year, plant
type and GEM status. Capacities are imputed where GEM gives none, calibrated to the published
aggregate and split into kiln lines by the documented rules of `optimizer/data/gem_fleet.py`
(columns `capacity_basis`, `capacity_scale`). Their energy figures, operating days, pollution
grade and roof area are **synthetic** (seed {seed}, flag S), drawn to match the published
provincial average, until a planner brings measured figures.

**{synthetic_sectors} lines are SYNTHETIC** (flag S, companies named "… Synthetic …"): no open
plant-level inventory of them is reachable from this project.

Regenerate with `python -m optimizer.instances.generate_synthetic` (deterministic).

Calibration (base year {base_year}):
{calibration}

`targets.csv` holds every target of the seed documents for this province with its id, document
and clause (see `shared/reference/targets.md`). Each figure in every table carries a `source` and a
confidence `flag` (V seen in a public source, P derived, U unverified, S synthetic).

Attribution: {attribution} Licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).
Derived figures (imputed and scaled capacities, kiln split) are ours, not GEM's.
"""


def write_instance(
    key: str,
    lines: list[dict],
    targets: list[dict],
    grid: float,
    grid_source: str,
    ratio: float,
    ratio_source: str,
    calibration: str,
    title: str,
    name_zh: str,
    province: Province | None = None,
) -> Path:
    synthetic = sorted({str(line["sector"]) for line in lines} - {"cement_clinker"})
    folder = HERE / key
    folder.mkdir(exist_ok=True)
    _write_csv(folder / "lines.csv", LINE_COLUMNS, lines)
    _write_csv(folder / "targets.csv", TARGET_COLUMNS, targets)
    _write_csv(
        folder / "pace.csv",
        [
            "sector",
            "closure_share_max_per_year",
            "retrofit_line_share_max_per_year",
            "from_year",
            "closure_cost_cny_per_unit_capacity",
            "quota_value_cny_per_unit_capacity",
            "source",
            "flag",
        ],
        [r for r in _pace_rows(key) if r["sector"] in {line["sector"] for line in lines}],
    )
    _write_csv(
        folder / "supplies.csv",
        ["province", "resource", "year", "available", "unit", "source", "flag"],
        _national_supply_rows(lines) if key == "national" else _supply_rows(key, lines),
    )
    _write_csv(
        folder / "scenario.csv",
        ["parameter", "value", "unit", "source", "flag"],
        _scenario_rows(grid, grid_source, ratio, ratio_source),
    )
    _write_csv(
        folder / "prices.csv",
        [
            "year",
            "coal_cny_per_tce",
            "gas_cny_per_m3",
            "electricity_cny_per_kwh",
            "alt_fuel_cny_per_tce",
            "coprocessing_cny_per_tce",
            "carbon_cny_per_tco2",
            "free_allocation_frac",
            "source",
            "flag",
        ],
        _price_rows(),
    )
    _write_csv(
        folder / "demand.csv",
        ["sector", "year", "demand_per_year", "source", "flag"],
        _demand_rows(lines, _rated_days(), province),
    )
    (folder / "README.md").write_text(
        README_TEMPLATE.format(
            title=title,
            name_zh=name_zh,
            seed=SEED,
            base_year=BASE_YEAR,
            calibration=calibration,
            synthetic_sectors=", ".join(synthetic).replace("_", " ").capitalize() or "No other",
            attribution=GEM_ATTRIBUTION,
        ),
        encoding="utf-8",
    )
    return folder


def _calibration_text(p: Province, calibration: ProvinceCalibration) -> str:
    c = calibration
    return (
        f"- clinker capacity {p.clinker_capacity_t / 1e6:g} Mt/yr ({p.clinker_capacity_source}, "
        f"flag {p.clinker_capacity_flag}); {c.plants} GEM plants split into {c.lines} kiln lines\n"
        f"- GEM reports {c.gem_reported_t / 1e6:.2f} Mt/yr for these plants; "
        f"{c.imputed_t / 1e6:.2f} Mt/yr imputed ({c.imputed_share:.1%} of the unscaled total; "
        f"clinker-to-cement capacity ratio {c.clinker_to_cement_ratio:.3f}); "
        f"scale factor {c.scale_factor:.3f} to the aggregate\n"
        f"- capacity-weighted clinker comprehensive energy {p.clinker_intensity:g} kgce/t "
        f"({p.clinker_intensity_source}, flag {p.clinker_intensity_flag})"
        + (
            f"\n- base-year clinker output and demand {p.cement_output_t * CLINKER_PER_CEMENT / 1e6:.1f} Mt "
            f"= cement output {p.cement_output_t / 1e6:g} Mt ({p.cement_output_source}) x "
            f"{CLINKER_PER_CEMENT} ({CLINKER_PER_CEMENT_SOURCE}); lines' base-year days scaled to it"
            if p.cement_output_t
            else ""
        )
    )


GEM_PROVINCE = {"inner_mongolia": "Inner Mongolia"}


def gem_province(key: str) -> str:
    """Our province key -> GEM's subnational unit name."""
    return GEM_PROVINCE.get(key, key.replace("_", " ").title())


def province_lines(
    p: Province, rng: np.random.Generator, label: str, prefix: str, fleet: pd.DataFrame
) -> list[dict]:
    return clinker_lines(p, rng, label, prefix, fleet) + other_lines(p, rng, label, prefix)


# --- pace limits, closure costs and scarce supplies (issue 14; resources.md s3-s4) -----------

CLOSURE_SHARE_MAX_PER_YEAR = 0.10
"""Most of a sector's base-year capacity closed in one year (P, resources.md s4): national net
exits 10-20 Mt/yr of ~1.8 Gt (0.6-1.1 %/yr); gross exits 31.65 Mt in 16 months; the largest
provincial output fall -17.3 % (Shaanxi 2025); the largest single-city episode Shijiazhuang
~40 % of city capacity in one winter. A province closing a tenth a year sits between them."""

RETROFIT_LINE_SHARE_PER_YEAR = 0.3
"""Engineering capacity (U, resources.md s4: no count per province found): 30 % of a sector's
lines may start a retrofit campaign in a year on average, one overhaul per line installing any
number of technologies in the winter / staggered-stop window (25-45 days; 6-12 months from
decision to commissioning). KHD upgraded 11 lines of one group in one year (V); 30 % of
Zhejiang's 50 clinker lines is 15 a year, every line about once in three years. At 20 % (10 a
year) relax and fix found no Zhejiang plan within 300 s (the 2026 step, when ZJ-T3 binds,
timed out), measured 2026-12-02."""

PACE_FROM_YEAR = 2025
"""Pace limits hold from the first plan year: a plan that closes a sixth of a province's clinker
and retrofits 90 lines in 2025 alone is dismissed on sight. Targets due in 2025 that no plan at
this pace reaches from the 2024 fleet are enforced from 2026 (``hard_from``, see LATE_2025)
and reported in 2025; Guizhou's GZ-T1, infeasible in 2025 under the old per-technology
project limit, is reachable with retrofits counted per line (measured 2026-12-02)."""

RESETTLEMENT_CNY_PER_T = 202 * 50_000 / 1e6
"""Worker resettlement per t/yr clinker capacity (P/U): 3,780 workers over 35 Shijiazhuang
plants of ~18.7 Mt/yr ≈ 202 workers per Mt; one year of wages and social insurance ≈ 50,000 CNY
(3,000 CNY/month wage ×12 + ~40 % insurance, U; Sanya paid 18,600 CNY per worker-year in 2008)."""

STRANDED_LOSS_CNY_PER_T = 1.1e9 / (35 * 9.1e6 / 17)
"""Stranded book value and demolition per t/yr (P): Shijiazhuang 2013-14, 35 plants, direct
economic loss 1.1 bn CNY; batch 2 = 17 plants, 9.1 Mt/yr ⇒ 35 plants ≈ 18.7 Mt/yr ⇒ 59 CNY/t
(cement capacity, applied per t clinker capacity: U)."""

CLINKER_CLOSURE_CNY_PER_T = round(STRANDED_LOSS_CNY_PER_T + RESETTLEMENT_CNY_PER_T, 1)

CLINKER_QUOTA_CNY_PER_T = 40.0
"""Capacity-replacement quota value, 2024 (V, resources.md s3a: 'now ... 40 CNY/t would be good';
deals 72-128 CNY/t)."""


def _pace_rows(key: str) -> list[dict]:
    """pace.csv: one row per sector present in the instance."""
    sectors = list(csv.DictReader((HERE / "catalogue" / "sectors.csv").open(encoding="utf-8")))
    clinker_om = next(
        float(r["fixed_om_cny_per_unit_capacity_year"]) for r in sectors if r["sector"] == "cement_clinker"
    )
    rows = []
    for r in sectors:
        s = r["sector"]
        if s == "cement_clinker":
            cost = CLINKER_CLOSURE_CNY_PER_T
            source = (
                f"closure {cost} CNY/(t/yr) = stranded book value + demolition "
                f"{STRANDED_LOSS_CNY_PER_T:.1f} (Shijiazhuang 2013-14, 1.1 bn CNY / ~18.7 Mt/yr) + "
                f"resettlement {RESETTLEMENT_CNY_PER_T:.1f} (202 workers/Mt x 50,000 CNY); site "
                "remediation not found (0); quota 40 CNY/t (2024 quote); pace: resources.md s4"
            )
            flag, quota = "P", CLINKER_QUOTA_CNY_PER_T
        else:
            # no sector figure found: scaled from clinker by fixed O&M per unit of capacity
            cost = round(
                CLINKER_CLOSURE_CNY_PER_T / clinker_om * float(r["fixed_om_cny_per_unit_capacity_year"]), 3
            )
            source = (
                f"closure cost scaled from clinker ({CLINKER_CLOSURE_CNY_PER_T} CNY/t = "
                f"{CLINKER_CLOSURE_CNY_PER_T / clinker_om:.2f} years of fixed O&M); pace as clinker"
            )
            flag, quota = "U", 0.0
        rows.append(
            {
                "sector": s,
                "closure_share_max_per_year": CLOSURE_SHARE_MAX_PER_YEAR,
                "retrofit_line_share_max_per_year": RETROFIT_LINE_SHARE_PER_YEAR,
                "from_year": PACE_FROM_YEAR,
                "closure_cost_cny_per_unit_capacity": cost,
                "quota_value_cny_per_unit_capacity": quota,
                "source": source,
                "flag": flag,
            }
        )
    return rows


AF_SHARE_PATH = {2025: 0.06, 2026: 0.08, 2027: 0.10, 2028: 0.12, 2029: 0.14, 2030: 0.16}
"""Alternative fuel available as a share of the base-year clinker fuel energy (P/U,
resources.md s2): national TSR 2-3 % in 2023 (U), national goal 10 % by end-2025 (V), leaders
~8 % (V), best group 22.8 % (V), ~40 % technically feasible (expert, V)."""

COPROCESSING_SHARE = 0.01
"""Waste co-processed as fuel, share of base-year clinker fuel energy (U: Chinese MSW is wet and
low in heat; co-processing is a disposal duty more than a fuel, resources.md s2)."""

CARBIDE_SLAG_T: dict[str, tuple[float, str, str]] = {
    "zhejiang": (0.2e6, "no carbide-route PVC of note in Zhejiang (ethylene route); 0.2 Mt/yr guess", "U"),
    "guizhou": (
        0.5e6,
        "Guizhou outside the top-5 carbide provinces (rest ~27 % of 13.6 Mt); 0.5 Mt/yr guess",
        "U",
    ),
    "xinjiang": (2.4e6, "Xinjiang 14.8 % of carbide output (2011) x ~1.2 t dry slag per t carbide", "P"),
    "chongqing": (0.3e6, "no carbide figure for Chongqing; 0.3 Mt/yr guess", "U"),
    "national": (17.5e6, "14.6 Mt carbide (2010) x ~1.2 t dry slag per t", "P"),
}
"""Dry carbide slag available per year (resources.md s1a), flat over the horizon (U)."""

OTHER_CALCIUM_T: dict[str, float] = {
    "zhejiang": 1.0e6,
    "guizhou": 1.0e6,
    "xinjiang": 0.8e6,
    "chongqing": 0.8e6,
    "national": 30e6,
}
"""Steel slag, fly ash and other calcium wastes usable in raw meal, t/yr (U: national steel slag
>100 Mt/yr, < 1/3 utilised, resources.md s1b; provincial splits are guesses)."""


CARBIDE_SLAG_NAMED_T: dict[str, float] = {
    "inner_mongolia": 5.0e6,
    "ningxia": 2.5e6,
    "xinjiang": 2.4e6,
    "shaanxi": 1.1e6,
    "gansu": 0.9e6,
}
"""Dry carbide slag per year of the five provinces named in resources.md s1a (carbide output
Jan-Sep 2011 x 4/3 x ~1.2 t dry slag per t carbide, P): they made 73 % of China's carbide."""


def _clinker_output_t(lines: list[dict]) -> float:
    return sum(
        float(r["capacity_per_year"]) * float(r["operating_days"]) / RATED_CLINKER_DAYS
        for r in lines
        if r["sector"] == "cement_clinker"
    )


def _national_supply_rows(lines: list[dict]) -> list[dict]:
    """supplies.csv of the national instance: one set of rows per province, none national.

    Carbide slag is a wet slurry (~12 % solids) and travels tens of kilometres, alternative fuel
    and co-processing feed are municipal wastes under local contracts, steel slag sits at the
    steel works: none is a national pool a kiln in Anhui could draw on. The named carbide
    provinces keep their figure (P), the seed provinces their instance's (U); the rest of each
    national figure is shared by base-year clinker output (U: no provincial split found)."""
    by_province: dict[str, list[dict]] = {}
    for line in lines:
        by_province.setdefault(str(line["province"]), []).append(line)
    output = {key: _clinker_output_t(rows) for key, rows in by_province.items()}

    def split(total: float, fixed: dict[str, float]) -> dict[str, float]:
        open_ = {key: value for key, value in output.items() if key not in fixed}
        rest = total - sum(fixed[key] for key in fixed if key in output)
        return {**fixed, **{key: rest * value / sum(open_.values()) for key, value in open_.items()}}

    seeds = [key for key in PROVINCES if key in output]
    slag_named = {**CARBIDE_SLAG_NAMED_T, **{key: CARBIDE_SLAG_T[key][0] for key in seeds}}
    slag = split(CARBIDE_SLAG_T["national"][0], slag_named)
    other = split(OTHER_CALCIUM_T["national"], {key: OTHER_CALCIUM_T[key] for key in seeds})
    rows: list[dict] = []
    for key, province_lines in by_province.items():
        if key in CARBIDE_SLAG_NAMED_T:
            slag_text = "a carbide province (Jan-Sep 2011 output x 4/3 x ~1.2 t dry slag per t)"
            slag_flag = "P"
        elif key in seeds:
            slag_text, slag_flag = CARBIDE_SLAG_T[key][1], CARBIDE_SLAG_T[key][2]
        else:
            slag_text = "outside the five carbide provinces: the rest of 17.5 Mt shared by clinker output"
            slag_flag = "U"
        rows += _supply_rows(
            key, province_lines, province=key, slag=(slag[key], slag_text, slag_flag), other_t=other[key]
        )
    return rows


def _supply_rows(
    key: str,
    lines: list[dict],
    province: str = "*",
    slag: tuple[float, str, str] | None = None,
    other_t: float | None = None,
) -> list[dict]:
    """supplies.csv: carbide slag, other calcium wastes, alternative fuel and co-processing feed."""
    rated = 310.0
    clinker = [r for r in lines if r["sector"] == "cement_clinker"]
    fuel_tce = sum(
        float(r["capacity_per_year"])
        * float(r["operating_days"])
        / rated
        * float(r["fuel_kgce_per_unit"])
        / 1000
        for r in clinker
    )
    alt_base_tce = sum(
        float(r["capacity_per_year"])
        * float(r["operating_days"])
        / rated
        * float(r["fuel_kgce_per_unit"])
        * float(r["alt_fuel_share"])
        / 1000
        for r in lines
    )
    slag_t, slag_source, slag_flag = slag or CARBIDE_SLAG_T[key]
    other = OTHER_CALCIUM_T[key] if other_t is None else other_t
    rows = []
    for year, share in AF_SHARE_PATH.items():
        af = max(share * fuel_tce, 1.05 * alt_base_tce)  # never below what the fleet already burns
        rows += [
            {
                "province": province,
                "resource": "carbide_slag",
                "year": year,
                "available": round(slag_t),
                "unit": "t/yr",
                "source": f"resources.md s1a: {slag_source}",
                "flag": slag_flag,
            },
            {
                "province": province,
                "resource": "other_calcium_waste",
                "year": year,
                "available": round(other),
                "unit": "t/yr",
                "source": "resources.md s1b: steel slag >100 Mt/yr nationally, <1/3 used; provincial guess",
                "flag": "U",
            },
            {
                "province": province,
                "resource": "alt_fuel",
                "year": year,
                "available": round(af),
                "unit": "tce/yr",
                "source": f"resources.md s2: {share:.0%} of base-year clinker fuel {fuel_tce / 1e6:.2f} Mtce "
                "(national 10 % goal by 2025 V, best group 22.8 % V; path P/U)",
                "flag": "P",
            },
            {
                "province": province,
                "resource": "coprocessing_feed",
                "year": year,
                "available": round(COPROCESSING_SHARE * fuel_tce),
                "unit": "tce/yr",
                "source": "resources.md s2: 1 % of base-year clinker fuel (wet MSW, low heat)",
                "flag": "U",
            },
        ]
    return rows


def generate_all() -> None:
    plants = read_gem(GEM_WORKBOOK)
    national = clinker_plants(plants)
    _write_csv(CATALOGUE / "documents.csv", DOCUMENT_COLUMNS, DOCUMENTS)
    for key, p in PROVINCES.items():
        rng = np.random.default_rng([SEED, sum(map(ord, key))])
        fleet, calibration = province_fleet(plants, national, gem_province(key), p.clinker_capacity_t)
        lines = province_lines(p, rng, key, p.abbrev, fleet)
        write_instance(
            key,
            lines,
            TARGETS[key],
            p.grid_kgco2_per_kwh,
            p.grid_source,
            p.replacement_ratio,
            p.replacement_source,
            _calibration_text(p, calibration),
            key.capitalize(),
            p.name_zh,
            p,
        )
    _generate_national(plants, national)


def national_targets(plants: pd.DataFrame, national: pd.DataFrame) -> dict[str, tuple[float, str, str]]:
    """Per province: the clinker capacity it is scaled to, its source and flag.

    Provinces with their own aggregate keep it; the others share one factor so that the
    country totals the national 1.79 Gt/yr (facts.md s4)."""
    own = {
        key: (p.clinker_capacity_t, p.clinker_capacity_source, p.clinker_capacity_flag)
        for key, p in PROVINCES.items()
    }
    unscaled = {}
    for key in NATIONAL_SHARES:
        if key not in own:
            _, calibration = province_fleet(plants, national, gem_province(key), None)
            unscaled[key] = calibration.gem_reported_t + calibration.imputed_t
    rest = NATIONAL_CLINKER_T - sum(value for value, _, _ in own.values())
    factor = rest / sum(unscaled.values())
    out = dict(own)
    for key, value in unscaled.items():
        out[key] = (
            value * factor,
            f"facts.md s4: national 1.79 Gt/yr (2024) less the four seed provinces, shared in "
            f"proportion to GEM capacity (common factor {factor:.3f})",
            "P",
        )
    return out


def _generate_national(plants: pd.DataFrame, national: pd.DataFrame) -> None:
    rng = np.random.default_rng([SEED, 31])
    lines: list[dict] = []
    capacity = national_targets(plants, national)
    for number, key in enumerate(NATIONAL_SHARES, start=1):
        base = PROVINCES.get(key)
        target_t, source, flag = capacity[key]
        share = target_t / NATIONAL_CLINKER_T
        fleet, _ = province_fleet(plants, national, gem_province(key), target_t)
        abbrev = f"{number:02d}{key[:2].upper()}"
        cities = sorted(fleet["municipality"].unique().tolist()) or [gem_province(key)]
        intensity = base.clinker_intensity if base else float(rng.uniform(104.5, 110.5))
        cap = days_cap(NATIONAL_STAGGERING, key, RATED_CLINKER_DAYS)
        p = Province(
            key=key,
            name_zh=base.name_zh if base else key,
            abbrev=f"N{abbrev}",
            cities=base.cities if base else cities,
            grid_kgco2_per_kwh=0.5703,
            grid_source="",
            clinker_capacity_t=target_t,
            clinker_capacity_source=source,
            clinker_capacity_flag=flag,
            clinker_intensity=intensity,
            clinker_intensity_source="synthetic provincial mean 104.5-110.5 kgce/t",
            clinker_intensity_flag="U",
            # base-year days (S) within the province's staggering rule, scaled below
            operating_days=(min(180.0, cap - 40.0), min(280.0, cap)),
            companies=8,
            others=_bm_others(max(1.0, share * 38.0), 0.5),
        )
        lines.extend(province_lines(p, rng, key, p.abbrev, fleet))
    clinker = [line for line in lines if line["sector"] == "cement_clinker"]
    caps = np.array([days_cap(NATIONAL_STAGGERING, line["province"], RATED_CLINKER_DAYS) for line in clinker])
    _calibrate_days(
        clinker,
        NATIONAL_CEMENT_T * CLINKER_PER_CEMENT,
        caps,
        RATED_CLINKER_DAYS,
        "the national clinker output: cement 1 825 Mt in 2024 (facts.md s6, V) x clinker-to-cement "
        f"{CLINKER_PER_CEMENT} ({CLINKER_PER_CEMENT_SOURCE}), each line within its province's "
        "staggered-production days (targets NA-R1..R11, P/U)",
    )
    write_instance(
        "national",
        lines,
        TARGETS["national"],
        0.5703,
        "facts.md s2: national ETS grid factor 2023-25",
        1.5,
        "national capacity-replacement rule 1.5:1 (2:1 in key air-pollution areas is not split out; U)",
        "- national clinker capacity 1.79 Gt/yr (facts.md s4, 2024, flag P) over the real GEM plants of 31 "
        "provinces: the four seed provinces scaled to their own aggregates, the others by one common "
        "factor (see each line's capacity_scale)\n- base-year clinker days synthetic, each line within its "
        "province's staggered-production rule (targets NA-R1..R11: realism/floors.md s4; the southern "
        "provinces without a count found at most 300 d, U, as Zhejiang), scaled so the country makes 1 214 "
        "Mt of clinker (cement 1 825 Mt in 2024, facts.md s6, V, x 0.665)\n- provincial clinker "
        "intensities synthetic (U)\n- supplies per province, none national: carbide slag where the carbide "
        "is made (Inner Mongolia 5.0, Ningxia 2.5, Xinjiang 2.4, Shaanxi 1.1, Gansu 0.9 Mt/yr, "
        "realism/resources.md s1a, P), the seed provinces' own, the rest of 17.5 Mt by clinker output (U); "
        "other calcium wastes likewise (U); alternative fuel and co-processing feed as shares of each "
        "province's base-year clinker fuel\n- glass, ceramics, lime and wall-material lines synthetic, "
        "scaled with the clinker share",
        "National",
        "全国",
    )


if __name__ == "__main__":
    generate_all()
    print("instances written under", HERE)
