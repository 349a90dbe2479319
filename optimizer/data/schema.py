"""Table schemas as data, and the generic validator that reads them.

Each table's schema is a CSV in ``optimizer/schema/`` with one row per column: name, type,
unit, required, default, allowed range, allowed values and a description (the PyPSA attribute
file shape). Validation, documentation and error messages all read the same file.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.errors import InputProblem

TABLES = (
    "sectors",
    "products",
    "lines",
    "technologies",
    "new_builds",
    "targets",
    "scenario",
    "prices",
    "demand",
    "decisions",
    "pace",
    "supplies",
)
OPTIONAL_TABLES = ("decisions", "pace", "supplies")

_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f"}


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a table schema."""

    name: str
    type: str  # str | float | int | bool
    unit: str
    required: bool
    default: str
    minimum: float | None
    maximum: float | None
    allowed: tuple[str, ...]
    description: str


@cache
def table_schema(table: str) -> tuple[ColumnSpec, ...]:
    """Return the column specs of ``table`` read from the shipped schema CSV."""
    text = resources.files("optimizer.schema").joinpath(f"{table}.csv").read_text("utf-8")
    specs = []
    for row in csv.DictReader(text.splitlines()):
        specs.append(
            ColumnSpec(
                name=row["column"],
                type=row["type"],
                unit=row["unit"],
                required=row["required"] == "yes",
                default=row["default"],
                minimum=float(row["min"]) if row["min"] else None,
                maximum=float(row["max"]) if row["max"] else None,
                allowed=tuple(v for v in row["allowed"].split(";") if v),
                description=row["description"],
            )
        )
    return tuple(specs)


def as_float(value: Any) -> float:
    """A pandas cell as a float (pandas-stubs types cells as a wide union)."""
    return float(value)


def read_raw_table(path: Path) -> pd.DataFrame:
    """Read a CSV or Excel table with every cell as text, so validation sees what was written."""
    if path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
        frame = pd.read_excel(path, dtype=str, keep_default_na=False)
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, comment=None, skipinitialspace=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.astype(object)


def _parse(spec: ColumnSpec, text: str) -> tuple[object, str | None]:
    """Parse one cell; return (value, problem or None)."""
    if spec.type == "str":
        return text, None
    if spec.type == "bool":
        low = text.lower()
        if low in _TRUE:
            return True, None
        if low in _FALSE:
            return False, None
        return None, "is not a boolean (expected true or false)"
    try:
        number = float(text)
    except ValueError:
        return None, f"is not a number (expected {spec.type}" + (f" in {spec.unit})" if spec.unit else ")")
    if math.isnan(number) or math.isinf(number):
        return None, "is not a finite number"
    if spec.type == "int":
        if number != int(number):
            return None, "is not a whole number"
        return int(number), None
    return number, None


def validate_table(raw: pd.DataFrame, table: str, file_label: str) -> tuple[pd.DataFrame, list]:
    """Check ``raw`` against the schema of ``table`` and return typed data and problems.

    Unknown columns, missing required columns, unparseable cells, values outside the allowed
    range or set are all reported with file, row, column, value and what is expected.
    """
    specs = {s.name: s for s in table_schema(table)}
    problems: list[InputProblem] = []
    for column in raw.columns:
        if column not in specs:
            problems.append(
                InputProblem(
                    file_label,
                    1,
                    column,
                    None,
                    f"unknown column (expected one of: {', '.join(specs)})",
                )
            )
    for name, spec in specs.items():
        if spec.required and name not in raw.columns:
            problems.append(InputProblem(file_label, 1, name, None, "required column is missing"))
    columns: dict[str, list[object]] = {}
    for name, spec in specs.items():
        values: list[object] = []
        present = name in raw.columns
        for index in range(len(raw)):
            text = str(raw[name].iloc[index]).strip() if present else ""
            row_number = index + 2
            if text == "":
                if spec.required and present:
                    problems.append(InputProblem(file_label, row_number, name, None, "is empty (required)"))
                    values.append(None)
                    continue
                text = spec.default
                if text == "":
                    values.append(None if spec.type != "str" else "")
                    continue
            value, problem = _parse(spec, text)
            if problem is None and spec.type in {"float", "int"}:
                assert isinstance(value, (int, float))
                if spec.minimum is not None and value < spec.minimum:
                    problem = f"is below {spec.minimum:g}" + (f" {spec.unit}" if spec.unit else "")
                elif spec.maximum is not None and value > spec.maximum:
                    problem = f"is above {spec.maximum:g}" + (f" {spec.unit}" if spec.unit else "")
            if problem is None and spec.allowed and str(value) not in spec.allowed:
                problem = f"is not allowed (expected one of: {', '.join(spec.allowed)})"
            if problem is not None:
                problems.append(InputProblem(file_label, row_number, name, text, problem))
                value = None
            values.append(value)
        columns[name] = values
    typed = pd.DataFrame(columns, index=range(len(raw)))
    for name, spec in specs.items():
        if spec.type == "float":
            typed[name] = pd.to_numeric(typed[name], errors="coerce").astype(float)
        elif spec.type == "str":
            typed[name] = typed[name].astype(object)
    typed["_row"] = [i + 2 for i in range(len(raw))]
    return typed, problems


def schema_markdown() -> str:
    """Render every table schema as Markdown (used by the README and ``optimize schema``)."""
    parts = []
    for table in TABLES:
        parts.append(f"### {table}.csv\n")
        parts.append("| column | type | unit | required | range / allowed | description |")
        parts.append("|---|---|---|---|---|---|")
        for s in table_schema(table):
            rng = (
                ";".join(s.allowed)
                if s.allowed
                else (
                    f"{s.minimum:g}..{s.maximum:g}" if s.minimum is not None and s.maximum is not None else ""
                )
            )
            req = "yes" if s.required else f"no (default {s.default or 'empty'})"
            parts.append(f"| {s.name} | {s.type} | {s.unit} | {req} | {rng} | {s.description} |")
        parts.append("")
    return "\n".join(parts)
