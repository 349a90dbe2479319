"""What closes when and what it costs each year: ``schedule.csv`` and its city/company splits.

Built from ``plan.csv`` (one row per line and calendar year) and each line's nameplate
capacity, so a line closed in a year counts with the capacity it had (plan.csv shows 0 for a
line that no longer runs). One row per calendar year of the plan and sector:

* ``lines_closed``, ``capacity_closed_per_year`` (nameplate, the sector's unit per year) and
  ``closed_lines`` (ids) — retirements and swap-outs of that year;
* ``retrofits`` (technologies adopted) and ``retrofits_by_technology`` (``tech:count;…``);
* ``new_builds``, ``new_capacity_per_year``;
* ``capex_cny``, ``operating_cost_cny`` (every yearly cost but capex: O&M, fuel, power, carbon)
  and ``total_co2_t`` (direct + indirect), nominal CNY of that year;
* ``running_lines`` and ``capacity_per_year`` running at the end of it.

``by_group(plan, capacities, "city")`` gives the same figures per year, city (or company) and
sector.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

SCHEDULE_COLUMNS = [
    "year",
    "sector",
    "lines_closed",
    "capacity_closed_per_year",
    "closed_lines",
    "retrofits",
    "retrofits_by_technology",
    "new_builds",
    "new_capacity_per_year",
    "capex_cny",
    "operating_cost_cny",
    "total_co2_t",
    "running_lines",
    "capacity_per_year",
]
GROUP_COLUMNS = [
    "year",
    "lines_closed",
    "capacity_closed_per_year",
    "retrofits",
    "new_builds",
    "capex_cny",
    "operating_cost_cny",
    "total_co2_t",
]
_CLOSING = {"retire", "swap_out"}


def _split(cell: object) -> list[str]:
    return [p for p in str(cell or "").split(";") if p and p != "nan"]


def _annotate(plan: pd.DataFrame, capacities: dict[str, float]) -> pd.DataFrame:
    frame = plan.copy()
    closing = frame["action"].isin(_CLOSING)
    building = frame["action"] == "new_build"
    nameplate = frame["line_id"].map(capacities).fillna(frame["capacity_per_year"]).astype(float)
    frame["closed"] = closing.astype(int)
    frame["capacity_closed"] = nameplate.where(closing, 0.0)
    frame["built"] = building.astype(int)
    frame["capacity_built"] = frame["capacity_per_year"].where(building, 0.0)
    frame["adopted"] = [
        len(_split(c)) if a != "new_build" else 0
        for c, a in zip(frame["new_technologies"], frame["action"], strict=True)
    ]
    frame["operating"] = frame["cost_cny"] - frame["capex_cny"]
    frame["running"] = (frame["capacity_per_year"] > 0).astype(int)
    return frame


def nameplate_capacities(evaluation) -> dict[str, float]:  # an optimizer.evaluator.api.Evaluation
    """Each line's capacity at rated days (unit/yr), including lines the plan builds."""
    arrs = evaluation.arrays
    return {str(k): float(v) for k, v in zip(arrs.line_ids, arrs.lines.capacity_per_year, strict=False)}


def schedule_table(plan: pd.DataFrame, capacities: dict[str, float]) -> pd.DataFrame:
    """One row per calendar year and sector (see the module docstring)."""
    frame = _annotate(plan, capacities)
    rows = []
    for (year, sector), g in frame.groupby(["year", "sector"], sort=True):
        techs: Counter[str] = Counter()
        for cell, action in zip(g["new_technologies"], g["action"], strict=True):
            if action != "new_build":
                techs.update(_split(cell))
        rows.append(
            {
                "year": int(year),  # type: ignore[call-overload]
                "sector": sector,
                "lines_closed": int(g["closed"].sum()),
                "capacity_closed_per_year": float(g["capacity_closed"].sum()),
                "closed_lines": ";".join(g.loc[g["closed"] > 0, "line_id"].astype(str)),
                "retrofits": int(g["adopted"].sum()),
                "retrofits_by_technology": ";".join(f"{k}:{v}" for k, v in sorted(techs.items())),
                "new_builds": int(g["built"].sum()),
                "new_capacity_per_year": float(g["capacity_built"].sum()),
                "capex_cny": float(g["capex_cny"].sum()),
                "operating_cost_cny": float(g["operating"].sum()),
                "total_co2_t": float(g["total_co2_t"].sum()),
                "running_lines": int(g["running"].sum()),
                "capacity_per_year": float(g["capacity_per_year"].sum()),
            }
        )
    return pd.DataFrame(rows, columns=SCHEDULE_COLUMNS)


def by_group(plan: pd.DataFrame, capacities: dict[str, float], column: str) -> pd.DataFrame:
    """Per calendar year, ``column`` (city or company) and sector: sectors stay apart because
    their capacities are in different units (t, weight boxes, m²)."""
    frame = _annotate(plan, capacities)
    grouped = frame.groupby(["year", column, "sector"], sort=True).agg(
        lines_closed=("closed", "sum"),
        capacity_closed_per_year=("capacity_closed", "sum"),
        retrofits=("adopted", "sum"),
        new_builds=("built", "sum"),
        capex_cny=("capex_cny", "sum"),
        operating_cost_cny=("operating", "sum"),
        total_co2_t=("total_co2_t", "sum"),
    )
    out = grouped.reset_index()
    return out[["year", column, "sector", *GROUP_COLUMNS[1:]]]


__all__ = ["GROUP_COLUMNS", "SCHEDULE_COLUMNS", "by_group", "nameplate_capacities", "schedule_table"]
