"""Sweep parameters: ``table.column[selector]`` addresses and the changes applied to them.

A parameter edits cells of an instance's raw text tables (the frames ``load_instance`` accepts
as ``overrides``), so every scenario is validated exactly like a hand-edited instance.

Address syntax::

    prices.carbon_cny_per_tco2                     every row
    prices.carbon_cny_per_tco2[year>=2026]         rows where year >= 2026
    technologies.capex_fixed_cny[tech_id=cooler_4th_gen]
    lines.operating_days[sector=cement_clinker,size_t_per_day<3000]   conditions are ANDed
    scenario.value[parameter=discount_rate]        scenario.csv is key-value
    scenario.discount_rate                         shorthand for the line above

Operators: ``=``, ``!=`` (text comparison) and ``<``, ``<=``, ``>``, ``>=`` (numeric).

Changes: ``absolute`` adds the value to the base cell, ``relative`` multiplies the base cell by
the value, ``substitute`` replaces the cell by the value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.data.schema import TABLES, ColumnSpec, table_schema

CHANGES = ("absolute", "relative", "substitute")
IDENTITY = {"absolute": 0.0, "relative": 1.0}
"""The value of a change that leaves the base untouched (the centre of an OAT design)."""

_OPS = ("<=", ">=", "!=", "=", "<", ">")
_ADDRESS = re.compile(r"^\s*([a-z_]+)\.([A-Za-z0-9_]+)\s*(?:\[(.*)\])?\s*$")

# Which edits keep the package set valid, so a scenario may re-cost the base packages and start
# from the previous plan (the warm path). Packages are enumerated from the lines, the technology
# catalogue's applicability (sectors, sizes, groups, prerequisites, earliest year) and the model
# years; recost_packages re-evaluates every coefficient, so prices, costs, savings and emission
# factors may change. Demand, target values and new-build figures only enter the model (rebuilt
# for every scenario), not the packages. Everything else is rebuilt from scratch (cold path).
WARM_COLUMNS: dict[str, frozenset[str]] = {
    "prices": frozenset(
        {
            "coal_cny_per_tce",
            "gas_cny_per_m3",
            "electricity_cny_per_kwh",
            "alt_fuel_cny_per_tce",
            "coprocessing_cny_per_tce",
            "carbon_cny_per_tco2",
            "free_allocation_frac",
        }
    ),
    "technologies": frozenset(
        {
            "capex_fixed_cny",
            "capex_cny_per_t_per_day",
            "capex_cny_per_kwp",
            "om_frac_per_year",
            "fuel_saving_frac",
            "elec_saving_frac",
            "to_gas_frac",
            "to_alt_fuel_frac",
            "to_coprocessing_frac",
            "process_co2_cut_frac",
            "raw_cao_substitution_frac",
            "raw_material_tco2_per_t",
            "capture_rate",
            "capture_kwh_per_tco2",
            "capture_cny_per_tco2",
            "pv_yield_kwh_per_kwp",
        }
    ),
    "sectors": frozenset({"fixed_om_cny_per_unit_capacity_year", "variable_om_cny_per_unit"}),
    # floors and raw-material physics only change package figures (recost re-evaluates them)
    "products": frozenset(
        {
            "fuel_floor_kgce_per_unit",
            "electricity_floor_kwh_per_unit",
            "carbonate_co2_t_per_unit",
            "carbide_slag_tco2_per_t",
            "dry_slag_fuel_kgce_per_unit",
        }
    ),
    "new_builds": frozenset(
        {
            "capex_cny_per_t_per_day",
            "fuel_kgce_per_unit",
            "electricity_kwh_per_unit",
            "process_co2_t_per_unit",
        }
    ),
    "demand": frozenset({"demand_per_year"}),
    "targets": frozenset({"value"}),
}
WARM_SCENARIO_PARAMETERS = frozenset(
    {
        "discount_rate",
        "grid_kgco2_per_kwh",
        "coal_tco2_per_tce",
        "gas_kgco2_per_m3",
        "alt_fuel_tco2_per_tce",
        "alt_fuel_biogenic_frac",
        "replacement_ratio",
    }
)


@dataclass(frozen=True)
class Condition:
    column: str
    op: str
    value: str

    def __str__(self) -> str:
        return f"{self.column}{self.op}{self.value}"


@dataclass(frozen=True)
class Address:
    """Where a parameter writes: one column of one table, in the rows the conditions select."""

    table: str
    column: str
    conditions: tuple[Condition, ...]

    def __str__(self) -> str:
        where = f"[{','.join(str(c) for c in self.conditions)}]" if self.conditions else ""
        return f"{self.table}.{self.column}{where}"

    @property
    def affects_packages(self) -> bool:
        """False for edits the package coefficients never read (they enter only the model):
        demand, target values, new-build figures, the replacement ratio."""
        if self.table in {"demand", "targets", "new_builds"}:
            return False
        if self.table == "scenario":
            names = [c.value for c in self.conditions if c.column == "parameter" and c.op == "="]
            return not (names and all(n == "replacement_ratio" for n in names))
        return True

    @property
    def warm(self) -> bool:
        """True when the edit keeps the package structure (see ``WARM_COLUMNS``)."""
        if self.table == "scenario":
            names = [c.value for c in self.conditions if c.column == "parameter" and c.op == "="]
            return bool(names) and all(n in WARM_SCENARIO_PARAMETERS for n in names)
        return self.column in WARM_COLUMNS.get(self.table, frozenset())


def parse_address(text: str) -> Address:
    """Parse ``table.column[selector]``; raise ``ValueError`` saying what is expected."""
    match = _ADDRESS.match(str(text))
    if match is None:
        raise ValueError("is not an address (expected table.column or table.column[column=value,...])")
    table, column, selector = match.group(1), match.group(2), match.group(3)
    if table not in TABLES:
        raise ValueError(f"names no table (expected one of: {', '.join(TABLES)})")
    conditions = tuple(_parse_condition(part) for part in (selector or "").split(",") if part.strip())
    if selector is not None and not conditions:
        raise ValueError("has an empty selector [] (expected e.g. [year>=2026])")
    if table == "scenario" and column != "value":
        # scenario.csv is key-value: scenario.discount_rate means the value of that parameter
        if conditions:
            raise ValueError(
                "scenario.<parameter> takes no selector (or write scenario.value[parameter=...])"
            )
        conditions = (Condition("parameter", "=", column),)
        column = "value"
    columns = {s.name for s in table_schema(table)}
    if column not in columns:
        raise ValueError(f"{column!r} is not a column of {table}.csv (expected one of: {', '.join(columns)})")
    for c in conditions:
        if c.column not in columns:
            raise ValueError(
                f"selector column {c.column!r} is not a column of {table}.csv "
                f"(expected one of: {', '.join(columns)})"
            )
    return Address(table, column, conditions)


def _parse_condition(part: str) -> Condition:
    for op in _OPS:
        if op in part:
            left, right = part.split(op, 1)
            if left.strip() and right.strip():
                return Condition(left.strip(), op, right.strip())
    raise ValueError(f"selector {part.strip()!r} is not column<op>value (operators: {' '.join(_OPS)})")


def column_spec(address: Address) -> ColumnSpec:
    return next(s for s in table_schema(address.table) if s.name == address.column)


def select_rows(address: Address, frame: pd.DataFrame) -> np.ndarray:
    """Boolean mask of the rows of a raw text table that the address selects."""
    mask = np.ones(len(frame), dtype=bool)
    specs = {s.name: s for s in table_schema(address.table)}
    for c in address.conditions:
        text = _column_text(frame, c.column, specs[c.column])
        if c.op in {"=", "!="}:
            hit = text == c.value
            mask &= hit if c.op == "=" else ~hit
            continue
        try:
            bound = float(c.value)
        except ValueError as error:
            raise ValueError(f"selector {c} compares with {c.value!r}, which is not a number") from error
        numbers = pd.to_numeric(pd.Series(text), errors="coerce").to_numpy(float)
        with np.errstate(invalid="ignore"):
            hit = {
                "<": numbers < bound,
                "<=": numbers <= bound,
                ">": numbers > bound,
                ">=": numbers >= bound,
            }[c.op]
        mask &= hit & ~np.isnan(numbers)
    return mask


def _column_text(frame: pd.DataFrame, column: str, spec: ColumnSpec) -> np.ndarray:
    """Cell texts as the validator sees them: stripped, with the schema default for blanks."""
    if column not in frame.columns:
        return np.full(len(frame), spec.default, dtype=object)
    text = frame[column].astype(str).str.strip()
    return np.where(text == "", spec.default, text).astype(object)


def changed_values(address: Address, change: str, frame: pd.DataFrame, value: object) -> np.ndarray:
    """The new cell values (as numbers, or text for substitutions of text) of the selected rows."""
    mask = select_rows(address, frame)
    spec = column_spec(address)
    if change == "substitute":
        return np.full(int(mask.sum()), value, dtype=object)
    base = pd.to_numeric(
        pd.Series(_column_text(frame, address.column, spec)[mask]), errors="coerce"
    ).to_numpy(float)
    number = float(value)  # type: ignore[arg-type]
    return base + number if change == "absolute" else base * number


def apply_change(frame: pd.DataFrame, address: Address, change: str, value: object) -> pd.DataFrame:
    """A copy of a raw text table with the change written into the selected cells."""
    mask = select_rows(address, frame)
    new = changed_values(address, change, frame, value)
    spec = column_spec(address)
    out = frame.copy()
    if address.column not in out.columns:
        out[address.column] = ""
    cells = out[address.column].astype(object).to_numpy(copy=True)
    cells[mask] = [format_cell(v, spec) for v in new]
    out[address.column] = cells
    return out


def format_cell(value: object, spec: ColumnSpec) -> str:
    """Write a value back as text. Whole-number columns (years, lifetimes) are rounded: a
    relative or sampled change of an integer quantity has to land on an integer."""
    if isinstance(value, str):
        return value
    number = float(value)  # type: ignore[arg-type]
    if spec.type == "int" and math.isfinite(number):
        return str(round(number))
    return repr(number)


def check_numeric_base(address: Address, change: str, frame: pd.DataFrame) -> str | None:
    """Why ``change`` cannot apply to the selected cells (no rows, text cells), or None."""
    mask = select_rows(address, frame)
    if not mask.any():
        return f"selects no row of {address.table}.csv"
    if change == "substitute":
        return None
    spec = column_spec(address)
    if spec.type not in {"float", "int"} and address.table != "scenario":
        return f"{address.table}.{address.column} is text: only 'substitute' applies to it"
    text = _column_text(frame, address.column, spec)[mask]
    numbers = pd.to_numeric(pd.Series(text), errors="coerce")
    if numbers.isna().any():
        bad = text[numbers.isna().to_numpy()][0]
        return f"selects a cell that is not a number ({bad!r}): only 'substitute' applies to it"
    return None
