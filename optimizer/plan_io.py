"""Read a plan written by hand or by the optimiser (``plan.csv``) back into a :class:`Plan`.

The columns are those of the ``plan.csv`` a run writes; only ``line_id``, ``year``, ``action``,
``technologies`` and ``operating_days`` are required (``sector`` and ``capacity_per_year`` for
new lines). Every problem is reported with file, row, column and what is expected.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.data.consistency import split_list
from optimizer.data.instance import Instance
from optimizer.data.schema import read_raw_table
from optimizer.errors import InputError, InputProblem
from optimizer.evaluator.plan import NEVER, NewLine, Plan

ACTIONS = {"keep", "retrofit", "retire", "swap_out", "retired", "new_build"}
REQUIRED = ("line_id", "year", "action", "technologies", "operating_days")


def read_plan(instance: Instance, path: Path) -> Plan:
    """Parse and check ``path`` against ``instance``; raise :class:`InputError` listing problems."""
    raw = read_raw_table(path)
    label = path.name
    problems: list[InputProblem] = [
        InputProblem(label, 1, c, None, "required column is missing")
        for c in REQUIRED
        if c not in raw.columns
    ]
    if problems:
        raise InputError(problems)
    sc = instance.scenario
    years = list(sc.years)
    techs = instance.technologies
    tech_pos = {t: k for k, t in enumerate(techs.index)}
    line_pos = {lid: i for i, lid in enumerate(instance.lines.index)}
    plan = Plan.business_as_usual(instance)
    new_rows: dict[str, list[tuple[int, int, dict]]] = {}
    seen: dict[tuple[str, int], int] = {}
    records = raw.to_dict("records")  # row access by iloc is ~100x slower on national plans
    for index, record in enumerate(records):
        row_number = index + 2
        row = {str(c): str(v).strip() for c, v in record.items()}
        line_id, action = row["line_id"], row["action"]
        try:
            year = int(float(row["year"]))
        except ValueError:
            problems.append(InputProblem(label, row_number, "year", row["year"], "is not a year"))
            continue
        if year not in years:
            problems.append(
                InputProblem(
                    label, row_number, "year", year, f"is outside the horizon {years[0]}..{years[-1]}"
                )
            )
            continue
        if (line_id, year) in seen:
            problems.append(
                InputProblem(
                    label,
                    row_number,
                    "year",
                    year,
                    f"line {line_id} has this year already in row {seen[(line_id, year)]}",
                )
            )
            continue
        seen[(line_id, year)] = row_number
        if action not in ACTIONS:
            problems.append(
                InputProblem(
                    label,
                    row_number,
                    "action",
                    action,
                    f"is not an action (expected one of: {', '.join(sorted(ACTIONS))})",
                )
            )
            continue
        try:
            days = float(row["operating_days"] or 0)
        except ValueError:
            problems.append(
                InputProblem(
                    label, row_number, "operating_days", row["operating_days"], "is not a number of days"
                )
            )
            continue
        if not 0 <= days <= 366:
            problems.append(InputProblem(label, row_number, "operating_days", days, "must lie in 0..366"))
            continue
        if line_id not in line_pos:
            if (
                action in {"new_build", "keep"}
                and "sector" in row
                and row["sector"] in instance.new_builds.index
            ):
                new_rows.setdefault(line_id, []).append((row_number, year, row))
                continue
            problems.append(
                InputProblem(
                    label,
                    row_number,
                    "line_id",
                    line_id,
                    "is not a line of the instance (new lines need action new_build "
                    "and a sector with a new_builds row)",
                )
            )
            continue
        l = line_pos[line_id]
        y = years.index(year)
        if action in {"retire", "swap_out", "retired"}:
            plan.retire_year[l] = min(plan.retire_year[l], year)
            plan.swapped[l] |= action == "swap_out"
            continue
        plan.operating_days[l, y] = days
        problems.extend(
            _technologies(instance, plan, label, row_number, l, year, row["technologies"], tech_pos)
        )
    for new_id, rows in new_rows.items():
        rows.sort(key=lambda item: item[1])
        first_row, start, first = rows[0]
        sector = first["sector"]
        standard = float(instance.new_builds.loc[sector, "capacity_per_year"])
        try:
            count = float(first.get("capacity_per_year", "") or standard) / standard
        except ValueError:
            problems.append(
                InputProblem(
                    label, first_row, "capacity_per_year", first.get("capacity_per_year"), "is not a number"
                )
            )
            continue
        days_by_year = np.zeros(len(years))
        for _, year, row in rows:
            days_by_year[years.index(year)] = float(row["operating_days"] or 0)
        plan.new_lines.append(NewLine(new_id, sector, start, count, days_by_year, first.get("province", "")))
    if problems:
        raise InputError(problems)
    return plan


def _technologies(
    instance: Instance,
    plan: Plan,
    label: str,
    row_number: int,
    l: int,
    year: int,
    cell: str,
    tech_pos: dict[str, int],
) -> list[InputProblem]:
    """Record the technologies a line holds in ``year`` and check they fit it."""
    problems = []
    techs = instance.technologies
    line = instance.lines.iloc[l]
    held = [t for t in split_list(cell) if t not in split_list(line["attributes"])]
    groups: dict[str, str] = {}
    for tech in held:
        if tech not in tech_pos:
            problems.append(InputProblem(label, row_number, "technologies", tech, "is not a technology"))
            continue
        k = tech_pos[tech]
        t = techs.iloc[k]
        if line["sector"] not in split_list(t["sectors"]):
            problems.append(
                InputProblem(
                    label,
                    row_number,
                    "technologies",
                    tech,
                    f"does not fit sector {line['sector']} (fits {t['sectors']})",
                )
            )
        elif not t["min_size_t_per_day"] <= line["size_t_per_day"] <= t["max_size_t_per_day"]:
            problems.append(
                InputProblem(
                    label,
                    row_number,
                    "technologies",
                    tech,
                    f"does not fit a {line['size_t_per_day']:g} t/d line "
                    f"({t['min_size_t_per_day']:g}..{t['max_size_t_per_day']:g} t/d)",
                )
            )
        if year < t["earliest_year"] and plan.adopt_year[l, k] == NEVER:
            problems.append(
                InputProblem(
                    label, row_number, "technologies", tech, f"is available from {t['earliest_year']} only"
                )
            )
        group = t["exclusive_group"]
        if group and group in groups:
            problems.append(
                InputProblem(
                    label,
                    row_number,
                    "technologies",
                    tech,
                    f"shares exclusive group {group!r} with {groups[group]}",
                )
            )
        elif group:
            groups[group] = tech
        if year < plan.retire_year[l] and year >= instance.scenario.base_year:
            plan.adopt_year[l, k] = min(plan.adopt_year[l, k], year)
    return problems


def evaluate_plan_file(instance: Instance, path: Path) -> tuple[Plan, pd.DataFrame]:
    """Read a plan file and return the plan with its target check."""
    from optimizer.evaluator.api import evaluate
    from optimizer.evaluator.targets import check_targets

    plan = read_plan(instance, path)
    evaluation = evaluate(instance, plan)
    return plan, check_targets(instance, evaluation.arrays, evaluation.values)
