"""Base-year summary per sector, from the exact evaluator (what ``optimize info`` prints)."""

from __future__ import annotations

import numpy as np

from optimizer.data.instance import Instance
from optimizer.evaluator.api import evaluate
from optimizer.evaluator.plan import Plan


def base_year_summary(instance: Instance) -> list[dict]:
    """One dict per sector: lines, capacity, output, capacity-weighted intensity, emissions,
    share of capacity at the benchmark and share worse than the baseline (base year)."""
    evaluation = evaluate(instance, Plan.business_as_usual(instance))
    v = evaluation.measure
    sectors = np.array(instance.lines["sector"])
    out = []
    for sector in instance.line_sectors:
        mask = (sectors == sector) & (v("running")[:, 0] > 0.5)
        cap = v("capacity_per_year")[mask, 0]
        intensity = v("intensity_kgce_per_unit")[mask, 0]
        total = float(cap.sum())
        unit = str(instance.sectors.loc[sector, "unit"])
        out.append(
            {
                "sector": sector,
                "name_en": str(instance.sectors.loc[sector, "name_en"]),
                "name_zh": str(instance.sectors.loc[sector, "name_zh"]),
                "unit": unit,
                "lines": int(mask.sum()),
                "capacity_per_year": total,
                f"capacity_{unit}_per_year": total,
                "output_per_year": float(v("output_units")[mask, 0].sum()),
                "intensity_kgce_per_unit": float((cap * intensity).sum() / total) if total else 0.0,
                "energy_tce": float(v("energy_kgce")[mask, 0].sum() / 1000.0),
                "emissions_tco2": float(v("total_co2_t")[mask, 0].sum()),
                "direct_co2_t": float(v("direct_co2_t")[mask, 0].sum()),
                "share_at_benchmark": float(cap[v("at_benchmark")[mask, 0] > 0.5].sum() / total)
                if total
                else 0.0,
                "share_below_baseline": float(cap[v("worse_than_baseline")[mask, 0] > 0.5].sum() / total)
                if total
                else 0.0,
            }
        )
    return out


def real_plants_summary(instance: Instance) -> list[dict]:
    """Per sector: how much of the fleet is real plants (a GEM plant id) and how it was calibrated.

    ``gem_reported_t`` is the capacity GEM itself reports for the plants (before scaling),
    ``imputed_share`` the share of the unscaled capacity imputed by the rules of
    :mod:`optimizer.data.gem_fleet`, ``scale_factor`` the capacity-weighted factor applied to
    meet the published aggregate (``scale_min``/``scale_max`` differ only when several
    provinces are mixed, as in ``national``)."""
    lines = instance.lines
    out = []
    for sector in instance.line_sectors:
        sub = lines[lines["sector"] == sector]
        capacity = sub["capacity_per_year"].astype(float)
        gem_ids = sub.get("gem_plant_id", None)
        real = gem_ids.fillna("").astype(str).str.len() > 0 if gem_ids is not None else capacity < 0
        row: dict = {
            "sector": sector,
            "lines": len(sub),
            "real_lines": int(real.sum()),
            "real_plants": int(gem_ids[real].nunique()) if gem_ids is not None else 0,
            "real_capacity_share": float(capacity[real].sum() / capacity.sum()) if capacity.sum() else 0.0,
        }
        if real.any():
            scale = sub.loc[real, "capacity_scale"].astype(float).fillna(1.0)
            unscaled = capacity[real] / scale
            reported = sub.loc[real, "capacity_basis"] == "reported"
            row.update(
                gem_reported_t=float(unscaled[reported].sum()),
                imputed_share=float(unscaled[~reported].sum() / unscaled.sum()),
                scale_factor=float(capacity[real].sum() / unscaled.sum()),
                scale_min=float(scale.min()),
                scale_max=float(scale.max()),
            )
        out.append(row)
    return out
