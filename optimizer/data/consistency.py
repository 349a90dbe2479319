"""Cross-table checks run after each table passed its own schema (PyPSA's consistency.py idea).

Each check returns problems naming the file, row and column to fix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from optimizer.errors import InputProblem

if TYPE_CHECKING:
    from optimizer.data.instance import Instance

UNITS_PER_TONNE = {"t": 1.0, "weight_box": 20.0}
"""Product units per tonne of line size, for the capacity-vs-size check: a weight box (重量箱)
is 50 kg of 2 mm glass. Sectors in other units (m2 of tile) are not checked."""
CAPACITY_DAYS_MAX = 366.0
"""A line cannot make more than its daily size on every day of a leap year."""
CAPACITY_DAYS_MIN = 30.0
"""Capacity below a month of full-size output is read as a unit slip (t vs kt, t/d vs t/yr);
every shipped line sits at 308-360 days."""
DEMAND_CAPACITY_FACTOR = 1.5
"""Demand above this multiple of the base-year capacity of a sector's lines is refused: swaps
replace capacity at a ratio >= 1, so such demand cannot be met and is almost always the demand
of a larger region (a province's demand on one company's fleet) or another unit. Every shipped
instance is at 0.47-0.95."""


def split_list(text: object) -> list[str]:
    """Split a semicolon list cell into stripped items ('' gives [])."""
    if text is None:
        return []
    return [t.strip() for t in str(text).split(";") if t.strip()]


def target_scope(instance: Instance, sectors_cell: object) -> list[str]:
    """Sectors a target covers: '*' means every sector that has lines."""
    items = split_list(sectors_cell)
    if items == ["*"]:
        return instance.line_sectors
    return items


def limit_province_of(instance: Instance) -> list[str]:
    """Per line, the province its pace limits and roll-out ceilings hold it in: its own in an
    instance of several provinces (a province closes a tenth of its own capacity a year, pilots
    one capture line: the limits are stated per province), "" in one province's."""
    provinces = [str(p) for p in instance.lines["province"]]
    return provinces if len(set(provinces)) > 1 else [""] * len(provinces)


def check_consistency(
    inst: Instance, check_targets: Callable[[Instance, str], list[InputProblem]]
) -> list[InputProblem]:
    """Run every cross-table check and return all problems found. ``check_targets`` checks the
    targets table (:func:`optimizer.targets.validate.check_targets`: the kinds' rules live with
    the kinds, above this module)."""
    problems: list[InputProblem] = []
    for check in (
        _check_products,
        _check_lines,
        _check_technologies,
        _check_new_builds,
        lambda inst: check_targets(inst, table_label(inst, "targets")),
        _check_prices,
        _check_demand,
        _check_demand_vs_capacity,
        _check_decisions,
        _check_pace,
        _check_supplies,
    ):
        problems.extend(check(inst))
    return problems


def table_label(inst: Instance, table: str) -> str:
    if table not in inst.files:  # built in memory (command-line decisions, company goals)
        return table
    path = inst.files[table]
    return path.name if path.parent == inst.path else f"catalogue/{path.name}"


def _check_products(inst: Instance) -> list[InputProblem]:
    out = []
    f = table_label(inst, "products")
    for _, p in inst.products.iterrows():
        if p["sector"] not in inst.sectors.index:
            out.append(InputProblem(f, p["_row"], "sector", p["sector"], "is not a sector in sectors.csv"))
        if p["benchmark_kgce_per_unit"] > p["baseline_kgce_per_unit"]:
            out.append(
                InputProblem(
                    f,
                    p["_row"],
                    "benchmark_kgce_per_unit",
                    p["benchmark_kgce_per_unit"],
                    "must not exceed baseline_kgce_per_unit (lower is better)",
                )
            )
        # every figure keeps its source and flag
        for value, prefix in _PRODUCT_FIGURES:
            if p[value] != 0:
                for column in (f"{prefix}_source", f"{prefix}_flag"):
                    if not str(p[column]).strip():
                        out.append(
                            InputProblem(
                                f, p["_row"], column, "", f"is empty: {value} needs a source and a flag"
                            )
                        )
    return out


_PRODUCT_FIGURES = (
    ("fuel_floor_kgce_per_unit", "fuel_floor"),
    ("electricity_floor_kwh_per_unit", "electricity_floor"),
    ("carbonate_co2_t_per_unit", "carbonate_co2"),
    ("carbide_slag_tco2_per_t", "carbide_slag_tco2"),
    ("dry_slag_fuel_kgce_per_unit", "dry_slag_fuel"),
)


def _check_lines(inst: Instance) -> list[InputProblem]:
    out = []
    f = table_label(inst, "lines")
    for _, line in inst.lines.iterrows():
        r = line["_row"]
        if line["sector"] not in inst.sectors.index:
            out.append(
                InputProblem(
                    f,
                    r,
                    "sector",
                    line["sector"],
                    f"is not a sector (expected one of: {', '.join(inst.sectors.index)})",
                )
            )
            continue
        if line["product"] not in inst.products.index:
            out.append(InputProblem(f, r, "product", line["product"], "is not a product in products.csv"))
            continue
        product = inst.products.loc[line["product"]]
        if product["sector"] != line["sector"]:
            out.append(
                InputProblem(
                    f,
                    r,
                    "product",
                    line["product"],
                    f"belongs to sector {product['sector']}, not {line['sector']}",
                )
            )
        size = line["size_t_per_day"]
        if not (product["size_min_t_per_day"] <= size <= product["size_max_t_per_day"]):
            out.append(
                InputProblem(
                    f,
                    r,
                    "size_t_per_day",
                    size,
                    f"is outside the size class of {line['product']} "
                    f"({product['size_min_t_per_day']:g}..{product['size_max_t_per_day']:g} t/d)",
                )
            )
        out.extend(_capacity_vs_size(inst, f, line))
        if line["gas_share"] + line["alt_fuel_share"] > 1 + 1e-9:
            out.append(
                InputProblem(
                    f,
                    r,
                    "alt_fuel_share",
                    line["alt_fuel_share"],
                    "gas_share + alt_fuel_share must not exceed 1",
                )
            )
        if line["operating_days"] > inst.sectors.loc[line["sector"], "rated_days_per_year"] * 1.2 + 1e-9:
            out.append(
                InputProblem(
                    f,
                    r,
                    "operating_days",
                    line["operating_days"],
                    "exceeds 1.2 x the sector's rated_days_per_year",
                )
            )
        if line["commissioning_year"] > inst.scenario.base_year:
            out.append(
                InputProblem(
                    f,
                    r,
                    "commissioning_year",
                    line["commissioning_year"],
                    f"is after the base year {inst.scenario.base_year}",
                )
            )
    return out


def _check_technologies(inst: Instance) -> list[InputProblem]:
    out = []
    f = table_label(inst, "technologies")
    ids = set(inst.technologies.index)
    for _, t in inst.technologies.iterrows():
        r = t["_row"]
        sectors = split_list(t["sectors"])
        if not sectors:
            out.append(InputProblem(f, r, "sectors", t["sectors"], "names no sector"))
        for s in sectors:
            if s not in inst.sectors.index:
                out.append(InputProblem(f, r, "sectors", s, "is not a sector in sectors.csv"))
        for pre in split_list(t["prerequisites"]):
            if pre not in ids or pre == t["tech_id"]:
                out.append(
                    InputProblem(f, r, "prerequisites", pre, "is not another technology in technologies.csv")
                )
        if t["min_size_t_per_day"] > t["max_size_t_per_day"]:
            out.append(
                InputProblem(
                    f, r, "min_size_t_per_day", t["min_size_t_per_day"], "exceeds max_size_t_per_day"
                )
            )
        if t["raw_cao_substitution_frac"] > 0:
            if not str(t["raw_material"]).strip():
                out.append(
                    InputProblem(
                        f, r, "raw_material", "", "is empty: name the material of the raw substitution"
                    )
                )
            if not t["raw_material_tco2_per_t"] > 0:
                out.append(
                    InputProblem(
                        f,
                        r,
                        "raw_material_tco2_per_t",
                        t["raw_material_tco2_per_t"],
                        "must be > 0 when raw_cao_substitution_frac > 0 (tCO2 deduction per t of material)",
                    )
                )
        if t["to_gas_frac"] + t["to_alt_fuel_frac"] + t["to_coprocessing_frac"] > 1 + 1e-9:
            out.append(
                InputProblem(
                    f,
                    r,
                    "to_alt_fuel_frac",
                    t["to_alt_fuel_frac"],
                    "to_gas_frac + to_alt_fuel_frac + to_coprocessing_frac must not exceed 1",
                )
            )
    return out


def _check_new_builds(inst: Instance) -> list[InputProblem]:
    out = []
    f = table_label(inst, "new_builds")
    for _, n in inst.new_builds.iterrows():
        if n["sector"] not in inst.sectors.index:
            out.append(InputProblem(f, n["_row"], "sector", n["sector"], "is not a sector in sectors.csv"))
        elif (
            n["product"] not in inst.products.index
            or inst.products.loc[n["product"], "sector"] != n["sector"]
        ):
            out.append(
                InputProblem(
                    f, n["_row"], "product", n["product"], f"is not a product of sector {n['sector']}"
                )
            )
    return out


def _check_prices(inst: Instance) -> list[InputProblem]:
    missing = [y for y in inst.scenario.years if y not in inst.prices.index]
    if missing:
        return [
            InputProblem(
                table_label(inst, "prices"),
                None,
                "year",
                missing,
                "years missing: prices must cover base_year..horizon_end",
            )
        ]
    return []


def _check_demand(inst: Instance) -> list[InputProblem]:
    out = []
    f = table_label(inst, "demand")
    for _, d in inst.demand.iterrows():
        if d["sector"] not in inst.sectors.index:
            out.append(InputProblem(f, d["_row"], "sector", d["sector"], "is not a sector in sectors.csv"))
    return out


def _check_decisions(inst: Instance) -> list[InputProblem]:
    if inst.decisions.empty:
        return []
    out = []
    f = table_label(inst, "decisions")
    for _, d in inst.decisions.iterrows():
        r = d["_row"]
        if d["line_id"] not in inst.lines.index:
            out.append(InputProblem(f, r, "line_id", d["line_id"], "is not a line of the instance"))
            continue
        if d["action"] in {"adopt", "forbid"}:
            if d["technology"] not in inst.technologies.index:
                out.append(
                    InputProblem(
                        f,
                        r,
                        "technology",
                        d["technology"],
                        f"is not a technology (required for {d['action']})",
                    )
                )
                continue
            sectors = split_list(inst.technologies.loc[d["technology"], "sectors"])
            if inst.lines.loc[d["line_id"], "sector"] not in sectors:
                out.append(
                    InputProblem(
                        f, r, "technology", d["technology"], f"does not fit line {d['line_id']}'s sector"
                    )
                )
        if d["action"] in {"retire", "adopt"} and not (
            inst.scenario.base_year < d["year"] <= inst.scenario.horizon_end
        ):
            out.append(InputProblem(f, r, "year", d["year"], "must lie inside the planning horizon"))
    return out


def _capacity_vs_size(inst: Instance, label: str, line) -> list[InputProblem]:
    """capacity_per_year must lie in size_t_per_day × units/t × [CAPACITY_DAYS_MIN, 366] days."""
    unit = str(inst.sectors.loc[line["sector"], "unit"])
    per_tonne = UNITS_PER_TONNE.get(unit)
    if per_tonne is None:
        return []
    daily = float(line["size_t_per_day"]) * per_tonne
    capacity = float(line["capacity_per_year"])
    days = capacity / daily
    if days <= CAPACITY_DAYS_MAX * (1 + 1e-9) and days >= CAPACITY_DAYS_MIN:
        return []
    bound = "above" if days > CAPACITY_DAYS_MAX else "below"
    limit = daily * (CAPACITY_DAYS_MAX if days > CAPACITY_DAYS_MAX else CAPACITY_DAYS_MIN)
    return [
        InputProblem(
            label,
            line["_row"],
            "capacity_per_year",
            capacity,
            (f"is {days:,.0f}" if days >= 10 else f"is {days:.2g}")
            + f" days of the line's size ({line['size_t_per_day']:g} t/d"
            + (f" x {per_tonne:g} {unit}/t" if per_tonne != 1 else "")
            + f"), {bound} {limit:,.0f} {unit}/yr (expected {CAPACITY_DAYS_MIN:g}..{CAPACITY_DAYS_MAX:g} "
            "days: is capacity in another unit, or size_t_per_day a yearly figure?)",
        )
    ]


def _check_demand_vs_capacity(inst: Instance) -> list[InputProblem]:
    """Each demand row at most DEMAND_CAPACITY_FACTOR × the base-year capacity of its sector."""
    out = []
    f = table_label(inst, "demand")
    capacity = inst.lines.groupby("sector")["capacity_per_year"].sum()
    for _, d in inst.demand.iterrows():
        if d["sector"] not in inst.sectors.index:
            continue  # reported by _check_demand
        have = float(capacity.get(d["sector"], 0.0))
        need = float(d["demand_per_year"])
        if need > DEMAND_CAPACITY_FACTOR * have:
            unit = inst.sectors.loc[d["sector"], "unit"]
            what = (
                f"is {need / have:,.1f} times the capacity of the {d['sector']} lines ({have:,.0f} {unit}/yr)"
                if have > 0
                else f"is above 0 but no line of lines.csv is in sector {d['sector']}"
            )
            out.append(
                InputProblem(
                    f,
                    d["_row"],
                    "demand_per_year",
                    need,
                    f"{what}; expected at most {DEMAND_CAPACITY_FACTOR:g} x the fleet's capacity "
                    "(demand of a larger region, or another unit?)",
                )
            )
    return out


def _check_pace(inst: Instance) -> list[InputProblem]:
    out = []
    f = table_label(inst, "pace")
    for _, p in inst.pace.iterrows():
        if p["sector"] not in inst.sectors.index:
            out.append(InputProblem(f, p["_row"], "sector", p["sector"], "is not a sector in sectors.csv"))
    return out


SUPPLY_UNITS = {
    "carbide_slag": "t/yr",
    "other_calcium_waste": "t/yr",
    "alt_fuel": "tce/yr",
    "coprocessing_feed": "tce/yr",
}
"""The unit each scarce resource is counted in (supplies.csv ``unit`` must match)."""


def _check_supplies(inst: Instance) -> list[InputProblem]:
    out = []
    f = table_label(inst, "supplies")
    provinces = set(inst.lines["province"])
    seen: dict[tuple, int] = {}
    for _, s in inst.supplies.iterrows():
        r = s["_row"]
        if s["province"] != "*" and s["province"] not in provinces:
            out.append(
                InputProblem(
                    f, r, "province", s["province"], "is not the province of any line (or * for all)"
                )
            )
        expected = SUPPLY_UNITS.get(s["resource"])
        if expected is not None and s["unit"] != expected:
            out.append(InputProblem(f, r, "unit", s["unit"], f"must be {expected} for {s['resource']}"))
        key = (s["province"], s["resource"], s["year"])
        if key in seen:
            out.append(
                InputProblem(
                    f, r, "year", s["year"], f"duplicates row {seen[key]} (province, resource, year)"
                )
            )
        seen[key] = int(r)
    return out
