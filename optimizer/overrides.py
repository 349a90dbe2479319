"""Scenario overrides from the command line: ``--carbon-price`` and ``--set table.column=value``.

Overrides are applied to the raw tables and the instance is validated again, so an override
gets the same checks (and error messages) as the file it changes.
"""

from __future__ import annotations

from pathlib import Path

from optimizer.data.instance import TABLES_WITH_FILES, Instance, load_instance
from optimizer.data.schema import read_raw_table, table_schema
from optimizer.errors import InputError, InputProblem


def parse_set(expression: str) -> tuple[str, str, str]:
    """Split ``table.column=value`` (whole column) into its parts, or raise a clear error."""
    if "=" not in expression or "." not in expression.split("=", 1)[0]:
        raise InputError(
            [
                InputProblem(
                    "--set",
                    None,
                    None,
                    expression,
                    "expected table.column=value, e.g. prices.coal_cny_per_tce=1400",
                )
            ]
        )
    target, value = expression.split("=", 1)
    table, column = target.split(".", 1)
    if table not in TABLES_WITH_FILES:
        raise InputError(
            [
                InputProblem(
                    "--set",
                    None,
                    None,
                    table,
                    f"is not a table (expected one of: {', '.join(TABLES_WITH_FILES)})",
                )
            ]
        )
    if table != "scenario" and column not in {s.name for s in table_schema(table)}:
        raise InputError([InputProblem("--set", None, column, value, f"is not a column of {table}.csv")])
    return table, column, value.strip()


def apply_overrides(instance: Instance, carbon_price: float | None, sets: list[str]) -> Instance:
    """Return the instance re-loaded with the overrides applied (the input is untouched)."""
    if carbon_price is None and not sets:
        return instance
    changes = [parse_set(s) for s in sets]
    if carbon_price is not None:
        changes.append(("prices", "carbon_cny_per_tco2", repr(float(carbon_price))))
    raw = {}
    for table, column, value in changes:
        if table not in raw:
            raw[table] = read_raw_table(Path(instance.files[table]))
        if table == "scenario":
            frame = raw[table]
            mask = frame["parameter"] == column
            if not mask.any():
                raise InputError(
                    [InputProblem("--set", None, column, value, "is not a parameter in scenario.csv")]
                )
            frame.loc[mask, "value"] = value
        else:
            raw[table][column] = value
    return load_instance(instance.path, overrides=raw)
