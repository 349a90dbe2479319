"""The CSV form of a sweep spec: one scenario per row, its base in a province or instance column.

Headers are ``[name=][change:]address``; every problem names the file, row and column.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from optimizer.errors import InputError, InputProblem
from optimizer.sweep.params import CHANGES, parse_address
from optimizer.sweep.spec import (
    NAME,
    BaseRef,
    Design,
    Parameter,
    SweepSpec,
    Where,
    as_number,
    check_unique_bases,
    resolve_base,
)


def load_csv(path: Path, digest: str) -> SweepSpec:
    from optimizer.data.schema import read_raw_table

    file = path.name
    try:
        frame = read_raw_table(path)
    except Exception as error:
        raise InputError([Where(file).problem(None, f"is not a readable CSV table ({error})")]) from error
    problems: list[InputProblem] = []
    base_columns = [c for c in ("province", "instance") if c in frame.columns]
    if not base_columns:
        problems.append(
            Where(file, row=1, key="province").problem(None, "a CSV spec needs a province or instance column")
        )
    if frame.empty:
        problems.append(Where(file, row=2).problem(None, "no scenario rows"))
    parameters: dict[str, Parameter] = {}
    column_of: dict[str, str] = {}
    for column in frame.columns:
        if column in {"province", "instance", "scenario_id"}:
            continue
        where = Where(file, row=1, key=column)
        name, change, text = _parse_header(column)
        if change not in CHANGES:
            problems.append(where.problem(change, f"is not a change (expected one of: {', '.join(CHANGES)})"))
            continue
        if not NAME.match(name) and name != text:
            problems.append(where.problem(name, "is not a parameter name (letters, digits, _)"))
            continue
        try:
            address = parse_address(text)
        except ValueError as error:
            problems.append(where.problem(text, str(error)))
            continue
        if name in parameters:
            problems.append(where.problem(name, "is given by two columns"))
            continue
        parameters[name] = Parameter(name, address, change, where)
        column_of[name] = column
    if not parameters and not problems:
        problems.append(
            Where(file, row=1).problem(None, "no parameter column (expected [name=][change:]address headers)")
        )
    bases: dict[str, BaseRef] = {}
    design = Design("list", Where(file))
    for i in range(len(frame)):
        row_number = i + 2
        row_base: BaseRef | None = None
        given = [(c, str(frame[c].iloc[i]).strip()) for c in base_columns if str(frame[c].iloc[i]).strip()]
        if len(given) != 1:
            problems.append(
                Where(file, row=row_number, key="province").problem(
                    None, "expected exactly one of province or instance in each row"
                )
            )
        else:
            kind, value = given[0]
            row_base = resolve_base(path, kind, value, Where(file, row=row_number, key=kind), problems)
        values: dict[str, Any] = {}
        for name, column in column_of.items():
            text = str(frame[column].iloc[i]).strip()
            if text:
                number = as_number(text)
                values[name] = number if number is not None else text
        sid = str(frame["scenario_id"].iloc[i]).strip() if "scenario_id" in frame.columns else ""
        if sid and not re.match(r"^[A-Za-z0-9_.-]+$", sid):
            problems.append(
                Where(file, row=row_number, key="scenario_id").problem(
                    sid, "expected letters, digits, '.', '_' or '-'"
                )
            )
        design.rows.append(values)
        design.row_ids.append(sid or None)
        design.row_where.append(Where(file, row=row_number))
        if row_base is not None:
            bases.setdefault(f"{row_base.name}|{row_base.folder}", row_base)
        design.row_bases.append(row_base.name if row_base is not None else None)
    ids = [r for r in design.row_ids if r]
    for sid in {s for s in ids if ids.count(s) > 1}:
        problems.append(Where(file, key="scenario_id").problem(sid, "is used by more than one row"))
    base_list = list(bases.values())
    check_unique_bases(base_list, problems)
    if problems:
        raise InputError(problems)
    return SweepSpec(
        path=path,
        name=path.stem,
        bases=base_list,
        parameters=parameters,
        design=design,
        report_year=None,
        verify_cold=0,
        digest=digest,
    )


def _parse_header(column: str) -> tuple[str, str, str]:
    """``[name=][change:]address`` -> (name, change, address); the name defaults to the address."""
    name, rest = ("", column)
    head = column.split("[", 1)[0]
    if "=" in head:
        name, rest = column.split("=", 1)
    change, text = ("substitute", rest)
    if ":" in rest.split("[", 1)[0]:
        change, text = rest.split(":", 1)
    text = text.strip()
    return (name.strip() or text), change.strip(), text
