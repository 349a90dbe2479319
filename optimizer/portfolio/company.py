"""Restrict an instance to one company's lines with company-level goals and decisions.

Goals are target rows of any kind in :mod:`optimizer.targets.registry` (a kind's ``goal_unit``
and ``goal_attribute`` fill the row), scoped to the company's lines. The company's demand is
its share of the province's demand: each sector's demand scaled by the company's share of the
sector's base-year output.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd

from optimizer.data.instance import Instance
from optimizer.data.load import check_instance
from optimizer.data.schema import table_schema, validate_table
from optimizer.errors import InputError, InputProblem
from optimizer.targets.registry import KINDS

GOAL = re.compile(r"^(?P<kind>[a-z_]+)=(?P<value>[^@:]+)(@(?P<year>\d{4}))?(:(?P<sectors>[a-z_;]+))?$")


def parse_goals(goals: list[str], horizon_end: int) -> pd.DataFrame:
    """``kind=value[@year][:sector[;sector]]`` strings as raw target rows (validated later like
    targets.csv: an unknown sector is named there); without a sector a goal covers every
    sector of the company's lines."""
    rows = []
    problems = []
    for i, text in enumerate(goals, start=1):
        match = GOAL.match(text.strip())
        if not match:
            problems.append(
                InputProblem(
                    "--goal",
                    i,
                    None,
                    text,
                    f"expected kind=value[@year][:sector] with kind one of {', '.join(KINDS)}, e.g. "
                    f"{next(iter(KINDS))}=0.1@2025:cement_clinker",
                )
            )
            continue
        kind = match["kind"]
        k = KINDS.get(kind)
        rows.append(
            {
                "target_id": f"CO-G{i}",
                "kind": kind,
                "sectors": match["sectors"] or "*",
                "year": match["year"] or str(horizon_end),
                "value": match["value"],
                "unit": k.goal_unit if k is not None else "fraction",
                "pooled": "false",
                "attribute": k.goal_attribute if k is not None else "",
                "hard": "true",
                "document": "company goal",
                "clause": "--goal",
                "description": f"company goal {text}",
                "description_zh": f"企业自定目标 {text}",
            }
        )
    if problems:
        raise InputError(problems)
    # columns a goal does not set are empty cells, as in a targets.csv row: their defaults
    frame = pd.DataFrame(rows, columns=[s.name for s in table_schema("targets")], dtype=object)
    return frame.fillna("")


def parse_decisions(fix: list[str], forbid: list[str], keep: list[str]) -> pd.DataFrame:
    """``--fix LINE:TECH@YEAR``, ``--forbid LINE:TECH`` and ``--keep LINE`` as decision rows."""
    rows = []
    problems = []
    for option, items in (("--fix", fix), ("--forbid", forbid), ("--keep", keep)):
        for i, text in enumerate(items, start=1):
            if option == "--keep":
                rows.append({"line_id": text, "action": "keep", "note": option})
                continue
            pattern = r"^(?P<line>[^:]+):(?P<tech>[^@]+)(@(?P<year>\d{4}))?$"
            match = re.match(pattern, text.strip())
            if not match or (option == "--fix" and not match["year"]):
                expected = "LINE:TECH@YEAR" if option == "--fix" else "LINE:TECH"
                problems.append(InputProblem(option, i, None, text, f"expected {expected}"))
                continue
            rows.append(
                {
                    "line_id": match["line"],
                    "action": "adopt" if option == "--fix" else "forbid",
                    "technology": match["tech"],
                    "year": match["year"] or "",
                    "note": option,
                }
            )
    if problems:
        raise InputError(problems)
    return pd.DataFrame(rows, columns=[s.name for s in table_schema("decisions")], dtype=object).fillna("")


# columns a company may be named by: the owner, the parent and the cement group, English or Chinese
COMPANY_COLUMNS = ("company", "company_zh", "parent", "group", "group_zh")


def _names(lines: pd.DataFrame) -> dict[str, pd.Index]:
    """Every name a set of lines answers to -> the line ids it owns."""
    out: dict[str, pd.Index] = {}
    for column in COMPANY_COLUMNS:
        if column not in lines:
            continue
        for name, group in lines.groupby(lines[column].fillna("").astype(str)):
            if str(name).strip():
                out[str(name)] = out[str(name)].union(group.index) if str(name) in out else group.index
    return out


def company_lines(instance: Instance, company: str) -> tuple[str, pd.DataFrame]:
    """The lines of the company named ``company`` and the name it matched.

    An exact name (owner, parent or cement group; English or Chinese; case-insensitive) wins;
    otherwise a fragment must name one company only. Unknown or ambiguous names are an error
    that lists the candidates, largest first."""
    names = _names(instance.lines)
    wanted = company.strip().casefold()
    exact = [n for n in names if n.casefold() == wanted]
    matches = exact or [n for n in names if wanted and wanted in n.casefold()]
    distinct = {tuple(sorted(names[n])): n for n in matches}  # a group and its only owner are one
    if len(distinct) == 1:
        name = next(iter(distinct.values()))
        return name, instance.lines.loc[names[name]]
    capacity = instance.lines["capacity_per_year"]
    candidates = sorted(matches or names, key=lambda n: -float(capacity[names[n]].sum()))
    shown = ", ".join(candidates[:12]) + (f" … ({len(candidates)} in all)" if len(candidates) > 12 else "")
    problem = (
        f"names {len(distinct)} companies; say which (candidates, largest first: {shown})"
        if matches
        else f"owns no line here (companies, largest first: {shown})"
    )
    raise InputError([InputProblem("--company", None, None, company, problem)])


def company_instance(
    instance: Instance, company: str, goals: pd.DataFrame, decisions: pd.DataFrame | None = None
) -> Instance:
    """The company's lines, its goals as targets and its share of demand, validated."""
    company, lines = company_lines(instance, company)
    typed, problems = validate_table(goals.astype(object), "targets", "goals")
    if problems:
        raise InputError(problems)
    typed = typed.set_index("target_id", drop=False).rename_axis(None)
    all_decisions = instance.decisions
    if decisions is not None and not decisions.empty:
        extra, problems = validate_table(decisions.astype(object), "decisions", "decisions")
        if problems:
            raise InputError(problems)
        all_decisions = (
            pd.concat([all_decisions, extra], ignore_index=True) if not all_decisions.empty else extra
        )
    if not all_decisions.empty:
        all_decisions = all_decisions[
            all_decisions["line_id"].isin(lines.index) | ~all_decisions["line_id"].isin(instance.lines.index)
        ]
    company_inst = subset_instance(instance, lines, typed, f"{instance.name}:{company}", all_decisions)
    problems = check_instance(company_inst)
    if problems:
        raise InputError([_goal_problem(p, goals) for p in problems])
    return company_inst


def _goal_problem(problem: InputProblem, goals: pd.DataFrame) -> InputProblem:
    """A problem the instance check finds in the goals (its targets.csv) named where the user
    wrote it: the ``--goal`` argument itself, the goals file's own row otherwise."""
    if problem.file != "targets.csv" or problem.row is None or not 2 <= problem.row <= len(goals) + 1:
        return problem
    from_option = list(goals["clause"].astype(str) == "--goal")
    index = problem.row - 2
    if from_option[index]:
        text = str(goals["description"].iloc[index]).removeprefix("company goal ")
        return replace(problem, file=f"--goal {text}", row=None)
    return replace(problem, file="--goals file", row=problem.row - sum(from_option))


def base_year_output(instance: Instance) -> pd.Series:
    """Each line's base-year output, unit/yr: capacity × operating days / rated days."""
    rated = instance.lines["sector"].map(instance.sectors["rated_days_per_year"])
    return instance.lines["capacity_per_year"] * instance.lines["operating_days"] / rated


def subset_instance(
    instance: Instance, lines: pd.DataFrame, targets: pd.DataFrame, name: str, decisions: pd.DataFrame
) -> Instance:
    """Some of an instance's lines with their share of demand: each sector's demand scaled by
    the lines' share of the sector's base-year output (they keep their market share)."""
    output = base_year_output(instance)
    share = (
        output[lines.index].groupby(lines["sector"]).sum() / output.groupby(instance.lines["sector"]).sum()
    )
    demand = instance.demand[instance.demand["sector"].isin(share.index)].copy()
    demand["demand_per_year"] = demand["demand_per_year"] * demand["sector"].map(share)
    return replace(instance, name=name, lines=lines, targets=targets, demand=demand, decisions=decisions)
