"""A target row in the evaluator's terms: the measures a kind's check reads.

Only evaluator output (:mod:`optimizer.evaluator.kernels` measures and the evaluation arrays)
and the target definitions, never the planning model: this is the independent verification.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from optimizer.evaluator.kernels import MEASURE_INDEX
from optimizer.targets.rows import TargetRow, is_multi_unit, share_weight

if TYPE_CHECKING:
    from optimizer.data.instance import Instance
    from optimizer.evaluator.arrays import EvalArrays

REL_TOL = 1e-6
"""Relative tolerance for 'met': solver feasibility tolerances are ~1e-9 of row activity."""


@dataclass
class RowTerms:
    """Evaluator measures of one target row's scope; ``at(t)`` selects a model year."""

    instance: Instance
    arrs: EvalArrays
    out: np.ndarray
    years: list[int]
    col: dict[int, int]
    periods: dict[int, tuple[int, ...]]
    prev: dict[int, int]
    in_scope: np.ndarray
    weights: np.ndarray
    base_cap: float
    base_int: float
    base_co2: float
    running: np.ndarray
    sel: np.ndarray  # in scope and running in the year being checked (see at())
    y: int | None = None  # column of the model year being checked

    def measure(self, name: str) -> np.ndarray:
        return self.out[MEASURE_INDEX[name]]

    def at(self, t: int) -> RowTerms:
        self.y = self.col.get(t)
        self.sel = self.in_scope & self.running[:, self.y] if self.y is not None else self.in_scope
        return self


def row_terms(
    instance: Instance,
    arrs: EvalArrays,
    out: np.ndarray,
    row: TargetRow,
    periods: dict[int, tuple[int, ...]],
    prev: dict[int, int],
) -> RowTerms:
    years = [int(y) for y in arrs.years]
    col = {y: i for i, y in enumerate(years)}
    sectors = np.array([arrs.sector_names[i] for i in arrs.sector_index])
    in_scope = np.isin(sectors, row.sectors)
    if row.provinces:
        in_scope &= np.isin(np.array(arrs.provinces), row.provinces)
    multi = is_multi_unit(instance, row.sectors)
    weights = np.array([share_weight(instance, p, 1.0, multi) for p in arrs.products])
    base = col[instance.scenario.base_year]
    cap = out[MEASURE_INDEX["capacity_per_year"]]
    output = out[MEASURE_INDEX["output_units"]]
    intensity = out[MEASURE_INDEX["intensity_kgce_per_unit"]]
    base_out = float(output[in_scope, base].sum())
    # intensity targets are output-weighted (energy per unit of product, as documents measure)
    base_int = (
        float((output[in_scope, base] * intensity[in_scope, base]).sum() / base_out) if base_out else 0.0
    )
    return RowTerms(
        instance=instance,
        arrs=arrs,
        out=out,
        years=years,
        col=col,
        periods=periods,
        prev=prev,
        in_scope=in_scope,
        weights=weights,
        base_cap=float(cap[in_scope, base].sum()),
        base_int=base_int,
        base_co2=float(out[MEASURE_INDEX["total_co2_t"]][in_scope, base].sum()),
        running=out[MEASURE_INDEX["running"]] > 0.5,
        sel=in_scope,
    )


@dataclass
class PriceTerms:
    """Evaluator measures of a target's scope in one year, for a kind's price factor."""

    cap: np.ndarray
    base: int
    y: int
    in_scope: np.ndarray
    sel: np.ndarray


def price_terms(
    instance: Instance, arrs: EvalArrays, out: np.ndarray, sectors: tuple[str, ...], year: int
) -> PriceTerms:
    years = [int(y) for y in arrs.years]
    col = {y: i for i, y in enumerate(years)}
    sector_of = np.array([arrs.sector_names[i] for i in arrs.sector_index])
    in_scope = np.isin(sector_of, sectors)
    y = col[year]
    running = out[MEASURE_INDEX["running"], :, y] > 0.5
    return PriceTerms(
        out[MEASURE_INDEX["capacity_per_year"]],
        col[instance.scenario.base_year],
        y,
        in_scope,
        in_scope & running,
    )
