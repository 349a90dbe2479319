"""Rules 1 and 2 of :mod:`optimizer.evaluator.packages`: which technology combinations a line may carry."""

from __future__ import annotations

import itertools
import math

from optimizer.data.consistency import split_list
from optimizer.data.instance import Instance


def planner_decisions(instance: Instance) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """Technologies a planner has decided a line must carry (adopt) or must not (forbid)."""
    must: dict[int, set[int]] = {}
    forbid: dict[int, set[int]] = {}
    if instance.decisions.empty:
        return must, forbid
    line_pos = {lid: i for i, lid in enumerate(instance.lines.index)}
    tech_pos = {t: k for k, t in enumerate(instance.technologies.index)}
    for _, d in instance.decisions.iterrows():
        if d["action"] in {"adopt", "forbid"}:
            target = must if d["action"] == "adopt" else forbid
            target.setdefault(line_pos[d["line_id"]], set()).add(tech_pos[d["technology"]])
    return must, forbid


def candidate_techs(instance: Instance) -> list[list[int]]:
    """Technology positions applicable to each line (rule 1)."""
    techs = instance.technologies
    sectors = [set(split_list(s)) for s in techs["sectors"]]
    out = []
    tech_ids = list(techs.index)
    low = techs["min_size_t_per_day"].to_numpy(float)
    high = techs["max_size_t_per_day"].to_numpy(float)
    for sector, size, attributes in zip(
        instance.lines["sector"], instance.lines["size_t_per_day"], instance.lines["attributes"], strict=True
    ):
        pre = set(split_list(attributes))
        out.append(
            [
                k
                for k, tid in enumerate(tech_ids)
                if sector in sectors[k] and low[k] <= size <= high[k] and tid not in pre
            ]
        )
    return out


def enumerate_combinations(instance: Instance, line: int, candidates: list[int]) -> list[tuple[int, ...]]:
    """All combinations of ``candidates`` respecting exclusive groups and prerequisites."""
    techs = instance.technologies
    tech_ids = list(techs.index)
    group_of = list(techs["exclusive_group"])
    prerequisites = [split_list(p) for p in techs["prerequisites"]]
    pre_installed = set(split_list(instance.lines.iloc[line]["attributes"]))
    groups: dict[str, list[int]] = {}
    for k in candidates:
        groups.setdefault(group_of[k] or f"_own_{k}", []).append(k)
    options = [[None, *members] for members in groups.values()]
    needs_check = any(prerequisites[k] for k in candidates)
    combos = []
    for choice in itertools.product(*options):
        chosen = tuple(sorted(k for k in choice if k is not None))
        if needs_check:
            ids = {tech_ids[k] for k in chosen} | pre_installed
            if not all(p in ids for k in chosen for p in prerequisites[k]):
                continue
        combos.append(chosen)
    return combos


def count_combinations(instance: Instance, candidates: list[int]) -> int:
    """How many combinations :func:`enumerate_combinations` would give, without listing them."""
    groups: dict[str, int] = {}
    group_of = list(instance.technologies["exclusive_group"])
    for k in candidates:
        group = group_of[k] or f"_own_{k}"
        groups[group] = groups.get(group, 0) + 1
    return math.prod(n + 1 for n in groups.values())


def scarce_techs(instance: Instance) -> set[int]:
    """Technologies drawing on an input supplies.csv limits (none without that table)."""
    if instance.supplies.empty:
        return set()
    from optimizer.models.data import _RAW_SUBSTITUTION_POOL

    techs = instance.technologies
    return {
        k
        for k, tid in enumerate(techs.index)
        if float(techs["to_alt_fuel_frac"].iloc[k]) > 0
        or float(techs["to_coprocessing_frac"].iloc[k]) > 0
        or tid in _RAW_SUBSTITUTION_POOL
    }
