"""Check a sweep against its base instances before anything runs.

Three layers, cheapest first, so a bad spec fails in seconds and not in scenario 734:

1. every base instance loads (its own errors name its files);
2. every address selects rows of every base and a numeric change meets numeric cells;
3. every scenario's new cells are within the column's schema range, and the scenarios holding
   each parameter's smallest and largest value are fully validated (cross-table checks too).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from optimizer.data.instance import Instance
from optimizer.data.load import load_instance
from optimizer.errors import InputError, InputProblem
from optimizer.sweep.bases import BaseTables, materialize
from optimizer.sweep.designs import ScenarioDef
from optimizer.sweep.params import Address, apply_change, changed_values, check_numeric_base, column_spec
from optimizer.sweep.spec import Parameter, SweepSpec, Where

MAX_PER_PARAMETER = 5
"""Out-of-range scenarios reported per parameter (the rest are counted)."""


def check_sweep(spec: SweepSpec, scenarios: list[ScenarioDef], bases: dict[str, BaseTables]) -> None:
    """Raise :class:`InputError` listing every problem of the spec against its bases."""
    problems: list[InputProblem] = []
    for ref in spec.bases:
        try:
            load_instance(ref.folder)
        except InputError as error:
            problems.append(
                ref.where.problem(
                    str(ref.folder), f"is not a valid instance ({len(error.problems)} problem(s) below)"
                )
            )
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    for p in spec.parameters.values():
        for base in bases.values():
            why = check_numeric_base(p.address, p.change, base.tables.get(p.address.table, _empty()))
            if why:
                problems.append(p.where.problem(str(p.address), f"{why} (base {base.name})"))
    if problems:
        raise InputError(problems)
    problems.extend(_range_problems(spec, scenarios, bases))
    if problems:
        raise InputError(problems)
    for scenario in _extremes(spec, scenarios):
        try:
            scenario_instance(bases[scenario.base], spec.parameters, scenario.values)
        except InputError as error:
            where = _where_of(spec, scenario, next(iter(scenario.values), None))
            for problem in error.problems:
                problems.append(
                    where.problem(
                        None, f"scenario {scenario.scenario_id} makes the instance invalid: {problem}"
                    )
                )
    if problems:
        raise InputError(problems)


def _empty() -> pd.DataFrame:
    return pd.DataFrame()


def scenario_tables(
    base: BaseTables, parameters: Mapping[str, Parameter], values: Mapping[str, Any]
) -> dict[str, pd.DataFrame]:
    """The base's raw tables with the scenario's changes applied (only changed tables)."""
    changed: dict[str, pd.DataFrame] = {}
    for name, value in values.items():
        p = parameters[name]
        frame = changed.get(p.address.table, base.tables[p.address.table])
        changed[p.address.table] = apply_change(frame, p.address, p.change, value)
    return changed


def scenario_instance(
    base: BaseTables, parameters: Mapping[str, Parameter], values: Mapping[str, Any]
) -> Instance:
    """The validated instance of one scenario (raises ``InputError``)."""
    return load_instance(materialize(base), overrides=scenario_tables(base, parameters, values) or None)


def _where_of(spec: SweepSpec, scenario: ScenarioDef, name: str | None) -> Where:
    d = spec.design
    if d.kind == "list" and scenario.design_index < len(d.row_where):
        return d.row_where[scenario.design_index]
    if name is not None and name in d.entry_where:
        return d.entry_where[name]
    return d.where


def _range_problems(
    spec: SweepSpec, scenarios: list[ScenarioDef], bases: dict[str, BaseTables]
) -> list[InputProblem]:
    """Out-of-range new cells, one problem per parameter, base and distinct bad value."""
    problems: list[InputProblem] = []
    for name, p in spec.parameters.items():
        spec_col = column_spec(p.address)
        bad: dict[tuple[str, str], list[ScenarioDef]] = {}
        reasons: dict[tuple[str, str], str] = {}
        for scenario in scenarios:
            if name not in scenario.values:
                continue
            value = scenario.values[name]
            key = (scenario.base, repr(value))
            if key not in reasons:
                why = _value_problem(p.address, p.change, value, bases[scenario.base], spec_col)
                reasons[key] = why or ""
            if reasons[key]:
                bad.setdefault(key, []).append(scenario)
        for n, (key, hits) in enumerate(bad.items()):
            if n == MAX_PER_PARAMETER:
                problems.append(
                    _where_of(spec, hits[0], name).problem(
                        None, f"... and {len(bad) - n} more values of {name} out of range"
                    )
                )
                break
            ids = ", ".join(s.scenario_id for s in hits[:3]) + (
                f" (+{len(hits) - 3})" if len(hits) > 3 else ""
            )
            label = "scenario" if len(hits) == 1 else "scenarios"
            problems.append(
                _where_of(spec, hits[0], name).problem(
                    hits[0].values[name], f"{label} {ids}: {name} ({p.address}) {reasons[key]}"
                )
            )
    return problems


def _value_problem(address: Address, change: str, value: Any, base: BaseTables, spec_col: Any) -> str | None:
    if change != "substitute" and isinstance(value, str):
        return f"needs a number for a {change} change"
    numeric = spec_col.type in {"float", "int"}
    if change == "substitute" and isinstance(value, str):
        if numeric:
            return f"is text but {address.table}.{address.column} holds numbers"
        if spec_col.allowed and value not in spec_col.allowed:
            return f"is not allowed (expected one of: {', '.join(spec_col.allowed)})"
        return None
    if not numeric:
        return None  # scenario.value and text columns: checked by the full validation
    new = np.asarray(changed_values(address, change, base.tables[address.table], value), dtype=float)
    unit = f" {spec_col.unit}" if spec_col.unit else ""
    if spec_col.minimum is not None and (new < spec_col.minimum).any():
        return f"gives {new.min():g}, below {spec_col.minimum:g}{unit}"
    if spec_col.maximum is not None and (new > spec_col.maximum).any():
        return f"gives {new.max():g}, above {spec_col.maximum:g}{unit}"
    return None


def _extremes(spec: SweepSpec, scenarios: list[ScenarioDef]) -> Iterable[ScenarioDef]:
    """The first scenario of each base and those holding each parameter's extreme values."""
    chosen: dict[str, ScenarioDef] = {}
    for base in spec.bases:
        mine = [s for s in scenarios if s.base == base.name]
        if not mine:
            continue
        chosen.setdefault(mine[0].scenario_id, mine[0])
        for name in spec.parameters:
            numeric = [s for s in mine if isinstance(s.values.get(name), (int, float))]
            texts = {str(s.values[name]): s for s in mine if isinstance(s.values.get(name), str)}
            if numeric:
                ordered = sorted(numeric, key=lambda s, n=name: float(s.values[n]))  # type: ignore[misc]
                for s in (ordered[0], ordered[-1]):
                    chosen.setdefault(s.scenario_id, s)
            for s in texts.values():
                chosen.setdefault(s.scenario_id, s)
    return chosen.values()
