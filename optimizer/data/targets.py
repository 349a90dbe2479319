"""What each target kind means: rows, the model years it applies to, and share weights.

Shared by the planning model (which enforces targets) and the evaluator's target check (which
verifies them), so both read one definition.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.data.consistency import target_scope
from optimizer.data.instance import Instance
from optimizer.data.schema import as_float

NON_CONSTRAINT_KINDS = {"not_modelled", "replacement_ratio"}


@dataclass(frozen=True)
class TargetRow:
    """One target as applied: a scope of sectors, a year, a value (units as in targets.csv)."""

    target_id: str
    kind: str
    sectors: tuple[str, ...]
    year: int
    value: float
    unit: str
    hard: bool
    attribute: str
    document: str
    clause: str
    description: str
    group: str  # the sector for per-sector rows, else "pooled"
    description_zh: str = ""

    @property
    def label(self) -> str:
        return self.target_id if self.group == "pooled" else f"{self.target_id}:{self.group}"


def target_rows(instance: Instance) -> list[TargetRow]:
    """Expand targets.csv: shares and intensity cuts with ``pooled=false`` become one row per
    sector of their scope."""
    rows = []
    for _, t in instance.targets.iterrows():
        scope = tuple(target_scope(instance, t["sectors"]))
        per_sector = (
            t["kind"] in {"benchmark_share", "attribute_share", "intensity_cut"}
            and not t["pooled"]
            and len(scope) > 1
        )
        groups = [(s,) for s in scope] if per_sector else [scope]
        for g in groups:
            rows.append(
                TargetRow(
                    target_id=str(t["target_id"]),
                    kind=str(t["kind"]),
                    sectors=g,
                    year=int(t["year"]),
                    value=float(t["value"]),
                    unit=str(t["unit"]),
                    hard=bool(t["hard"]),
                    attribute=str(t["attribute"] or ""),
                    document=str(t["document"]),
                    clause=str(t["clause"]),
                    description=str(t["description"]),
                    group=g[0] if per_sector else "pooled",
                    description_zh=_text(t.get("description_zh")),
                )
            )
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
        if t["kind"] not in NON_CONSTRAINT_KINDS and sc.base_year < t["year"] <= sc.horizon_end:
            years.add(int(t["year"]))
    return tuple(sorted(years))


def period_map(model_years: tuple[int, ...], horizon_end: int) -> dict[int, tuple[int, ...]]:
    """Model year -> the calendar years it stands for (up to the next model year)."""
    ends = [*model_years[1:], horizon_end + 1]
    return {t: tuple(range(t, end)) for t, end in zip(model_years, ends, strict=True)}


def applies(row: TargetRow, t: int) -> bool:
    """Caps, floors and shares hold from their year on; project floors ("≥ 100 projects every
    year", ZJ 三(二)) in every model year of the horizon; a peak is checked at its year."""
    if row.kind == "projects_min":
        return True
    if row.kind == "emissions_peak":
        return t == row.year
    if row.kind == "capex_budget":  # one budget for the whole horizon, checked once
        return t == row.year
    return t >= row.year


def share_weight(instance: Instance, product: str, capacity: float, multi_unit: bool) -> float:
    """Weight of a line in a capacity share: its capacity, or, when the scope mixes product
    units (t, weight boxes, m²), capacity × benchmark intensity (kgce/yr at level 1)."""
    if not multi_unit:
        return capacity
    return capacity * as_float(instance.products["benchmark_kgce_per_unit"].at[product])


def is_multi_unit(instance: Instance, sectors: tuple[str, ...]) -> bool:
    return len({instance.sectors.loc[s, "unit"] for s in sectors}) > 1
