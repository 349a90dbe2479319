"""A target as applied (one row per sector where a target holds per sector) and share weights."""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.data.instance import Instance
from optimizer.data.schema import as_float


@dataclass(frozen=True)
class TargetRow:
    """One target as applied: a scope of sectors (and, for a per-line rule, of provinces), a
    year, a value (units as in targets.csv)."""

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
    until: int = 9999  # last model year the row applies (the reported part of a late target)
    reference_year: int = 0  # year a cut is measured from (0: the base year)
    reference_value: float = 0.0  # the scope's figure then (0: the base-year fleet's own)
    provinces: tuple[str, ...] = ()  # a per-line rule's provinces (empty: every province)

    def covers(self, sector: str, province: str) -> bool:
        """A line of ``sector`` in ``province`` is in the row's scope (a replacement line's
        province is its sub-problem's, or "" in a model of several provinces)."""
        return sector in self.sectors and (not self.provinces or province in self.provinces)

    def reference(self, base_value: float) -> float:
        """What a cut is measured against: the stated reference value, else the base year's."""
        return self.reference_value if self.reference_value > 0 else base_value

    @property
    def label(self) -> str:
        return self.target_id if self.group == "pooled" else f"{self.target_id}:{self.group}"


def share_weight(instance: Instance, product: str, capacity: float, multi_unit: bool) -> float:
    """Weight of a line in a capacity share: its capacity, or, when the scope mixes product
    units (t, weight boxes, m²), capacity × benchmark intensity (kgce/yr at level 1)."""
    if not multi_unit:
        return capacity
    return capacity * as_float(instance.products["benchmark_kgce_per_unit"].at[product])


def is_multi_unit(instance: Instance, sectors: tuple[str, ...]) -> bool:
    return len({instance.sectors.loc[s, "unit"] for s in sectors}) > 1
