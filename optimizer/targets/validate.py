"""Validation of targets.csv rows by their kind's rules (run among the consistency checks)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from optimizer.data.consistency import split_list, target_scope
from optimizer.errors import InputProblem
from optimizer.targets.registry import KINDS

if TYPE_CHECKING:
    from optimizer.data.instance import Instance


def check_targets(inst: Instance, f: str) -> list[InputProblem]:
    """Each target row against its kind's rules (scope, year, value, attribute); ``f`` names
    the file in the messages."""
    out = []
    sc = inst.scenario
    for _, t in inst.targets.iterrows():
        r = t["_row"]
        kind = t["kind"]
        k = KINDS[kind]
        scope = target_scope(inst, t["sectors"])
        for s in scope:
            if s not in inst.sectors.index:
                out.append(InputProblem(f, r, "sectors", s, "is not a sector in sectors.csv"))
        provinces = split_list(t.get("provinces", ""))
        out.extend(_check_provinces(inst, t, f, provinces))
        if not k.scope_free:
            in_provinces = inst.lines["province"].isin(provinces) if provinces else True
            lines_in_scope = (inst.lines["sector"].isin(scope) & in_provinces).sum()
            if lines_in_scope == 0:
                out.append(
                    InputProblem(
                        f,
                        r,
                        "sectors",
                        t["sectors"],
                        "scope is empty: no line of the instance is in these sectors"
                        + (" and provinces" if provinces else ""),
                    )
                )
        if k.in_model_years and not (sc.base_year < t["year"] <= sc.horizon_end):
            out.append(
                InputProblem(
                    f,
                    r,
                    "year",
                    t["year"],
                    f"must lie after the base year {sc.base_year} and up to {sc.horizon_end}",
                )
            )
        hard_from = int(t.get("hard_from", 0) or 0)
        if hard_from and k.years != "from":
            out.append(
                InputProblem(
                    f,
                    r,
                    "hard_from",
                    hard_from,
                    f"applies only to targets held from their year on, not {kind}",
                )
            )
        elif hard_from and not (t["year"] <= hard_from <= sc.horizon_end):
            out.append(
                InputProblem(
                    f,
                    r,
                    "hard_from",
                    hard_from,
                    f"must lie from the target's year {t['year']} to {sc.horizon_end}",
                )
            )
        out.extend(_check_reference(t, f, sc.base_year))
        if k.value_rule == "fraction" and not (0 <= t["value"] <= 1):
            out.append(InputProblem(f, r, "value", t["value"], f"must be a fraction 0..1 for {kind}"))
        if k.needs_attribute and not t["attribute"]:
            out.append(InputProblem(f, r, "attribute", "", f"is required for {kind}"))
        if k.value_rule == "nonnegative" and t["value"] < 0:
            out.append(InputProblem(f, r, "value", t["value"], f"must be >= 0 for {kind}"))
        if k.value_rule == "ratio" and t["value"] < 1:
            out.append(InputProblem(f, r, "value", t["value"], "a replacement ratio must be >= 1"))
    return out


def _check_reference(t: Any, f: str, base_year: int) -> list[InputProblem]:
    """A stated reference needs its year, value and source, and a kind measured from one."""
    r, kind = t["_row"], t["kind"]
    year, value = int(t.get("reference_year", 0) or 0), float(t.get("reference_value", 0) or 0)
    if not year and not value:
        return []
    if KINDS[kind].reference_unit is None:
        return [
            InputProblem(f, r, "reference_value", value, f"{kind} is not measured from a reference value")
        ]
    out = []
    if not year or year > base_year:
        out.append(
            InputProblem(f, r, "reference_year", year, f"must be set, at or before the base year {base_year}")
        )
    if value <= 0:
        out.append(
            InputProblem(
                f, r, "reference_value", value, f"must be > 0 ({KINDS[kind].reference_unit} in {year})"
            )
        )
    if not str(t.get("reference_source", "") or "").strip():
        out.append(
            InputProblem(f, r, "reference_source", "", "is empty: reference_value needs a source and a flag")
        )
    return out


def _check_provinces(inst: Instance, t: Any, f: str, provinces: list[str]) -> list[InputProblem]:
    """A province scope names provinces of lines.csv and belongs to a per-line rule only."""
    if not provinces:
        return []
    r, kind = t["_row"], t["kind"]
    if not KINDS[kind].per_line:
        per_line = sorted(name for name, k in KINDS.items() if k.per_line)
        return [
            InputProblem(
                f,
                r,
                "provinces",
                t["provinces"],
                f"a province scope is for per-line rules ({', '.join(per_line)}), not {kind}: "
                "a province's own aggregate target belongs in that province's instance",
            )
        ]
    known = set(inst.lines["province"])
    return [
        InputProblem(f, r, "provinces", p, f"is not a province of lines.csv ({', '.join(sorted(known))})")
        for p in provinces
        if p not in known
    ]
