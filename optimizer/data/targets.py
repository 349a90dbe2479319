"""What each target kind means for an instance: rows, the model years they apply to.

Shared by the planning model (which enforces targets) and the evaluator's target check (which
verifies them), so both read one definition; each kind's own rules live in its module under
:mod:`optimizer.targets.kinds`.
"""

from __future__ import annotations

from dataclasses import replace

from optimizer.data.consistency import split_list, target_scope
from optimizer.data.instance import Instance
from optimizer.targets.registry import KINDS
from optimizer.targets.rows import TargetRow, is_multi_unit, share_weight

NON_CONSTRAINT_KINDS = {name for name, k in KINDS.items() if not k.in_model_years}


def target_rows(instance: Instance) -> list[TargetRow]:
    """Expand targets.csv: kinds held per sector with ``pooled=false`` become one row per
    sector of their scope; a hard target with ``hard_from`` after its year becomes a reported
    row for the years before ``hard_from`` and a hard row from it on."""
    rows = []
    for _, t in instance.targets.iterrows():
        scope = tuple(target_scope(instance, t["sectors"]))
        per_sector = KINDS[str(t["kind"])].per_sector and not t["pooled"] and len(scope) > 1
        groups = [(s,) for s in scope] if per_sector else [scope]
        year, hard = int(t["year"]), bool(t["hard"])
        hard_from = int(t.get("hard_from", 0) or 0)
        late = hard and hard_from > year
        for g in groups:
            row = TargetRow(
                target_id=str(t["target_id"]),
                kind=str(t["kind"]),
                sectors=g,
                year=year,
                value=float(t["value"]),
                unit=str(t["unit"]),
                hard=hard,
                attribute=str(t["attribute"] or ""),
                document=str(t["document"]),
                clause=str(t["clause"]),
                description=str(t["description"]),
                group=g[0] if per_sector else "pooled",
                description_zh=_text(t.get("description_zh")),
                reference_year=int(t.get("reference_year", 0) or 0),
                reference_value=float(t.get("reference_value", 0) or 0),
                provinces=tuple(split_list(t.get("provinces", ""))),
            )
            if late:
                rows.append(replace(row, hard=False, until=hard_from - 1))
                rows.append(replace(row, year=hard_from))
            else:
                rows.append(row)
    return rows


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def model_years_of(instance: Instance) -> tuple[int, ...]:
    """Scenario model years plus every target year and planner decision year in the horizon."""
    sc = instance.scenario
    years = set(sc.model_years)
    if not instance.decisions.empty:
        decided = instance.decisions[instance.decisions["action"].isin(["retire", "adopt"])]
        years |= {int(y) for y in decided["year"] if sc.base_year < y <= sc.horizon_end}
    for _, t in instance.targets.iterrows():
        if KINDS[str(t["kind"])].in_model_years:
            for y in (int(t["year"]), int(t.get("hard_from", 0) or 0)):
                if sc.base_year < y <= sc.horizon_end:
                    years.add(y)
    return tuple(sorted(years))


def period_map(model_years: tuple[int, ...], horizon_end: int) -> dict[int, tuple[int, ...]]:
    """Model year -> the calendar years it stands for (up to the next model year)."""
    ends = [*model_years[1:], horizon_end + 1]
    return {t: tuple(range(t, end)) for t, end in zip(model_years, ends, strict=True)}


def applies(row: TargetRow, t: int) -> bool:
    """The row holds in model year ``t`` (:meth:`TargetKind.holds` of its kind)."""
    return KINDS[row.kind].holds(row, t)


__all__ = [
    "TargetRow",
    "applies",
    "is_multi_unit",
    "model_years_of",
    "period_map",
    "share_weight",
    "target_rows",
]
