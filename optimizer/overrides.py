"""Scenario overrides from the command line: ``--carbon-price`` and ``--set ADDRESS=VALUE``.

``ADDRESS`` is the sweep specs' ``table.column[selector]`` (``optimizer/sweep/params.py``), so
one syntax serves both::

    --set prices.coal_cny_per_tce=1400                     every row
    --set "prices.carbon_cny_per_tco2[year>=2027]=200"     rows where year >= 2027
    --set "technologies.capex_fixed_cny[tech_id=cooler_4th_gen]*=0.8"   20 % cheaper
    --set "demand.demand_per_year[sector=cement_clinker]*=1.05"
    --set scenario.discount_rate=0.06                      a scenario parameter

``=`` replaces the cells, ``*=`` multiplies them, ``+=`` adds to them. Overrides are applied to
the raw tables and the instance is validated again, so an override gets the same checks (and
error messages) as the file it changes; an address that selects no row is an error, not a
silent no-op.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from optimizer.data.instance import Instance
from optimizer.data.load import load_instance
from optimizer.data.schema import read_raw_table, source_rows
from optimizer.errors import InputError, InputProblem
from optimizer.sweep.params import Address, apply_change, check_numeric_base, parse_address, select_rows

_SET = re.compile(r"^\s*([^\[\]=*+]+(?:\[[^\]]*\])?)\s*(\*=|\+=|=)(.*)$")
CHANGE_OF_OPERATOR = {"=": "substitute", "*=": "relative", "+=": "absolute"}
EXAMPLE = "e.g. prices.coal_cny_per_tce=1400 or prices.carbon_cny_per_tco2[year>=2027]*=1.5"


def parse_set(expression: str) -> tuple[Address, str, str]:
    """Split ``ADDRESS=VALUE`` (or ``*=``, ``+=``) into its address, change and value, or raise
    a clear :class:`InputError`."""
    match = _SET.match(expression)
    if match is None or not match.group(3).strip():
        raise _problem(expression, None, f"expected table.column[selector]=value ({EXAMPLE})")
    text, operator, value = match.group(1), match.group(2), match.group(3).strip()
    try:
        address = parse_address(text)
    except ValueError as error:
        raise _problem(text.strip(), None, str(error)) from None
    change = CHANGE_OF_OPERATOR[operator]
    if change != "substitute":
        try:
            float(value)
        except ValueError:
            raise _problem(value, address.column, f"{operator} needs a number") from None
    return address, change, value


def apply_overrides(instance: Instance, carbon_price: float | None, sets: list[str]) -> Instance:
    """Return the instance re-loaded with the overrides applied (the input is untouched)."""
    if carbon_price is None and not sets:
        return instance
    changes = [parse_set(s) for s in sets]
    if carbon_price is not None:
        changes.append((parse_address("prices.carbon_cny_per_tco2"), "substitute", repr(float(carbon_price))))
    raw: dict[str, pd.DataFrame] = {}
    touched: list[tuple[str, str, str, set[int]]] = []  # (argument, file label, column, rows)
    expressions = [f"--set {s}" for s in sets] + [f"--carbon-price {carbon_price!r}"]
    for (address, change, value), expression in zip(changes, expressions, strict=False):
        if address.table not in instance.files:
            raise _problem(str(address), address.column, f"the instance has no {address.table} table")
        path = Path(instance.files[address.table])
        label = path.name if path.parent == Path(instance.path) else f"catalogue/{path.name}"
        if address.table not in raw:
            raw[address.table] = read_raw_table(path, label)
        frame = raw[address.table]
        mask = select_rows(address, frame)
        if not mask.any():
            raise _problem(str(address), address.column, f"selects no row of {address.table}.csv")
        if change != "substitute":
            why = check_numeric_base(address, change, frame)
            if why:
                raise _problem(expression, address.column, why)
        rows = {r for r, hit in zip(source_rows(frame), mask, strict=True) if hit}
        touched.append((expression, label, address.column, rows))
        raw[address.table] = apply_change(frame, address, change, value)
    try:
        return load_instance(instance.path, overrides=raw)
    except InputError as error:
        raise InputError(_blame_arguments(error.problems, touched)) from None


def _blame_arguments(
    problems: list[InputProblem], touched: list[tuple[str, str, str, set[int]]]
) -> list[InputProblem]:
    """A problem in a cell an override wrote names the override, not the file's row (the file
    was valid, the value came from the command line): one problem per override and message,
    listing the rows it wrote."""
    result: list[InputProblem | None] = []
    slots: dict[tuple[str, str, str, str, str], tuple[int, InputProblem, list[int]]] = {}
    for problem in problems:
        owner = next(
            (
                (expression, label, column)
                for expression, label, column, rows in reversed(touched)  # the last change wins
                if problem.file == label and problem.column == column and problem.row in rows
            ),
            None,
        )
        if owner is None:
            after = [e for e, label, _c, rows in touched if problem.file == label and problem.row in rows]
            if after:  # another cell of a row an override changed: the file alone was fine
                problem = InputProblem(
                    problem.file,
                    problem.row,
                    problem.column,
                    problem.value,
                    f"{problem.expected} (after {', '.join(after)})",
                )
            result.append(problem)
            continue
        key = (*owner, repr(problem.value), problem.expected)
        if key not in slots:
            slots[key] = (len(result), problem, [])
            result.append(None)
        slots[key][2].append(int(problem.row or 0))
    for (expression, label, column, _value, expected), (index, problem, rows) in slots.items():
        where = f"row {rows[0]}" if len(rows) == 1 else f"rows {', '.join(map(str, rows))}"
        result[index] = InputProblem(
            expression, None, column, problem.value, f"{expected} (the value it writes into {label} {where})"
        )
    return [p for p in result if p is not None]


def _problem(value: object, column: str | None, expected: str) -> InputError:
    return InputError([InputProblem("--set", None, column, value, expected)])
