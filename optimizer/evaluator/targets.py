"""Check every target against an exact evaluation: required, achieved, met.

This is the independent verification of a plan: it reads only the evaluator's output and the
target definitions in :mod:`optimizer.data.targets`, never the planning model.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from optimizer.data.documents import citation
from optimizer.data.instance import Instance
from optimizer.data.targets import (
    applies,
    is_multi_unit,
    model_years_of,
    period_map,
    share_weight,
    target_rows,
)
from optimizer.evaluator.arrays import EvalArrays
from optimizer.evaluator.kernels import MEASURE_INDEX
from optimizer.evaluator.plan import NEVER

REL_TOL = 1e-6
"""Relative tolerance for 'met': solver feasibility tolerances are ~1e-9 of row activity."""

TARGET_COLUMNS = [
    "target_id",
    "group",
    "year",
    "kind",
    "scope",
    "required",
    "achieved",
    "unit",
    "met",
    "hard",
    "source",
    "description",
    "source_en",
    "description_zh",
]


def check_targets(instance: Instance, arrs: EvalArrays, out: np.ndarray) -> pd.DataFrame:
    """One row per target (per sector where a target holds per sector) and model year."""
    years = list(int(y) for y in arrs.years)
    col = {y: i for i, y in enumerate(years)}
    model_years = model_years_of(instance)
    periods = period_map(model_years, instance.scenario.horizon_end)
    prev = dict(zip(model_years[1:], model_years[:-1], strict=True))
    sectors = np.array([arrs.sector_names[i] for i in arrs.sector_index])
    products = np.array(arrs.products)
    running = out[MEASURE_INDEX["running"]] > 0.5
    cap = out[MEASURE_INDEX["capacity_per_year"]]
    intensity = out[MEASURE_INDEX["intensity_kgce_per_unit"]]
    output = out[MEASURE_INDEX["output_units"]]
    co2 = out[MEASURE_INDEX["total_co2_t"]]
    rows = []
    for row in target_rows(instance):
        in_scope = np.isin(sectors, row.sectors)
        multi = is_multi_unit(instance, row.sectors)
        weights = np.array([share_weight(instance, products[i], 1.0, multi) for i in range(len(products))])
        base = col[instance.scenario.base_year]
        base_cap = float(cap[in_scope, base].sum())
        base_out = float(output[in_scope, base].sum())
        # intensity targets are output-weighted (energy per unit of product, as documents measure)
        base_int = (
            float((output[in_scope, base] * intensity[in_scope, base]).sum() / base_out) if base_out else 0.0
        )
        base_co2 = float(co2[in_scope, base].sum())
        check_years = [t for t in model_years if applies(row, t)] or [row.year]
        for t in check_years:
            y = col.get(t)
            sel = in_scope & running[:, y] if y is not None else in_scope
            required: float
            achieved: float
            met: bool | None
            if row.kind == "not_modelled":
                required, achieved, met = row.value, math.nan, None
            elif row.kind in {"capacity_cut", "capacity_cap"}:
                running_cap = float(cap[sel, y].sum())
                if row.kind == "capacity_cut":
                    required, achieved = row.value, 1 - running_cap / base_cap
                    met = achieved >= required - REL_TOL
                else:
                    required, achieved = row.value, running_cap
                    met = achieved <= required * (1 + REL_TOL)
            elif row.kind == "intensity_cut":
                q = output[sel, y]
                avg = float((q * intensity[sel, y]).sum() / q.sum()) if q.sum() > 0 else 0.0
                required, achieved = row.value, (1 - avg / base_int if base_int else 0.0)
                met = achieved >= required - REL_TOL
            elif row.kind == "benchmark_share":
                w = cap[sel, y] * weights[sel]
                at = out[MEASURE_INDEX["at_benchmark"], sel, y] > 0.5
                required, achieved = row.value, float(w[at].sum() / w.sum()) if w.sum() > 0 else 0.0
                met = achieved >= required - REL_TOL
            elif row.kind == "baseline_clear":
                worse = out[MEASURE_INDEX["worse_than_baseline"], sel, y] > 0.5
                required, achieved = row.value, float(cap[sel, y][worse].sum())
                met = achieved <= required + REL_TOL * max(base_cap, 1.0)
            elif row.kind == "clean_energy_mw":
                required, achieved = row.value, float(out[MEASURE_INDEX["pv_mw"], sel, y].sum())
                met = achieved >= required * (1 - REL_TOL)
            elif row.kind == "attribute_share":
                bit = (
                    1 << arrs.attribute_names.index(row.attribute)
                    if row.attribute in arrs.attribute_names
                    else 0
                )
                bits = out[MEASURE_INDEX["attr_bits"], sel, y].astype(np.int64)
                holders = int(((bits & bit) > 0).sum()) if bit else 0
                required, achieved = row.value, holders / max(int(sel.sum()), 1)
                met = achieved >= required - REL_TOL
            elif row.kind in {"emissions_cap", "emissions_cut", "emissions_peak"}:
                achieved = float(co2[in_scope, y].sum())
                if row.kind == "emissions_cap":
                    required = row.value
                elif row.kind == "emissions_cut":
                    required = (1 - row.value) * base_co2
                else:
                    earlier = [base_co2] + ([float(co2[in_scope, col[prev[t]]].sum())] if t in prev else [])
                    required = min(earlier)
                met = achieved <= required * (1 + REL_TOL) + 1e-6
            elif row.kind == "capex_budget":
                spent = out[MEASURE_INDEX["capex_cny"]][in_scope].sum()
                required, achieved = row.value, float(spent)
                met = achieved <= required * (1 + REL_TOL)
            elif row.kind == "size_exit":
                # the size (t/d) of the largest small line still running: 0 once all have exited
                small = sel & (arrs.lines.size_t_per_day <= row.value) & ~arrs.is_new & (cap[:, y] > 0)
                required = 0.0
                achieved = float(arrs.lines.size_t_per_day[small].max()) if small.any() else 0.0
                met = not small.any()
            elif row.kind == "replacement_ratio":
                new_cap = float(cap[in_scope & arrs.is_new, y].sum()) if y is not None else 0.0
                retired = float(
                    arrs.lines.capacity_per_year[in_scope & ~arrs.is_new & (arrs.retire_year <= t)].sum()
                )
                required = row.value
                # nothing built: no ratio to check (shown as "no new build"), not an infinite one
                achieved = retired / new_cap if new_cap > 0 else math.nan
                met = new_cap == 0 or achieved >= required - REL_TOL
            elif row.kind == "projects_min":
                span = periods.get(t, (t,))
                started = out[MEASURE_INDEX["projects_started"]][
                    np.ix_(in_scope, np.array([col[s] for s in span]))
                ]
                required, achieved = row.value, float(started.sum()) / len(span)
                met = achieved >= required - REL_TOL
            elif row.kind == "operating_days_max":
                span_cols = np.array([col[s] for s in years if s >= t])
                days = arrs.operating_days[np.ix_(in_scope, span_cols)]
                run = running[np.ix_(in_scope, span_cols)]
                required, achieved = row.value, float(days[run].max()) if run.any() else 0.0
                met = achieved <= required + 1e-6
            else:  # pragma: no cover - kinds are validated on load
                raise ValueError(f"unknown target kind {row.kind}")
            rows.append(
                {
                    "target_id": row.target_id,
                    "group": row.group,
                    "year": t,
                    "kind": row.kind,
                    "scope": ";".join(row.sectors),
                    "required": required,
                    "achieved": achieved,
                    "unit": row.unit,
                    "met": met,
                    "hard": row.hard,
                    "source": citation(instance.documents, row.document, row.clause, "zh"),
                    "description": row.description,
                    "source_en": citation(instance.documents, row.document, row.clause, "en"),
                    "description_zh": row.description_zh or row.description,
                }
            )
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def all_hard_met(frame: pd.DataFrame) -> bool:
    hard = frame[frame["hard"] & frame["met"].notna()]
    return bool(hard["met"].astype(bool).all())


__all__ = ["NEVER", "TARGET_COLUMNS", "all_hard_met", "check_targets"]
