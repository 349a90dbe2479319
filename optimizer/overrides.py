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

from optimizer.data.instance import Instance, load_instance
from optimizer.data.schema import read_raw_table
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
    for (address, change, value), expression in zip(changes, [*sets, "--carbon-price"], strict=False):
        if address.table not in raw:
            raw[address.table] = read_raw_table(Path(instance.files[address.table]))
        frame = raw[address.table]
        if not select_rows(address, frame).any():
            raise _problem(str(address), address.column, f"selects no row of {address.table}.csv")
        if change != "substitute":
            why = check_numeric_base(address, change, frame)
            if why:
                raise _problem(expression, address.column, why)
        raw[address.table] = apply_change(frame, address, change, value)
    return load_instance(instance.path, overrides=raw)


def _problem(value: object, column: str | None, expected: str) -> InputError:
    return InputError([InputProblem("--set", None, column, value, expected)])
