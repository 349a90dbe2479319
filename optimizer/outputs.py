"""Result tables written by a run: plan.csv, targets.csv, kpis.csv, summary.json.

Everything is written into a temporary folder next to the destination and renamed into place
at the end, so a failed run never leaves half-written results, and an existing folder is never
overwritten.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.evaluator.api import Evaluation
from optimizer.evaluator.kernels import YEARLY_COST_MEASURES
from optimizer.evaluator.plan import NEVER, Plan

PLAN_COLUMNS = [
    "line_id",
    "company",
    "city",
    "province",  # where a national plan's line (and replacement line) stands
    "sector",
    "year",
    "action",
    "technologies",
    "new_technologies",
    "operating_days",
    "capacity_per_year",
    "output_units",
    "intensity_kgce_per_unit",
    "total_co2_t",
    "capex_cny",
    "cost_cny",
]


RESOURCE_COLUMNS = ["resource", "province", "year", "used", "available", "unit", "share_used", "within"]


def resource_table(instance, evaluation: Evaluation, plan: Plan) -> pd.DataFrame:
    """resources.csv: per supply pool, province and year, what the plan uses against supply.

    used = Σ over the lines of the province of the evaluator's use that year
    (:func:`optimizer.models.data.pool_use`: carbide_slag_t, raw substitutes other than carbide
    slag, alt_fuel_tce), the figures the model limits per package; ``within`` says whether
    used ≤ available (relative tolerance 1e-6).
    """
    from optimizer.models.data import POOL_UNITS, pool_use, supply_limits

    limits = supply_limits(instance)
    if not limits:
        return pd.DataFrame(columns=RESOURCE_COLUMNS)
    years = [int(y) for y in evaluation.arrays.years]
    col = {y: i for i, y in enumerate(years)}
    use = pool_use(evaluation)
    provinces = np.asarray(evaluation.arrays.provinces)
    rows = []
    for (pool, where, year), available in sorted(limits.items()):
        if year not in col:
            continue
        members = np.ones(len(provinces), dtype=bool) if where == "*" else provinces == where
        used = float(use[pool][members, col[year]].sum())
        rows.append(
            {
                "resource": pool,
                "province": where,
                "year": year,
                "used": used,
                "available": available,
                "unit": POOL_UNITS[pool],
                "share_used": used / available if available > 0 else (0.0 if used == 0 else float("inf")),
                "within": used <= available * (1 + 1e-6) + 1e-6,
            }
        )
    return pd.DataFrame(rows, columns=RESOURCE_COLUMNS)


def default_out_dir(instance_name: str, root: Path | None = None) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = (root or Path.cwd() / "runs") / f"{instance_name}-{stamp}"
    out, n = base, 1
    while out.exists():
        n += 1
        out = base.with_name(f"{base.name}-{n}")
    return out


def plan_table(evaluation: Evaluation, plan: Plan) -> pd.DataFrame:
    """One row per line and calendar year: what happens, with the evaluator's figures."""
    arrs = evaluation.arrays
    years = [int(y) for y in arrs.years]
    tech_ids = arrs.tech_ids
    v = evaluation.measure
    running = v("running") > 0.5
    rows = []
    n_old = arrs.n_existing
    costs: np.ndarray = np.sum(
        [
            v(m)
            for m in (
                "capex_cny",
                *YEARLY_COST_MEASURES,
            )
        ],
        axis=0,
    )
    for i in range(arrs.n_lines):
        for c, year in enumerate(years):
            held = [
                tech_ids[k]
                for k in range(len(tech_ids))
                if arrs.adopt_year[i, k] <= year < arrs.retire_year[i] and not arrs.lines.preinstalled[i, k]
            ]
            new = [
                tech_ids[k]
                for k in range(len(tech_ids))
                if arrs.adopt_year[i, k] == year < arrs.retire_year[i] and not arrs.lines.preinstalled[i, k]
            ]
            if i >= n_old:
                start = int(arrs.lines.start_year[i])
                if year < start:
                    continue
                action = "new_build" if year == start else "keep"
            elif year >= arrs.retire_year[i]:
                exit_action = "swap_out" if plan.swapped[i] else "retire"
                action = exit_action if year == arrs.retire_year[i] else "retired"
            else:
                action = "retrofit" if new else "keep"
            rows.append(
                {
                    "line_id": arrs.line_ids[i],
                    "company": arrs.companies[i],
                    "city": arrs.cities[i],
                    "province": arrs.provinces[i],
                    "sector": arrs.sector_names[arrs.sector_index[i]],
                    "year": year,
                    "action": action,
                    "technologies": ";".join(held),
                    "new_technologies": ";".join(new),
                    "operating_days": float(arrs.operating_days[i, c]) if running[i, c] else 0.0,
                    "capacity_per_year": float(v("capacity_per_year")[i, c]),
                    "output_units": float(v("output_units")[i, c]),
                    "intensity_kgce_per_unit": float(v("intensity_kgce_per_unit")[i, c]),
                    "total_co2_t": float(v("total_co2_t")[i, c]),
                    "capex_cny": float(v("capex_cny")[i, c]),
                    "cost_cny": float(costs[i, c]),
                }
            )
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def write_outputs(out: Path, tables: dict[str, pd.DataFrame], summary: dict) -> Path:
    """Write every table and the summary atomically into the new folder ``out``."""
    if out.exists():
        raise FileExistsError(f"{out} already exists; choose a new --out (nothing is overwritten)")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for name, frame in tables.items():
            frame.to_csv(tmp / f"{name}.csv", index=False)
        (tmp / "summary.json").write_text(
            json.dumps(_jsonable(summary), indent=2, ensure_ascii=False), encoding="utf-8"
        )
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        f = float(value)
        return None if not np.isfinite(f) else f
    if isinstance(value, np.bool_):
        return bool(value)
    return value


__all__ = ["NEVER", "PLAN_COLUMNS", "default_out_dir", "plan_table", "write_outputs"]
