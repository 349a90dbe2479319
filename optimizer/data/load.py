"""Load an instance directory into validated tables.

An instance is a folder of CSV (or Excel) tables named after the schemas in
``optimizer/schema``. ``sectors``, ``products``, ``technologies`` and ``new_builds`` may be
omitted: the shipped catalogue (``optimizer/instances/catalogue``) is used instead, so a planner
only needs to supply lines, targets, scenario, prices and demand, and may override any
catalogue table by putting their own copy in the folder.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from optimizer.data.consistency import check_consistency
from optimizer.data.deployment import check_deployment
from optimizer.data.instance import Instance
from optimizer.data.provinces import province_key
from optimizer.data.scenario import parse_scenario
from optimizer.data.schema import OPTIONAL_TABLES, TABLES, read_raw_table, table_schema, validate_table
from optimizer.errors import InputError, InputProblem
from optimizer.targets.validate import check_targets

CATALOGUE_TABLES = ("sectors", "products", "technologies", "new_builds", "documents", "deployment")
TABLES_WITH_FILES = TABLES
TABLES_WITH_ROWS = ("sectors", "products", "lines", "scenario", "prices", "demand")
"""Tables an instance cannot do without a row of (targets, technologies, new builds and
decisions may be empty: a plan without targets or retrofits is still a plan)."""
_SUFFIXES = (".csv", ".xlsx")
_INDEX = {
    "sectors": "sector",
    "products": "product",
    "lines": "line_id",
    "technologies": "tech_id",
    "new_builds": "sector",
    "targets": "target_id",
    "documents": "file",
    "pace": "sector",
}


def check_instance(inst: Instance) -> list[InputProblem]:
    """Every cross-table check of a built instance, its targets by their kinds' rules
    included (:func:`optimizer.targets.validate.check_targets`)."""
    return check_consistency(inst, check_targets) + check_deployment(inst)


def catalogue_dir() -> Path:
    """Folder of the shipped technology and product catalogue."""
    return Path(str(resources.files("optimizer.instances").joinpath("catalogue")))


def shipped_instances() -> list[str]:
    """Names of the shipped instances (folders with a lines table)."""
    root = Path(str(resources.files("optimizer.instances")))
    return sorted(
        p.name for p in root.iterdir() if p.is_dir() and any((p / f"lines{s}").exists() for s in _SUFFIXES)
    )


def instance_dir(province: str) -> Path:
    """Folder of a shipped instance, or a clear error listing the ones that exist."""
    names = shipped_instances()
    key = province_key(province)  # 浙江, 浙江省, Zhejiang and zhejiang are one folder
    if key not in names:
        raise InputError(
            [
                InputProblem(
                    "--province",
                    None,
                    None,
                    province,
                    f"is not a shipped instance (expected one of: {', '.join(names)}, "
                    "or their Chinese names, e.g. 浙江)",
                )
            ]
        )
    return Path(str(resources.files("optimizer.instances").joinpath(key)))


def _find_table(folder: Path, table: str) -> Path | None:
    for suffix in _SUFFIXES:
        candidate = folder / f"{table}{suffix}"
        if candidate.exists():
            return candidate
    return None


def load_instance(folder: Path | str, overrides: dict[str, pd.DataFrame] | None = None) -> Instance:
    """Read, validate and cross-check every table of the instance in ``folder``.

    Raises :class:`InputError` listing every problem found; nothing is built or written.
    ``overrides`` replaces raw tables (as text frames) before validation, e.g. for sweeps.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError([InputProblem(str(folder), None, None, None, "is not a folder")])
    problems: list[InputProblem] = []
    typed: dict[str, pd.DataFrame] = {}
    files: dict[str, Path] = {}
    for table in TABLES:
        path = _find_table(folder, table)
        if path is None and table in CATALOGUE_TABLES:
            path = _find_table(catalogue_dir(), table)
        if path is None and table in OPTIONAL_TABLES:
            columns = [s.name for s in table_schema(table)]
            typed[table], _ = validate_table(pd.DataFrame(columns=columns, dtype=object), table, table)
            continue
        if path is None:
            problems.append(
                InputProblem(str(folder / f"{table}.csv"), None, None, None, "required table is missing")
            )
            continue
        files[table] = path
        label = path.name if path.parent == folder else f"catalogue/{path.name}"
        try:
            raw = overrides[table] if overrides and table in overrides else read_raw_table(path, label)
        except InputError as error:  # unreadable file: go on, so every file's problems are listed
            problems.extend(error.problems)
            continue
        frame, found = validate_table(raw, table, label)
        problems.extend(found)
        if raw.empty and table in TABLES_WITH_ROWS and not found:
            problems.append(
                InputProblem(
                    label, 2, None, None, "has a header but no data rows (expected at least one row)"
                )
            )
        typed[table] = frame
    scenario = None
    if "scenario" in typed:
        scenario, found = parse_scenario(typed["scenario"], files["scenario"].name)
        problems.extend(found)
    if problems:
        raise InputError(problems)
    assert scenario is not None
    problems.extend(_duplicate_ids(typed, files, folder))
    if problems:
        raise InputError(problems)
    indexed = {t: (typed[t].set_index(_INDEX[t], drop=False) if t in _INDEX else typed[t]) for t in typed}
    for t in _INDEX:
        indexed[t].index.name = None
    instance = Instance(
        name=folder.name,
        path=folder,
        scenario=scenario,
        sectors=indexed["sectors"],
        products=indexed["products"],
        lines=indexed["lines"],
        technologies=indexed["technologies"],
        new_builds=indexed["new_builds"],
        targets=indexed["targets"],
        prices=indexed["prices"].set_index("year", drop=False).rename_axis(None),
        demand=indexed["demand"],
        files=files,
        decisions=indexed["decisions"],
        documents=indexed["documents"],
        pace=indexed["pace"],
        supplies=indexed["supplies"],
        deployment=indexed["deployment"],
    )
    problems.extend(check_instance(instance))
    if problems:
        raise InputError(problems)
    return instance


def _duplicate_ids(typed: dict[str, pd.DataFrame], files: dict[str, Path], folder: Path) -> list:
    problems = []
    keys = dict(_INDEX, prices="year")
    for table, column in keys.items():
        frame = typed[table]
        seen: dict[object, int] = {}
        for value, row in zip(frame[column], frame["_row"], strict=True):
            if value in seen:
                label = files[table].name
                problems.append(
                    InputProblem(label, int(row), column, value, f"duplicates the id in row {seen[value]}")
                )
            else:
                seen[value] = int(row)
    frame = typed["demand"]
    seen_pairs: dict[tuple, int] = {}
    for s, y, r in zip(frame["sector"], frame["year"], frame["_row"], strict=True):
        if (s, y) in seen_pairs:
            problems.append(
                InputProblem(
                    files["demand"].name,
                    int(r),
                    "year",
                    y,
                    f"duplicates sector {s} year {y} of row {seen_pairs[(s, y)]}",
                )
            )
        seen_pairs[(s, y)] = int(r)
    return problems
